package io.github.flinkkafkaavg.core.internal.operators;

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

    @Test
    void withForgetKeysAfterASilentKeyIsDroppedAndStartsAfreshWhenItReturns() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, Reading, MovingAverage<String>>(
                new MovingAverageOperator<>(5, false, Reading::value,
                INVALID, java.time.Duration.ofSeconds(60)), Reading::key, Types.STRING)) {
            h.setStateTtlProcessingTime(0);
            h.open();
            for (int k = 0; k < 100; k++) {
                h.processElement(new StreamRecord<>(Reading.of("idle-" + k, 1, 10.0), 1));
            }
            h.processElement(new StreamRecord<>(Reading.of("busy", 1, 1.0), 1));
            assertThat(h.numKeyedStateEntries()).isEqualTo(101);

            h.setStateTtlProcessingTime(61_000); // a minute of silence for the idle keys
            for (int i = 0; i < 1_000; i++) {
                h.processElement(new StreamRecord<>(Reading.of("busy", 2 + i, 1.0), 2 + i));
            }
            // Incremental cleanup on the heap backend removed the expired keys while "busy" was being processed.
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);

            h.getOutput().clear();
            h.processElement(new StreamRecord<>(Reading.of("idle-0", 5_000, 30.0), 5_000));
            MovingAverage<String> fresh = results(h).get(0);
            assertThat(fresh.count()).isEqualTo(1); // not 2: its old value was forgotten
            assertThat(fresh.average()).isEqualTo(30.0);
        }
    }

    @Test
    void withoutForgetKeysAfterKeysAreKept() throws Exception {
        try (var h = harness(5, false)) {
            h.setStateTtlProcessingTime(0);
            h.open();
            h.processElement(new StreamRecord<>(Reading.of("a", 1, 10.0), 1));
            h.setStateTtlProcessingTime(Long.MAX_VALUE / 2);
            h.processElement(new StreamRecord<>(Reading.of("a", 2, 20.0), 2));
            assertThat(results(h).get(1).count()).isEqualTo(2);
        }
    }
}
