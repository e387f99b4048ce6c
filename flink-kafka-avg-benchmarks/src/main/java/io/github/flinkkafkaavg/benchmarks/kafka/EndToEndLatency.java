package io.github.flinkkafkaavg.benchmarks.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.flinkkafkaavg.benchmarks.common.Stats;
import io.github.flinkkafkaavg.benchmarks.common.SumAndCount;
import io.github.flinkkafkaavg.connectors.KafkaIn;
import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.examples.Args;
import io.github.flinkkafkaavg.testkit.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.WindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Result latency end to end, Kafka to a {@code read_committed} Kafka reader, at a live rate: the library's job (L)
 * against the hand-written {@code KafkaSource → SlidingEventTimeWindows → KafkaSink} job (H), each at-least-once and
 * exactly-once, one after the other on one embedded broker.
 *
 * <p>Readings carry the wall clock as their event time, so a window's results could exist, at the earliest, when
 * the clock passes the window's end; the latency of a result is the moment a {@code read_committed} consumer
 * receives it minus its window's end. Both jobs use the same watermark bound, watermark interval, checkpoint interval
 * and parallelism, so what differs is the jobs themselves. Exactly-once results become visible when the checkpoint
 * after them commits, so their latency includes up to one checkpoint interval by design. Windows ending in the
 * warm-up, and those only the end of the input closes, are left out.
 *
 * <pre>
 * scripts/kafka-latency --out docs/benchmarks/kafka-latency     # --help lists the options
 * </pre>
 */
public final class EndToEndLatency {

    static final String HELP = String.join("\n",
            "End-to-end result latency: Kafka -> job -> read_committed Kafka, L (this library) and H (hand-written",
            "KafkaSource -> SlidingEventTimeWindows -> KafkaSink), at-least-once and exactly-once, at a live rate.",
            "",
            "  --variants LIST      L and/or H (default L,H)",
            "  --guarantees LIST    alo and/or eo (default alo,eo)",
            "  --keys N             distinct keys (default 1000)",
            "  --rate N             readings per second (default 5000)",
            "  --seconds N          how long readings are sent (default 40)",
            "  --warmup-seconds N   windows ending before this are left out (default 15)",
            "  --window-ms N        window size (default 10000)",
            "  --slide-ms N         slide (default 1000)",
            "  --checkpoint-ms N    checkpoint interval, both jobs (default 1300: not a multiple of the slide, so that the",
            "                       wait for the next commit varies over the slides instead of being one phase per run)",
            "  --parallelism N      (default 1)",
            "  --out DIR            where kafka-latency-DATE.md goes (default: print only)",
            "  --smoke              a short run that only proves everything works (CI)",
            "Before the timed runs each job runs once for 20 s, untimed (not with --smoke).");

    static final Set<String> OPTIONS = Set.of("variants", "guarantees", "keys", "rate", "seconds", "warmup-seconds",
            "window-ms", "slide-ms", "checkpoint-ms", "parallelism", "out");
    private static final long OUT_OF_ORDERNESS_MS = 200;

    /** One run's settings. */
    record Settings(int keys, int rate, int seconds, int warmupSeconds, long windowMs, long slideMs, long checkpointMs,
            int parallelism) {}

    /**
     * One run's latencies.
     *
     * @param variant L or H
     * @param guarantee alo or eo
     * @param millis every measured result's latency, milliseconds, ascending
     * @param windows how many results were measured
     */
    public record Latencies(String variant, String guarantee, long[] millis, long windows) {
        double percentile(double p) {
            return millis.length == 0 ? -1 : Stats.percentile(millis, p / 100);
        }
    }

    private EndToEndLatency() {}

