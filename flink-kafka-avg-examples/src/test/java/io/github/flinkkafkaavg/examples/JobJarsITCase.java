package io.github.flinkkafkaavg.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each shaded job JAR (built by the package phase) holds its own job and only what it needs, and says how to run. */
class JobJarsITCase {

    private static final Set<String> JOBS = Set.of("SensorAverageJob", "WindowedCountJob", "MovingAverageJob",
            "DynamicPricingJob", "LogLatencyJob", "SqlAverageJob");

    @ParameterizedTest
    @CsvSource({"sensor-job, SensorAverageJob, false", "windowed-count-job, WindowedCountJob, false",
            "moving-average-job, MovingAverageJob, false", "dynamic-pricing-job, DynamicPricingJob, true",
            "log-latency-job, LogLatencyJob, false", "sql-job, SqlAverageJob, false"})
    void holdsItsOwnJobOnlyAndNamesItForFlinkRun(String classifier, String job, boolean cep) throws IOException {
        Path jar = LocalClusterITCase.jobJar("-" + classifier + ".jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            Set<String> names = file.stream().map(e -> e.getName()).collect(Collectors.toSet());
            Set<String> jobsInside = JOBS.stream()
                    .filter(j -> names.contains("io/github/flinkkafkaavg/examples/" + j + ".class"))
                    .collect(Collectors.toSet());
            assertThat(jobsInside).containsExactly(job);
            assertThat(names).doesNotContain("io/github/flinkkafkaavg/examples/Demo.class",
                    "io/github/flinkkafkaavg/examples/SensorDataGenerator.class", "log4j2-demo.properties");
            assertThat(names.stream().anyMatch(n -> n.startsWith("io/github/flinkkafkaavg/examples/cluster/"))).isFalse();
            assertThat(names.stream().anyMatch(n -> n.startsWith("org/apache/flink/cep/"))).isEqualTo(cep);
            assertThat(names).contains("io/github/flinkkafkaavg/connectors/SlidingAverage.class",
                    "org/apache/flink/connector/kafka/sink/KafkaSink.class");
            boolean sql = job.equals("SqlAverageJob");
            assertThat(names.contains("io/github/flinkkafkaavg/sql/SlidingAverageFunction.class")).as("SQL functions")
                    .isEqualTo(sql);
            if (sql) {
                assertThat(names).contains(SqlAverageJob.SCRIPT);
                String factories = new String(file.getInputStream(file.getEntry(
                        "META-INF/services/org.apache.flink.table.factories.Factory")).readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertThat(factories).contains("org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory",
                        "org.apache.flink.streaming.connectors.kafka.table.UpsertKafkaDynamicTableFactory");
            }
            assertThat(file.getManifest().getMainAttributes().getValue("program-class"))
                    .isEqualTo("io.github.flinkkafkaavg.examples." + job);
            assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(RunWithFlink.class.getName());
        }
    }

    @ParameterizedTest
    @CsvSource({"sensor-job, SensorAverageJob", "dynamic-pricing-job, DynamicPricingJob"})
    void startedWithJavaDashJarItSaysHowToRunIt(String classifier, String job) throws Exception {
        Path jar = LocalClusterITCase.jobJar("-" + classifier + ".jar");
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "-jar", jar.toString(), "--help"))
                .redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).isEqualTo(RunWithFlink.howToRun(jar.getFileName().toString(),
                "io.github.flinkkafkaavg.examples." + job) + "\n");
    }
}
