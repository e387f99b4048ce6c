package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.core.WindowAverage;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.datasource.connections.JdbcConnectionProvider;

/**
 * The table behind {@link DatabaseOut}: its columns, the statements that create it and upsert a result, the check
 * {@code build} runs against the real table, and the Flink JDBC sink that writes it.
 */
final class DatabaseSink {

    /** The columns in order, with the PostgreSQL type each must have. */
    static final Map<String, String> COLUMNS = columns();

    private static final int LOGIN_TIMEOUT_SECONDS = 10;

    private DatabaseSink() {}

    private static Map<String, String> columns() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("key", "text");
        c.put("window_start", "bigint");
        c.put("window_end", "bigint");
        c.put("count", "bigint");
        c.put("average", "double precision");
        c.put("sum", "double precision");
        c.put("min", "double precision");
        c.put("max", "double precision");
        return c;
    }

    /** The columns of the primary key, which is also the upsert's conflict target. */
    static List<String> keyColumns(DatabaseOut out) {
        return out.mode == DatabaseOut.Mode.PER_WINDOW ? List.of("key", "window_start", "window_end") : List.of("key");
    }

    static String createTable(DatabaseOut out) {
        StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(out.table).append(" (");
        COLUMNS.forEach((name, type) -> sql.append(name).append(' ').append(type).append(" NOT NULL, "));
        return sql.append("PRIMARY KEY (").append(String.join(", ", keyColumns(out))).append("))").toString();
    }

    /**
     * The upsert: a row for a (key, window) — or a key — that is already there is replaced, so writing a result
     * twice leaves one row, and a re-fire replaces the earlier result of its window. For latest-per-key tables a
     * result of an older window than the stored one changes nothing.
     */
    static String upsert(DatabaseOut out) {
        List<String> names = new ArrayList<>(COLUMNS.keySet());
        List<String> key = keyColumns(out);
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(out.table).append(" (")
                .append(String.join(", ", names)).append(") VALUES (")
                .append(String.join(", ", names.stream().map(n -> "?").toList())).append(") ON CONFLICT (")
                .append(String.join(", ", key)).append(") DO UPDATE SET ");
        sql.append(String.join(", ", names.stream().filter(n -> !key.contains(n)).map(n -> n + " = EXCLUDED." + n)
                .toList()));
        if (out.mode == DatabaseOut.Mode.LATEST_PER_KEY) {
            sql.append(" WHERE ").append(out.table).append(".window_end <= EXCLUDED.window_end");
        }
        return sql.toString();
    }

    /** Flink's JDBC sink with this table's upsert, batching and retries; at-least-once (flushed on checkpoints). */
    static Sink<WindowAverage<String>> sink(DatabaseOut out) {
        return JdbcSink.<WindowAverage<String>>builder()
                .withQueryStatement(upsert(out), DatabaseSink::bind)
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchSize(out.batchRows)
                        .withBatchIntervalMs(out.batchInterval.toMillis())
                        .withMaxRetries(out.maxRetries)
                        .build())
                .buildAtLeastOnce(new SecretConnectionProvider(out.url, out.user, out.password));
    }

    private static void bind(PreparedStatement ps, WindowAverage<String> r) throws SQLException {
        ps.setString(1, r.key());
        ps.setLong(2, r.windowStart());
        ps.setLong(3, r.windowEnd());
        ps.setLong(4, r.count());
        ps.setDouble(5, r.average());
        ps.setDouble(6, r.sum());
        ps.setDouble(7, r.min());
        ps.setDouble(8, r.max());
    }

    /**
     * What {@code build} checks before the job exists: the database answers with these credentials, the table is
     * there (or created on request), has every column with its type, and a unique key on exactly the upsert's
     * conflict columns (without one PostgreSQL refuses {@code ON CONFLICT}). Each problem names the fix.
     */
    static void verify(DatabaseOut out, List<String> problems) {
        if (out.table == null) {
            problems.add("toDatabase: no table: DatabaseOut.postgres(\"" + out.url + "\").table(\"averages\")");
            return;
        }
        String password;
        try {
            password = out.password == null ? null : out.password.resolve();
        } catch (IllegalStateException e) {
            problems.add("toDatabase: " + e.getMessage());
            return;
        }
        try (Connection c = connect(out.url, out.user, password)) {
            // The table the upsert will write to: an unqualified name is the first one on the search_path, as
            // PostgreSQL resolves it, not any table of that name in any schema.
            String schema = null;
            String name = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
                ps.setString(1, out.table);
                try (ResultSet r = ps.executeQuery()) {
                    if (r.next()) {
                        schema = r.getString(1);
                        name = r.getString(2);
                    }
                }
            }
            if (name == null) {
                if (out.createTableIfMissing) {
                    try (Statement s = c.createStatement()) {
                        s.execute(createTable(out));
                    }
                    return;
                }
                problems.add("toDatabase: the table " + out.table + " does not exist in " + out.url + ": create it with "
                        + createTable(out) + " or call .createTableIfMissing()");
                return;
            }
            DatabaseMetaData meta = c.getMetaData();
            Map<String, String> found = new LinkedHashMap<>();
            try (ResultSet cols = meta.getColumns(null, pattern(meta, schema), pattern(meta, name), null)) {
                while (cols.next()) {
                    found.put(cols.getString("COLUMN_NAME"), cols.getString("TYPE_NAME"));
                }
            }
            List<String> wrong = new ArrayList<>();
            COLUMNS.forEach((column, type) -> {
                String actual = found.get(column);
                if (actual == null) {
                    wrong.add(column + " " + type + " is missing");
                } else if (!pgTypeName(type).equals(actual)) {
                    wrong.add(column + " is " + actual + ", not " + type);
                }
            });
            if (!wrong.isEmpty()) {
                problems.add("toDatabase: the table " + out.table + " does not fit the results: " + String.join("; ", wrong)
                        + ". Expected: " + createTable(out) + " (or a table of another name with .createTableIfMissing())");
                return;
            }
            if (!hasUniqueKey(meta, schema, name, new TreeSet<>(keyColumns(out)))) {
                problems.add("toDatabase: the table " + out.table + " has no primary key or unique index on ("
                        + String.join(", ", keyColumns(out)) + "), which the upsert needs: ALTER TABLE " + out.table
                        + " ADD PRIMARY KEY (" + String.join(", ", keyColumns(out)) + ")");
            }
        } catch (SQLException e) {
            problems.add("toDatabase: cannot use " + out.url + (out.user == null ? "" : " as user " + out.user) + ": "
                    + e.getMessage() + " (SQLState " + e.getSQLState() + ")" + hint(e.getSQLState()));
        }
    }

    /** {@code name} as a metadata search pattern that matches only itself ({@code _} is a wildcard there). */
    private static String pattern(DatabaseMetaData meta, String name) throws SQLException {
        String escape = meta.getSearchStringEscape();
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    private static String hint(String sqlState) {
        if (sqlState == null) {
            return "";
        }
        return switch (sqlState) {
            case "28P01", "28000" -> ": check .user(...) and .password(...)";
            case "08001", "08006" -> ": check the host and port of the URL and that PostgreSQL accepts connections";
            case "3D000" -> ": check the database name in the URL";
            case "42501" -> ": grant the user CREATE on the schema, or create the table beforehand";
            default -> "";
        };
    }

    private static String pgTypeName(String type) {
        return switch (type) {
            case "bigint" -> "int8";
            case "double precision" -> "float8";
            default -> type;
        };
    }

    private static boolean hasUniqueKey(DatabaseMetaData meta, String schema, String table, Set<String> columns)
            throws SQLException {
        Map<String, Set<String>> indexes = new LinkedHashMap<>();
        try (ResultSet r = meta.getIndexInfo(null, schema, table, true, false)) {
            while (r.next()) {
                String column = r.getString("COLUMN_NAME");
                if (column != null) {
                    indexes.computeIfAbsent(r.getString("INDEX_NAME"), k -> new TreeSet<>()).add(column);
                }
            }
        }
        return indexes.containsValue(columns);
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
        // The driver directly, not DriverManager: in a job JAR the driver is loaded by Flink's user-code class
        // loader, which DriverManager's registry, filled from the class loader of its first caller, may not know.
        Connection connection = new org.postgresql.Driver().connect(url, props);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + url, "08001");
        }
        return connection;
    }

    /**
     * Connections for the JDBC sink whose password is a {@link Secret}, resolved on the TaskManager when the
     * connection is made: an environment variable or file secret never enters the job graph.
     */
    static final class SecretConnectionProvider implements JdbcConnectionProvider {
        private static final long serialVersionUID = 1L;
        private final String url;
        private final String user;
        private final Secret password;
        private transient Connection connection;

        SecretConnectionProvider(String url, String user, Secret password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        @Override
        public Connection getConnection() {
            return connection;
        }

        @Override
        public boolean isConnectionValid() throws SQLException {
            return connection != null && connection.isValid(LOGIN_TIMEOUT_SECONDS);
        }

        @Override
        public Connection getOrEstablishConnection() throws SQLException {
            if (connection == null) {
                connection = connect(url, user, password == null ? null : password.resolve());
            }
            return connection;
        }

        @Override
        public void closeConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // closing a broken connection: nothing left to release
                } finally {
                    connection = null;
                }
            }
        }

        @Override
        public Connection reestablishConnection() throws SQLException {
            closeConnection();
            return getOrEstablishConnection();
        }
    }
}
