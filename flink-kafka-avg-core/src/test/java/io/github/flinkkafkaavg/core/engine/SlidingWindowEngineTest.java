package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.core.WindowSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SlidingWindowEngineTest {

    private static WindowSpec spec(long size, long slide) {
        return WindowSpec.ofSizeAndSlide(Duration.ofMillis(size), Duration.ofMillis(slide));
    }

    @Test
    void aRecordCountsInEveryOverlappingWindowAndEachWindowFiresOnceItsEndPasses() {
        EngineHost host = new EngineHost(new SlidingWindowEngine(List.of(spec(10, 2)), 0));
        host.element("a", 0, 4.0);
        host.element("a", 3, 8.0);
        host.watermark(1);
        assertThat(host.emitted).extracting(e -> e.start() + ".." + e.end() + "=" + e.average())
                .containsExactly("-8..2=4.0"); // only [-8, 2) has ended (end - 1 = 1)
        host.watermark(Long.MAX_VALUE);
        assertThat(host.emitted).extracting(e -> e.start() + ".." + e.end() + "=" + e.average())
                .containsExactlyInAnyOrder("-8..2=4.0", "-6..4=6.0", "-4..6=6.0", "-2..8=6.0", "0..10=6.0", "2..12=8.0");
        assertThat(host.states).isEmpty();
    }

    @Test
    void recordsWithinAllowedLatenessReFireEveryEndedWindowTheyJoin() {
        EngineHost host = new EngineHost(new SlidingWindowEngine(List.of(spec(10, 5)), 10));
        host.element("a", 7, 1.0);
        host.watermark(13); // [0, 10) fires; [5, 15) has not ended (its end - 1 is 14)
        assertThat(host.emitted).hasSize(1);
        host.element("a", 6, 3.0); // joins [0, 10) (ended, within lateness: re-fire) and [5, 15) (pending)
        assertThat(host.emitted).extracting(e -> e.start() + ":" + e.count()).containsExactly("0:1", "0:2");
        host.watermark(20); // [0, 10) is now late: 9 + 10 <= 20
        host.element("a", 8, 5.0); // [0, 10) late, [5, 15) ended but within lateness: re-fire [5, 15) only
        assertThat(host.emitted).extracting(e -> e.start() + ":" + e.count())
                .containsExactly("0:1", "0:2", "5:2", "5:3");
        assertThat(host.late).isZero();
        host.watermark(30);
        assertThat(host.element("a", 9, 1.0)).isEqualTo(SlidingWindowEngine.Outcome.LATE);
        assertThat(host.states).isEmpty();
    }

    @Test
    void statePerKeyIsFreedOnceNoWindowNeedsIt() {
        EngineHost host = new EngineHost(new SlidingWindowEngine(List.of(spec(60_000, 1_000)), 5_000));
        for (int i = 0; i < 1_000; i++) {
            host.element("k" + (i % 10), 1_000_000 + i * 100L, i);
        }
        host.watermark(1_000_000 + 100_000);
        assertThat(host.states).hasSize(10); // lateness keeps the last slices for 5 more seconds
        host.watermark(1_000_000 + 100_000 + 60_000 + 5_000);
        assertThat(host.states).isEmpty();
    }

    @Test
    void aRecordFarAheadOfTheKeysOpenSlicesIsRefusedNotStored() {
        SlidingWindowEngine engine = new SlidingWindowEngine(List.of(spec(10_000, 1_000)), 0);
        EngineHost host = new EngineHost(engine);
        host.element("a", 0, 1);
        long tooFar = engine.spanLimit() * engine.sliceMillis() + 1_000;
        assertThat(host.element("a", tooFar, 1)).isEqualTo(SlidingWindowEngine.Outcome.TOO_FAR_AHEAD);
        assertThat(host.element("b", tooFar, 1)).isEqualTo(SlidingWindowEngine.Outcome.ADDED); // b has no old slices
    }

    @Test
    void sliceIsTheGcdOfAllSizesSlidesAndOffsets() {
        assertThat(new SlidingWindowEngine(List.of(spec(60_000, 10_000), spec(300_000, 10_000)), 0).sliceMillis())
                .isEqualTo(10_000);
        assertThat(new SlidingWindowEngine(List.of(spec(10_000, 4_000)), 0).sliceMillis()).isEqualTo(2_000);
        assertThat(new SlidingWindowEngine(
                List.of(spec(10_000, 5_000), spec(10_000, 5_000).withOffset(Duration.ofMillis(1_500))), 0).sliceMillis())
                .isEqualTo(500);
    }

    @Test
    void invalidConfigurationIsRefusedWithTheRule() {
        assertThatThrownBy(() -> new SlidingWindowEngine(List.of(), 0))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("at least one window spec is needed");
        assertThatThrownBy(() -> new SlidingWindowEngine(List.of(spec(10, 5)), -1))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowedLateness must be 0 or more, but was PT-0.001S");
    }

    static List<Arguments> configurations() {
        return List.of(
                Arguments.of("tumbling", List.of(spec(1_000, 1_000)), 0L),
                Arguments.of("W/S=5", List.of(spec(5_000, 1_000)), 0L),
                Arguments.of("W/S=5 lateness", List.of(spec(5_000, 1_000)), 3_000L),
                Arguments.of("slide not dividing size", List.of(spec(10_000, 4_000)), 1_500L),
                Arguments.of("offset", List.of(spec(6_000, 2_000).withOffset(Duration.ofMillis(-700))), 0L),
                Arguments.of("W/S=60", List.of(spec(60_000, 1_000)), 2_000L),
                Arguments.of("three horizons", List.of(spec(2_000, 1_000), spec(10_000, 1_000), spec(30_000, 5_000)), 4_000L),
                Arguments.of("mixed offsets", List.of(spec(3_000, 1_000), spec(4_000, 2_000).withOffset(Duration.ofMillis(500))), 1_000L));
    }

    static List<Arguments> configurationsOnBothLayouts() {
        List<Arguments> both = new java.util.ArrayList<>();
        for (Arguments a : configurations()) {
            both.add(Arguments.of(a.get()[0], a.get()[1], a.get()[2], false, false));
            both.add(Arguments.of(a.get()[0] + ", deferred", a.get()[1], a.get()[2], true, false));
            if ((long) a.get()[2] == 0) {
                // Without allowed lateness records may be added up per key and slice before the keyBy.
                both.add(Arguments.of(a.get()[0] + ", combined", a.get()[1], a.get()[2], false, true));
                both.add(Arguments.of(a.get()[0] + ", deferred, combined", a.get()[1], a.get()[2], true, true));
            }
        }
        return both;
    }

    /**
     * Against a literal model of Flink's window operator, on both state layouts: slices in place (heap), and
     * headers with deferred adds and slices loaded on demand, every state read a fresh copy (RocksDB). Combined,
     * the records go through a {@link SliceCombiner} flushed before every watermark, as a pipeline's combiner
     * before its {@code keyBy}; on every other seed the combiner's watermark lags the keyed task's by one step, as
     * that of a source back from idleness behind the others (or of a job just restored), so that partials arrive
     * late for some or all of their windows.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configurationsOnBothLayouts")
    void emitsExactlyWhatFlinksWindowOperatorEmits(String name, List<WindowSpec> specs, long lateness, boolean deferred,
            boolean combined) {
        long widest = specs.stream().mapToLong(WindowSpec::sizeMillis).max().orElseThrow();
        long totalLate = 0;
        long totalRefires = 0;
        long totalDeferred = 0;
        long totalKept = 0;
        long totalStale = 0;
        long totalPartial = 0;
        long totalReused = 0;
        long totalPartials = 0;
        long totalCalls = 0;
        long totalLatePartials = 0;
        for (long seed = 1; seed <= 12; seed++) {
            Random random = new Random(seed * 31 + name.hashCode());
            FlinkWindowModel model = new FlinkWindowModel(specs, lateness);
            EngineHost host = new EngineHost(new SlidingWindowEngine(specs, lateness), deferred);
            if (deferred && seed % 3 != 0) {
                // Small chunks, so that windows start, end and expire in many of them; every third seed the default
                // (these windows are short: one ring per key).
                host.windows.chunkSlices = seed % 3 == 1 ? 2 : 5;
            }
            // Deferred, the heap layout runs alongside: after every watermark each key must load to the same slices.
            EngineHost inPlace = deferred ? new EngineHost(new SlidingWindowEngine(specs, lateness)) : null;
            SliceCombiner<String> combiner = combined
                    ? new SliceCombiner<>(host.engine, seed % 3 == 0 ? 3 : 10_000) : null; // full now and then
            long combinerWatermark = Long.MIN_VALUE;
            long eventTime = -20_000 + random.nextInt(5_000); // negative timestamps too
            long maxSeen = Long.MIN_VALUE;
            int keys = 1 + random.nextInt(6);
            for (int n = 0; n < 3_000; n++) {
                int roll = random.nextInt(100);
                if (roll < 3) {
                    eventTime += 20_000 + random.nextInt(40_000); // a gap: idle keys, empty windows
                } else {
                    eventTime += random.nextInt(60);
                }
                long ts = eventTime;
                if (roll >= 97) {
                    ts -= random.nextInt((int) (widest + lateness + 10_000)); // often late for every window
                } else if (roll >= 90) {
                    ts -= random.nextInt(12_000); // out of order, sometimes late, sometimes within lateness
                }
                String key = "k" + random.nextInt(keys);
                double value = Math.round(random.nextGaussian() * 1e6) / 1e3;
                if (deferred && seed % 3 == 2 && n % 500 == 499) {
                    // As a restore into a job whose windows store otherwise: whole rings become chunks, chunks of
                    // one size chunks of another, and chunks whole rings again, key by key as each is next loaded.
                    host.windows.chunkSlices = new int[] {0, 5, 3, 0, 5, 2}[n / 500];
                }
                model.element(key, ts, value);
                if (combiner == null) {
                    host.element(key, ts, value);
                } else if (!combiner.add(key, ts, value, combinerWatermark)) {
                    combiner.flush(host::partial); // what it holds first: each key's records keep their order
                    host.element(key, ts, value);
                } else if (combiner.isFull()) {
                    combiner.flush(host::partial);
                }
                if (inPlace != null) {
                    inPlace.element(key, ts, value);
                }
                maxSeen = Math.max(maxSeen, ts);
                if (random.nextInt(20) == 0) {
                    long wm = maxSeen - random.nextInt(3_000) - 1;
                    if (random.nextInt(50) == 0) {
                        wm += 30_000; // a watermark far ahead of the data (idle source, clock jump)
                    }
                    model.watermark(wm);
                    if (combiner != null) {
                        combiner.flush(host::partial);
                        // Lagging: the watermark the combiner judges by is the one before this.
                        combinerWatermark = seed % 2 == 0 ? Math.max(wm, combinerWatermark) : host.watermark;
                    }
                    host.watermark(wm);
                    if (inPlace != null) {
                        inPlace.watermark(wm);
                        assertThat(host.describe()).as("slices after watermark %d, seed %d", wm, seed)
                                .isEqualTo(inPlace.describe());
                    }
                }
            }
            model.watermark(Long.MAX_VALUE);
            if (combiner != null) {
                combiner.flush(host::partial);
                totalPartials += host.partials;
                totalLatePartials += host.latePartialRecords;
            }
            host.watermark(Long.MAX_VALUE);

            assertThat(host.late).as("late records, seed %d", seed).isEqualTo(model.lateRecords);
            assertThat(host.emitted.stream().map(EngineHost.Emission::id).sorted().collect(Collectors.toList()))
                    .as("emissions, seed %d", seed)
                    .isEqualTo(model.emitted.stream().map(FlinkWindowModel.Emission::id).sorted().collect(Collectors.toList()));
            assertSumsMatch(host.emitted, model.emitted, 1e-12);
            assertThat(host.isEmpty()).as("state left after the final watermark").isTrue();
            assertThat(model.openWindows()).isZero();
            totalLate += model.lateRecords;
            totalDeferred += host.deferredAdds();
            totalCalls += host.calls;
            totalKept += host.firesKeepingSlices();
            totalStale += host.staleLoads();
            totalPartial += host.partialLoads();
            totalReused += (deferred ? inPlace : host).reusedStates();
            totalRefires += model.emitted.size() - model.emitted.stream()
                    .map(m -> m.key() + "/" + m.spec() + "/" + m.start()).distinct().count();
        }
        // The streams must exercise the hard cases, or this test proves little.
        assertThat(totalLate).as("late records across seeds").isPositive();
        if (combined) {
            assertThat(totalPartials).as("partials across seeds").isPositive();
            assertThat(totalLatePartials).as("records late for every window at the keyed task in a partial")
                    .isPositive();
        }
        // Keys that emptied in a gap came back with the state another emptied key left: same answers as a new one.
        assertThat(totalReused).as("keys given a spare state across seeds").isPositive();
        if (lateness > 0) {
            assertThat(totalRefires).as("re-fired windows across seeds").isPositive();
        }
        if (deferred) {
            assertThat(totalDeferred).as("records (or partials) the header alone took, of %d", totalCalls)
                    .isGreaterThan(totalCalls / 2);
            assertThat(totalKept).as("fires that saved only the header").isPositive();
            assertThat(totalStale).as("loads of slices a kept fire left stale").isPositive();
            if (widest / new SlidingWindowEngine(specs, lateness).sliceMillis() > 5) {
                // Narrower windows fit in the first and last chunk, which every fire reads.
                assertThat(totalPartial).as("fires that read only some chunks").isPositive();
            }
        }
    }

    @Test
    void averagesStayExactOverTenMillionValuesOfMixedMagnitude() {
        // 10,000 s of event time, 1,000 values a second, 4 s windows sliding by 1 s: 10 M values, ~10 k windows.
        SlidingWindowEngine engine = new SlidingWindowEngine(List.of(spec(4_000, 1_000)), 0);
        SlidingWindowEngine.KeyState state = new SlidingWindowEngine.KeyState();
        Map<Long, BigDecimal> exactPerSecond = new HashMap<>();
        Random random = new Random(7);
        List<double[]> checks = new ArrayList<>(); // {start, average, count}
        SlidingWindowEngine.WindowSink sink = (spec, start, end, w) -> checks.add(new double[] {start, w.average(), w.count()});
        long watermark = Long.MIN_VALUE;
        for (long second = 0; second < 10_000; second++) {
            BigDecimal exact = BigDecimal.ZERO;
            for (int i = 0; i < 1_000; i++) {
                double magnitude = random.nextInt(4) == 0 ? 1e12 : 1e-3;
                double value = (random.nextInt(10) == 0 ? -1 : 1) * magnitude * (1 + random.nextDouble());
                engine.onElement(state, second * 1_000 + i, value, watermark, sink);
                exact = exact.add(new BigDecimal(value));
            }
            exactPerSecond.put(second, exact);
            watermark = second * 1_000 + 999;
            if (state.timer() <= watermark) {
                engine.onTimer(state, watermark, sink);
            }
        }
        engine.onTimer(state, Long.MAX_VALUE, sink);
        assertThat(checks).hasSize(10_003);
        double worst = 0;
        for (double[] check : checks) {
            long start = (long) check[0] / 1_000;
            BigDecimal sum = BigDecimal.ZERO;
            for (long s = Math.max(0, start); s < Math.min(10_000, start + 4); s++) {
                sum = sum.add(exactPerSecond.get(s));
            }
            BigDecimal exactAverage = sum.divide(BigDecimal.valueOf((long) check[2]), MathContext.DECIMAL128);
            worst = Math.max(worst, relativeError(check[1], exactAverage));
        }
        assertThat(worst).isLessThan(1e-15);
    }

    static void assertSumsMatch(List<EngineHost.Emission> actual, List<FlinkWindowModel.Emission> expected, double tolerance) {
        Comparator<String> order = Comparator.naturalOrder();
        List<EngineHost.Emission> a = actual.stream().sorted(Comparator.comparing(EngineHost.Emission::id, order)
                .thenComparingDouble(EngineHost.Emission::sum)).toList();
        List<FlinkWindowModel.Emission> e = expected.stream().sorted(Comparator.comparing(FlinkWindowModel.Emission::id, order)
                .thenComparing(FlinkWindowModel.Emission::sum)).toList();
        for (int i = 0; i < a.size(); i++) {
            BigDecimal exactAverage = e.get(i).sum().divide(BigDecimal.valueOf(e.get(i).count()), MathContext.DECIMAL128);
            assertThat(relativeError(a.get(i).average(), exactAverage)).as("%s", a.get(i)).isLessThanOrEqualTo(tolerance);
        }
    }

    static double relativeError(double actual, BigDecimal exact) {
        BigDecimal diff = new BigDecimal(actual).subtract(exact).abs();
        if (exact.signum() == 0) {
            return diff.doubleValue();
        }
        return diff.divide(exact.abs(), MathContext.DECIMAL64).doubleValue();
    }
}
