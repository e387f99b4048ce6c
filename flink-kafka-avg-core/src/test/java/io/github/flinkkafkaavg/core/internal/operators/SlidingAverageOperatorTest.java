package io.github.flinkkafkaavg.core.internal.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.engine.HeaderCache;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.core.testutils.Reading;
import io.github.flinkkafkaavg.core.typeutils.WindowAverageSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.state.memory.MemCheckpointStreamFactory;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFinalizer;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFutures;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlidingAverageOperatorTest {

    private static final KeySelector<Reading, String> KEY = Reading::key;
    private static final OutputTag<Reading> LATE = new OutputTag<>("late", Types.POJO(Reading.class));
    private static final OutputTag<Reading> INVALID = new OutputTag<>("invalid", Types.POJO(Reading.class));

    private static KeyedOneInputStreamOperatorTestHarness<String, Reading, WindowAverage<String>> harness(
            List<WindowSpec> specs, long lateness, StateBackend backend) throws Exception {
        SlidingAverageOperator<Reading, String> operator = new SlidingAverageOperator<>(
                new SlidingWindowEngine(specs, lateness), Reading::value, LATE, INVALID);
        KeyedOneInputStreamOperatorTestHarness<String, Reading, WindowAverage<String>> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(operator, KEY, Types.STRING);
        harness.setStateBackend(backend);
        return harness;
    }

    private static WindowSpec spec(long size, long slide) {
        return WindowSpec.ofSizeAndSlide(Duration.ofMillis(size), Duration.ofMillis(slide));
    }

    @Test
    void emitsEachWindowWhenTheWatermarkPassesItsEndWithTimestampEndMinusOne() throws Exception {
        try (var h = harness(List.of(spec(10, 5)), 0, new HashMapStateBackend())) {
            h.open();
            h.processElement(new StreamRecord<>(Reading.of("a", 3, 2), 3));
            h.processElement(new StreamRecord<>(Reading.of("a", 7, 4), 7));
            h.processElement(new StreamRecord<>(Reading.of("b", 8, 10), 8));
            h.processWatermark(new Watermark(9));
            assertThat(records(h.getOutput())).containsExactlyInAnyOrder(
                    "a [-5,5) n=1 avg=2.0 @4", "a [0,10) n=2 avg=3.0 @9", "b [0,10) n=1 avg=10.0 @9", "watermark 9");
            h.getOutput().clear();
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(records(h.getOutput())).containsExactlyInAnyOrder(
                    "a [5,15) n=1 avg=4.0 @14", "b [5,15) n=1 avg=10.0 @14", "watermark " + Long.MAX_VALUE);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aStateGivenToAnotherKeyWhileACheckpointIsWrittenLeavesTheCheckpointAsItWas() throws Exception {
        // The heap backend writes a checkpoint's keyed state after the task has gone on. In between, key a's slices
        // all expire and b, a new key, gets a's emptied state object (the engine's spare states): the checkpoint must
        // still hold a as it was, so that a restore emits a's last window and nothing of b.
        OperatorSubtaskState checkpoint;
        try (var h = harness(List.of(spec(10, 5)), 0, new HashMapStateBackend())) {
            h.open();
            h.processElement(new StreamRecord<>(Reading.of("a", 3, 2), 3));
            h.processElement(new StreamRecord<>(Reading.of("a", 7, 4), 7));
            h.processWatermark(new Watermark(9));
            OperatorSnapshotFutures written = h.getOperator().snapshotState(1L, 0L,
                    CheckpointOptions.forCheckpointWithDefaultLocation(), new MemCheckpointStreamFactory(1 << 20));
            h.processWatermark(new Watermark(20)); // a's last window fires, its slices expire
            h.processElement(new StreamRecord<>(Reading.of("b", 23, 100), 23));
            h.getOutput().clear();
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(records(h.getOutput())).containsExactlyInAnyOrder(
                    "b [15,25) n=1 avg=100.0 @24", "b [20,30) n=1 avg=100.0 @29", "watermark " + Long.MAX_VALUE);
            checkpoint = OperatorSnapshotFinalizer.create(written).getJobManagerOwnedState();
        }
        try (var h = harness(List.of(spec(10, 5)), 0, new HashMapStateBackend())) {
            h.initializeState(checkpoint);
            h.open();
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(records(h.getOutput())).containsExactlyInAnyOrder(
                    "a [5,15) n=1 avg=4.0 @14", "watermark " + Long.MAX_VALUE);
        }
    }

    @Test
    void lateAndInvalidRecordsGoToTheirSideOutputsAndNeverIntoAnAverage() throws Exception {
        try (var h = harness(List.of(spec(10, 5)), 0, new HashMapStateBackend())) {
            h.open();
            h.processElement(new StreamRecord<>(Reading.of("a", 12, 1), 12));
            h.processWatermark(new Watermark(20));
            h.processElement(new StreamRecord<>(Reading.of("a", 2, 100), 2)); // late for [-5,5) and [0,10)
            h.processElement(new StreamRecord<>(Reading.of("a", 25, Double.NaN), 25));
            h.processElement(new StreamRecord<>(Reading.of("a", 26, Double.POSITIVE_INFINITY), 26));
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(h.getSideOutput(LATE)).extracting(r -> r.getValue().value()).containsExactly(100.0);
            assertThat(h.getSideOutput(INVALID)).extracting(r -> r.getValue().value())
                    .containsExactly(Double.NaN, Double.POSITIVE_INFINITY);
            assertThat(records(h.getOutput())).filteredOn(s -> !s.startsWith("watermark"))
                    .containsExactlyInAnyOrder("a [5,15) n=1 avg=1.0 @14", "a [10,20) n=1 avg=1.0 @19");
        }
    }

    @Test
    void aRecordWithoutTimestampFailsWithTheFix() throws Exception {
        try (var h = harness(List.of(spec(10, 5)), 0, new HashMapStateBackend())) {
            h.open();
            assertThatThrownBy(() -> h.processElement(new StreamRecord<>(Reading.of("a", 0, 1))))
                    .isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("assignTimestampsAndWatermarks");
        }
    }

    /**
     * Also across backends: RocksDB keeps per-key headers with values not yet merged into the slices, and a heap job
     * restoring that snapshot must merge them before its first record; a heap snapshot has no headers at all.
     */
    @ParameterizedTest(name = "{0} -> {1}, {2} windows")
    @CsvSource({"hashmap, hashmap, short", "rocksdb, rocksdb, short", "rocksdb, hashmap, short", "hashmap, rocksdb, short",
            "rocksdb, rocksdb, long", "rocksdb, hashmap, long", "hashmap, rocksdb, long"})
    void snapshotAndRestoreMidStreamGivesTheSameOutputAsAnUninterruptedRun(String backendName, String restoreOn,
            String windows) throws Exception {
        List<Object> input = randomInput(new Random(5), 4_000, 5);
        // Long windows (600 slices) are stored in chunks on RocksDB, short ones as one ring per key: hashmap -> rocksdb
        // with long windows converts whole rings, the layout of release 0.1, to chunks; rocksdb -> hashmap back.
        List<WindowSpec> specs = windows.equals("long") ? LONG_SPECS : SPECS;
        List<String> uninterrupted = run(specs, backendName, input);
        assertThat(uninterrupted).hasSizeGreaterThan(1_000);
        assertThat(segments(runInterrupted(specs, backendName, restoreOn, input))).isEqualTo(segments(uninterrupted));
    }

    /**
     * On RocksDB the operator holds changed headers on the heap between writes, up to a bound: with more keys than
     * that it writes them as it goes, and at the snapshot, and still emits what the heap backend emits.
     */
    @Test
    void moreKeysThanTheHeaderCacheHoldsGiveTheHeapBackendsOutput() throws Exception {
        List<Object> input = randomInput(new Random(11), 20_000, 2 * HeaderCache.DEFAULT_CAPACITY);
        List<String> onHeap = run("hashmap", input);
        assertThat(onHeap).hasSizeGreaterThan(10_000);
        assertThat(segments(run("rocksdb", input))).isEqualTo(segments(onHeap));
        assertThat(segments(runInterrupted("rocksdb", "rocksdb", input))).isEqualTo(segments(onHeap));
        assertThat(segments(runInterrupted("rocksdb", "hashmap", input))).isEqualTo(segments(onHeap));
    }

    private static final List<WindowSpec> SPECS = List.of(spec(6_000, 1_000), spec(20_000, 2_000));
    private static final List<WindowSpec> LONG_SPECS = List.of(spec(300_000, 500), spec(10_000, 500));
    private static final long LATENESS = 2_000;

    private static List<String> run(String backendName, List<Object> input) throws Exception {
        return run(SPECS, backendName, input);
    }

    private static List<String> run(List<WindowSpec> specs, String backendName, List<Object> input) throws Exception {
        try (var h = harness(specs, LATENESS, backend(backendName))) {
            h.open();
            feed(h, input, 0, input.size());
            if (specs == SPECS) {
                assertThat(h.getSideOutput(LATE)).isNotEmpty(); // no record is late for all of a 300 s window's slices
            }
            return records(h.getOutput());
        }
    }

    /** Half the input, a snapshot, a new operator on {@code restoreOn} restored from it, the other half. */
    private static List<String> runInterrupted(String backendName, String restoreOn, List<Object> input)
            throws Exception {
        return runInterrupted(SPECS, backendName, restoreOn, input);
    }

    private static List<String> runInterrupted(List<WindowSpec> specs, String backendName, String restoreOn,
            List<Object> input) throws Exception {
        List<String> interrupted = new ArrayList<>();
        OperatorSubtaskState snapshot;
        int cut = input.size() / 2;
        try (var h = harness(specs, LATENESS, backend(backendName))) {
            h.open();
            feed(h, input, 0, cut);
            // A canonical savepoint: the one format every backend restores (a RocksDB checkpoint is native).
            snapshot = backendName.equals(restoreOn) ? h.snapshot(1, 1)
                    : h.snapshotWithLocalState(1, 1, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                            .getJobManagerOwnedState();
            interrupted.addAll(records(h.getOutput()));
        }
        try (var h = harness(specs, LATENESS, backend(restoreOn))) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            feed(h, input, cut, input.size());
            interrupted.addAll(records(h.getOutput()));
        }
        // Timers of one timestamp fire in no fixed key order, so callers compare what comes between two watermarks
        // as a set.
        return interrupted;
    }

    @Test
    void resultsSerializeAndCopyWithoutKryo() throws Exception {
        WindowAverageSerializer<String> serializer = new WindowAverageSerializer<>(StringSerializer.INSTANCE);
        WindowAverage<String> result = new WindowAverage<>("k", 1, 11, 3, 6.5, 1.0, 4.0);
        org.apache.flink.core.memory.DataOutputSerializer out = new org.apache.flink.core.memory.DataOutputSerializer(64);
        serializer.serialize(result, out);
        WindowAverage<String> back = serializer.deserialize(new org.apache.flink.core.memory.DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).isEqualTo(result);
        assertThat(serializer.copy(result)).isEqualTo(result);
    }

    private static List<List<String>> segments(List<String> output) {
        List<List<String>> segments = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : output) {
            if (line.startsWith("watermark")) {
                current.sort(null);
                segments.add(current);
                current = new ArrayList<>();
            } else {
                current.add(line);
            }
        }
        current.sort(null);
        segments.add(current);
        return segments;
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    /** Records (as StreamRecords) interleaved with watermarks, with disorder, lateness and gaps. */
    private static List<Object> randomInput(Random random, int n, int keys) {
        List<Object> input = new ArrayList<>();
        long time = 0;
        long maxSeen = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            time += random.nextInt(40);
            if (random.nextInt(300) == 0) {
                time += 30_000;
            }
            long ts = time - (random.nextInt(10) == 0 ? random.nextInt(30_000) : 0);
            maxSeen = Math.max(maxSeen, ts);
            input.add(new StreamRecord<>(Reading.of("k" + random.nextInt(keys), ts, random.nextInt(10_000) / 100.0), ts));
            if (random.nextInt(15) == 0) {
                input.add(new Watermark(maxSeen - 500));
            }
        }
        input.add(new Watermark(Long.MAX_VALUE));
        return input;
    }

    @SuppressWarnings("unchecked")
    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, Reading, WindowAverage<String>> h,
            List<Object> input, int from, int to) throws Exception {
        for (Object o : input.subList(from, to)) {
            if (o instanceof Watermark w) {
                h.processWatermark(w);
            } else {
                h.processElement((StreamRecord<Reading>) o);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> records(ConcurrentLinkedQueue<Object> output) {
        List<String> out = new ArrayList<>();
        for (Object o : output) {
            if (o instanceof Watermark w) {
                out.add("watermark " + w.getTimestamp());
            } else {
                StreamRecord<WindowAverage<String>> r = (StreamRecord<WindowAverage<String>>) o;
                WindowAverage<String> a = r.getValue();
                out.add(a.key() + " [" + a.windowStart() + "," + a.windowEnd() + ") n=" + a.count() + " avg="
                        + a.average() + " @" + r.getTimestamp());
            }
        }
        return out;
    }
}
