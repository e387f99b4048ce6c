package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.connectors.internal.DeadLetterSerializer;
import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.testutils.CapturedLogs;
import io.github.flinkkafkaavg.testkit.CapturingMetricReporter;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.ExpectedWindows;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Well-formed records with hostile values among good ones, through the builder on a real broker, exactly once, at
 * parallelism 2 with checkpoints and no restarts allowed: before, each of these stopped the job in a restart loop,
 * vanished, or turned an average into NaN. Now the job finishes, every good window is exact, each hostile time is
 * a dead letter with its reason, the two largest doubles average to the largest double, and the job's counters
 * account for every record read.
 */
class HostileValuesITCase {

    private static final long WINDOW = 10_000;
    private static final long SLIDE = 2_000;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(reporting()).build());

    private static Configuration reporting() {
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.capture.factory.class", CapturingMetricReporter.class.getName());
        return conf;
    }

    @Test
    void noWellFormedRecordStopsTheJobAndEveryRecordIsAccountedFor() throws Exception {
        String in = "in-" + UUID.randomUUID();
        String out = "out-" + UUID.randomUUID();
        String dlq = "dlq-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(in, 2);
        KAFKA.cluster().createTopic(out, 2);
        KAFKA.cluster().createTopic(dlq, 1);

        long now = System.currentTimeMillis();
        long base = now - 120_000; // good records from two minutes ago, so that the wall clock has passed them
        Map<String, Long> hostile = new LinkedHashMap<>();
        hostile.put("minus-one", -1L);
        hostile.put("minus-20s", -20_000L);
        hostile.put("two-hours-ahead", now + 2 * 3_600_000L);
        hostile.put("year-10000", 253_402_300_800_000L);
        hostile.put("long-min", Long.MIN_VALUE);
        hostile.put("long-max", Long.MAX_VALUE);
        hostile.put("long-max-minus-5000", Long.MAX_VALUE - 5_000);

        Random random = new Random(15);
        ExpectedWindows expected = new ExpectedWindows(WINDOW, SLIDE);
        List<byte[][]> records = new ArrayList<>();
        int good = 0;
        for (int i = 0; i < 3_000; i++) {
            String key = "sensor-" + random.nextInt(4);
            long ts = base + i * 20L - random.nextInt(1_000);
            double value = Math.round((20 + random.nextGaussian() * 5) * 1_000) / 1_000.0;
            records.add(record(key, value, ts));
            expected.add(key, ts, new BigDecimal(value));
            good++;
            if (i % 400 == 200 && i / 400 < hostile.size()) {
                String name = (String) hostile.keySet().toArray()[i / 400];
                records.add(record(name, 1.0, hostile.get(name)));
            }
            if (i == 1_500 || i == 1_501) { // in event-time order with the others, so never late
                records.add(record("huge", Double.MAX_VALUE, ts));
                expected.add("huge", ts, new BigDecimal(Double.MAX_VALUE));
                good++;
            }
        }
        // Broken bytes are accounted for the same way.
        Map<String, String> broken = Map.of("broken-json", "{\"id\":\"broken-json\",\"value\":",
                "nan-value", "{\"id\":\"nan-value\",\"value\":\"NaN\",\"ts\":" + base + "}",
                "missing-ts", "{\"id\":\"missing-ts\",\"value\":1.5}",
                // a key that is not valid Unicode: its results' Kafka record key would be "sensor-?"
                "lone-surrogate", "{\"id\":\"sensor-\\ud800\",\"value\":1.5,\"ts\":" + base + "}");
        broken.forEach((key, json) -> records.add(records.size() / 2,
                new byte[][] {key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)}));
        produce(in, records);

        StreamExecutionEnvironment env = env();
        String job = "hostile-" + UUID.randomUUID();
        averaging(in, out).deadLetters(KafkaOut.topic(dlq)).build(env);
        env.execute(job);

        Map<String, String> reasons = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : TopicReader.readAll(KAFKA.bootstrapServers(), dlq, true)) {
            String key = new String(letter.key(), StandardCharsets.UTF_8);
            String reason = new String(letter.headers().lastHeader(DeadLetterSerializer.REASON).value(), StandardCharsets.UTF_8);
            assertThat(reasons.put(key, reason)).as("one dead letter for %s", key).isNull();
        }
        reasons.forEach((key, reason) -> System.out.println("[hostile] " + key + " -> " + reason));
        List<String> setAside = new ArrayList<>(hostile.keySet());
        setAside.addAll(broken.keySet());
        assertThat(reasons.keySet()).containsExactlyInAnyOrderElementsOf(setAside);
        assertThat(reasons.get("minus-one")).contains("before 1970").contains("Kafka refuses negative timestamps");
        assertThat(reasons.get("minus-20s")).contains("before 1970");
        assertThat(reasons.get("two-hours-ahead")).contains("ahead of the processing clock")
                .contains("maxFutureEventTime");
        assertThat(reasons.get("year-10000")).contains("ahead of the processing clock");
        assertThat(reasons.get("long-min")).contains("before 1970");
        assertThat(reasons.get("long-max")).contains("Long.MAX_VALUE");
        assertThat(reasons.get("long-max-minus-5000")).contains("Long.MAX_VALUE");
        assertThat(reasons.get("lone-surrogate")).contains("unpaired surrogate U+D800").contains("Kafka record key");

        List<WindowAverage<String>> huge = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(KAFKA.bootstrapServers(), out, true)) {
            WindowAverage<String> w = WindowAverageJson.fromJson(r.value());
            expected.observe(w.key(), w.windowStart(), w.windowEnd(), w.count(), w.average());
            assertThat(r.timestamp()).isEqualTo(w.windowEnd() - 1);
            if (w.key().equals("huge")) {
                huge.add(w);
            }
        }
        expected.assertExactlyOnce();
        assertThat(huge).isNotEmpty().allSatisfy(w -> assertThat(w.average()).isEqualTo(Double.MAX_VALUE));
        assertThat(huge).filteredOn(w -> w.count() == 2).isNotEmpty()
                .allSatisfy(w -> assertThat(w.sum()).isEqualTo(Double.POSITIVE_INFINITY));

        Counters counters = Counters.of(job);
        assertThat(counters.read()).isEqualTo(records.size());
        assertThat(counters.deadLetters()).isEqualTo(hostile.size() + broken.size());
        assertThat(counters.averaged() + counters.late()).isEqualTo(good);
    }

    /**
     * A random mix — extreme times and extreme finite values in every record position, keys of any kind, broken
     * values — through the same job: every record is either averaged (exactly) or a dead letter, and the counters say
     * which, record for record.
     */
    @Test
    void onARandomMixTheCountersAddUpToTheRecordsRead() throws Exception {
        String in = "in-" + UUID.randomUUID();
        String out = "out-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(in, 2);
        KAFKA.cluster().createTopic(out, 2);
        long now = System.currentTimeMillis();
        long base = now - 120_000;
        long[] hostileTimes = {Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 5_000, -1, -20_000,
                now + 2 * 3_600_000L, 253_402_300_800_000L, now * 1_000};
        // One sign, so that every exact average is a plain sum of magnitudes (cancellation has its own bound).
        double[] extremeValues = {Double.MAX_VALUE, 1e300, 0x1p512, Math.nextDown(0x1p512), Double.MIN_VALUE,
                Double.MIN_NORMAL, 0.0};
        Random random = new Random(2026);
        ExpectedWindows expected = new ExpectedWindows(WINDOW, SLIDE);
        List<byte[][]> records = new ArrayList<>();
        long averagedExpected = 0;
        for (int i = 0; i < 2_000; i++) {
            String key = random.nextInt(10) == 0 ? "key-" + random.nextLong() : "sensor-" + random.nextInt(5);
            long ts = base + i * 40L - random.nextInt(1_000);
            boolean hostileTime = random.nextInt(8) == 0;
            if (hostileTime) {
                ts = random.nextBoolean() ? hostileTimes[random.nextInt(hostileTimes.length)] : farFromNow(random, now);
            }
            int roll = random.nextInt(20);
            String value;
            double v = Double.NaN;
            if (roll == 0) {
                value = random.nextBoolean() ? "\"NaN\"" : "\"-Infinity\"";
            } else if (roll == 1) {
                value = "1e999";
            } else {
                v = roll < 5 ? extremeValues[random.nextInt(extremeValues.length)]
                        : Math.round((20 + random.nextGaussian() * 5) * 1_000) / 1_000.0;
                value = Double.toString(v);
            }
            String json = String.format(Locale.ROOT, "{\"id\":\"%s\",\"value\":%s,\"ts\":%d}", key, value, ts);
            records.add(new byte[][] {key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)});
            if (!hostileTime && Double.isFinite(v)) {
                expected.add(key, ts, new BigDecimal(v));
                averagedExpected++;
            }
        }
        produce(in, records);

        StreamExecutionEnvironment env = env();
        String job = "hostile-mix-" + UUID.randomUUID();
        averaging(in, out).build(env);
        env.execute(job);

        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(KAFKA.bootstrapServers(), out, true)) {
            WindowAverage<String> w = WindowAverageJson.fromJson(r.value());
            assertThat(w.average()).as("%s", w).isFinite();
            expected.observe(w.key(), w.windowStart(), w.windowEnd(), w.count(), w.average());
        }
        expected.assertExactlyOnce();
        Counters counters = Counters.of(job);
        assertThat(counters.read()).isEqualTo(records.size());
        assertThat(counters.averaged()).isEqualTo(averagedExpected);
        assertThat(counters.deadLetters()).isEqualTo(records.size() - averagedExpected);
    }

    /** Any long but the few hours around now (where a random one lands once in millions of draws). */
    private static long farFromNow(Random random, long now) {
        while (true) {
            long ts = random.nextLong();
            if (ts < 0 || ts > now + 2 * 3_600_000L) {
                return ts;
            }
        }
    }

    /**
     * A field renamed upstream turns every record into a dead letter; a bounded job used to finish "successfully" with
     * nothing to say. It still finishes (no limit set), but logs one ERROR with the share and the reason.
     */
    @Test
    void aJobWhoseRecordsAreAllDeadLettersSaysSoOnceWithTheReason() throws Exception {
        String in = "in-" + UUID.randomUUID();
        String out = "out-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(in, 2);
        KAFKA.cluster().createTopic(out, 2);
        long base = System.currentTimeMillis() - 60_000;
        List<byte[][]> records = new ArrayList<>();
        for (int i = 0; i < 150; i++) { // one key, so one partition and one reading task
            String json = "{\"id\":\"k\",\"px\":" + (20 + i % 7) + ",\"ts\":" + (base + i * 100L) + "}";
            records.add(new byte[][] {"k".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)});
        }
        produce(in, records);
        StreamExecutionEnvironment env = env();
        String job = "typo-" + UUID.randomUUID();
        averaging(in, out).build(env);
        List<String> alarms;
        try (CapturedLogs logs = CapturedLogs.capture()) {
            env.execute(job);
            alarms = logs.containing("could not be averaged");
        }
        assertThat(alarms).hasSize(1);
        assertThat(alarms.get(0)).contains("100.0% of the 100 records read from Kafka " + in + " could not be averaged"
                + " (100 dead letters); the most common reason, 100 times: field \"value\" is missing; expected a"
                + " number. Check the input format and the key, value and event-time settings");
        assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), out, true)).isEmpty();
        assertThat(Counters.of(job).deadLetters()).isEqualTo(150);
    }

    /** The user's job: typed JSON, 10 s windows sliding by 2 s, exactly-once output, all defaults otherwise. */
    private static SlidingAverage.Windowed<Tick> averaging(String in, String out) {
        return SlidingAverage.of(Tick.class)
                .key(Tick::id).value(Tick::value).eventTime(Tick::ts)
                .window(Duration.ofMillis(WINDOW)).slide(Duration.ofMillis(SLIDE))
                .maxOutOfOrderness(Duration.ofSeconds(2))
                .fromKafka(KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers()).startingAtEarliest().bounded())
                .toKafka(KafkaOut.topic(out));
    }

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // one restart would fail the test
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        return env;
    }

    /** A finished job's counters, summed over its subtasks; they must account for every record read. */
    private record Counters(long read, long deadLetters, long averaged, long late, long invalid) {
        static Counters of(String job) {
            Counters c = new Counters(CapturingMetricReporter.sum(job, "numRecordsRead"),
                    CapturingMetricReporter.sum(job, "numDeadLetters"), CapturingMetricReporter.sum(job, "numRecordsAveraged"),
                    CapturingMetricReporter.sum(job, "numLateRecords"), CapturingMetricReporter.sum(job, "numInvalidRecords"));
            System.out.printf("[hostile] %s: numRecordsRead=%d numDeadLetters=%d numRecordsAveraged=%d numLateRecords=%d"
                    + " numInvalidRecords=%d%n", job, c.read, c.deadLetters, c.averaged, c.late, c.invalid);
            assertThat(c.read).as("records read = dead letters + averaged + late + invalid")
                    .isEqualTo(c.deadLetters + c.averaged + c.late + c.invalid);
            return c;
        }
    }

    private static byte[][] record(String key, double value, long ts) {
        String json = String.format(Locale.ROOT, "{\"id\":\"%s\",\"value\":%s,\"ts\":%d}", key, Double.toString(value), ts);
        return new byte[][] {key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)};
    }

    private static void produce(String topic, List<byte[][]> keyValues) {
        Properties props = KAFKA.cluster().clientProperties();
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (byte[][] kv : keyValues) {
                producer.send(new ProducerRecord<>(topic, kv[0], kv[1]));
            }
        }
    }
}
