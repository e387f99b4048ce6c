package io.github.flinkkafkaavg.benchmarks.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.flinkkafkaavg.connectors.KafkaIn;
import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import io.github.flinkkafkaavg.testkit.EmbeddedKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The end-to-end Kafka benchmark: N JSON readings pre-loaded into a real broker (the embedded KRaft broker, a child
 * JVM on 127.0.0.1), then, on that same topic and in one run, how fast each reader gets through it:
 *
 * <ul>
 *   <li>K0: a plain {@code KafkaConsumer} poll loop, bytes only — the ceiling of any reader here;</li>
 *   <li>K1: the same loop plus Jackson binding of every record;</li>
 *   <li>F0: Flink {@code KafkaSource} → Jackson → discard, the baseline the library is held to;</li>
 *   <li>L: the library's whole job — {@code SlidingAverage} from Kafka, 60 s / 5 s windows, exactly-once
 *       {@code KafkaSink} with checkpoints every 2 s.</li>
 * </ul>
 *
 * <p>A Flink run is timed from its first decoded record, so starting a local cluster, which a long-running job pays
 * once, counts for neither; F0 and L run in alternating pairs, and their ratio is the median of the pairs' ratios.
 * Each is reported two ways: while reading — up to the last decoded record, which is what a
 * long-running job sustains (L's periodic checkpoints and commits fall inside it) — and to the end of the job, which
 * for L adds the wait for a final checkpoint and its commit (up to one checkpoint interval) that only a bounded run
 * pays.
 * Every L run's committed output is counted against the number of windows the input has (a fast job that loses
 * results loses).
 *
 * <pre>
 * scripts/kafka-benchmark                          # 4,000,000 records, p = 1 and 2, median of 5
 * scripts/kafka-benchmark --records 500000 --runs 1
 * </pre>
 */
public final class KafkaBenchmark {

    static final String HELP = String.join("\n",
            "End-to-end Kafka benchmark: K0 (consumer, bytes), K1 (consumer + Jackson), F0 (KafkaSource -> Jackson ->",
            "discard) and L (the library's job, exactly-once to Kafka) on the same pre-loaded topic.",
            "",
            "  --variants LIST     which of K0,K1,F0,L (default all)",
            "  --records N         JSON records pre-loaded (default 4000000)",
            "  --partitions N      partitions of the input topic (default 2)",
            "  --keys N            distinct keys (default 1000)",
            "  --per-second N      records per second of event time (default 10000, as in the job benchmark)",
            "  --parallelism LIST  Flink parallelism (default 1,2)",
            "  --runs N            timed runs per variant; the median is reported (default 5)",
            "  --out DIR           where kafka-DATE.md and .json go (default docs/benchmarks)",
            "  --smoke             a tiny run that only proves everything still works (CI)");

    static final long BASE = 1_764_000_000_000L;
    static final long WINDOW_MS = 60_000;
    static final long SLIDE_MS = 5_000;
    /** Records per second of event time. */
    static long perSecond = 10_000;

    static long timestamp(long i) {
        return BASE + i * 1_000 / perSecond;
    }

    /** The records: JSON readings of {@code keys} sensors, {@code --per-second} of them per second of event time. */
    public record Reading(String sensorId, double value, long timestamp) {}

    record Result(String variant, int parallelism, long records, double[] rates, double[] toJobEnd) {
        double median() {
            return median(rates);
        }

        double medianToJobEnd() {
            return median(toJobEnd);
        }

        private static double median(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }
    }

    /** One run's records/s: while reading (first to last decoded record) and to the end of the job. */
    record Timing(double whileReading, double toJobEnd) {
        static Timing sameBoth(double rate) {
            return new Timing(rate, rate);
        }
    }

    private KafkaBenchmark() {}

