package io.github.flinkkafkaavg.benchmarks;

import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.engine.SliceRing;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-record cost of the sliding-average engine at W/S = 10, 60, 600 and 3,600 (S = 1 s), hosted the way the Flink
 * operator hosts it: a map from key to state and a priority queue of per-key timers, one watermark per event-time
 * second. The stream: 1,000 keys, 10,000 records per event-second (10 per key per slide), 200 ms of disorder.
 *
 * <p>{@code keyedBaseline} measures, in the same run, the trivial keyed operator around it: the same stream, the
 * same map lookup, a running count and sum per key, no windows. Its throughput is the ceiling; the engine's ratio to
 * it is what the window costs. The stream runs on across invocations, and warm-up covers more than one window of
 * event time, so measurements are of the steady state (rings full, slices expiring), not of the first window.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+UseParallelGC"})
public class SlidingEngineBenchmark {

    static final int BATCH = 10_000;
    static final int KEYS = 1_000;
    static final long PER_SECOND = 10_000;

    /** Window size over slide; the slide is 1 s. */
    @Param({"10", "60", "600", "3600"})
    public int windowsPerRecord;

    private EventStream stream;
    private SlidingWindowEngine engine;
    private final Map<String, SlidingWindowEngine.KeyState> states = new HashMap<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Map<String, double[]> totals = new HashMap<>();
    private long watermark = Long.MIN_VALUE;
    private long nextWatermarkAt;
    private double checksum;
    private final SlidingWindowEngine.WindowSink sink = (spec, start, end, window) -> checksum += window.average();

    private record Timer(long time, String key) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(time, o.time);
        }
    }

    /** Builds the stream and the engine, and runs one full window of event time so that rings start full. */
    @Setup(Level.Trial)
    public void setUp() {
        stream = new EventStream(KEYS, PER_SECOND, 200, 42);
        engine = new SlidingWindowEngine(List.of(WindowSpec.ofSizeAndSlide(
                Duration.ofSeconds(windowsPerRecord), Duration.ofSeconds(1))), 0);
        nextWatermarkAt = stream.now() + 1_000;
        long prefill = (windowsPerRecord + 5L) * PER_SECOND;
        for (long i = 0; i < prefill; i++) {
            libraryStep();
        }
    }

    /**
     * The library's engine, hosted like the Flink operator.
     *
     * @return a checksum of the emitted averages, so that nothing is optimised away
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double library() {
        for (int i = 0; i < BATCH; i++) {
            libraryStep();
        }
        return checksum;
    }

    private void libraryStep() {
        stream.next();
        String key = stream.keyNames[stream.key];
        SlidingWindowEngine.KeyState state = states.get(key);
        if (state == null) {
            state = new SlidingWindowEngine.KeyState();
            states.put(key, state);
        }
        long before = state.timer();
        engine.onElement(state, stream.timestamp, stream.value, watermark, sink);
        if (state.timer() != before && state.timer() != SlidingWindowEngine.NO_TIMER) {
            timers.add(new Timer(state.timer(), key));
        }
        if (stream.timestamp >= nextWatermarkAt) {
            advanceWatermark(nextWatermarkAt - 200);
            nextWatermarkAt += 1_000;
        }
    }

    private void advanceWatermark(long wm) {
        watermark = wm;
        while (!timers.isEmpty() && timers.peek().time() <= wm) {
            Timer t = timers.poll();
            SlidingWindowEngine.KeyState state = states.get(t.key());
            if (state == null || state.timer() != t.time()) {
                continue; // superseded, as the operator deletes it
            }
            engine.onTimer(state, wm, sink);
            if (state.isEmpty()) {
                states.remove(t.key());
            } else {
                timers.add(new Timer(state.timer(), t.key()));
            }
        }
    }

    /**
     * The trivial keyed operator: the same stream and key lookup, a count and a sum per key, no windows.
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double keyedBaseline() {
        for (int i = 0; i < BATCH; i++) {
            stream.next();
            String key = stream.keyNames[stream.key];
            double[] total = totals.get(key);
            if (total == null) {
                total = new double[2];
                totals.put(key, total);
            }
            total[0]++;
            total[1] += stream.value;
            if (stream.timestamp >= nextWatermarkAt) {
                nextWatermarkAt += 1_000;
                checksum += total[1] / total[0];
            }
        }
        return checksum;
    }

    /** Prints the state size per key in steady state, for docs/benchmarks.md. */
    @TearDown(Level.Trial)
    public void reportStateSize() {
        if (!states.isEmpty()) {
            System.out.printf("%n[state] W/S=%d: %d keys, %d bytes of checkpointed state per key (%d slices of at most"
                    + " 40 bytes for W/g=%d)%n", windowsPerRecord, states.size(), checkpointBytesPerKey(),
                    averageSlices(), windowsPerRecord);
        }
    }

    private long averageSlices() {
        long slices = 0;
        for (SlidingWindowEngine.KeyState state : states.values()) {
            slices += state.ring().isEmpty() ? 0 : state.ring().top() - state.ring().base() + 1;
        }
        return slices / states.size();
    }

    /** Bytes of checkpointed state per key in steady state, as {@code SlidingStateSerializer} writes it. */
    long checkpointBytesPerKey() {
        long bytes = 0;
        for (SlidingWindowEngine.KeyState state : states.values()) {
            SliceRing ring = state.ring();
            bytes += 20;
            if (!ring.isEmpty()) {
                bytes += 8;
                for (long i = ring.base(); i <= ring.top(); i++) {
                    bytes += ring.sliceCount(i) > 0 ? 40 : 8;
                }
            }
        }
        return states.isEmpty() ? 0 : bytes / states.size();
    }
}
