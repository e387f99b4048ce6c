package io.github.flinkkafkaavg.connectors.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A TaskManager lost mid-stream: the job recovers on the other one and the output still equals the oracle. */
class TaskManagerLossITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(spreadSlots())
            .setNumberTaskManagers(2).setNumberSlotsPerTaskManager(2).build());

    /** One subtask on each TaskManager, so that losing either one kills a running subtask. */
    private static Configuration spreadSlots() {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.TASK_MANAGER_LOAD_BALANCE_MODE, TaskManagerOptions.TaskManagerLoadBalanceMode.SLOTS);
        return conf;
    }

    @Test
    void losingATaskManagerLosesAndDuplicatesNothing(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        FailingDecoder.reset();
        String input = ExactlyOnceHarness.writeInput(KAFKA.cluster());
        String output = "out-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(output, 3);
        StreamExecutionEnvironment env = ExactlyOnceHarness.env(2);
        ExactlyOnceHarness.build(env, KAFKA.bootstrapServers(), input, KafkaOut.topic(output), Set.of());
        JobClient job = env.executeAsync("exactly once across a lost TaskManager");

        ExactlyOnceHarness.awaitDecoded(60_000, Duration.ofSeconds(60));
        miniCluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
        // Both subtasks restarted from the last checkpoint, so the source read part of its input again.
        assertThat(FailingDecoder.DECODED.get()).isGreaterThan(ExactlyOnceHarness.RECORDS);

        ExactlyOnceHarness.assertOutputExactlyOnce(KAFKA.bootstrapServers(), output);
    }
}
