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
}
