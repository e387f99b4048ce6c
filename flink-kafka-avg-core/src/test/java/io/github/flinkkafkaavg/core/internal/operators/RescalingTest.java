package io.github.flinkkafkaavg.core.internal.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.core.testutils.Reading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Restoring the sliding-average state at another parallelism changes nothing in the results. */
class RescalingTest {

    private static final int MAX_PARALLELISM = 128;
    private static final List<WindowSpec> SPECS =
            List.of(WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(1)));
    private static final long LATENESS = 1_000;

    @ParameterizedTest(name = "{0} -> {1} on {2}")
    @CsvSource({"2, 1, hashmap", "1, 2, hashmap", "2, 3, hashmap", "2, 1, rocksdb", "1, 2, rocksdb"})
    void resultsAreTheSameWhateverTheParallelismBeforeAndAfterARestore(int before, int after, String backend)
            throws Exception {
        List<Object> input = input(new Random(before * 10L + after), 5_000);
        int cut = input.size() / 2;

        List<String> uninterrupted = run(List.of(), input, 0, input.size(), 1, backend).output;

        Phase first = run(List.of(), input, 0, cut, before, backend);
        OperatorSubtaskState all = AbstractStreamOperatorTestHarness.repackageState(
                first.snapshots.toArray(new OperatorSubtaskState[0]));
        List<OperatorSubtaskState> rescaled = new ArrayList<>();
        for (int i = 0; i < after; i++) {
            rescaled.add(AbstractStreamOperatorTestHarness.repartitionOperatorState(all, MAX_PARALLELISM, before, after, i));
        }
        Phase second = run(rescaled, input, cut, input.size(), after, backend);

        List<String> interrupted = new ArrayList<>(first.output);
        interrupted.addAll(second.output);
        Collections.sort(interrupted);
        Collections.sort(uninterrupted);
        assertThat(uninterrupted).hasSizeGreaterThan(2_000);
        assertThat(interrupted).isEqualTo(uninterrupted);
    }

    private record Phase(List<String> output, List<OperatorSubtaskState> snapshots) {}

    @SuppressWarnings("unchecked")
    private static Phase run(List<OperatorSubtaskState> restore, List<Object> input, int from, int to, int parallelism,
            String backend) throws Exception {
        List<KeyedOneInputStreamOperatorTestHarness<String, Reading, WindowAverage<String>>> harnesses = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            var h = new KeyedOneInputStreamOperatorTestHarness<String, Reading, WindowAverage<String>>(
                    new SlidingAverageOperator<>(new SlidingWindowEngine(SPECS, LATENESS), Reading::value, null, null),
                    Reading::key, Types.STRING, MAX_PARALLELISM, parallelism, i);
            h.setStateBackend(backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend());
            h.setup();
            if (!restore.isEmpty()) {
                h.initializeState(restore.get(i));
            }
            h.open();
            harnesses.add(h);
        }
        for (Object o : input.subList(from, to)) {
            if (o instanceof Watermark w) {
                for (var h : harnesses) {
                    h.processWatermark(w);
                }
            } else {
                StreamRecord<Reading> r = (StreamRecord<Reading>) o;
                int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(r.getValue().key(), MAX_PARALLELISM, parallelism);
                harnesses.get(subtask).processElement(r);
            }
        }
        List<String> output = new ArrayList<>();
        List<OperatorSubtaskState> snapshots = new ArrayList<>();
        for (var h : harnesses) {
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> r) {
                    WindowAverage<String> a = (WindowAverage<String>) r.getValue();
                    output.add(a.key() + " [" + a.windowStart() + "," + a.windowEnd() + ") n=" + a.count() + " sum=" + a.sum());
                }
            }
            snapshots.add(h.snapshot(1, 1));
            h.close();
        }
        return new Phase(output, snapshots);
    }

    private static List<Object> input(Random random, int n) {
        List<Object> input = new ArrayList<>();
        long time = 0;
        long maxSeen = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            time += random.nextInt(30);
            long ts = time - (random.nextInt(8) == 0 ? random.nextInt(15_000) : 0);
            maxSeen = Math.max(maxSeen, ts);
            input.add(new StreamRecord<>(Reading.of("k" + random.nextInt(40), ts, random.nextInt(1_000)), ts));
            if (random.nextInt(20) == 0) {
                input.add(new Watermark(maxSeen - 300));
            }
        }
        input.add(new Watermark(Long.MAX_VALUE));
        return input;
    }
}
