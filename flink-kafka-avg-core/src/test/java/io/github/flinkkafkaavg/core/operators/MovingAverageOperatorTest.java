package io.github.flinkkafkaavg.core.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.testutils.Reading;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

class MovingAverageOperatorTest {

    private static final OutputTag<Reading> INVALID = new OutputTag<>("invalid", Types.POJO(Reading.class));

    private static KeyedOneInputStreamOperatorTestHarness<String, Reading, MovingAverage<String>> harness(int w, boolean full)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new MovingAverageOperator<>(w, full, Reading::value, INVALID), Reading::key, Types.STRING);
    }

    @Test
    void oneResultPerRecordAveragingTheKeysLastWValuesInArrivalOrder() throws Exception {
        Random random = new Random(1);
        List<Reading> input = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            input.add(Reading.of("k" + random.nextInt(7), i, random.nextInt(100_000) / 100.0));
        }
        List<MovingAverage<String>> out = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness(25, false)) {
            h.open();
            for (Reading r : input.subList(0, 1_500)) {
                h.processElement(new StreamRecord<>(r, r.timestamp()));
            }
            snapshot = h.snapshot(1, 1);
            out.addAll(results(h));
        }
        try (var h = harness(25, false)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            for (Reading r : input.subList(1_500, input.size())) {
                h.processElement(new StreamRecord<>(r, r.timestamp()));
            }
            out.addAll(results(h));
        }
        // Reference: exact sums of each key's last 25 values.
        Map<String, ArrayDeque<Double>> last = new HashMap<>();
        assertThat(out).hasSameSizeAs(input);
        for (int i = 0; i < input.size(); i++) {
            Reading r = input.get(i);
            ArrayDeque<Double> q = last.computeIfAbsent(r.key(), k -> new ArrayDeque<>());
            q.addLast(r.value());
            if (q.size() > 25) {
                q.removeFirst();
            }
            BigDecimal exact = q.stream().map(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add);
            MovingAverage<String> m = out.get(i);
            assertThat(m.key()).isEqualTo(r.key());
            assertThat(m.timestamp()).isEqualTo(r.timestamp());
            assertThat(m.count()).isEqualTo(q.size());
            assertThat(m.sum()).isEqualTo(exact.doubleValue());
        }
    }

    @Test
    void emitOnlyWhenFullSuppressesTheFirstRecordsAndInvalidValuesAreRouted() throws Exception {
        try (var h = harness(3, true)) {
            h.open();
            h.processElement(new StreamRecord<>(Reading.of("a", 1, 1), 1));
            h.processElement(new StreamRecord<>(Reading.of("a", 2, Double.NaN), 2));
            h.processElement(new StreamRecord<>(Reading.of("a", 3, 2), 3));
            assertThat(results(h)).isEmpty();
            h.processElement(new StreamRecord<>(Reading.of("a", 4, 6), 4));
            assertThat(results(h)).extracting(MovingAverage::average).containsExactly(3.0);
            assertThat(h.getSideOutput(INVALID)).hasSize(1);
        }
    }

    @Test
    void aSavepointOfAnotherWindowLengthKeepsTheNewestValues() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(5, false)) {
            h.open();
            for (int i = 1; i <= 5; i++) {
                h.processElement(new StreamRecord<>(Reading.of("a", i, i), i));
            }
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(2, false)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(Reading.of("a", 6, 6), 6));
            assertThat(results(h)).extracting(MovingAverage::average).containsExactly(5.5); // (5 + 6) / 2
        }
    }

    @SuppressWarnings("unchecked")
    private static List<MovingAverage<String>> results(KeyedOneInputStreamOperatorTestHarness<String, Reading, MovingAverage<String>> h) {
        List<MovingAverage<String>> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((MovingAverage<String>) r.getValue());
            }
        }
        return out;
    }
}
