package io.github.flinkkafkaavg.benchmarks;

import io.github.flinkkafkaavg.benchmarks.kafka.KafkaBenchmark;
import org.junit.jupiter.api.Test;

/**
 * The Kafka benchmark still runs (CI does not time it): a small topic on the embedded broker, every variant once,
 * and the library's and the hand-written job's committed output counted against the input's windows — which throws
 * when they differ.
 */
class KafkaBenchmarkSmokeTest {

    @Test
    void everyVariantRunsAndTheLibraryCommitsEveryWindow() throws Exception {
        KafkaBenchmark.main(new String[] {"--smoke"});
    }

    @Test
    void theHandWrittenJobRunsInPairsWithTheLibraryAndCommitsEveryWindow() throws Exception {
        KafkaBenchmark.main(new String[] {"--smoke", "--variants", "H,L"});
    }
}
