package io.github.flinkkafkaavg.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.benchmarks.kafka.EndToEndLatency;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end latency runner still runs (CI does not time it): both jobs, exactly-once, a few seconds each; every
 * one delivers results, none before its window could have closed.
 */
class EndToEndLatencySmokeTest {

    @Test
    void bothJobsDeliverResultsAfterTheirWindowsEnd() throws Exception {
        for (EndToEndLatency.Latencies run : EndToEndLatency.measure("--smoke", "--variants", "L,H", "--guarantees",
                "eo", "--seconds", "6", "--warmup-seconds", "2")) {
            assertThat(run.millis()).as("results timed, %s", run.variant()).isNotEmpty();
            assertThat(run.millis()[0]).as("%s: the earliest result comes after its window's end plus the watermark"
                    + " bound of 200 ms", run.variant()).isGreaterThanOrEqualTo(200);
        }
    }
}
