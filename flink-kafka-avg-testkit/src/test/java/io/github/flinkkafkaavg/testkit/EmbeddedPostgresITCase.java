package io.github.flinkkafkaavg.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A real PostgreSQL: it starts, demands the user's password, answers SQL, and leaves no process or file behind. */
class EmbeddedPostgresITCase {

    @Test
    void aRealServerThatWantsThePasswordAndLeavesNothingBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = ours(tmp);
        long pid;
        try (EmbeddedPostgres db = EmbeddedPostgres.builder().user("app", "s3cret'quote").database("readings").build()
                .start()) {
            pid = db.pid().orElseThrow();
            assertThat(ProcessHandle.of(pid)).as("the postmaster").isPresent();
            assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + db.port() + "/readings");
            // TCP only: no socket file in /tmp that a killed server would leave behind.
            assertThat(Path.of("/tmp/.s.PGSQL." + db.port())).doesNotExist();

            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "app", "s3cret'quote");
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (k text PRIMARY KEY, v double precision)");
                s.execute("INSERT INTO t VALUES ('a', 1.5), ('b', -2.0)");
                try (ResultSet r = s.executeQuery("SELECT current_user, version()")) {
                    r.next();
                    assertThat(r.getString(1)).isEqualTo("app");
                    assertThat(r.getString(2)).startsWith("PostgreSQL ");
                }
            }
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), "app", "wrong").close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");

            List<Map<String, Object>> rows = db.query("SELECT k, v FROM t ORDER BY k");
            assertThat(rows).containsExactly(Map.of("k", "a", "v", 1.5), Map.of("k", "b", "v", -2.0));
            db.execute("TRUNCATE t");
            assertThat(db.query("SELECT count(*) AS n FROM t")).containsExactly(Map.of("n", 0L));
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("postmaster after close").isFalse();
        assertThat(ours(tmp)).as("temporary folders after close").isEqualTo(before);
    }

    /** A JVM killed with SIGKILL runs no shutdown hook; the watcher still stops its server and deletes the folder. */
    @Test
    void aServerDoesNotOutliveAKilledJvm() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = ours(tmp);
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        // The forked test JVM may run from a manifest-only JAR; the class path itself is in this property then.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(javaBin.toString(), "-Djava.io.tmpdir=" + tmp, "-cp", classpath,
                EmbeddedPostgresChild.class.getName())
                .redirectErrorStream(true).start();
        long pid;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("postmaster ")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("the child's output:\n%s", seen).isNotNull();
            pid = Long.parseLong(line.substring("postmaster ".length()).trim());
            assertThat(ProcessHandle.of(pid)).as("the postmaster").isPresent();
        } finally {
            child.destroyForcibly(); // SIGKILL
            child.waitFor(30, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) || !ours(tmp).equals(before))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        Set<Path> left = new HashSet<>(ours(tmp));
        left.removeAll(before);
        // What the watcher should have done, done here when it did not, so that a failure leaves nothing either.
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        for (Path folder : left) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertThat(alive).as("postmaster alive after SIGKILL").isFalse();
        assertThat(left).as("temporary folders left after SIGKILL").isEmpty();
    }

    private static Set<Path> ours(Path tmp) throws Exception {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("flink-kafka-avg-postgres-"))
                    .collect(Collectors.toSet());
        }
    }
}
