package io.github.flinkkafkaavg.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.github.flinkkafkaavg.connectors.Secret;
import io.github.flinkkafkaavg.testkit.EmbeddedPostgres;
import io.github.flinkkafkaavg.testkit.EmbeddedPostgresExtension;

class SensorAverageJobITCase {

    private static final long WINDOW = 10_000;
    private static final long SLIDE = 2_000;
    private static final long MAX_DISORDER = 1_500;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final EmbeddedPostgresExtension POSTGRES = new EmbeddedPostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void slidingAveragesReachKafkaExactlyOnceAndEqualAnIndependentComputation() throws Exception {
        List<SensorReading> readings = generate(new Random(42), 3_000, 7);
        String output = run(readings, null);

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(KAFKA.bootstrapServers(), output, true);
        Map<String, Expected> expected = expected(readings, WINDOW, SLIDE);
        assertThat(records).hasSize(expected.size());

        Map<String, WindowAverage<String>> actual = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            WindowAverage<String> result = WindowAverageJson.fromJson(record.value());
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(result.key());
            assertThat(record.timestamp()).isEqualTo(result.windowEnd() - 1);
            WindowAverage<String> previous = actual.put(id(result.key(), result.windowStart()), result);
            assertThat(previous).as("duplicate result for %s", result).isNull();
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, e) -> {
            WindowAverage<String> a = actual.get(id);
            assertWindow(id, e, a.windowStart(), a.windowEnd(), a.count(), a.min(), a.max(), a.average());
        });
    }

    /** With {@code --jdbc-url} every window is also one row of a real PostgreSQL table, equal to the oracle's. */
    @Test
    void withADatabaseEveryWindowIsAlsoARowInPostgres() throws Exception {
        List<SensorReading> readings = generate(new Random(7), 2_000, 5);
        EmbeddedPostgres db = POSTGRES.database();
        run(readings, new SensorAverageJob.Database(db.jdbcUrl(), "sensor_averages", db.user(), Secret.of(db.password())));

        Map<String, Expected> expected = expected(readings, WINDOW, SLIDE);
        List<Map<String, Object>> rows = db.query("SELECT * FROM sensor_averages");
        assertThat(rows).hasSize(expected.size());
        for (Map<String, Object> row : rows) {
            String id = id((String) row.get("key"), (Long) row.get("window_start"));
            Expected e = expected.get(id);
            assertThat(e).as("a window of the oracle: %s", row).isNotNull();
            assertWindow(id, e, (Long) row.get("window_start"), (Long) row.get("window_end"), (Long) row.get("count"),
                    (Double) row.get("min"), (Double) row.get("max"), (Double) row.get("average"));
        }
    }

    /** Writes {@code readings} to a new topic and runs the job over them, bounded; returns the output topic. */
    private static String run(List<SensorReading> readings, SensorAverageJob.Database database) throws Exception {
        String input = "readings-" + UUID.randomUUID();
        String output = "averages-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(input, 2);
        KAFKA.cluster().createTopic(output, 2);
        produceJson(input, readings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SensorAverageJob.build(env, new SensorAverageJob.Settings(KAFKA.bootstrapServers(), input, output,
                "it-" + UUID.randomUUID(), Duration.ofMillis(WINDOW), Duration.ofMillis(SLIDE),
                Duration.ofMillis(MAX_DISORDER), Duration.ofMillis(300), 2, true, null, null, null, database));
        env.execute("sensor average IT");
        return output;
    }

    /** One result against its window of the oracle: exact count, min and max, average within 1e-12. */
    private static void assertWindow(String id, Expected e, long start, long end, long count, double min, double max,
            double average) {
        assertThat(end).as(id).isEqualTo(start + WINDOW);
        assertThat(count).as(id).isEqualTo(e.count);
        assertThat(min).as(id).isEqualTo(e.min);
        assertThat(max).as(id).isEqualTo(e.max);
        BigDecimal exactAverage = e.sum.divide(BigDecimal.valueOf(e.count), MathContext.DECIMAL128);
        assertThat(relativeError(average, exactAverage)).as(id).isLessThan(1e-12);
    }

    /** Readings of a few sensors, one every ~10 ms of event time, shuffled within the watermark bound. */
    static List<SensorReading> generate(Random random, int count, int sensors) {
        List<SensorReading> readings = new ArrayList<>();
        long base = 1_764_000_000_000L + 777; // not aligned to the slide, so windows start mid-stream
        for (int i = 0; i < count; i++) {
            long ts = base + i * 10L + random.nextInt((int) MAX_DISORDER);
            double value = Math.round((15 + random.nextGaussian() * 5) * 1000) / 1000.0;
            readings.add(new SensorReading("sensor-" + random.nextInt(sensors), value, ts));
        }
        return readings;
    }

    private static void produceJson(String topic, List<SensorReading> readings) {
        Properties props = KAFKA.cluster().clientProperties();
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (SensorReading r : readings) {
                producer.send(new ProducerRecord<>(topic, r.sensorId(), String.format(java.util.Locale.ROOT,
                        "{\"sensorId\":\"%s\",\"value\":%s,\"timestamp\":%d}", r.sensorId(), Double.toString(r.value()), r.timestamp())));
            }
        }
    }

    /** One window of the BigDecimal oracle. */
    static final class Expected {
        long count;
        BigDecimal sum = BigDecimal.ZERO;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
    }

    /** Every window [k*slide, k*slide + window) that holds a reading, by id(), computed by brute force with BigDecimal. */
    static Map<String, Expected> expected(List<SensorReading> readings, long window, long slide) {
        Map<String, Expected> windows = new TreeMap<>();
        for (SensorReading r : readings) {
            long lastStart = Math.floorDiv(r.timestamp(), slide) * slide;
            for (long start = lastStart; start > r.timestamp() - window; start -= slide) {
                Expected e = windows.computeIfAbsent(id(r.sensorId(), start), k -> new Expected());
                e.count++;
                e.sum = e.sum.add(new BigDecimal(r.value()));
                e.min = Math.min(e.min, r.value());
                e.max = Math.max(e.max, r.value());
            }
        }
        return windows;
    }

    static String id(String key, long windowStart) {
        return key + "@" + windowStart;
    }

    private static double relativeError(double actual, BigDecimal exact) {
        if (exact.signum() == 0) {
            return Math.abs(actual);
        }
        return new BigDecimal(actual).subtract(exact).abs().divide(exact.abs(), MathContext.DECIMAL64).doubleValue();
    }
}
