package io.github.flinkkafkaavg.core.internal.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.core.testutils.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * State written by release 0.1 (committed under src/test/resources/savepoints) must restore and finish with the
 * same results as an uninterrupted run. A change to the state classes or serializers that would break users'
 * savepoints fails here. To add the snapshots of a new format version (never overwrite old ones):
 * {@code mvn -pl flink-kafka-avg-core test -Dtest=SavepointCompatibilityTest -DwriteSnapshots=true}.
 */
class SavepointCompatibilityTest {

    private static final String SLIDING = "savepoints/sliding-average-v1.snapshot";
    private static final String MOVING = "savepoints/moving-average-v1.snapshot";
    private static final List<Object> INPUT = input();
    private static final int CUT = INPUT.size() / 2;

    private static OneInputStreamOperator<Reading, WindowAverage<String>> sliding() {
        return new SlidingAverageOperator<>(new SlidingWindowEngine(List.of(
                WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(2)),
                WindowSpec.ofSizeAndSlide(Duration.ofSeconds(30), Duration.ofSeconds(2))), 1_000), Reading::value, null, null);
    }

    private static OneInputStreamOperator<Reading, MovingAverage<String>> moving() {
        return new MovingAverageOperator<>(20, false, Reading::value, null);
    }

    @Test
    void slidingAverageStateOfVersion1RestoresAndFinishesCorrectly() throws Exception {
        assertRestoresLikeAnUninterruptedRun(SLIDING, sliding(), false);
    }

    /**
     * The same state restored on RocksDB. These windows are short enough (at most 31 slices with the lateness) for
     * the RocksDB layout to keep each key's ring as one value, as release 0.1 did: the restored rings are used as
     * they are. (Long windows are stored in chunks; the conversion of whole rings to chunks is tested in
     * SlidingAverageOperatorTest, hashmap -> rocksdb with long windows, whose snapshot has the 0.1 format.)
     */
    @Test
    void slidingAverageStateOfVersion1RestoresOnRocksDb() throws Exception {
        assertRestoresLikeAnUninterruptedRun(SLIDING, sliding(), true);
    }

    @Test
    void movingAverageStateOfVersion1RestoresAndFinishesCorrectly() throws Exception {
        assertRestoresLikeAnUninterruptedRun(MOVING, moving(), false);
    }

    private static <O> void assertRestoresLikeAnUninterruptedRun(String resource, OneInputStreamOperator<Reading, O> operator,
            boolean rocksDb) throws Exception {
        List<String> uninterrupted;
        try (var h = harness(operator)) {
            h.open();
            feed(h, 0, INPUT.size());
            uninterrupted = records(h);
        }
        List<String> secondHalf;
        OperatorSubtaskState saved = OperatorSnapshotUtil.readStateHandle(OperatorSnapshotUtil.getResourceFilename(resource));
        if (rocksDb) {
            // The committed state is a heap checkpoint; a job moves it to RocksDB through a canonical savepoint.
            try (var h = harness(freshCopy(operator))) {
                h.setup();
                h.initializeState(saved);
                h.open();
                saved = h.snapshotWithLocalState(1, 1, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                        .getJobManagerOwnedState();
            }
        }
        try (var h = harness(freshCopy(operator))) {
            if (rocksDb) {
                h.setStateBackend(new EmbeddedRocksDBStateBackend());
            }
            h.setup();
            h.initializeState(saved);
            h.open();
            feed(h, CUT, INPUT.size());
            secondHalf = records(h);
        }
        List<String> firstHalf;
        try (var h = harness(freshCopy(operator))) {
            h.open();
            feed(h, 0, CUT);
            firstHalf = records(h);
        }
        List<String> restored = new ArrayList<>(firstHalf);
        restored.addAll(secondHalf);
        restored.sort(null);
        uninterrupted.sort(null);
        assertThat(secondHalf).hasSizeGreaterThan(100);
        assertThat(restored).isEqualTo(uninterrupted);
    }

    @Test
    @EnabledIfSystemProperty(named = "writeSnapshots", matches = "true")
    void writeSnapshots() throws Exception {
        write(SLIDING, sliding());
        write(MOVING, moving());
    }

    private static <O> void write(String resource, OneInputStreamOperator<Reading, O> operator) throws Exception {
        Path target = Path.of("src/test/resources", resource);
        if (Files.exists(target)) {
            throw new IllegalStateException(target + " exists: snapshots of released formats are never overwritten;"
                    + " add a new version instead");
        }
        try (var h = harness(operator)) {
            h.open();
            feed(h, 0, CUT);
            OperatorSnapshotUtil.writeStateHandle(h.snapshot(1, 1), target.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static <O> OneInputStreamOperator<Reading, O> freshCopy(OneInputStreamOperator<Reading, O> operator) {
        return operator instanceof SlidingAverageOperator ? (OneInputStreamOperator<Reading, O>) sliding()
                : (OneInputStreamOperator<Reading, O>) moving();
    }

    private static <O> KeyedOneInputStreamOperatorTestHarness<String, Reading, O> harness(
            OneInputStreamOperator<Reading, O> operator) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(operator, Reading::key, Types.STRING);
    }

    private static List<Object> input() {
        Random random = new Random(20261125);
        List<Object> input = new ArrayList<>();
        long time = 1_764_000_000_000L;
        long maxSeen = Long.MIN_VALUE;
        for (int i = 0; i < 3_000; i++) {
            time += random.nextInt(40);
            long ts = time - (random.nextInt(10) == 0 ? random.nextInt(4_000) : 0);
            maxSeen = Math.max(maxSeen, ts);
            input.add(new StreamRecord<>(Reading.of("k" + random.nextInt(7), ts, random.nextInt(100_000) / 100.0), ts));
            if (random.nextInt(25) == 0) {
                input.add(new Watermark(maxSeen - 1_500));
            }
        }
        input.add(new Watermark(Long.MAX_VALUE));
        return input;
    }

    @SuppressWarnings("unchecked")
    private static <O> void feed(KeyedOneInputStreamOperatorTestHarness<String, Reading, O> h, int from, int to)
            throws Exception {
        for (Object o : INPUT.subList(from, to)) {
            if (o instanceof Watermark w) {
                h.processWatermark(w);
            } else {
                h.processElement((StreamRecord<Reading>) o);
            }
        }
    }

    private static <O> List<String> records(KeyedOneInputStreamOperatorTestHarness<String, Reading, O> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add(r.getValue() + " @" + r.getTimestamp());
            }
        }
        return out;
    }
}
