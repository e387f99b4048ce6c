package io.github.flinkkafkaavg.connectors.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.ExpectedWindows;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every window result reaches the output topic exactly once, whatever fails: 200,000 records of 120 keys, checked
 * in full against a BigDecimal oracle through a read_committed reader.
 */
class ExactlyOnceITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** A checkpoint interval (and minimum pause) longer than any test, so only the checkpoints a test triggers run. */
    private static final Duration MANUAL_ONLY = Duration.ofMinutes(9);

    private static String input;

    @BeforeAll
    static void writeInput() {
        input = ExactlyOnceHarness.writeInput(KAFKA.cluster());
    }

    @BeforeEach
    void resetFailures() {
        FailingDecoder.reset();
    }

    @Test
    void repeatedTaskFailuresLoseAndDuplicateNothing() throws Exception {
        String output = "out-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(output, 3);
        StreamExecutionEnvironment env = ExactlyOnceHarness.env(2);
        ExactlyOnceHarness.build(env, KAFKA.bootstrapServers(), input, KafkaOut.topic(output),
                Set.of(37_000L, 101_000L, 166_000L));
        env.execute("exactly once under task failures");

        assertThat(FailingDecoder.FAILURES.get()).as("injected failures").isEqualTo(3);
        ExactlyOnceHarness.assertOutputExactlyOnce(KAFKA.bootstrapServers(), output);
    }

    @Test
    void aKafkaBrokerOutageMidStreamLosesAndDuplicatesNothing() throws Exception {
        String output = "out-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(output, 3);
        StreamExecutionEnvironment env = ExactlyOnceHarness.env(2);
        ExactlyOnceHarness.build(env, KAFKA.bootstrapServers(), input, KafkaOut.topic(output), Set.of());
        JobClient job = env.executeAsync("exactly once across a broker outage");

        ExactlyOnceHarness.awaitDecoded(60_000, Duration.ofSeconds(60));
        KAFKA.cluster().killNode(1);
        Thread.sleep(4_000); // the outage itself, not a synchronisation
        KAFKA.cluster().startNode(1);
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        ExactlyOnceHarness.assertOutputExactlyOnce(KAFKA.bootstrapServers(), output);
    }

    /**
     * The negative control: the same failure with at-least-once delivery duplicates results (read_uncommitted), so
     * the exactly-once tests above can tell the difference.
     */
    @Test
    void atLeastOnceDeliveryDuplicatesResultsAfterTheSameFailure(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        String output = "alo-" + UUID.randomUUID();
        failBetweenCheckpoints(miniCluster, output, KafkaOut.topic(output).atLeastOnce());

        ExpectedWindows uncommitted = ExactlyOnceHarness.ORACLE.compare(
                TopicReader.readAll(KAFKA.bootstrapServers(), output, false));
        assertThat(uncommitted.duplicated()).as("windows written twice: after the checkpoint and again after the restore")
                .isNotEmpty();
        assertThat(uncommitted.missing()).as("at-least-once still loses nothing").isEmpty();
        assertThat(uncommitted.wrong()).as("every result, even a duplicate, has the right value").isEmpty();
        // Without transactions a read_committed reader has nothing to hide: it sees the duplicates too.
        assertThat(ExactlyOnceHarness.ORACLE.compare(TopicReader.readAll(KAFKA.bootstrapServers(), output, true))
                .duplicated()).isEqualTo(uncommitted.duplicated());
    }

    /** The same failure, exactly-once: read_committed sees each window once, read_uncommitted the aborted attempt too. */
    @Test
    void exactlyOnceDeliveryHidesTheAbortedAttemptOfTheSameFailure(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        String output = "eo-" + UUID.randomUUID();
        failBetweenCheckpoints(miniCluster, output, KafkaOut.topic(output));

        ExactlyOnceHarness.assertOutputExactlyOnce(KAFKA.bootstrapServers(), output);
        assertThat(ExactlyOnceHarness.ORACLE.compare(TopicReader.readAll(KAFKA.bootstrapServers(), output, false))
                .duplicated()).as("results of the aborted transaction, in the log but never committed").isNotEmpty();
    }

    /**
     * Runs the job with only the checkpoints this method triggers and fails it at a known point: after checkpoint
     * C completed and after more results reached the output topic. The restore from C then replays those results,
     * which is exactly where at-least-once and exactly-once differ. Periodic checkpoints cannot interfere: the
     * first would come after the minimum pause of 9 minutes. Returns once the job has finished.
     */
    private static void failBetweenCheckpoints(MiniCluster miniCluster, String output, KafkaOut out) throws Exception {
        KAFKA.cluster().createTopic(output, 3);
        StreamExecutionEnvironment env = ExactlyOnceHarness.env(2);
        env.enableCheckpointing(MANUAL_ONLY.toMillis());
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(MANUAL_ONLY.toMillis());
        ExactlyOnceHarness.build(env, KAFKA.bootstrapServers(), input, out, FailingDecoder.onSignal());
        JobClient job = env.executeAsync("failure between two checkpoints, " + out);
        try {
            awaitWritten(output, 0);
            miniCluster.triggerCheckpoint(job.getJobID(), CheckpointType.CONFIGURED).get(60, TimeUnit.SECONDS);
            awaitWritten(output, written(output));
            FailingDecoder.ARMED.set(true);
            // Checkpoints again from here on, so the restarted job commits its results and finishes. A checkpoint
            // that fails (the job restarts, or finishes) is followed by the next; one that is slow is waited for,
            // as Flink would (its timeout is 10 minutes), and reported once, with what it waits for.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            CompletableFuture<Long> checkpoint = null;
            long triggeredAt = 0;
            String stall = null;
            while (!job.getJobExecutionResult().isDone() && System.nanoTime() < deadline) {
                if (FailingDecoder.FAILURES.get() > 0) {
                    if (checkpoint == null || checkpoint.isDone()) {
                        checkpoint = miniCluster.triggerCheckpoint(job.getJobID(), CheckpointType.CONFIGURED);
                        triggeredAt = System.nanoTime();
                    } else if (stall == null && System.nanoTime() - triggeredAt > TimeUnit.SECONDS.toNanos(30)) {
                        stall = CheckpointStall.describe(miniCluster, job.getJobID());
                        System.err.println("ExactlyOnceITCase: a checkpoint has been pending for 30 s\n" + stall);
                    }
                }
                Thread.sleep(200);
            }
            try {
                job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the job did not finish within 3 minutes of the injected failure"
                        + (stall == null ? "" : "; a checkpoint stalled:\n" + stall), e);
            }
        } finally {
            if (!job.getJobExecutionResult().isDone()) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(FailingDecoder.FAILURES.get()).as("injected failures").isEqualTo(1);
    }

    private static int written(String topic) {
        return TopicReader.readAll(KAFKA.bootstrapServers(), topic, false).size();
    }

    /** Waits, bounded, until the topic holds more than {@code count} records, committed or not. */
    private static void awaitWritten(String topic, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (written(topic) <= count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(topic + " did not grow beyond " + count + " records within 60 s");
            }
            Thread.sleep(100);
        }
    }
}