    /**
     * Runs the benchmark; {@code --help} lists the options.
     *
     * @param args the command line
     * @throws Exception when a run fails or the library's output is incomplete
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        if (o.containsKey("help")) {
            System.out.println(HELP);
            return;
        }
        boolean smoke = o.containsKey("smoke");
        long records = Long.parseLong(o.getOrDefault("records", smoke ? "20000" : "4000000"));
        int partitions = Integer.parseInt(o.getOrDefault("partitions", "2"));
        int keys = Integer.parseInt(o.getOrDefault("keys", smoke ? "50" : "1000"));
        perSecond = Long.parseLong(o.getOrDefault("per-second", "10000"));
        int[] parallelisms = Arrays.stream(o.getOrDefault("parallelism", smoke ? "1" : "1,2").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        int runs = Integer.parseInt(o.getOrDefault("runs", smoke ? "1" : "5"));
        List<String> variants = List.of(o.getOrDefault("variants", "K0,K1,F0,L").split(","));
        Path out = Paths.get(o.getOrDefault("out", "docs/benchmarks"));

        recordsThisRun = records;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopic("bench-in", partitions);
            long loadStart = System.nanoTime();
            long bytes = preload(bootstrap, "bench-in", records, keys);
            long expectedWindows = expectedWindows(records, keys);
            System.out.printf(Locale.ROOT, "JVM %s, %d cores; %,d records (%,d bytes of JSON) pre-loaded into %d"
                            + " partitions in %.1f s; %d keys, %,d records per event-second: %,d windows to emit%n",
                    Runtime.version(), Runtime.getRuntime().availableProcessors(), records, bytes, partitions,
                    (System.nanoTime() - loadStart) / 1e9, keys, perSecond, expectedWindows);

            // Warm-up, untimed, so that JIT compilation and class loading do not favour whoever runs last: the
            // library's path (decode, state, transactions) is longer than a plain read and takes longer to compile.
            int warmUps = smoke ? 1 : 3;
            for (int i = 0; i < warmUps; i++) {
                consume(bootstrap, "bench-in", records, false);
                consume(bootstrap, "bench-in", records, true);
                for (int p : parallelisms) {
                    flinkDiscard(bootstrap, "bench-in", p);
                    library(kafka, "bench-in", p, -1);
                }
            }

            List<Result> results = new ArrayList<>();
            if (variants.contains("K0")) {
                results.add(measure("K0", 1, records, runs,
                        () -> Timing.sameBoth(records / consume(bootstrap, "bench-in", records, false))));
            }
            if (variants.contains("K1")) {
                results.add(measure("K1", 1, records, runs,
                        () -> Timing.sameBoth(records / consume(bootstrap, "bench-in", records, true))));
            }
            for (int p : parallelisms) {
                Run f0 = () -> flinkDiscard(bootstrap, "bench-in", p);
                Run l = () -> library(kafka, "bench-in", p, expectedWindows);
                if (variants.contains("F0") && variants.contains("L")) {
                    results.addAll(measurePairs(p, records, runs, f0, l));
                } else if (variants.contains("F0")) {
                    results.add(measure("F0", p, records, runs, f0));
                } else if (variants.contains("L")) {
                    results.add(measure("L", p, records, runs, l));
                }
            }
            String report = report(results, records, partitions, keys, o);
            System.out.println(report);
            if (!smoke) {
                Files.createDirectories(out);
                String date = LocalDate.now().toString();
                Files.writeString(out.resolve("kafka-" + date + ".md"), report);
                Files.writeString(out.resolve("kafka-" + date + ".json"), json(results, records, partitions, keys));
                System.out.println("Wrote " + out.resolve("kafka-" + date + ".md") + " and .json");
            }
        }
    }

    interface Run {
        Timing time() throws Exception;
    }

    /**
     * F0 and L alternately, F0 first in each pair: the machine's speed drifts by more than 10 % over minutes here,
     * and a pair's two runs share whatever state it is in, so the median of the pairs' ratios is steadier than the
     * ratio of two medians taken minutes apart.
     */
    private static List<Result> measurePairs(int p, long records, int runs, Run f0, Run l) throws Exception {
        double[][] f = new double[2][runs];
        double[][] x = new double[2][runs];
        for (int i = 0; i < runs; i++) {
            Timing a = f0.time();
            Timing b = l.time();
            f[0][i] = a.whileReading();
            f[1][i] = a.toJobEnd();
            x[0][i] = b.whileReading();
            x[1][i] = b.toJobEnd();
            System.out.printf(Locale.ROOT, "  pair %d p=%d: F0 %,.0f / %,.0f, L %,.0f / %,.0f records/s (while reading /"
                    + " to the job's end): L/F0 %.2f / %.2f%n", i + 1, p, f[0][i], f[1][i], x[0][i], x[1][i],
                    x[0][i] / f[0][i], x[1][i] / f[1][i]);
        }
        return List.of(new Result("F0", p, records, f[0], f[1]), new Result("L", p, records, x[0], x[1]));
    }

