package io.github.flinkkafkaavg.benchmarks;

import io.github.flinkkafkaavg.benchmarks.job.JobBenchmark;
import org.junit.jupiter.api.Test;

/**
 * The job benchmark still runs (CI does not time it): every variant once on a tiny input, after the check that they
 * all produce the same results — which throws if they do not.
 */
class JobBenchmarkSmokeTest {

    @Test
    void everyVariantRunsAndTheyAllAgree() throws Exception {
        JobBenchmark.main(new String[] {"--smoke"});
    }

    /** Steady-state timing (past the first full window, or marked as an upper bound) and state per key from a savepoint. */
    @Test
    void steadyStateTimingRuns() throws Exception {
        JobBenchmark.main(new String[] {"--smoke", "--steady", "--state", "--variants", "A1,L", "--per-second", "2000",
            "--max-fill-seconds", "30"});
    }
}
