package io.github.flinkkafkaavg.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The benchmarks still run (CI does not time them): a few batches each, in plain JUnit. */
class BenchmarkSmokeTest {

    @Test
    void engineAndBaselinesRunAndEmitWindows() {
        SlidingEngineBenchmark engine = new SlidingEngineBenchmark();
        engine.windowsPerRecord = 10;
        engine.setUp();
        double before = engine.library();
        for (int i = 0; i < 20; i++) {
            engine.library();
        }
        assertThat(engine.library()).isGreaterThan(before); // windows were emitted
        assertThat(engine.keyedBaseline()).isPositive();
        assertThat(engine.checkpointBytesPerKey()).isBetween(100L, 40L * 20);

        PerWindowBaselineBenchmark perWindow = new PerWindowBaselineBenchmark();
        perWindow.windowsPerRecord = 10;
        perWindow.setUp();
        assertThat(perWindow.perWindow()).isPositive();
    }
}
