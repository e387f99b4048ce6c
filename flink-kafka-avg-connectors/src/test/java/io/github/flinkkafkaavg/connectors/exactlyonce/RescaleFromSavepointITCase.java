package io.github.flinkkafkaavg.connectors.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Stop-with-savepoint mid-stream, then restore at another parallelism: the two runs together write every window
 * exactly once.
 */
class RescaleFromSavepointITCase {

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

    @ParameterizedTest(name = "parallelism {0} -> {1}")
    @CsvSource({"2, 1", "1, 2"})
    void stopWithSavepointAndRestoreAtAnotherParallelism(int before, int after, @TempDir Path savepoints) throws Exception {
        FailingDecoder.reset();
        String output = "out-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(output, 3);
        KafkaOut out = KafkaOut.topic(output).transactionalIdPrefix("rescale-" + output);

        StreamExecutionEnvironment first = ExactlyOnceHarness.env(before);
        ExactlyOnceHarness.buildUnbounded(first, KAFKA.bootstrapServers(), input, out);
        JobClient job = first.executeAsync("before the savepoint");
        ExactlyOnceHarness.awaitDecoded(30_000, Duration.ofSeconds(60)); // early: the stop must land mid-stream
        String savepoint = ExactlyOnceHarness.stopWithSavepoint(job, savepoints, false);
        long decodedBefore = FailingDecoder.DECODED.get();
        assertThat(decodedBefore).as("stopped mid-stream").isLessThan(ExactlyOnceHarness.RECORDS);

        StreamExecutionEnvironment second = ExactlyOnceHarness.env(after, savepoint);
        ExactlyOnceHarness.buildUnbounded(second, KAFKA.bootstrapServers(), input, out);
        JobClient resumed = second.executeAsync("after the savepoint");
        try {
            ExactlyOnceHarness.awaitResults(KAFKA.bootstrapServers(), output, Duration.ofMinutes(2));
        } finally {
            resumed.cancel().get(1, TimeUnit.MINUTES);
        }

        ExactlyOnceHarness.assertOutputExactlyOnce(KAFKA.bootstrapServers(), output);
    }
}
