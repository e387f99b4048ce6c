package io.github.flinkkafkaavg.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JAR a SQL user is given — {@code flink-kafka-avg-sql-VERSION-udf.jar}, built by this module's package phase —
 * serves {@code CREATE FUNCTION ... USING JAR} on its own: a separate JVM whose class path has Flink's table stack but
 * none of this project's classes registers SLIDING_AVERAGE from the JAR and averages 100 generated rows.
 */
class UdfJarITCase {

    private static final String PROGRAM = String.join("\n",
            "import org.apache.flink.table.api.EnvironmentSettings;",
            "import org.apache.flink.table.api.TableEnvironment;",
            "import org.apache.flink.types.Row;",
            "import org.apache.flink.util.CloseableIterator;",
            "public class UsingJar {",
            "  public static void main(String[] args) throws Exception {",
            "    try {",
            "      Class.forName(\"io.github.flinkkafkaavg.sql.SlidingAverageFunction\");",
            "      throw new IllegalStateException(\"the function is on the class path; the test would prove nothing\");",
            "    } catch (ClassNotFoundException expected) {",
            "    }",
            "    TableEnvironment t = TableEnvironment.create(EnvironmentSettings.inStreamingMode());",
            "    t.getConfig().set(\"parallelism.default\", \"1\");",
            "    t.executeSql(\"CREATE TEMPORARY FUNCTION SLIDING_AVERAGE AS"
                    + " 'io.github.flinkkafkaavg.sql.SlidingAverageFunction' USING JAR '\" + args[0] + \"'\");",
            "    t.executeSql(\"CREATE TABLE readings (sensor STRING, celsius DOUBLE, n BIGINT,"
                    + " ts AS TO_TIMESTAMP_LTZ(n * 100, 3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen',"
                    + " 'fields.sensor.length' = '1', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1',"
                    + " 'fields.n.end' = '100')\");",
            "    long rows = 0;",
            "    long counted = 0;",
            "    try (CloseableIterator<Row> it = t.executeSql(\"SELECT sensor, window_start, cnt FROM SLIDING_AVERAGE("
                    + "input => TABLE readings PARTITION BY sensor, on_time => DESCRIPTOR(ts),"
                    + " value_column => DESCRIPTOR(celsius), size => '1 s', slide => '1 s', uid => 'udf-jar')\")"
                    + ".collect()) {",
            "      while (it.hasNext()) {",
            "        rows++;",
            "        counted += (Long) it.next().getField(2);",
            "      }",
            "    }",
            "    System.out.println(\"windows=\" + rows + \" counted=\" + counted);",
            "  }",
            "}");

    @Test
    void theUdfJarAloneServesCreateFunctionUsingJar(@TempDir Path dir) throws Exception {
        Path jar;
        try (Stream<Path> files = Files.list(Paths.get("target"))) {
            jar = files.filter(f -> f.getFileName().toString().matches("flink-kafka-avg-sql-.*-udf\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no target/flink-kafka-avg-sql-*-udf.jar:"
                            + " run this test with mvn verify, after the package phase"));
        }
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("flink-kafka-avg-"))
                .collect(Collectors.joining(File.pathSeparator));
        Path program = dir.resolve("UsingJar.java");
        Files.writeString(program, PROGRAM);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Djava.io.tmpdir=" + tmp));
        for (String pkg : List.of("java.lang", "java.util", "java.lang.reflect", "java.net", "java.nio", "sun.nio.ch",
                "java.io", "java.time", "java.util.concurrent", "java.math")) {
            command.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", classPath, program.toString(), jar.toAbsolutePath().toUri().toString()));
        Path log = dir.resolve("out.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean ended = process.waitFor(180, TimeUnit.SECONDS);
            String output = read(log);
            assertThat(ended).as("the program ended within 3 minutes; it printed:%n%s", output).isTrue();
            assertThat(process.exitValue()).as("exit code; the program printed:%n%s", output).isZero();
            // the sequence puts rows 1..100 at 0.1 s .. 10 s: every row in exactly one 1 s window
            assertThat(output).as(output).contains("counted=100");
        } finally {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