    /**
     * Runs the benchmark; {@code --help} lists the options.
     *
     * @param args the options
     * @throws Exception when the broker or a job fails
     */
    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(HELP);
            return;
        }
        measure(args);
    }

    /**
     * Runs the configured variants and prints (and with {@code --out} writes) the table.
     *
     * @param args the options, as on the command line
     * @return each run's latencies
     * @throws Exception when the broker or a job fails
     */
    public static List<Latencies> measure(String... args) throws Exception {
        Map<String, String> o = Args.parse(args, OPTIONS, Set.of("smoke")).values();
        boolean smoke = o.containsKey("smoke");
        Settings s = new Settings(num(o, "keys", smoke ? 20 : 1000), num(o, "rate", smoke ? 500 : 5000),
                num(o, "seconds", smoke ? 8 : 40), num(o, "warmup-seconds", smoke ? 3 : 15),
                num(o, "window-ms", smoke ? 2000 : 10_000), num(o, "slide-ms", smoke ? 500 : 1000),
                num(o, "checkpoint-ms", smoke ? 500 : 1300), num(o, "parallelism", 1));
        List<String> variants = List.of(o.getOrDefault("variants", "L,H").split(","));
        List<String> guarantees = List.of(o.getOrDefault("guarantees", "alo,eo").split(","));
        List<Latencies> all = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            if (!smoke) {
                // One untimed run of each job first: the first run in a JVM also pays for compiling its code paths,
                // which a long-running job pays once.
                Settings warmup = new Settings(s.keys(), s.rate(), 20, 5, s.windowMs(), s.slideMs(), s.checkpointMs(),
                        s.parallelism());
                for (String variant : variants) {
                    run(kafka, warmup, variant, "alo");
                }
            }
            for (String guarantee : guarantees) {
                for (String variant : variants) {
                    Latencies l = run(kafka, s, variant, guarantee);
                    System.out.printf(Locale.ROOT, "%s %-3s %,d windows: p50 %.0f ms, p99 %.0f ms, max %d ms%n",
                            variant, guarantee, l.windows(), l.percentile(50), l.percentile(99),
                            l.millis().length == 0 ? -1 : l.millis()[l.millis().length - 1]);
                    all.add(l);
                }
            }
        }
        String md = markdown(all, s);
        System.out.println(md);
        if (o.containsKey("out")) {
            Path dir = Path.of(o.get("out"));
            Files.createDirectories(dir);
            Path file = dir.resolve("kafka-latency-" + LocalDate.now() + ".md");
            Files.writeString(file, md);
            System.out.println("Wrote " + file);
        }
        return all;
    }

    private static Latencies run(EmbeddedKafka kafka, Settings s, String variant, String guarantee) throws Exception {
        String input = "lat-in-" + UUID.randomUUID();
        String output = "lat-out-" + UUID.randomUUID();
        kafka.createTopic(input, 2);
        kafka.createTopic(output, 2);
        Path checkpoints = Files.createTempDirectory("latency-checkpoints-");
        StreamExecutionEnvironment env = environment(s, checkpoints);
        boolean exactlyOnce = guarantee.equals("eo");
        switch (variant) {
            case "L" -> library(env, kafka.bootstrapServers(), input, output, s, exactlyOnce);
            case "H" -> handWritten(env, kafka.bootstrapServers(), input, output, s, exactlyOnce);
            default -> throw new IllegalArgumentException("--variants: L or H, but got " + variant);
        }
        JobClient job = env.executeAsync(variant + " " + guarantee);
        AtomicBoolean sending = new AtomicBoolean(true);
        long started = System.currentTimeMillis();
        Thread producer = new Thread(() -> produce(kafka, input, s, sending), "latency-producer");
        producer.start();
        List<Long> latencies = new ArrayList<>();
        long first = started + s.warmupSeconds() * 1000L;
        long last = started + s.seconds() * 1000L;
        try (KafkaConsumer<byte[], byte[]> consumer = committedReader(kafka.bootstrapServers(), output)) {
            ObjectMapper json = new ObjectMapper();
            // Every window that ends while readings are sent has its result by then plus the bound and a few
            // checkpoints; reading stops there.
            long readUntil = last + OUT_OF_ORDERNESS_MS + 5 * s.checkpointMs() + 5_000;
            while (System.currentTimeMillis() < readUntil) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long received = System.currentTimeMillis();
                    JsonNode node = json.readTree(r.value());
                    long end = node.get("windowEnd").asLong();
                    if (end >= first && end <= last) {
                        latencies.add(received - end);
                    }
                }
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    throw new IllegalStateException(variant + " " + guarantee + " ended: " + job.getJobStatus().get());
                }
            }
        } finally {
            sending.set(false);
            producer.join(TimeUnit.SECONDS.toMillis(30));
            try {
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get(60, TimeUnit.SECONDS);
                }
            } finally {
                deleteRecursively(checkpoints);
            }
        }
        long[] millis = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Latencies(variant, guarantee, millis, millis.length);
    }

    /** Readings at the configured rate, stamped with the wall clock, in 10 ms batches, until told to stop. */
    private static void produce(EmbeddedKafka kafka, String topic, Settings s, AtomicBoolean sending) {
        Properties props = kafka.clientProperties();
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        Random random = new Random(42);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.seconds()) + TimeUnit.MILLISECONDS.toNanos(s.windowMs());
        long perTick = Math.max(1, s.rate() / 100);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            long next = System.nanoTime();
            while (sending.get() && System.nanoTime() < end) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < perTick; i++) {
                    String key = "k-" + random.nextInt(s.keys());
                    producer.send(new ProducerRecord<>(topic, key, String.format(Locale.ROOT,
                            "{\"sensorId\":\"%s\",\"value\":%.3f,\"timestamp\":%d}", key, random.nextGaussian() * 10, now)));
                }
                next += TimeUnit.MILLISECONDS.toNanos(10);
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** L: the library's builder, as a user writes it. */
    private static void library(StreamExecutionEnvironment env, String bootstrap, String input, String output,
            Settings s, boolean exactlyOnce) {
        KafkaOut out = KafkaOut.topic(output);
        SlidingAverage.of(Reading.class).key(Reading::sensorId).value(Reading::value).eventTime(Reading::timestamp)
                .window(Duration.ofMillis(s.windowMs())).slide(Duration.ofMillis(s.slideMs()))
                .maxOutOfOrderness(Duration.ofMillis(OUT_OF_ORDERNESS_MS)).name("latency")
                .fromKafka(KafkaIn.topic(input).bootstrapServers(bootstrap).groupId("lat-" + output))
                .toKafka(exactlyOnce ? out : out.atLeastOnce())
                .build(env);
    }

    /** H: what one writes by hand with Flink's own API: Jackson, SlidingEventTimeWindows, an AggregateFunction. */
    private static void handWritten(StreamExecutionEnvironment env, String bootstrap, String input, String output,
            Settings s, boolean exactlyOnce) {
        KafkaSource<String> source = KafkaSource.<String>builder().setBootstrapServers(bootstrap).setTopics(input)
                .setGroupId("lat-" + output).setStartingOffsets(OffsetsInitializer.earliest())
                .setValueOnlyDeserializer(new SimpleStringSchema()).build();
        KafkaSink<String> sink = KafkaSink.<String>builder().setBootstrapServers(bootstrap)
                .setRecordSerializer(KafkaRecordSerializationSchema.builder().setTopic(output)
                        .setValueSerializationSchema(new SimpleStringSchema()).build())
                .setDeliveryGuarantee(exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
                .setTransactionalIdPrefix("lat-h-" + output)
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "600000")
                .build();
        env.fromSource(source, WatermarkStrategy.<String>forBoundedOutOfOrderness(Duration.ofMillis(OUT_OF_ORDERNESS_MS))
                        .withTimestampAssigner((line, ts) -> timestampOf(line)), "kafka")
                .map(EndToEndLatency::parse, TypeInformation.of(Reading.class))
                .keyBy(Reading::sensorId, Types.STRING)
                .window(SlidingEventTimeWindows.of(Duration.ofMillis(s.windowMs()), Duration.ofMillis(s.slideMs())))
                .aggregate(new Average(), new ToJson(), PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO, Types.STRING)
                .sinkTo(sink);
    }

    private static final ObjectMapper PARSER = new ObjectMapper();

    private static Reading parse(String line) throws IOException {
        return PARSER.readValue(line, Reading.class);
    }

    private static long timestampOf(String line) {
        int at = line.indexOf("\"timestamp\":") + 12;
        int end = line.indexOf('}', at);
        return Long.parseLong(line.substring(at, end));
    }

    /** Sum and count. */
    static final class Average extends SumAndCount<Reading> {
        private static final long serialVersionUID = 1L;

        @Override
        protected double value(Reading e) {
            return e.value();
        }
    }

    /** A window's average as JSON with the same field names as the library's results. */
    static final class ToJson implements WindowFunction<double[], String, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void apply(String key, TimeWindow w, Iterable<double[]> acc, Collector<String> out) {
            double[] a = acc.iterator().next();
            out.collect(String.format(Locale.ROOT, "{\"key\":\"%s\",\"windowStart\":%d,\"windowEnd\":%d,\"count\":%d,"
                    + "\"average\":%s}", key, w.getStart(), w.getEnd(), (long) a[1], Double.toString(a[0] / a[1])));
        }
    }

    private static StreamExecutionEnvironment environment(Settings s, Path checkpoints) {
        Configuration conf = new Configuration();
        // The default JobManager storage refuses state over 5 MB, which 100,000 keys' windows exceed.
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        // A failed checkpoint or task ends the run (and the runner with it) instead of a restart that would be timed.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.setString("rest.bind-port", "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(s.parallelism(), conf);
        env.enableCheckpointing(s.checkpointMs());
        return env;
    }

    /** Best effort, a few times: a cancelled job's last checkpoint may still be writing; the script clears the rest. */
    static void deleteRecursively(Path dir) throws InterruptedException {
        for (int attempt = 0; attempt < 5 && Files.exists(dir); attempt++) {
            try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                Thread.sleep(500);
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, String topic) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return consumer;
    }

    static String markdown(List<Latencies> all, Settings s) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "End-to-end result latency, %s: %d keys, %d"
                + " readings/s for %d s (the first %d s left out), W %d ms, S %d ms, watermark bound %d ms,"
                + " checkpoints every %d ms, p = %d; JDK %s, %d cores. Milliseconds from a window's end (wall clock ="
                + " event time) to its result at a read_committed consumer.%n%n", LocalDate.now(), s.keys(), s.rate(),
                s.seconds(), s.warmupSeconds(), s.windowMs(), s.slideMs(), OUT_OF_ORDERNESS_MS, s.checkpointMs(),
                s.parallelism(), Runtime.version(), Runtime.getRuntime().availableProcessors()));
        md.append("| variant | delivery | windows | p50 | p99 | max |\n| --- | --- | ---: | ---: | ---: | ---: |\n");
        for (Latencies l : all) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.0f | %.0f | %d |%n",
                    l.variant().equals("L") ? "L (library)" : "H (hand-written)",
                    l.guarantee().equals("eo") ? "exactly-once" : "at-least-once", l.windows(), l.percentile(50),
                    l.percentile(99), l.millis().length == 0 ? -1 : l.millis()[l.millis().length - 1]));
        }
        return md.toString();
    }

    private static int num(Map<String, String> o, String name, int fallback) {
        return o.containsKey(name) ? Integer.parseInt(o.get(name)) : fallback;
    }
}
