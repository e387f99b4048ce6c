package io.github.flinkkafkaavg.connectors.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.KafkaIn;
import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sustained run with keys that come and go: every few seconds a new generation of keys starts sending and the
 * previous one stops for good. Both kinds of average run side by side with checkpoints every 2 s; every 10 s the
 * heap after a full GC and the size of the latest checkpoint are sampled. Past the warm-up both must stay flat:
 * time windows drop a key once its last window has fired, {@code forgetKeysAfter} drops a silent count-based key.
 *
 * <p>CI runs it for 45 s ({@code soak.duration}); {@code mvn -B -Psoak verify -pl flink-kafka-avg-connectors -am}
 * runs it for 6 minutes and prints the samples recorded in docs/operations.md.
 */
class SoakITCase {

    private static final Duration DURATION = Duration.parse(System.getProperty("soak.duration", "PT45S"));
    private static final int RATE = Integer.getInteger("soak.rate", 8_000);
    /** {@code -Dsoak.forgetKeys=false} is the control: count-based state then grows with every key ever seen. */
    private static final boolean FORGET_KEYS = Boolean.parseBoolean(System.getProperty("soak.forgetKeys", "true"));
    private static final long BASE = 1_764_000_000_000L;
    /** Event time advances 2 ms per record: 16 s of event time per second at the default rate. */
    private static final long EVENT_MILLIS_PER_RECORD = 2;
    private static final int KEYS_PER_GENERATION = 200;
    /** A generation of keys sends for 30 s of event time (about 2 s of wall time), then never again. */
    private static final long GENERATION_MILLIS = 30_000;
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    record Measurement(long seconds, long records, long keysSeen, long lag, long heapMb, long checkpointKb, long checkpointId) {}

