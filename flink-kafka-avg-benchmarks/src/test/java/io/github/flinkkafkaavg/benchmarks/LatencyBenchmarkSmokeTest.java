package io.github.flinkkafkaavg.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.flinkkafkaavg.benchmarks.job.LatencyBenchmark;
import io.github.flinkkafkaavg.benchmarks.job.LatencyBenchmark.Latencies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latency benchmark still runs (CI does not time it): the library and Flink's windows on a short rate-limited
 * input, each timing windows past the warm-up, with ordered percentiles, and the table written.
 */
class LatencyBenchmarkSmokeTest {

    @Test
    void timesWindowsOfEveryVariant(@TempDir Path out) throws Exception {
        List<Latencies> all = LatencyBenchmark.measure("--variants", "L,A1", "--keys", "20", "--backend", "heap",
                "--ratio", "2", "--slide", "200ms", "--rate", "2000", "--jitter-ms", "50", "--seconds", "2",
                "--out", out.toString());
        assertEquals(2, all.size());
        for (Latencies l : all) {
            assertTrue(l.results() > 0 && l.slides() > 1, l.toString());
            assertTrue(0 <= l.p50() && l.p50() <= l.p99() && l.p99() <= l.max(), l.toString());
        }
        try (var files = Files.list(out)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("latency-")).count());
        }
    }
}
