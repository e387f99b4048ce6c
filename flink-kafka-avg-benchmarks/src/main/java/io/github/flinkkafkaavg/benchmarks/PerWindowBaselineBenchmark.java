package io.github.flinkkafkaavg.benchmarks;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The approach of Flink's native sliding windows, in plain Java on the same stream as
 * {@link SlidingEngineBenchmark}: every record updates the accumulator of each of its W/S windows in a heap map
 * keyed by (key, window), with one deduplicated timer per window. It shows what slicing saves; it is a model of the
 * work, not Flink itself (the job-level comparison against Flink's operators is a separate benchmark).
 * Only W/S = 10 and 60: at 600 the model needs minutes of warm-up to reach its steady state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+UseParallelGC"})
public class PerWindowBaselineBenchmark {

    /** Window size over slide; the slide is 1 s. */
    @Param({"10", "60"})
    public int windowsPerRecord;

    private record WindowKey(String key, long start) {}

    private record Timer(long time, WindowKey window) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(time, o.time);
        }
    }

    private EventStream stream;
    private final Map<WindowKey, double[]> windows = new HashMap<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Set<WindowKey> timerSet = new HashSet<>();
    private long size;
    private long nextWatermarkAt;
    private long watermark = Long.MIN_VALUE;
    private double checksum;

    /** Builds the stream and runs one window of event time. */
    @Setup(Level.Trial)
    public void setUp() {
        stream = new EventStream(SlidingEngineBenchmark.KEYS, SlidingEngineBenchmark.PER_SECOND, 200, 42);
        size = windowsPerRecord * 1_000L;
        nextWatermarkAt = stream.now() + 1_000;
        for (long i = 0; i < (windowsPerRecord + 5L) * SlidingEngineBenchmark.PER_SECOND; i++) {
            step();
        }
    }

    /**
     * One batch of records through per-window state.
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(SlidingEngineBenchmark.BATCH)
    public double perWindow() {
        for (int i = 0; i < SlidingEngineBenchmark.BATCH; i++) {
            step();
        }
        return checksum;
    }

    private void step() {
        stream.next();
        String key = stream.keyNames[stream.key];
        long ts = stream.timestamp;
        for (long start = ts - Math.floorMod(ts, 1_000L); start > ts - size; start -= 1_000) {
            if (start + size - 1 <= watermark) {
                continue;
            }
            WindowKey window = new WindowKey(key, start);
            double[] acc = windows.get(window);
            if (acc == null) {
                acc = new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                windows.put(window, acc);
            }
            acc[0]++;
            acc[1] += stream.value;
            acc[2] = Math.min(acc[2], stream.value);
            acc[3] = Math.max(acc[3], stream.value);
            if (timerSet.add(window)) {
                timers.add(new Timer(start + size - 1, window));
            }
        }
        if (ts >= nextWatermarkAt) {
            watermark = nextWatermarkAt - 200;
            nextWatermarkAt += 1_000;
            while (!timers.isEmpty() && timers.peek().time() <= watermark) {
                Timer t = timers.poll();
                timerSet.remove(t.window());
                double[] acc = windows.remove(t.window());
                if (acc != null) {
                    checksum += acc[1] / acc[0];
                }
            }
        }
    }
}
