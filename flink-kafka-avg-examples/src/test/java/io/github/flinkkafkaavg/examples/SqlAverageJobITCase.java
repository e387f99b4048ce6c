package io.github.flinkkafkaavg.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

/**
 * The SQL example end to end: JSON readings in a Kafka topic, the bundled script (kafka table → SLIDING_AVERAGE →
 * upsert-kafka table; late readings and records that are not readings → topics of their own) run by
 * {@link SqlAverageJob} on a MiniCluster against the embedded broker; the output topic checked window by window
 * against a BigDecimal computation of the readings, the other two against what was sent: every record accounted
 * for once.
 */
class SqlAverageJobITCase {

    private static final long WINDOW = 4_000;
    private static final long SLIDE = 1_000;
    private static final long MAX_DISORDER = 1_500;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void theBundledScriptWritesEveryWindowOnceWithExactSumsUnderItsKey() throws Exception {
        String input = "readings-" + UUID.randomUUID();
        String output = "sensor-averages-" + UUID.randomUUID();
        String deadLetters = "readings-dlq-" + UUID.randomUUID();
        String late = "readings-late-" + UUID.randomUUID();
        for (String topic : List.of(input, output, deadLetters, late)) {
            KAFKA.cluster().createTopic(topic, 2);
        }
        List<SensorReading> readings = new ArrayList<>(SensorAverageJobITCase.generate(new Random(11), 2_000, 5));
        SensorReading last = readings.get(readings.size() - 1);
        // a reading a minute behind the others: late, if a watermark has reached it by then
        SensorReading lateReading = new SensorReading(last.sensorId(), 99.5, last.timestamp() - 60_000);
        List<String> notReadings = produce(input, readings, lateReading);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SqlAverageJob.run(env, new SqlAverageJob.Settings(KAFKA.bootstrapServers(), input, output, deadLetters, late,
                "sql-it-" + UUID.randomUUID(), Duration.ofMillis(WINDOW), Duration.ofMillis(SLIDE),
                Duration.ofMillis(MAX_DISORDER), Duration.ofMinutes(59), Duration.ofMillis(500), 2, true,
                SqlAverageJob.bundledScript()))
                .await(180, TimeUnit.SECONDS);

        Map<String, JsonNode> latest = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(KAFKA.bootstrapServers(), output, false)) {
            JsonNode key = JSON.readTree(record.key());
            JsonNode value = JSON.readTree(record.value());
            assertThat(key.get("sensorId")).isEqualTo(value.get("sensorId"));
            assertThat(key.get("window_start")).isEqualTo(value.get("window_start"));
            assertThat(key.get("window_end")).isEqualTo(value.get("window_end"));
            latest.put(SensorAverageJobITCase.id(value.get("sensorId").asText(), Instant.parse(value.get("window_start").asText()).toEpochMilli()),
                    value);
        }
        assertThat(lines(deadLetters)).as("every record that is not a reading, as it came")
                .containsExactlyInAnyOrderElementsOf(notReadings);
        List<String> lateLines = lines(late);
        assertThat(lateLines).as("late readings").isSubsetOf(json(lateReading));
        if (lateLines.isEmpty()) {
            readings.add(lateReading); // no watermark had passed it yet: an on-time reading, averaged
        }
        System.out.printf("SQL script: %d dead letters, %d late reading(s)%n", notReadings.size(), lateLines.size());

        Map<String, SensorAverageJobITCase.Expected> expected = SensorAverageJobITCase.expected(readings, WINDOW, SLIDE);
        assertThat(latest.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, e) -> {
            JsonNode a = latest.get(id);
            assertThat(Instant.parse(a.get("window_end").asText()).toEpochMilli()
                    - Instant.parse(a.get("window_start").asText()).toEpochMilli()).as(id).isEqualTo(WINDOW);
            assertThat(a.get("cnt").asLong()).as(id).isEqualTo(e.count);
            assertThat(a.get("sum").asDouble()).as(id).isEqualTo(e.sum.doubleValue());
            assertThat(a.get("min").asDouble()).as(id).isEqualTo(e.min);
            assertThat(a.get("max").asDouble()).as(id).isEqualTo(e.max);
        });
    }

    /**
     * The readings as JSON keyed by sensor; in the middle seven records that are not readings — a NULL value, no
     * time, a value that is text, a time a year ahead, times at both ends of long, a line that is not JSON — and
     * {@code late} last. Returns the seven.
     */
    private static List<String> produce(String topic, List<SensorReading> readings, SensorReading late) {
        Properties props = KAFKA.cluster().clientProperties();
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        SensorReading middle = readings.get(readings.size() / 2);
        List<String> notReadings = List.of(
                String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"value\":null,\"timestamp\":%d}",
                        middle.sensorId(), middle.timestamp()),
                String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"value\":21.5}", middle.sensorId()),
                String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"value\":\"warm\",\"timestamp\":%d}",
                        middle.sensorId(), middle.timestamp()),
                json(new SensorReading(middle.sensorId(), 21.5, System.currentTimeMillis() + 365L * 86_400_000L)),
                json(new SensorReading(middle.sensorId(), 21.5, Long.MAX_VALUE)),
                json(new SensorReading(middle.sensorId(), 21.5, Long.MIN_VALUE)),
                "sensor-1;21.5;" + middle.timestamp());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < readings.size(); i++) {
                if (i == readings.size() / 2) {
                    notReadings.forEach(line -> producer.send(new ProducerRecord<>(topic, middle.sensorId(), line)));
                }
                producer.send(new ProducerRecord<>(topic, readings.get(i).sensorId(), json(readings.get(i))));
            }
            producer.send(new ProducerRecord<>(topic, late.sensorId(), json(late)));
        }
        return notReadings;
    }

    private static String json(SensorReading r) {
        return String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"value\":%s,\"timestamp\":%d}", r.sensorId(),
                Double.toString(r.value()), r.timestamp());
    }

    private static List<String> lines(String topic) {
        List<String> lines = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(KAFKA.bootstrapServers(), topic, false)) {
            lines.add(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return lines;
    }
}
