package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.connectors.internal.DeadLetterSerializer;
import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The builder end to end: real Kafka broker, MiniCluster, read_committed readers, exact expectations. */
class SlidingAverageITCase {

    private static final long WINDOW = 10_000;
    private static final long SLIDE = 2_000;
    private static final long BASE = 1_764_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** The typed pipeline most tests share; the builder is immutable, so each test specialises its own copy. */
    private static final SlidingAverage.Windowed<Reading> TEN_SECONDS_BY_TWO = SlidingAverage.of(Reading.class)
            .key(Reading::sensorId).value(Reading::celsius).eventTime(r -> r.time().toEpochMilli())
            .window(Duration.ofMillis(WINDOW)).slide(Duration.ofMillis(SLIDE))
            .maxOutOfOrderness(Duration.ofSeconds(2));

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // a single failure fails the test
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        return env;
    }

    /** Valid readings: 6 sensors, one every 10 ms of event time, up to 1.5 s out of order. */
    private static List<Reading> readings(Random random, int n) {
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ts = BASE + 333 + i * 10L - random.nextInt(1_500);
            double celsius = Math.round((20 + random.nextGaussian() * 4) * 1000) / 1000.0;
            out.add(new Reading("sensor-" + random.nextInt(6), celsius, Instant.ofEpochMilli(ts)));
        }
        return out;
    }

    private static byte[] json(Reading r) {
        return String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"celsius\":%s,\"time\":\"%s\"}", r.sensorId(),
                Double.toString(r.celsius()), r.time()).getBytes(StandardCharsets.UTF_8);
    }

    /** One of every kind of bad record the issue lists, numbered so each is unique. */
    private static byte[] malformed(int i) {
        String s = switch (i % 10) {
            case 0 -> "{\"sensorId\":\"s\",\"celsius\":";                                    // malformed JSON
            case 1 -> "{\"sensorId\":\"s\",\"celsius\":\"warm-" + i + "\",\"time\":1}";          // wrong type
            case 2 -> "{\"sensorId\":\"s\",\"time\":" + i + "}";                               // missing field
            case 3 -> "{\"sensorId\":\"s\",\"celsius\":\"NaN\",\"time\":" + i + "}";            // NaN
            case 4 -> "{\"sensorId\":\"s\",\"celsius\":\"Infinity\",\"time\":" + i + "}";       // Infinity
            case 5 -> "{\"sensorId\":\"s\",\"celsius\":1e999,\"time\":" + i + "}";              // overflows to infinity
            case 6 -> "{\"sensorId\":null,\"celsius\":1,\"time\":" + i + "}";                  // null key
            case 7 -> "{\"sensorId\":\"" + "x".repeat(5_000) + i + "\",\"celsius\":1,\"time\":1}"; // oversized
            case 8 -> "";                                                                       // empty payload
            default -> "[" + i + "]";                                                           // not an object
        };
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void produce(String topic, List<byte[][]> keyValues) {
        Properties props = KAFKA.cluster().clientProperties();
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(2 << 20));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[][] kv : keyValues) {
                producer.send(new ProducerRecord<>(topic, kv[0], kv[1]));
            }
        }
    }

    @Test
    void poisonPillsGoToTheDeadLetterTopicOnceEachAndEveryValidRecordCounts() throws Exception {
        String in = "in-" + UUID.randomUUID();
        String out = "out-" + UUID.randomUUID();
        String dlq = "dlq-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(in, 3);
        KAFKA.cluster().createTopic(out, 2);
        KAFKA.cluster().createTopic(dlq, 1);

        Random random = new Random(4);
        List<Reading> valid = readings(random, 1_500);
        List<byte[][]> records = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        int v = 0;
        int b = 0;
        while (v < valid.size() || b < 150) {
            if (b < 150 && (v == valid.size() || random.nextInt(10) == 0)) {
                byte[] value = malformed(b++);
                bad.add(new String(value, StandardCharsets.UTF_8));
                records.add(new byte[][] {("bad-" + b).getBytes(StandardCharsets.UTF_8), value});
            } else {
                Reading r = valid.get(v++);
                records.add(new byte[][] {r.sensorId().getBytes(StandardCharsets.UTF_8), json(r)});
            }
        }
        produce(in, records);

        StreamExecutionEnvironment env = env();
        TEN_SECONDS_BY_TWO
                .maxValueBytes(4_096)
                .fromKafka(KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers()).startingAtEarliest().bounded())
                .toKafka(KafkaOut.topic(out).header("producer", "poison-pill-test"))
                .deadLetters(KafkaOut.topic(dlq))
                .build(env);
        env.execute("poison pills"); // restart strategy none: any exception fails this call

        List<ConsumerRecord<byte[], byte[]>> letters = TopicReader.readAll(KAFKA.bootstrapServers(), dlq, true);
        assertThat(letters).hasSize(bad.size());
        assertThat(letters).extracting(r -> r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrderElementsOf(bad);
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            assertThat(header(letter, DeadLetterSerializer.REASON)).isNotBlank();
            assertThat(header(letter, DeadLetterSerializer.SOURCE_TOPIC)).isEqualTo(in);
            assertThat(Integer.parseInt(header(letter, DeadLetterSerializer.SOURCE_PARTITION))).isBetween(0, 2);
            assertThat(Long.parseLong(header(letter, DeadLetterSerializer.SOURCE_OFFSET))).isNotNegative();
            assertThat(new String(letter.key(), StandardCharsets.UTF_8)).startsWith("bad-");
        }
        List<ConsumerRecord<byte[], byte[]>> results = TopicReader.readAll(KAFKA.bootstrapServers(), out, true);
        assertThat(results).allSatisfy(r -> assertThat(header(r, "producer")).isEqualTo("poison-pill-test"));
        assertWindowsMatch(results, valid);
    }

    /**
     * A record too big to decode and too big for a default dead-letter topic (1 MiB) would fail the dead-letter sink,
     * and with it the job, on every restart. It is cut to the dead-letter limit and marked instead.
     */
    @Test
    void anOversizedRecordIsTruncatedOnTheDeadLetterTopicAndTheJobGoesOn() throws Exception {
        String in = "in-" + UUID.randomUUID();
        String out = "out-" + UUID.randomUUID();
        String dlq = "dlq-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(in, 2, (short) 1, Map.of("max.message.bytes", String.valueOf(3 << 20)));
        KAFKA.cluster().createTopic(out, 1);
        KAFKA.cluster().createTopic(dlq, 1); // the broker's default limit: 1 MiB
        List<Reading> valid = readings(new Random(9), 200);
        List<byte[][]> records = new ArrayList<>();
        for (Reading r : valid) {
            records.add(new byte[][] {r.sensorId().getBytes(StandardCharsets.UTF_8), json(r)});
        }
        byte[] huge = new byte[1_500_000];
        java.util.Arrays.fill(huge, (byte) 'x');
        records.add(100, new byte[][] {"huge".getBytes(StandardCharsets.UTF_8), huge});
        produce(in, records);

        StreamExecutionEnvironment env = env();
        TEN_SECONDS_BY_TWO
                .fromKafka(KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers()).startingAtEarliest().bounded())
                .toKafka(KafkaOut.topic(out))
                .deadLetters(KafkaOut.topic(dlq))
                .build(env);
        env.execute("oversized dead letter"); // restart strategy none: a failing dead-letter write fails this call

        List<ConsumerRecord<byte[], byte[]>> letters = TopicReader.readAll(KAFKA.bootstrapServers(), dlq, true);
        assertThat(letters).hasSize(1);
        ConsumerRecord<byte[], byte[]> letter = letters.get(0);
        assertThat(letter.value()).hasSize(DeadLetterSerializer.DEFAULT_MAX_VALUE_BYTES)
                .isEqualTo(java.util.Arrays.copyOf(huge, DeadLetterSerializer.DEFAULT_MAX_VALUE_BYTES));
        assertThat(header(letter, DeadLetterSerializer.TRUNCATED)).isEqualTo("true");
        assertThat(header(letter, DeadLetterSerializer.ORIGINAL_SIZE)).isEqualTo("1500000");
        assertThat(header(letter, DeadLetterSerializer.REASON)).contains("over the limit");
        assertWindowsMatch(TopicReader.readAll(KAFKA.bootstrapServers(), out, true), valid);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"typed JSON", "JSON field paths"})
    void countBasedMovingAverageEndToEnd(String input) throws Exception {
        String in = "in-" + UUID.randomUUID();
        String out = "out-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(in, 2);
        KAFKA.cluster().createTopic(out, 2);
        Random random = new Random(9);
        List<byte[][]> records = new ArrayList<>();
        List<String[]> sent = new ArrayList<>(); // {key, value}
        for (int i = 0; i < 800; i++) {
            String key = "k" + random.nextInt(5);
            String value = Double.toString(random.nextInt(100_000) / 100.0);
            sent.add(new String[] {key, value});
            String body = input.equals("typed JSON")
                    ? "{\"sensorId\":\"" + key + "\",\"celsius\":" + value + ",\"time\":" + (BASE + i) + "}"
                    : "{\"meta\":{\"device\":\"" + key + "\"},\"data\":[{\"v\":\"" + value + "\"}],\"ts\":" + (BASE + i) + "}";
            records.add(new byte[][] {key.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8)});
        }
        produce(in, records);

        StreamExecutionEnvironment env = env();
        KafkaIn source = KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers()).startingAtEarliest().bounded();
        if (input.equals("typed JSON")) {
            SlidingAverage.of(Reading.class).key(Reading::sensorId).value(Reading::celsius)
                    .eventTime(r -> r.time().toEpochMilli())
                    .lastN(7).fromKafka(source).toKafka(KafkaOut.topic(out)).build(env);
        } else {
            SlidingAverage.ofJson(JsonSerde.fields("$.meta.device", "$.data[0].v").timestamp("$.ts"))
                    .lastN(7).fromKafka(source).toKafka(KafkaOut.topic(out)).build(env);
        }
        env.execute("moving average");

        // Per key, results arrive in the order that key's records were written (one key, one partition).
        Map<String, List<JsonNode>> byKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(KAFKA.bootstrapServers(), out, true)) {
            JsonNode node = JSON.readTree(r.value());
            byKey.computeIfAbsent(node.get("key").asText(), k -> new ArrayList<>()).add(node);
        }
        Map<String, ArrayDeque<BigDecimal>> last = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String[] s : sent) {
            ArrayDeque<BigDecimal> q = last.computeIfAbsent(s[0], k -> new ArrayDeque<>());
            q.addLast(new BigDecimal(Double.parseDouble(s[1])));
            if (q.size() > 7) {
                q.removeFirst();
            }
            int index = seen.merge(s[0], 1, Integer::sum) - 1;
            JsonNode result = byKey.get(s[0]).get(index);
            BigDecimal exact = q.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(result.get("count").asInt()).isEqualTo(q.size());
            assertThat(relativeError(result.get("average").asDouble(),
                    exact.divide(BigDecimal.valueOf(q.size()), MathContext.DECIMAL128))).isLessThan(1e-12);
        }
        assertThat(byKey.values().stream().mapToInt(List::size).sum()).isEqualTo(sent.size());
    }

    @Test
    void applyAddsTheAveragingToAHandWrittenJob() throws Exception {
        List<Reading> valid = readings(new Random(21), 1_000);
        List<Reading> input = new ArrayList<>(valid);
        input.add(new Reading("sensor-1", Double.NaN, Instant.ofEpochMilli(BASE + 5_000)));
        input.add(new Reading(null, 1.0, Instant.ofEpochMilli(BASE + 5_000)));

        StreamExecutionEnvironment env = env();
        DataStream<Reading> readings = env.fromData(input, TypeInformation.of(Reading.class)).setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Reading>forBoundedOutOfOrderness(Duration.ofSeconds(2))
                        .withTimestampAssigner((r, ts) -> r.time().toEpochMilli())).setParallelism(1);
        SlidingAverage.Pipeline<Reading, WindowAverage<String>> pipeline = SlidingAverage.of(Reading.class)
                .key(Reading::sensorId).value(Reading::celsius)
                .window(Duration.ofMillis(WINDOW)).slide(Duration.ofMillis(SLIDE))
                .apply(readings);
        @SuppressWarnings("unchecked")
        DataStream<WindowAverage<String>> results = pipeline.results();
        DataStream<String> all = results.map(r -> "R" + WindowAverageKafkaSerializerBridge.json(r))
                .union(pipeline.invalidRecords().map(r -> "I" + r));
        List<String> lines = new ArrayList<>();
        try (var it = all.executeAndCollect("apply")) {
            it.forEachRemaining(lines::add);
        }
        List<ConsumerRecord<byte[], byte[]>> asRecords = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("R")) {
                asRecords.add(new ConsumerRecord<>("x", 0, 0, null, line.substring(1).getBytes(StandardCharsets.UTF_8)));
            }
        }
        assertThat(lines.stream().filter(l -> l.startsWith("I"))).hasSize(2);
        assertWindowsMatch(asRecords, valid);
    }

    @Test
    void aStreamThatStopsStillEmitsItsLastWindowsWithCloseWindowsWhenIdle() throws Exception {
        String in = "in-" + UUID.randomUUID();
        String out = "out-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(in, 2);
        KAFKA.cluster().createTopic(out, 2);
        List<Reading> valid = readings(new Random(5), 600);
        List<byte[][]> records = new ArrayList<>();
        for (Reading r : valid) {
            records.add(new byte[][] {r.sensorId().getBytes(StandardCharsets.UTF_8), json(r)});
        }
        produce(in, records);

        StreamExecutionEnvironment env = env();
        TEN_SECONDS_BY_TWO
                .closeWindowsWhenIdle(Duration.ofSeconds(2))
                // unbounded, and from the default position: the group has no committed offsets, so the earliest
                .fromKafka(KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers()).groupId("g-" + UUID.randomUUID()))
                .toKafka(KafkaOut.topic(out))
                .build(env);
        var job = env.executeAsync("close when idle");
        try {
            int expectedWindows = expectedWindows(valid).size();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            List<ConsumerRecord<byte[], byte[]>> results = List.of();
            while (System.nanoTime() < deadline) {
                results = TopicReader.readAll(KAFKA.bootstrapServers(), out, true);
                if (results.size() >= expectedWindows) {
                    break;
                }
                Thread.sleep(250); // polling a condition, bounded by the deadline
            }
            assertWindowsMatch(results, valid); // including the last windows, which only the silence closes
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void failOnErrorFailsTheJobAtTheFirstBadRecord() {
        String in = "in-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(in, 1); // one partition, so the bad record is offset 20 of partition 0
        List<byte[][]> records = new ArrayList<>();
        for (Reading r : readings(new Random(3), 20)) {
            records.add(new byte[][] {null, json(r)});
        }
        records.add(new byte[][] {null, "{oops".getBytes(StandardCharsets.UTF_8)});
        produce(in, records);
        StreamExecutionEnvironment env = env();
        env.setParallelism(1); // as many readers as partitions, which build(env) checks
        SlidingAverage.of(Reading.class).key(Reading::sensorId).value(Reading::celsius)
                .window(Duration.ofSeconds(10)).failOnError()
                .fromKafka(KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers()).startingAtEarliest().bounded())
                .toKafka(KafkaOut.topic("never-written").createIfMissing(1, (short) 1))
                .build(env);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> env.execute("strict"))
                .hasStackTraceContaining("record " + in + "-0@20 cannot be averaged (malformed JSON at line 1")
                .hasStackTraceContaining("and failOnError() is set");
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Map<String, BigDecimal[]> expectedWindows(List<Reading> valid) {
        Map<String, BigDecimal[]> expected = new TreeMap<>(); // id -> {count, sum}
        for (Reading r : valid) {
            long ts = r.time().toEpochMilli();
            for (long start = Math.floorDiv(ts, SLIDE) * SLIDE; start > ts - WINDOW; start -= SLIDE) {
                BigDecimal[] e = expected.computeIfAbsent(r.sensorId() + "@" + start,
                        k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
                e[0] = e[0].add(BigDecimal.ONE);
                e[1] = e[1].add(new BigDecimal(r.celsius()));
            }
        }
        return expected;
    }

    private static void assertWindowsMatch(List<ConsumerRecord<byte[], byte[]>> records, List<Reading> valid) {
        Map<String, BigDecimal[]> expected = expectedWindows(valid);
        Map<String, WindowAverage<String>> actual = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            WindowAverage<String> a = WindowAverageJson.fromJson(r.value());
            assertThat(actual.put(a.key() + "@" + a.windowStart(), a)).as("duplicate %s", a).isNull();
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, e) -> {
            WindowAverage<String> a = actual.get(id);
            assertThat(a.count()).as(id).isEqualTo(e[0].longValue());
            assertThat(relativeError(a.average(), e[1].divide(e[0], MathContext.DECIMAL128))).as(id).isLessThan(1e-12);
        });
    }

    private static double relativeError(double actual, BigDecimal exact) {
        BigDecimal diff = new BigDecimal(actual).subtract(exact).abs();
        return exact.signum() == 0 ? diff.doubleValue() : diff.divide(exact.abs(), MathContext.DECIMAL64).doubleValue();
    }
}
