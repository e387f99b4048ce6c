package io.github.flinkkafkaavg.connectors.exactlyonce;

import io.github.flinkkafkaavg.connectors.KafkaIn;
import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.testkit.EmbeddedKafka;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The job under test, its input topic and the knobs the fault tests turn. */
final class ExactlyOnceHarness {

    static final int RECORDS = 200_000;
    static final int KEYS = 120;
    static final Oracle ORACLE = new Oracle(2026, RECORDS, KEYS);

    private ExactlyOnceHarness() {}

    /** Writes the oracle's input, in order, to a new 4-partition topic; returns its name. */
    static String writeInput(EmbeddedKafka kafka) {
        return writeInput(kafka, ORACLE.readings);
    }

    /** Writes {@code readings}, in order, to a new 4-partition topic keyed by sensor; returns its name. */
    static String writeInput(EmbeddedKafka kafka, List<Reading> readings) {
        String topic = "input-" + UUID.randomUUID();
        kafka.createTopic(topic, 4);
        appendInput(kafka, topic, readings);
        return topic;
    }

    /** Appends {@code readings}, in order and keyed by sensor, to the existing {@code topic}. */
    static void appendInput(EmbeddedKafka kafka, String topic, List<Reading> readings) {
        Properties props = kafka.clientProperties();
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Reading r : readings) {
                producer.send(new ProducerRecord<>(topic, r.sensorId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        Oracle.json(r)), (metadata, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            }
                        });
            }
        }
        // An input with a record missing would make every fault test fail on the wrong grounds.
        if (failed.get() != null) {
            throw new IllegalStateException("could not write the input to " + topic, failed.get());
        }
    }

    static StreamExecutionEnvironment env(int parallelism) {
        return env(parallelism, null);
    }


    /** An environment that restores from {@code savepoint} when it is not null. */
    static StreamExecutionEnvironment env(int parallelism, String savepoint) {
        Configuration conf = new Configuration();
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 60);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(250);
        return env;
    }

    /** The pipeline, built with the library's builder, reading the whole input topic once and then finishing. */
    static void build(StreamExecutionEnvironment env, String bootstrap, String input, KafkaOut output, Set<Long> failAt) {
        build(env, bootstrap, input, output, new FailingDecoder(failAt));
    }

    /** The same bounded pipeline, decoding with {@code decoder}. */
    static void build(StreamExecutionEnvironment env, String bootstrap, String input, KafkaOut output,
            FailingDecoder decoder) {
        pipeline(decoder).fromKafka(KafkaIn.topic(input).bootstrapServers(bootstrap).groupId("eo-" + UUID.randomUUID())
                .startingAtEarliest().bounded()).toKafka(output).build(env);
    }

    /**
     * The same pipeline on an unbounded source that closes its last windows after 5 s of silence. Needed where a
     * job is restored from a savepoint: flink-connector-kafka 5.0.0's bounded KafkaSource never finishes after such
     * a restore (FLINK-31006, FLINK-33466: the restored enumerator never signals "no more splits").
     */
    static void buildUnbounded(StreamExecutionEnvironment env, String bootstrap, String input, KafkaOut output) {
        pipeline(new FailingDecoder(Set.of())).closeWindowsWhenIdle(Duration.ofSeconds(5))
                .fromKafka(KafkaIn.topic(input).bootstrapServers(bootstrap).groupId("eo-unbounded").startingAtEarliest())
                .toKafka(output).build(env);
    }

    private static SlidingAverage.Windowed<Reading> pipeline(FailingDecoder decoder) {
        return SlidingAverage.of(decoder)
                .key(Reading::sensorId).value(Reading::celsius).eventTime(r -> r.time().toEpochMilli())
                .window(Duration.ofMillis(Oracle.WINDOW)).slide(Duration.ofMillis(Oracle.SLIDE))
                .maxOutOfOrderness(Duration.ofMillis(2 * Oracle.MAX_DISORDER));
    }

    /** Reads the output until it holds at least as many results as the oracle expects, bounded by a deadline. */
    static void awaitResults(String bootstrap, String output, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (TopicReader.readAll(bootstrap, output, true).size() < ORACLE.windows) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the output did not reach " + ORACLE.windows + " results within " + timeout);
            }
            Thread.sleep(500);
        }
    }

    /** Waits until the job has decoded at least {@code n} records (all attempts together), bounded. */
    static void awaitDecoded(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (FailingDecoder.DECODED.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the job decoded only " + FailingDecoder.DECODED.get() + " records within " + timeout);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Reads the output as a read_committed consumer and checks it against the oracle. When it does not hold, the
     * error also says where each partition's committed end stands against its log end and which transactions are
     * still open, since a transaction left open hides everything after its first record from such readers.
     */
    static void assertOutputExactlyOnce(String bootstrap, String output) {
        try {
            ORACLE.assertExactlyOnce(TopicReader.readAll(bootstrap, output, true));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + transactionState(bootstrap, output), e);
        }
    }

    private static String transactionState(String bootstrap, String topic) {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        StringBuilder report = new StringBuilder();
        try (Admin admin = Admin.create(props)) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get()
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            var committed = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            var uncommitted = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
            for (TopicPartition p : partitions) {
                report.append(p).append(": last stable offset ").append(committed.get(p).offset())
                        .append(", log end ").append(uncommitted.get(p).offset()).append('\n');
            }
            List<String> open = admin.listTransactions().all().get().stream()
                    .filter(t -> !t.state().toString().startsWith("COMPLETE") && t.state() != TransactionState.EMPTY)
                    .map(TransactionListing::transactionalId).toList();
            report.append("open transactions: ");
            if (open.isEmpty()) {
                report.append("none");
            }
            admin.describeTransactions(open).all().get().forEach((id, t) -> report.append('\n').append(id)
                    .append(' ').append(t.state()).append(" started ").append(t.transactionStartTimeMs().orElse(-1))
                    .append(" producer ").append(t.producerId()).append('/').append(t.producerEpoch())
                    .append(" partitions ").append(t.topicPartitions()));
        } catch (Exception e) {
            report.append("(could not describe the transactions: ").append(e).append(')');
        }
        return report.toString();
    }

    /**
     * Stop-with-savepoint needs every task running; on a loaded machine the first records can be decoded while a
     * downstream task is still being deployed. Flink then refuses the savepoint, and the test asks again. With
     * {@code drain} the sources end their input first (the watermark goes to the end of time), as a bounded job would.
     */
    static String stopWithSavepoint(JobClient job, Path savepoints, boolean drain) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return job.stopWithSavepoint(drain, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt == 50 || !String.valueOf(e.getMessage()).contains("Not all required tasks are currently running")) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    static List<Long> sorted(Set<Long> s) {
        List<Long> list = new ArrayList<>(s);
        list.sort(null);
        return list;
    }
}
