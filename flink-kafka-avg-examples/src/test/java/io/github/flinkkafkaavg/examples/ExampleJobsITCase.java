package io.github.flinkkafkaavg.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.examples.DynamicPricingJob.Pricing;
import io.github.flinkkafkaavg.examples.DynamicPricingJob.SurgeAlert;
import io.github.flinkkafkaavg.examples.DynamicPricingJob.ZonePrice;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.ExpectedWindows;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Each example job runs on a MiniCluster (parallelism 2) against the embedded broker in bounded mode; its complete
 * read_committed output is compared with an independent computation of the same input, dead letters included.
 */
class ExampleJobsITCase {

    private static final long BASE = 1_764_000_000_000L;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void windowedCountsCountEachWordPerTumblingWindow() throws Exception {
        JobOptions options = options("words");
        Random random = new Random(3);
        String[] words = {"flink", "kafka", "window", "count", "stream", "state"};
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 0; i < 2_000; i++) {
            String word = words[random.nextInt(words.length)];
            long ts = BASE + i * 20L + random.nextInt(1_500);
            // Case and blanks do not matter: " Flink " counts as "flink".
            String written = random.nextBoolean() ? " " + word.toUpperCase(Locale.ROOT) + " " : word;
            records.add(record(options.inputTopic(), ts, null, written.getBytes(StandardCharsets.UTF_8)));
            expected.merge(word + "@" + Math.floorDiv(ts, 10_000L) * 10_000L, 1L, Long::sum);
        }
        records.add(record(options.inputTopic(), BASE + 5_000, null, "   ".getBytes(StandardCharsets.UTF_8)));
        records.add(record(options.inputTopic(), BASE + 5_000, null, new byte[] {(byte) 0xC3, (byte) 0x28}));
        produce(options, records);

