package io.github.flinkkafkaavg.connectors.exactlyonce;

import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replication, as production runs it: three KRaft brokers, every topic replicated three times with
 * min.insync.replicas=2, producers with acks=all. One broker is killed mid-stream and later restarted; nothing is
 * lost or duplicated.
 */
class ReplicatedBrokerLossITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(b -> b.nodes(3)
            .brokerProperty("min.insync.replicas", "2"));

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void killingOneOfThreeBrokersMidStreamLosesAndDuplicatesNothing() throws Exception {
        FailingDecoder.reset();
        String input = ExactlyOnceHarness.writeInput(KAFKA.cluster()); // replication factor 3
        String output = "out-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(output, 3);
        StreamExecutionEnvironment env = ExactlyOnceHarness.env(2);
        ExactlyOnceHarness.build(env, KAFKA.bootstrapServers(), input, KafkaOut.topic(output).property("acks", "all"), Set.of());
        JobClient job = env.executeAsync("exactly once across a lost replica");

        ExactlyOnceHarness.awaitDecoded(60_000, Duration.ofSeconds(60));
        KAFKA.cluster().killNode(2);
        ExactlyOnceHarness.awaitDecoded(ExactlyOnceHarness.RECORDS, Duration.ofMinutes(2)); // carries on with two
        KAFKA.cluster().startNode(2);
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        ExactlyOnceHarness.assertOutputExactlyOnce(KAFKA.bootstrapServers(), output);
    }
}