    @Test
    void heapAndStateStayFlatWhileKeysComeAndGo(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        String in = "soak-in";
        KAFKA.cluster().createTopic(in, 2);
        KAFKA.cluster().createTopic("soak-windows", 2);
        KAFKA.cluster().createTopic("soak-moving", 2);

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // any failure ends the soak
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(2_000);
        KafkaIn input = KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers()).startingAtEarliest();
        JsonSerde.Fields fields = JsonSerde.fields("$.k", "$.v").timestamp("$.t");
        SlidingAverage.ofJson(fields).window(Duration.ofSeconds(60)).slide(Duration.ofSeconds(5))
                .maxOutOfOrderness(Duration.ofSeconds(1)).name("soak-windows")
                .fromKafka(input.groupId("soak-windows")).toKafka(KafkaOut.topic("soak-windows")).build(env);
        SlidingAverage.LastN<Sample> moving = SlidingAverage.ofJson(fields).lastN(50).name("soak-moving");
        (FORGET_KEYS ? moving.forgetKeysAfter(Duration.ofSeconds(10)) : moving)
                .fromKafka(input.groupId("soak-moving")).toKafka(KafkaOut.topic("soak-moving")).build(env);
        JobClient job = env.executeAsync("soak");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong produced = new AtomicLong();
        Thread producer = new Thread(() -> produce(in, stop, produced), "soak-producer");
        producer.start();
        List<Measurement> samples = new ArrayList<>();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long start = System.nanoTime();
        try {
            long next = start;
            while (System.nanoTime() - start < DURATION.toNanos()) {
                next += SAMPLE_EVERY.toNanos();
                TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
                assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
                System.gc();
                long heap = memory.getHeapMemoryUsage().getUsed() >> 20;
                CompletedCheckpointStats latest = latestCheckpoint(miniCluster, job.getJobID());
                long records = produced.get();
                Measurement s = new Measurement(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), records,
                        keysSeen(records), lag(in, "soak-windows"), heap, latest == null ? 0 : latest.getStateSize() >> 10,
                        latest == null ? 0 : latest.getCheckpointId());
                samples.add(s);
                System.out.printf(Locale.ROOT, "soak %4d s: %,11d records, %,7d keys so far, lag %,7d, heap %5d MB,"
                        + " checkpoint %d: %,8d KB%n", s.seconds(), s.records(), s.keysSeen(), s.lag(), s.heapMb(),
                        s.checkpointId(), s.checkpointKb());
            }
        } finally {
            stop.set(true);
            producer.join(30_000);
            job.cancel().get(60, TimeUnit.SECONDS);
        }

        // Past a warm-up of one window plus the first key generations, compare the second half with the first.
        List<Measurement> steady = samples.subList(Math.min(2, samples.size() - 2), samples.size());
        int half = steady.size() / 2;
        List<Measurement> first = steady.subList(0, half);
        List<Measurement> second = steady.subList(half, steady.size());
        double firstState = mean(first, Measurement::checkpointKb);
        double secondState = mean(second, Measurement::checkpointKb);
        double firstHeap = mean(first, Measurement::heapMb);
        double secondHeap = mean(second, Measurement::heapMb);
        long keys = samples.get(samples.size() - 1).keysSeen();
        System.out.printf(Locale.ROOT, "soak summary: %s at %,d records/s offered, %,d records, %,d keys seen;"
                        + " checkpoint %.0f KB -> %.0f KB, heap %.0f MB -> %.0f MB (first half -> second half)%n",
                DURATION, RATE, samples.get(samples.size() - 1).records(), keys, firstState, secondState, firstHeap,
                secondHeap);
        assertThat(samples.get(samples.size() - 1).records()).as("records produced").isGreaterThan(RATE * DURATION.toSeconds() / 4);
        assertThat(secondState).as("state of the second half vs the first (KB)").isGreaterThan(0)
                .isLessThanOrEqualTo(firstState * 1.25 + 64);
        assertThat(secondHeap).as("heap after GC, second half vs first (MB)").isLessThanOrEqualTo(firstHeap * 1.25 + 32);
        // The job keeps up: what it has not committed yet is a few checkpoint intervals of input, not a growing backlog.
        assertThat(samples.get(samples.size() - 1).lag()).as("records behind at the end").isLessThan(RATE * 20L);
    }

    /** Keys are {@code g<generation>-<n>}: the generation follows event time, so old keys never send again. */
    private static void produce(String topic, AtomicBoolean stop, AtomicLong produced) {
        Properties props = KAFKA.cluster().clientProperties();
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.setProperty(ProducerConfig.ACKS_CONFIG, "1");
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; !stop.get(); i++) {
                long due = start + i * 1_000_000_000L / RATE;
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long ts = BASE + i * EVENT_MILLIS_PER_RECORD;
                String key = "g" + (ts - BASE) / GENERATION_MILLIS + "-" + (i % KEYS_PER_GENERATION);
                String value = "{\"k\":\"" + key + "\",\"v\":" + (i % 1000) / 10.0 + ",\"t\":" + ts + "}";
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)));
                produced.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records not yet covered by the group's offsets, which the source commits with each checkpoint. */
    private static long lag(String topic, String group) throws Exception {
        try (Admin admin = KAFKA.cluster().admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 2; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long lag = 0;
            for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                lag += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        }
    }

    private static long keysSeen(long records) {
        long generations = (records * EVENT_MILLIS_PER_RECORD) / GENERATION_MILLIS + 1;
        return generations * KEYS_PER_GENERATION;
    }

    private static CompletedCheckpointStats latestCheckpoint(MiniCluster miniCluster, JobID job) throws Exception {
        var stats = miniCluster.getExecutionGraph(job).get(10, TimeUnit.SECONDS).getCheckpointStatsSnapshot();
        return stats == null ? null : stats.getHistory().getLatestCompletedCheckpoint();
    }

    private static double mean(List<Measurement> samples, java.util.function.ToLongFunction<Measurement> f) {
        return samples.stream().mapToLong(f).average().orElse(0);
    }
}