        StreamExecutionEnvironment env = env();
        WindowedCountJob.build(env, options, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2));
        env.execute("windowed counts");

        Map<String, Long> actual = new TreeMap<>();
        for (WindowAverage<String> w : windowResults(options.outputTopic())) {
            assertThat(w.windowEnd() - w.windowStart()).isEqualTo(10_000);
            assertThat(actual.put(w.key() + "@" + w.windowStart(), w.count())).as("duplicate %s", w).isNull();
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), options.deadLetterTopic(), true)).hasSize(2);
    }

    @Test
    void movingAveragesAreTheMeanOfEachSensorsLastValues() throws Exception {
        JobOptions options = options("moving");
        int lastN = 7;
        Random random = new Random(5);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, List<Double>> bySensor = new TreeMap<>();
        for (int i = 0; i < 900; i++) {
            String sensor = "sensor-" + random.nextInt(5);
            double value = Math.round(random.nextGaussian() * 1e5) / 1e3;
            records.add(record(options.inputTopic(), BASE + i, sensor, String.format(Locale.ROOT,
                    "{\"sensorId\":\"%s\",\"value\":%s,\"timestamp\":%d}", sensor, value, BASE + i)
                    .getBytes(StandardCharsets.UTF_8)));
            bySensor.computeIfAbsent(sensor, k -> new ArrayList<>()).add(value);
        }
        records.add(record(options.inputTopic(), BASE, "sensor-0", "{\"sensorId\":".getBytes(StandardCharsets.UTF_8)));
        produce(options, records);

        StreamExecutionEnvironment env = env();
        MovingAverageJob.build(env, options, lastN, false);
        env.execute("moving average");

        Map<String, List<Double>> actual = new TreeMap<>();
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(KAFKA.bootstrapServers(), options.outputTopic(), true)) {
            var json = mapper.readTree(r.value());
            actual.computeIfAbsent(json.get("key").asText(), k -> new ArrayList<>()).add(json.get("average").asDouble());
        }
        assertThat(actual.keySet()).isEqualTo(bySensor.keySet());
        bySensor.forEach((sensor, values) -> {
            List<Double> averages = actual.get(sensor);
            assertThat(averages).as(sensor).hasSameSizeAs(values);
            Deque<BigDecimal> last = new ArrayDeque<>();
            for (int i = 0; i < values.size(); i++) {
                last.addLast(new BigDecimal(values.get(i)));
                if (last.size() > lastN) {
                    last.removeFirst();
                }
                BigDecimal exact = last.stream().reduce(BigDecimal.ZERO, BigDecimal::add)
                        .divide(BigDecimal.valueOf(last.size()), MathContext.DECIMAL128);
                assertThat(relativeError(averages.get(i), exact)).as("%s #%d", sensor, i).isLessThan(1e-12);
            }
        });
        assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), options.deadLetterTopic(), true)).hasSize(1);
    }

    @Test
    void dynamicPricingPricesEveryWindowAndAlertsOnSustainedDemand() throws Exception {
        JobOptions options = options("rides");
        Pricing pricing = new Pricing("demand-" + UUID.randomUUID(), "alerts-" + UUID.randomUUID(), Duration.ofSeconds(60),
                Duration.ofSeconds(10), 10, 3.0, 20, 3, Duration.ofSeconds(5));
        KAFKA.cluster().createTopic(pricing.demandTopic(), 2);
        KAFKA.cluster().createTopic(pricing.alertTopic(), 2);
        Random random = new Random(8);
        List<long[]> requests = new ArrayList<>(); // zone index, timestamp
        for (long t = 0; t < 600_000; t += 500) {
            // zone-0 always busy, zone-1 always quiet, zone-2 busy from minute 3 to 6 and quiet otherwise
            double[] perMinute = {30, 5, t >= 180_000 && t < 360_000 ? 40 : 6};
            for (int zone = 0; zone < 3; zone++) {
                if (random.nextDouble() < perMinute[zone] / 120.0) {
                    requests.add(new long[] {zone, BASE + t + random.nextInt(2_000)});
                }
            }
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (long[] r : requests) {
            records.add(record(options.inputTopic(), r[1], "zone-" + r[0], String.format(Locale.ROOT,
                    "{\"zone\":\"zone-%d\",\"timestamp\":%d}", r[0], r[1]).getBytes(StandardCharsets.UTF_8)));
        }
        records.add(record(options.inputTopic(), BASE, null, "{\"zone\":42".getBytes(StandardCharsets.UTF_8)));
        produce(options, records);

        StreamExecutionEnvironment env = env();
        DynamicPricingJob.build(env, options, pricing);
        env.execute("dynamic pricing");

        // Expected prices: every non-empty window of every zone, counted by brute force.
        Map<String, TreeMap<Long, Long>> counts = new TreeMap<>();
        for (long[] r : requests) {
            for (long start = Math.floorDiv(r[1], 10_000L) * 10_000L; start > r[1] - 60_000; start -= 10_000) {
                counts.computeIfAbsent("zone-" + r[0], k -> new TreeMap<>()).merge(start + 60_000, 1L, Long::sum);
            }
        }
        Map<String, ZonePrice> expectedPrices = new TreeMap<>();
        List<SurgeAlert> expectedAlerts = new ArrayList<>();
        counts.forEach((zone, byEnd) -> {
            List<ZonePrice> run = new ArrayList<>();
            for (Map.Entry<Long, Long> e : byEnd.entrySet()) {
                double demand = e.getValue() / 1.0; // a 60 s window: requests per minute = requests
                ZonePrice p = new ZonePrice(zone, e.getKey() - 60_000, e.getKey(), e.getValue(), demand,
                        Math.round(Math.min(3.0, Math.max(1.0, demand / 10)) * 100) / 100.0);
                expectedPrices.put(zone + "@" + p.windowEnd(), p);
                // Runs of consecutive high windows; an alert after every 3, then the run starts over.
                boolean continues = !run.isEmpty() && p.windowEnd() - run.get(run.size() - 1).windowEnd() == 10_000;
                if (demand <= 20) {
                    run.clear();
                    continue;
                }
                if (!continues) {
                    run.clear();
                }
                run.add(p);
                if (run.size() == 3) {
                    expectedAlerts.add(new SurgeAlert(zone, run.get(0).windowEnd(), p.windowEnd(), 3,
                            run.stream().mapToDouble(ZonePrice::demandPerMinute).average().orElseThrow(),
                            run.stream().mapToDouble(ZonePrice::surge).max().orElseThrow()));
                    run.clear();
                }
            }
        });

        RecordDecoder<ZonePrice> prices = JsonSerde.of(ZonePrice.class);
        prices.open();
        Map<String, ZonePrice> actualPrices = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(KAFKA.bootstrapServers(), options.outputTopic(), true)) {
            ZonePrice p = prices.decode(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(p.zone());
            assertThat(actualPrices.put(p.zone() + "@" + p.windowEnd(), p)).as("duplicate %s", p).isNull();
        }
        assertThat(actualPrices).isEqualTo(expectedPrices);
        assertThat(expectedAlerts).as("the input has alerts to find").hasSizeGreaterThan(10);
        assertThat(expectedAlerts.stream().map(SurgeAlert::zone).distinct()).containsExactly("zone-0", "zone-2");

        RecordDecoder<SurgeAlert> alerts = JsonSerde.of(SurgeAlert.class);
        alerts.open();
        List<SurgeAlert> actualAlerts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(KAFKA.bootstrapServers(), pricing.alertTopic(), true)) {
            actualAlerts.add(alerts.decode(r.value()));
        }
        assertThat(actualAlerts).containsExactlyInAnyOrderElementsOf(expectedAlerts);
        assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), pricing.demandTopic(), true))
                .hasSize(expectedPrices.size());
        assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), options.deadLetterTopic(), true)).hasSize(1);
    }

    @Test
    void logLatencyAveragesPerEndpointToKafkaAndToFiles(@TempDir Path files) throws Exception {
        JobOptions options = options("access-log");
        DateTimeFormatter format = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
                .withZone(ZoneOffset.ofHours(1));
        String[] endpoints = {"GET /api/orders", "POST /api/orders", "GET /health", "GET /api/users"};
        Random random = new Random(13);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<Object[]> lines = new ArrayList<>(); // endpoint, timestamp, milliseconds
        for (int i = 0; i < 1_500; i++) {
            String endpoint = endpoints[random.nextInt(endpoints.length)];
            long ts = (BASE / 1_000 + i / 3 + random.nextInt(3)) * 1_000; // whole seconds, as logs have
            String seconds = BigDecimal.valueOf(random.nextInt(2_500) + 1, 3).toPlainString();
            String[] methodAndPath = endpoint.split(" ");
            String query = random.nextBoolean() ? "?page=" + random.nextInt(9) : "";
            String line = "10.0.0." + random.nextInt(255) + " - - [" + format.format(Instant.ofEpochMilli(ts)) + "] \""
                    + methodAndPath[0] + " " + methodAndPath[1] + query + " HTTP/1.1\" 200 " + random.nextInt(5_000)
                    + " \"-\" \"curl/8.5\" " + seconds;
            records.add(record(options.inputTopic(), ts, null, line.getBytes(StandardCharsets.UTF_8)));
            lines.add(new Object[] {endpoint, ts, new BigDecimal(seconds).movePointRight(3)});
        }
        records.add(record(options.inputTopic(), BASE, null, "GET / 200".getBytes(StandardCharsets.UTF_8)));
        records.add(record(options.inputTopic(), BASE, null,
                "1.2.3.4 - - [31/Foo/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 0.1".getBytes(StandardCharsets.UTF_8)));
        produce(options, records);

        StreamExecutionEnvironment env = env();
        LogLatencyJob.build(env, options, files.toUri().toString(), Duration.ofSeconds(60), Duration.ofSeconds(10),
                Duration.ofSeconds(5));
        env.execute("log latency");

        assertLatencies(windowResults(options.outputTopic()), lines);
        List<WindowAverage<String>> fromFiles = new ArrayList<>();
        try (Stream<Path> all = Files.walk(files)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                assertThat(f.getFileName().toString()).as("only finished files").startsWith("latency").endsWith(".jsonl");
                for (String line : Files.readAllLines(f)) {
                    fromFiles.add(WindowAverageJson.fromJson(line.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        assertLatencies(fromFiles, lines);
        assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), options.deadLetterTopic(), true)).hasSize(2);
    }

    private static void assertLatencies(List<WindowAverage<String>> results, List<Object[]> lines) {
        ExpectedWindows expected = new ExpectedWindows(60_000, 10_000);
        for (Object[] line : lines) {
            expected.add((String) line[0], (Long) line[1], (BigDecimal) line[2]);
        }
        for (WindowAverage<String> w : results) {
            expected.observe(w.key(), w.windowStart(), w.windowEnd(), w.count(), w.average());
        }
        expected.assertExactlyOnce();
    }

    /** Fresh topics for one job: input (2 partitions), output and dead letters. */
    private static JobOptions options(String name) {
        String suffix = "-" + UUID.randomUUID();
        JobOptions options = new JobOptions(KAFKA.bootstrapServers(), name + suffix, name + "-out" + suffix,
                "it" + suffix, Duration.ofMillis(300), 2, true, name + "-dlq" + suffix, null);
        KAFKA.cluster().createTopic(options.inputTopic(), 2);
        KAFKA.cluster().createTopic(options.outputTopic(), 2);
        KAFKA.cluster().createTopic(options.deadLetterTopic(), 1);
        return options;
    }

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, long timestamp, String key, byte[] value) {
        return new ProducerRecord<>(topic, null, timestamp, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value);
    }

    private static void produce(JobOptions options, List<ProducerRecord<byte[], byte[]>> records) {
        var props = KAFKA.cluster().clientProperties();
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            records.forEach(producer::send);
        }
    }

    private static List<WindowAverage<String>> windowResults(String topic) {
        List<WindowAverage<String>> results = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(KAFKA.bootstrapServers(), topic, true)) {
            results.add(WindowAverageJson.fromJson(r.value()));
        }
        return results;
    }

    private static double relativeError(double actual, BigDecimal exact) {
        BigDecimal diff = new BigDecimal(actual).subtract(exact).abs();
        return exact.signum() == 0 ? diff.doubleValue() : diff.divide(exact.abs(), MathContext.DECIMAL64).doubleValue();
    }
}
