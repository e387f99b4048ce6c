package io.github.flinkkafkaavg.core.internal.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.datastream.SlidingAverages;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.engine.HeaderCache;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.core.testutils.Reading;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Well-formed records with hostile values — event times at the ends of long, before 1970, hours ahead of the
 * clock; values near ±1.8e308 and subnormals — never stop the operators, never vanish and never turn an average
 * into NaN: each is averaged exactly, or set aside as invalid with a reason, and the operator's counters account
 * for every record.
 */
class HostileValuesOperatorTest {

    private static final OutputTag<Reading> LATE = new OutputTag<>("late", Types.POJO(Reading.class));
    private static final OutputTag<Reading> INVALID = new OutputTag<>("invalid", Types.POJO(Reading.class));
    private static final long NOW = 1_764_000_000_000L;
    private static final WindowSpec SPEC = WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(2));
    private static final SlidingAverages CONFIG = SlidingAverages.over(SPEC).allowedLateness(Duration.ofSeconds(3))
            .rejectPreEpochEventTimes().maxFutureEventTime(Duration.ofMinutes(59));

    /** The table: one record of each kind among good ones. */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void eachHostileTimeIsSetAsideWithItsReasonAndTheGoodWindowsAreExact(String backend) throws Exception {
        Metrics metrics = new Metrics();
        try (var h = sliding(backend, metrics)) {
            h.open();
            h.setProcessingTime(NOW);
            long[] hostile = {-1, -20_000, NOW + 2 * 3_600_000L, 253_402_300_800_000L, Long.MIN_VALUE, Long.MAX_VALUE,
                    Long.MAX_VALUE - 5_000};
            List<Object> feed = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                feed.add(Reading.of("good", NOW - 60_000 + i * 300, i));
                if (i % 14 == 7) {
                    feed.add(Reading.of("good", hostile[i / 14], 1e6));
                }
            }
            for (Object o : feed) {
                Reading r = (Reading) o;
                h.processElement(new StreamRecord<>(r, r.timestamp()));
            }
            h.processElement(new StreamRecord<>(Reading.of("huge", NOW, Double.MAX_VALUE), NOW));
            h.processElement(new StreamRecord<>(Reading.of("huge", NOW + 1, Double.MAX_VALUE), NOW + 1));
            h.processWatermark(new Watermark(Long.MAX_VALUE));

            assertThat(h.getSideOutput(INVALID)).extracting(r -> r.getValue().timestamp())
                    .containsExactly(-1L, -20_000L, NOW + 2 * 3_600_000L, 253_402_300_800_000L, Long.MIN_VALUE,
                            Long.MAX_VALUE, Long.MAX_VALUE - 5_000);
            List<WindowAverage<String>> results = results(h);
            for (WindowAverage<String> w : results.stream().filter(r -> r.key().equals("good")).toList()) {
                BigDecimal sum = BigDecimal.ZERO;
                long n = 0;
                for (Object o : feed) {
                    Reading r = (Reading) o;
                    if (r.value() != 1e6 && r.timestamp() >= w.windowStart() && r.timestamp() < w.windowEnd()) {
                        sum = sum.add(BigDecimal.valueOf(r.value()));
                        n++;
                    }
                }
                assertThat(w.count()).as("%s", w).isEqualTo(n);
                assertThat(w.average()).as("%s", w)
                        .isEqualTo(sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue());
            }
            assertThat(results.stream().filter(r -> r.key().equals("huge")))
                    .isNotEmpty().allSatisfy(w -> assertThat(w.average()).isEqualTo(Double.MAX_VALUE));
            assertThat(results.stream().filter(r -> r.key().equals("huge") && r.count() == 2))
                    .allSatisfy(w -> assertThat(w.sum()).isEqualTo(Double.POSITIVE_INFINITY));
            assertThat(metrics.count("numInvalidRecords")).isEqualTo(7);
            assertThat(metrics.count("numRecordsAveraged")).isEqualTo(102);
            if (backend.equals("hashmap")) { // the harness counts state entries on the heap backend only
                assertThat(h.numKeyedStateEntries()).isZero();
            }
        }
    }

    @Provide
    Arbitrary<Long> times() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(NOW - 30_000, NOW + 30_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 5_000, -1L,
                        0L, -20_000L, NOW + 3_600_000L, NOW * 1_000, NOW / 1_000, Long.MIN_VALUE + 1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs()));
    }

    @Provide
    Arbitrary<Double> values() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.doubles().between(-100, 100)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
                        -Double.MIN_VALUE, Double.MIN_NORMAL, 0x1p512, 1e300, -1e300, 0.0, -0.0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().map(Double::longBitsToDouble)));
    }

    /**
     * Random mixes with extreme longs and doubles in every field, watermarks now and then: nothing throws, every
     * result's average is finite, and the counters add up to the records fed.
     */
    @Property(tries = 60)
    void everyRecordIsAveragedLateOrInvalidAndTheCountersSayWhich(@ForAll List<@From("times") Long> times,
            @ForAll List<@From("values") Double> values, @ForAll boolean rocksDb, @ForAll long seed) throws Exception {
        Metrics metrics = new Metrics();
        Random random = new Random(seed);
        int n = Math.min(times.size(), values.size());
        try (var h = sliding(rocksDb ? "rocksdb" : "hashmap", metrics)) {
            h.open();
            h.setProcessingTime(NOW);
            long maxSeen = Long.MIN_VALUE;
            long watermark = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                long ts = times.get(i);
                h.processElement(new StreamRecord<>(Reading.of("k" + random.nextInt(3), ts, values.get(i)), ts));
                if (ts >= NOW - 60_000 && ts <= NOW + 60_000) {
                    maxSeen = Math.max(maxSeen, ts);
                }
                long next = maxSeen - random.nextInt(5_000);
                if (random.nextInt(5) == 0 && maxSeen != Long.MIN_VALUE && next > watermark) {
                    watermark = next; // monotonic, as Flink hands them to an operator
                    h.processWatermark(new Watermark(watermark));
                }
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            long averaged = metrics.count("numRecordsAveraged");
            long late = metrics.count("numLateRecords");
            long invalid = metrics.count("numInvalidRecords");
            assertThat(averaged + late + invalid).isEqualTo(n);
            assertThat(late).isEqualTo(h.getSideOutput(LATE) == null ? 0 : h.getSideOutput(LATE).size());
            assertThat(invalid).isEqualTo(h.getSideOutput(INVALID) == null ? 0 : h.getSideOutput(INVALID).size());
            assertThat(results(h)).allSatisfy(w -> {
                assertThat(w.average()).as("%s", w).isFinite();
                assertThat(w.sum()).as("%s", w).isNotNaN();
                assertThat(w.windowEnd() - 1).as("a Kafka timestamp: %s", w).isNotNegative();
            });
            if (!rocksDb) {
                assertThat(h.numKeyedStateEntries()).isZero();
            }
        }
    }

    /** The count-based operator: every record averaged or invalid, averages finite whatever the magnitudes. */
    @Property(tries = 60)
    void theMovingAverageAccountsForEveryRecordToo(@ForAll List<@From("values") Double> values, @ForAll long seed)
            throws Exception {
        Metrics metrics = new Metrics();
        Random random = new Random(seed);
        MovingAverageOperator<Reading, String> operator = new MovingAverageOperator<>(1 + random.nextInt(5), false,
                Reading::value, INVALID);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, Reading, MovingAverage<String>>(operator,
                Reading::key, Types.STRING, new MockEnvironmentBuilder().setMetricGroup(metrics.task).build())) {
            h.open();
            for (double v : values) {
                long ts = random.nextLong();
                h.processElement(new StreamRecord<>(Reading.of("k" + random.nextInt(2), ts, v), ts));
            }
            long invalid = values.stream().filter(v -> !Double.isFinite(v)).count();
            assertThat(metrics.count("numRecordsAveraged")).isEqualTo(values.size() - invalid);
            assertThat(metrics.count("numInvalidRecords")).isEqualTo(invalid);
            assertThat(h.extractOutputValues()).hasSize((int) (values.size() - invalid))
                    .allSatisfy(m -> assertThat(m.average()).as("%s", m).isFinite());
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Reading, WindowAverage<String>> sliding(String backend,
            Metrics metrics) throws Exception {
        SlidingWindowEngine engine = new SlidingWindowEngine(List.of(SPEC), 3_000);
        SlidingAverageOperator<Reading, String> operator =
                new SlidingAverageOperator<>(engine, CONFIG.eventTimeLimits(), Reading::value, LATE, INVALID,
                        HeaderCache.DEFAULT_CAPACITY);
        var h = new KeyedOneInputStreamOperatorTestHarness<String, Reading, WindowAverage<String>>(operator,
                Reading::key, Types.STRING, new MockEnvironmentBuilder().setMetricGroup(metrics.task).build());
        StateBackend stateBackend = backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
        h.setStateBackend(stateBackend);
        return h;
    }

    private static List<WindowAverage<String>> results(
            KeyedOneInputStreamOperatorTestHarness<String, Reading, WindowAverage<String>> h) {
        return h.extractOutputValues();
    }

    /** The operator's metric group, intercepted. */
    private static final class Metrics {
        final InterceptingOperatorMetricGroup operator = new InterceptingOperatorMetricGroup();
        final InterceptingTaskMetricGroup task = new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> extra) {
                return operator;
            }
        };

        long count(String name) {
            Counter counter = (Counter) operator.get(name);
            return counter == null ? 0 : counter.getCount();
        }
    }
}
