package io.github.flinkkafkaavg.connectors.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
        ExactlyOnceHarness.ORACLE.assertExactlyOnce(TopicReader.readAll(KAFKA.bootstrapServers(), output, true));
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

        ExactlyOnceHarness.ORACLE.assertExactlyOnce(TopicReader.readAll(KAFKA.bootstrapServers(), output, true));
    }
}
