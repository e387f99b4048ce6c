package io.github.flinkkafkaavg.benchmarks.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.flinkkafkaavg.connectors.KafkaIn;
import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import io.github.flinkkafkaavg.testkit.CapturingMetricReporter;
import io.github.flinkkafkaavg.testkit.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.DeserializationSchema;
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
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The readers that are timed: K0/K1 (a plain consumer), F0 (KafkaSource and Jackson), L (the library's job). */
final class Readers {

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
    static RunClock.Timing flinkDiscard(String bootstrap, String topic, int parallelism) throws Exception {
        StreamExecutionEnvironment env = environment(parallelism);
        KafkaSource<byte[]> source = KafkaSource.<byte[]>builder().setBootstrapServers(bootstrap).setTopics(topic)
                .setGroupId("bench-" + UUID.randomUUID()).setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest()).setValueOnlyDeserializer(new RawBytes()).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka")
                .map(new ParseJson()).returns(Types.POJO(Reading.class))
                .sinkTo(new DiscardingSink<>());
        RunClock.reset();
        env.execute("F0 " + topic);
        return RunClock.timing();
    }

    /** L: the library's job, exactly-once to a fresh topic; checks the committed output when asked. */
    static RunClock.Timing library(EmbeddedKafka kafka, String topic, int parallelism, long expectedWindows) throws Exception {
        CapturingMetricReporter.clear();
        RunClock.Timing timing = exactlyOnceToKafka(kafka, parallelism, "L " + topic, expectedWindows, "the library's job",
                (env, output) -> SlidingAverage.of(new ClockedDecoder()).key(Reading::sensorId).value(Reading::value)
                        .eventTime(Reading::timestamp)
                        .window(Duration.ofMillis(Workload.WINDOW_MS)).slide(Duration.ofMillis(Workload.SLIDE_MS))
                        .maxOutOfOrderness(Duration.ZERO).name("bench")
                        .fromKafka(KafkaIn.topic(topic).bootstrapServers(kafka.bootstrapServers())
                                .groupId("bench-" + output).startingAtEarliest().bounded())
                        .toKafka(KafkaOut.topic(output))
                        .build(env));
        lastCombinerCounts = new CombinerCounts(CapturingMetricReporter.sum(COMBINER, "numRecordsIn"),
                CapturingMetricReporter.sum(COMBINER, "numRecordsOut"),
                CapturingMetricReporter.sum(COMBINER, "numPartialsSent"));
        return timing;
    }

    /**
     * Runs a job that reads the topic and writes exactly-once to a fresh output topic, on a local environment with
     * checkpoints every 2 s to files, times it from its first decoded record, and checks its committed output.
     *
     * @param pipeline defines the job on the environment, given the output topic's name
     */
    private static RunClock.Timing exactlyOnceToKafka(EmbeddedKafka kafka, int parallelism, String jobName,
            long expectedWindows, String who, BiConsumer<StreamExecutionEnvironment, String> pipeline)
            throws Exception {
        String output = "bench-out-" + UUID.randomUUID();
        kafka.createTopic(output, 2);
        Path checkpoints = Files.createTempDirectory("checkpoints");
        StreamExecutionEnvironment env = environment(parallelism, checkpoints);
        env.enableCheckpointing(2_000);
        pipeline.accept(env, output);
        RunClock.reset();
        try {
            env.execute(jobName);
        } finally {
            EndToEndLatency.deleteRecursively(checkpoints);
        }
        RunClock.Timing timing = RunClock.timing();
        checkCommitted(kafka, output, expectedWindows, who);
        return timing;
    }

    /**
     * H: the job one writes by hand with Flink's own API, as {@link EndToEndLatency}'s H — Jackson in the source (so
     * that watermarks are per partition, as L's), {@code SlidingEventTimeWindows} with an {@code AggregateFunction},
     * the results as JSON with the library's field names, exactly-once to a fresh topic; the same window, slide,
     * watermark bound (0), checkpoints and checkpoint storage as L.
     */
    static RunClock.Timing handWritten(EmbeddedKafka kafka, String topic, int parallelism, long expectedWindows)
            throws Exception {
        return exactlyOnceToKafka(kafka, parallelism, "H " + topic, expectedWindows, "the hand-written job",
                (env, output) -> {
                    KafkaSource<Reading> source = KafkaSource.<Reading>builder()
                            .setBootstrapServers(kafka.bootstrapServers()).setTopics(topic).setGroupId("bench-" + output)
                            .setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest())
                            .setValueOnlyDeserializer(new ParsedReadings()).build();
                    KafkaSink<String> sink = KafkaSink.<String>builder().setBootstrapServers(kafka.bootstrapServers())
                            .setRecordSerializer(KafkaRecordSerializationSchema.builder().setTopic(output)
                                    .setValueSerializationSchema(new SimpleStringSchema()).build())
                            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                            .setTransactionalIdPrefix("bench-h-" + output)
                            .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "600000")
                            .build();
                    env.fromSource(source, WatermarkStrategy.<Reading>forBoundedOutOfOrderness(Duration.ZERO)
                                    .withTimestampAssigner((r, ts) -> r.timestamp()), "kafka")
                            .keyBy(Reading::sensorId, Types.STRING)
                            .window(SlidingEventTimeWindows.of(Duration.ofMillis(Workload.WINDOW_MS),
                                    Duration.ofMillis(Workload.SLIDE_MS)))
                            .aggregate(new EndToEndLatency.Average(), new EndToEndLatency.ToJson(),
                                    PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO, Types.STRING)
                            .sinkTo(sink);
                });
    }

    /** Jackson data binding of a reading, noting the first record's time: F0's and H's decoding. */
    static final class BoundReadings implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private transient ObjectMapper mapper;
        private transient RunClock.Clock clock;

        Reading parse(byte[] value) throws IOException {
            if (mapper == null) {
                mapper = new ObjectMapper();
                clock = new RunClock.Clock();
            }
            clock.tick();
            return mapper.readValue(value, Reading.class);
        }
    }

    /** H's decoding in the source, so that watermarks are per partition. */
    static final class ParsedReadings implements DeserializationSchema<Reading> {
        private static final long serialVersionUID = 1L;
        private final BoundReadings readings = new BoundReadings();

        @Override
        public Reading deserialize(byte[] message) throws IOException {
            return readings.parse(message);
        }

        @Override
        public boolean isEndOfStream(Reading next) {
            return false;
        }

        @Override
        public TypeInformation<Reading> getProducedType() {
            return Types.POJO(Reading.class);
        }
    }

    /**
     * What L's combiner (records added up per key and slice before the {@code keyBy}) took in and sent on in the
     * last run, summed over subtasks: records in, messages out (groups and records sent alone), groups.
     */
    record CombinerCounts(long recordsIn, long messagesOut, long groups) {}

    /** The combiner's operator as it appears in metric identifiers: dots around it, so not the chained task's name. */
    private static final String COMBINER = ".bench: add up per key and slice.";
    static volatile CombinerCounts lastCombinerCounts;

    private static StreamExecutionEnvironment environment(int parallelism) {
        return environment(parallelism, null);
    }

    /**
     * @param checkpoints where checkpoints go, or null for none: the default JobManager storage refuses a
     *     checkpoint over 5 MB, which L's state at 100,000 keys exceeds (and a bounded exactly-once job whose
     *     checkpoints fail never commits, so it never ends)
     */
    private static StreamExecutionEnvironment environment(int parallelism, Path checkpoints) {
        Configuration conf = new Configuration();
        if (checkpoints != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
            // A failed checkpoint or task ends the runner instead of a restart that would be timed.
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            conf.setString("metrics.reporter.capture.factory.class", CapturingMetricReporter.class.getName());
        }
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.setString("rest.bind-port", "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        return env;
    }

    /** Fails the run unless the job committed one result per window of the input; {@code expected} < 0: no check. */
    private static void checkCommitted(EmbeddedKafka kafka, String output, long expected, String job) {
        if (expected >= 0) {
            long committed = countCommitted(kafka.bootstrapServers(), output);
            if (committed != expected) {
                throw new IllegalStateException(job + " committed " + committed + " results, but the input has "
                        + expected + " windows");
            }
        }
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

    /** The library's own JSON decoding of {@link Reading}, noting the first record's time. */
    static final class ClockedDecoder implements RecordDecoder<Reading> {
        private static final long serialVersionUID = 1L;
        private final RecordDecoder<Reading> json = JsonSerde.of(Reading.class);
        private transient RunClock.Clock clock;

        @Override
        public void open() {
            json.open();
            clock = new RunClock.Clock();
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
    static final class ParseJson implements MapFunction<byte[], Reading> {
        private static final long serialVersionUID = 1L;
        private final BoundReadings readings = new BoundReadings();

        @Override
        public Reading map(byte[] value) throws IOException {
            return readings.parse(value);
        }
    }

    private Readers() {}
}