    /** The median over runs of L's records/s divided by F0's in the same pair (measurePairs keeps them aligned). */
    static double pairedRatio(double[] l, double[] f0) {
        double[] ratios = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            ratios[i] = l[i] / f0[i];
        }
        Arrays.sort(ratios);
        return ratios[ratios.length / 2];
    }

    private static Result measure(String variant, int p, long records, int runs, Run run) throws Exception {
        double[] rates = new double[runs];
        double[] toJobEnd = new double[runs];
        for (int i = 0; i < runs; i++) {
            Timing t = run.time();
            rates[i] = t.whileReading();
            toJobEnd[i] = t.toJobEnd();
            System.out.printf(Locale.ROOT, "  %-3s p=%d run %d: %,.0f records/s while reading, %,.0f to the job's end%n",
                    variant, p, i + 1, rates[i], toJobEnd[i]);
        }
        return new Result(variant, p, records, rates, toJobEnd);
    }

    /** Writes the records as fast as the broker takes them; returns the bytes of JSON written. */
    static long preload(String bootstrap, String topic, long records, int keys) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        props.setProperty(ProducerConfig.ACKS_CONFIG, "1");
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < records; i++) {
                String key = "sensor-" + (i * 7919 % keys);
                double value = (i * 31 % 10_000) / 100.0;
                byte[] json = String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"value\":%s,\"timestamp\":%d}", key,
                        Double.toString(value), timestamp(i)).getBytes(StandardCharsets.UTF_8);
                bytes += json.length;
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), json));
            }
            producer.flush();
        }
        return bytes;
    }

    /** The number of (key, window) results the input has: every window that holds at least one record. */
    static long expectedWindows(long records, int keys) {
        java.util.Set<Long> windows = new java.util.HashSet<>();
        for (long i = 0; i < records; i++) {
            long ts = timestamp(i);
            long key = i * 7919 % keys;
            for (long start = Math.floorDiv(ts, SLIDE_MS) * SLIDE_MS; start > ts - WINDOW_MS; start -= SLIDE_MS) {
                windows.add(key * 1_000_000_000L + (start - BASE + WINDOW_MS) / SLIDE_MS);
            }
        }
        return windows.size();
    }

    /** K0/K1: one consumer over all partitions from the start until it has every record. */
    static double consume(String bootstrap, String topic, long records, boolean parse) throws IOException {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        ObjectMapper mapper = new ObjectMapper();
        long start = System.nanoTime();
        long seen = 0;
        double checksum = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (seen < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("consumed only " + seen + " of " + records + " records in 5 minutes");
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    if (parse) {
                        checksum += mapper.readValue(r.value(), Reading.class).value();
                    } else {
                        checksum += r.value().length;
                    }
                    seen++;
                }
            }
        }
        if (checksum == 0) {
            throw new IllegalStateException("nothing read");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** F0: KafkaSource (bounded) → Jackson → discard. */
    static Timing flinkDiscard(String bootstrap, String topic, int parallelism) throws Exception {
        StreamExecutionEnvironment env = environment(parallelism);
        KafkaSource<byte[]> source = KafkaSource.<byte[]>builder().setBootstrapServers(bootstrap).setTopics(topic)
                .setGroupId("bench-" + UUID.randomUUID()).setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest()).setValueOnlyDeserializer(new RawBytes()).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka")
                .map(new ParseJson()).returns(Types.POJO(Reading.class))
                .sinkTo(new DiscardingSink<>());
        resetClock();
        env.execute("F0 " + topic);
        return timing();
    }

    /** L: the library's job, exactly-once to a fresh topic; checks the committed output when asked. */
    static Timing library(EmbeddedKafka kafka, String topic, int parallelism, long expectedWindows) throws Exception {
        String output = "bench-out-" + UUID.randomUUID();
        kafka.createTopic(output, 2);
        StreamExecutionEnvironment env = environment(parallelism);
        env.enableCheckpointing(2_000);
        SlidingAverage.of(new ClockedDecoder()).key(Reading::sensorId).value(Reading::value).eventTime(Reading::timestamp)
                .window(Duration.ofMillis(WINDOW_MS)).slide(Duration.ofMillis(SLIDE_MS))
                .maxOutOfOrderness(Duration.ZERO).name("bench")
                .fromKafka(KafkaIn.topic(topic).bootstrapServers(kafka.bootstrapServers()).groupId("bench-" + output)
                        .startingAtEarliest().bounded())
                .toKafka(KafkaOut.topic(output))
                .build(env);
        resetClock();
        env.execute("L " + topic);
        Timing timing = timing();
        if (expectedWindows >= 0) {
            long committed = countCommitted(kafka.bootstrapServers(), output);
            if (committed != expectedWindows) {
                throw new IllegalStateException("the library's job committed " + committed + " results, but the input"
                        + " has " + expectedWindows + " windows");
            }
        }
        return timing;
    }

    private static StreamExecutionEnvironment environment(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.setString("rest.bind-port", "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        return env;
    }

    static long countCommitted(String bootstrap, String topic) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long count = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
            return count;
        }
    }

    /**
     * When the first record of a Flink run was decoded: a run's time goes from there to the end of the job (its final
     * checkpoint and commit included), so cluster start-up, which a long-running job pays once, counts for neither.
     */
    static final AtomicLong FIRST_RECORD_NANOS = new AtomicLong();
    /** The latest {@link Clock#tick() stamp} of any decoder, and the records decoded up to each decoder's stamps. */
    static final AtomicLong LAST_STAMP_NANOS = new AtomicLong();
    static final AtomicLong STAMPED_RECORDS = new AtomicLong();
    private static long recordsThisRun;

    private static void resetClock() {
        FIRST_RECORD_NANOS.set(0);
        LAST_STAMP_NANOS.set(0);
        STAMPED_RECORDS.set(0);
    }

    private static Timing timing() {
        long end = System.nanoTime();
        long first = FIRST_RECORD_NANOS.get();
        if (first == 0 || STAMPED_RECORDS.get() == 0) {
            throw new IllegalStateException("no record was decoded");
        }
        return new Timing(STAMPED_RECORDS.get() * 1e9 / (LAST_STAMP_NANOS.get() - first),
                recordsThisRun * 1e9 / (end - first));
    }

    /**
     * A decoder's clock: notes the first record of a run and, every 4,096 records, the time and the count — so the
     * last decoded record is known to within 4,096 records per decoder without a shared write per record (two
     * decoders writing one counter per record would slow both).
     */
    static final class Clock {
        private static final int STAMP_EVERY = 4_096;
        private long decoded;

        void tick() {
            if (decoded++ == 0 && FIRST_RECORD_NANOS.get() == 0) {
                FIRST_RECORD_NANOS.compareAndSet(0, System.nanoTime());
            }
            if (decoded % STAMP_EVERY == 0) {
                STAMPED_RECORDS.addAndGet(STAMP_EVERY);
                LAST_STAMP_NANOS.accumulateAndGet(System.nanoTime(), Math::max);
            }
        }
    }

    /** The library's own JSON decoding of {@link Reading}, noting the first record's time. */
    static final class ClockedDecoder implements RecordDecoder<Reading> {
        private static final long serialVersionUID = 1L;
        private final RecordDecoder<Reading> json = JsonSerde.of(Reading.class);
        private transient Clock clock;

        @Override
        public void open() {
            json.open();
            clock = new Clock();
        }

        @Override
        public Reading decode(byte[] value) throws Exception {
            clock.tick();
            return json.decode(value);
        }
    }

    /** Kafka record values as they are. */
    static final class RawBytes implements DeserializationSchema<byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] deserialize(byte[] message) {
            return message;
        }

        @Override
        public boolean isEndOfStream(byte[] next) {
            return false;
        }

        @Override
        public TypeInformation<byte[]> getProducedType() {
            return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
        }
    }

    /** Jackson binding, as K1 does it. */
    static final class ParseJson extends RichMapFunction<byte[], Reading> {
        private static final long serialVersionUID = 1L;
        private transient ObjectMapper mapper;
        private transient Clock clock;

        @Override
        public void open(OpenContext context) {
            mapper = new ObjectMapper();
            clock = new Clock();
        }

        @Override
        public Reading map(byte[] value) throws IOException {
            clock.tick();
            return mapper.readValue(value, Reading.class);
        }
    }

    static String report(List<Result> results, long records, int partitions, int keys, Map<String, String> options) {
        Map<String, Double> byName = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Kafka end to end, %s: %,d JSON records in %d partitions, %d keys, %,d records"
                        + " per event-second, %d cores,"
                        + " JDK %s, Flink 2.2.1, Kafka 4.2.0 (embedded broker on the same machine); median of %d runs."
                        + " Command: `scripts/kafka-benchmark%s`%n%n", LocalDate.now(), records, partitions, keys, perSecond,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), results.get(0).rates().length,
                options.isEmpty() ? "" : " " + String.join(" ", options.entrySet().stream()
                        .map(e -> "--" + e.getKey() + (e.getValue().isEmpty() ? "" : " " + e.getValue())).toList())));
        md.append("| variant | parallelism | records/s while reading | runs | records/s to the job's end |\n"
                + "| --- | ---: | ---: | --- | ---: |\n");
        Map<String, Double> toEnd = new LinkedHashMap<>();
        for (Result r : results) {
            byName.put(r.variant() + r.parallelism(), r.median());
            toEnd.put(r.variant() + r.parallelism(), r.medianToJobEnd());
            md.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %s | %,.0f |%n", describe(r.variant()),
                    r.parallelism(), r.median(),
                    Arrays.stream(r.rates()).mapToObj(x -> String.format(Locale.ROOT, "%,.0f", x)).toList(),
                    r.medianToJobEnd()));
        }
        md.append("\n| ratio | while reading | to the job's end |\n| --- | ---: | ---: |\n");
        results.stream().filter(r -> r.variant().equals("L")).forEach(r -> {
            Double f0 = byName.get("F0" + r.parallelism());
            if (f0 != null) {
                md.append(String.format(Locale.ROOT, "| L / F0 at p=%d, ratio of medians | %.2f | %.2f |%n",
                        r.parallelism(), r.median() / f0, r.medianToJobEnd() / toEnd.get("F0" + r.parallelism())));
                Result f = results.stream().filter(o -> o.variant().equals("F0") && o.parallelism() == r.parallelism())
                        .findFirst().orElseThrow();
                md.append(String.format(Locale.ROOT, "| **L / F0 at p=%d, median of paired runs (target ≥ 0.7)** |"
                        + " **%.2f** | **%.2f** |%n", r.parallelism(), pairedRatio(r.rates(), f.rates()),
                        pairedRatio(r.toJobEnd(), f.toJobEnd())));
            }
        });
        results.stream().filter(r -> r.variant().equals("F0") && byName.containsKey("K11")).forEach(r -> md.append(
                String.format(Locale.ROOT, "| F0 at p=%d / K1 | %.2f | %.2f |%n", r.parallelism(),
                        r.median() / byName.get("K11"), r.medianToJobEnd() / byName.get("K11"))));
        return md.toString();
    }

    private static String describe(String variant) {
        return switch (variant) {
            case "K0" -> "K0 KafkaConsumer poll, bytes only";
            case "K1" -> "K1 KafkaConsumer poll + Jackson";
            case "F0" -> "F0 KafkaSource → Jackson → discard";
            default -> "L SlidingAverage 60 s / 5 s, exactly-once KafkaSink";
        };
    }

    static String json(List<Result> results, long records, int partitions, int keys) {
        StringBuilder s = new StringBuilder("{\"date\":\"" + LocalDate.now() + "\",\"records\":" + records
                + ",\"partitions\":" + partitions + ",\"keys\":" + keys + ",\"cores\":"
                + Runtime.getRuntime().availableProcessors() + ",\"jvm\":\"" + Runtime.version() + "\",\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            s.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"variant\":\"%s\",\"parallelism\":%d,\"median\":%.0f,\"runs\":%s,\"medianToJobEnd\":%.0f,"
                    + "\"runsToJobEnd\":%s}", r.variant(), r.parallelism(), r.median(), Arrays.toString(r.rates()),
                    r.medianToJobEnd(), Arrays.toString(r.toJobEnd())));
        }
        return s.append("]}\n").toString();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected an option, got " + args[i] + "\n" + HELP);
            }
            String name = args[i].substring(2);
            boolean flag = name.equals("smoke") || name.equals("help");
            if (!flag && i + 1 >= args.length) {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            o.put(name, flag ? "" : args[++i]);
        }
        return o;
    }
}
