package io.github.flinkkafkaavg.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.examples.cluster.LocalFlinkCluster;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.EmbeddedPostgresExtension;
import io.github.flinkkafkaavg.testkit.ExpectedWindows;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sensor job's shaded JAR, unchanged, on a real standalone cluster: a JobManager and two TaskManagers as separate
 * JVMs started from Flink's jars, the job submitted with Flink's CLI at parallelism 2 against a broker in its own
 * JVM. Mid-run one TaskManager is killed with SIGKILL; the job must recover from its last checkpoint, and the
 * read_committed output must still hold every window exactly once, as a BigDecimal computation says. With
 * {@code --jdbc-url} the same JAR also writes to a real PostgreSQL, its password read from an environment variable
 * set on each process as a deployment would: the table must hold the same windows, one row each.
 */
class LocalClusterITCase {

    private static final int RECORDS = 40_000;
    private static final int SENSORS = 20;
    private static final long BASE = 1_764_000_000_000L;
    private static final long WINDOW = 10_000;
    private static final long SLIDE = 2_000;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final EmbeddedPostgresExtension POSTGRES = new EmbeddedPostgresExtension(b -> b.user("averages", "cluster-pw"));

    @Test
    void theSensorJobJarRunsOnAStandaloneClusterAndSurvivesLosingATaskManager() throws Exception {
        Path jar = jobJar("-sensor-job.jar");
        String input = "cluster-readings";
        String output = "cluster-averages";
        String late = "cluster-late";
        KAFKA.cluster().createTopic(input, 4);
        KAFKA.cluster().createTopic(output, 2);
        KAFKA.cluster().createTopic(late, 1);
        List<String[]> readings = readings(new Random(17)); // sensor, json

        try (LocalFlinkCluster cluster = LocalFlinkCluster.start(2, 2, Map.of(
                "restart-strategy.type", "fixed-delay",
                "restart-strategy.fixed-delay.attempts", "30",
                "restart-strategy.fixed-delay.delay", "2 s"), Map.of("SENSOR_DB_PASSWORD", "cluster-pw"))) {
            String job = cluster.submit(jar, 2, List.of("--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--input-topic", input, "--output-topic", output, "--window", "10s", "--slide", "2s",
                    "--max-out-of-orderness", "1s", "--checkpoint-interval", "1s", "--late-topic", late,
                    "--jdbc-url", POSTGRES.database().jdbcUrl(), "--jdbc-table", "cluster_averages",
                    "--jdbc-user", "averages", "--jdbc-password-env", "SENSOR_DB_PASSWORD"));
            cluster.awaitJobState(job, "RUNNING", Duration.ofSeconds(60));

            AtomicInteger sent = new AtomicInteger();
            Thread generator = new Thread(() -> produce(input, readings, sent), "generator");
            generator.start();
            try {
                awaitMidRun(cluster, job, output, sent);
                cluster.killTaskManager(1);
            } finally {
                generator.join(120_000);
            }
            assertThat(sent.get()).isEqualTo(RECORDS);
            flush(input);

            ExpectedWindows expected = expected(readings);
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            List<ConsumerRecord<byte[], byte[]>> out = TopicReader.readAll(KAFKA.bootstrapServers(), output, true);
            while (out.size() < expected.size() && System.nanoTime() < deadline) {
                Thread.sleep(1_000);
                out = TopicReader.readAll(KAFKA.bootstrapServers(), output, true);
            }
            // One more checkpoint, so that a duplicate committed late would be seen too.
            long completed = cluster.checkpoints(job).path("counts").path("completed").asLong();
            while (cluster.checkpoints(job).path("counts").path("completed").asLong() <= completed
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            out = TopicReader.readAll(KAFKA.bootstrapServers(), output, true);

            JsonNode restored = cluster.checkpoints(job).path("latest").path("restored");
            assertThat(restored.isMissingNode() || restored.isNull()).as("restored from a checkpoint:\n%s",
                    cluster.logTails()).isFalse();
            assertThat(restored.path("is_savepoint").asBoolean()).isFalse();
            assertThat(cluster.jobState(job)).isEqualTo("RUNNING");
            assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), late, true)).as("late readings").isEmpty();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                WindowAverage<String> a = WindowAverageJson.fromJson(r.value());
                expected.observe(a.key(), a.windowStart(), a.windowEnd(), a.count(), a.average());
            }
            expected.assertExactlyOnce();

            // The table was flushed before the last checkpoint completed, so it holds at least what Kafka shows.
            ExpectedWindows rows = expected(readings);
            for (Map<String, Object> r : POSTGRES.database().query(
                    "SELECT key, window_start, window_end, count, average FROM cluster_averages")) {
                rows.observe((String) r.get("key"), (Long) r.get("window_start"), (Long) r.get("window_end"),
                        (Long) r.get("count"), (Double) r.get("average"));
            }
            rows.assertExactlyOnce();
            cluster.cancel(job);
        }
    }

    /** Waits until a third of the input is sent, a checkpoint has completed and results are committed. */
    private static void awaitMidRun(LocalFlinkCluster cluster, String job, String output, AtomicInteger sent)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (sent.get() < RECORDS / 3
                || cluster.checkpoints(job).path("counts").path("completed").asLong() < 1
                || TopicReader.readAll(KAFKA.bootstrapServers(), output, true).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no committed results within 90 s (" + sent.get() + " sent):\n"
                        + cluster.logTails());
            }
            Thread.sleep(200);
        }
        assertThat(sent.get()).as("still mid-run when the TaskManager goes").isLessThan(RECORDS * 3 / 4);
    }

    /** 40,000 readings of 20 sensors, 5 ms of event time apart, out of order by up to 0.8 s. */
    private static List<String[]> readings(Random random) {
        List<String[]> readings = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            String sensor = "sensor-" + random.nextInt(SENSORS);
            long ts = BASE + i * 5L - random.nextInt(800);
            double value = Math.round(random.nextGaussian() * 1e6) / 1e3;
            readings.add(new String[] {sensor, String.format(Locale.ROOT,
                    "{\"sensorId\":\"%s\",\"value\":%s,\"timestamp\":%d}", sensor, value, ts)});
        }
        return readings;
    }

    /** Sends at about 2,000 readings per second, so the run lasts ~20 s and a TaskManager can die in the middle. */
    private static void produce(String topic, List<String[]> readings, AtomicInteger sent) {
        var props = KAFKA.cluster().clientProperties();
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < readings.size(); i++) {
                producer.send(new ProducerRecord<>(topic, readings.get(i)[0], readings.get(i)[1]));
                if (i % 200 == 199) {
                    producer.flush();
                    sent.set(i + 1);
                    Thread.sleep(100);
                }
            }
            producer.flush();
            sent.set(readings.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One reading an hour ahead on every partition: the watermark passes all real windows, which then fire. */
    private static void flush(String topic) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.cluster().clientProperties(),
                new StringSerializer(), new StringSerializer())) {
            for (int p = 0; p < 4; p++) {
                producer.send(new ProducerRecord<>(topic, p, "flush", String.format(Locale.ROOT,
                        "{\"sensorId\":\"flush\",\"value\":0,\"timestamp\":%d}", BASE + RECORDS * 5L + 3_600_000)));
            }
        }
    }

    private static ExpectedWindows expected(List<String[]> readings) throws IOException {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        ExpectedWindows expected = new ExpectedWindows(WINDOW, SLIDE);
        for (String[] r : readings) {
            JsonNode json = mapper.readTree(r[1]);
            expected.add(r[0], json.get("timestamp").asLong(), new BigDecimal(json.get("value").asText()));
        }
        return expected;
    }

    /** The shaded job JAR the package phase built (the integration tests run after it). */
    static Path jobJar(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(Paths.get("target"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no *" + suffix + " in target/: run mvn verify"));
        }
    }
}
