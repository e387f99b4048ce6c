package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.WindowSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Finite values give finite, correct averages across the whole double range — values near ±1.8e308 whose sums
 * overflow a double, subnormals, and both in one window — on both state layouts (the heap's slices, and RocksDB's
 * headers with every state serialized and read back) and in the count-based window; checked against
 * {@link BigDecimal}.
 */
class ExtremeValuesTest {

    private static final double MAX = Double.MAX_VALUE;
    private static final WindowSpec SPEC = WindowSpec.ofSizeAndSlide(Duration.ofMillis(40), Duration.ofMillis(10));

    @Test
    void twoOfTheLargestDoublesAverageToTheLargestDouble() {
        for (boolean deferred : new boolean[] {false, true}) {
            EngineHost host = new EngineHost(new SlidingWindowEngine(List.of(SPEC), 0), deferred);
            host.element("k", 5, MAX);
            host.element("k", 6, MAX);
            host.watermark(Long.MAX_VALUE);
            assertThat(host.emitted).hasSize(4).allSatisfy(e -> {
                assertThat(e.average()).isEqualTo(MAX);
                assertThat(e.sum()).isEqualTo(Double.POSITIVE_INFINITY);
                assertThat(e.count()).isEqualTo(2);
            });
        }
    }

    @Test
    void hugeValuesOfBothSignsAndSubnormalsInOneWindow() {
        double[] values = {MAX, -MAX, MAX, Double.MIN_VALUE, -0x1p600, 0x1p600, 3 * Double.MIN_VALUE};
        EngineHost host = new EngineHost(new SlidingWindowEngine(List.of(SPEC), 0), true);
        for (double v : values) {
            host.element("k", 5, v);
        }
        host.watermark(Long.MAX_VALUE);
        assertThat(host.emitted).allSatisfy(e -> assertThat(e.average()).isEqualTo(MAX / 7));
        CountWindow window = new CountWindow(3);
        for (double v : new double[] {MAX, MAX, MAX, -MAX, -MAX, Double.MIN_VALUE}) {
            window.add(v);
        }
        assertThat(window.average()).isEqualTo(-2 * (MAX / 3));
        window.add(-MAX);
        assertThat(window.average()).isEqualTo(-2 * (MAX / 3)).isFinite();
        assertThat(window.sum()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Provide
    Arbitrary<Double> extreme() {
        Arbitrary<Double> specials = Arbitraries.of(MAX, Math.nextDown(MAX), MAX / 2, 0x1p512, Math.nextDown(0x1p512),
                0x1p1000, 1e300, Double.MIN_NORMAL, Double.MIN_VALUE, 7 * Double.MIN_VALUE,
                Math.nextDown(Double.MIN_NORMAL), 1.0, 0.1, 1e-300);
        Arbitrary<Double> anyFinite = Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite)
                .map(d -> Math.abs(d));
        Arbitrary<Double> subnormal = Arbitraries.longs().between(1, (1L << 52) - 1).map(Double::longBitsToDouble);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, specials), net.jqwik.api.Tuple.of(4, anyFinite), net.jqwik.api.Tuple.of(2, subnormal));
    }

    /**
     * Same-sign values, so the exact average is never the small remainder of a cancellation: it must come out within
     * 1e-12 of the exact one, or within two of the smallest subnormal steps where it is itself that small.
     */
    @Property(tries = 300)
    void averagesOfExtremeValuesOfOneSignAreExactOnBothLayouts(@ForAll @Size(min = 1, max = 40) List<@net.jqwik.api.From("extreme") Double> magnitudes,
            @ForAll boolean negative, @ForAll boolean deferred, @ForAll boolean combined) {
        List<Double> values = new ArrayList<>();
        for (double m : magnitudes) {
            values.add(negative ? -m : m);
        }
        check(values, deferred, combined, 0);
    }

    /**
     * Mixed signs: whatever cancels, the average is finite and within the bound a double-double sum of up to 40
     * values gives — 2^-90 of their mean magnitude — besides the 1e-12 relative to the exact average.
     */
    @Property(tries = 300)
    void averagesOfExtremeValuesOfMixedSignsAreFiniteAndWithinTheDoubleDoubleBound(
            @ForAll @Size(min = 1, max = 40) List<@net.jqwik.api.From("extreme") Double> magnitudes,
            @ForAll @Size(min = 40, max = 40) List<Boolean> signs, @ForAll boolean deferred, @ForAll boolean combined) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < magnitudes.size(); i++) {
            values.add(signs.get(i) ? -magnitudes.get(i) : magnitudes.get(i));
        }
        BigDecimal meanMagnitude = BigDecimal.ZERO;
        for (double v : values) {
            meanMagnitude = meanMagnitude.add(new BigDecimal(Math.abs(v)));
        }
        meanMagnitude = meanMagnitude.divide(BigDecimal.valueOf(values.size()), MathContext.DECIMAL128);
        check(values, deferred, combined, meanMagnitude.doubleValue() * 0x1p-90);
    }

    /**
     * Spread over slices of one window and into the count window, compared value for value with BigDecimal;
     * combined, the window's values are added up per slice first ({@link SliceCombiner}), as before a pipeline's
     * {@code keyBy}.
     */
    private static void check(List<Double> values, boolean deferred, boolean combined, double absoluteSlack) {
        EngineHost host = new EngineHost(new SlidingWindowEngine(List.of(SPEC), 0), deferred);
        if (deferred) {
            // A chunk per slice: the window's middle slices enter a fire as chunk aggregates from the chunk index,
            // whose sums must be as exact as the slices' (this window is otherwise short enough for one ring).
            host.windows.chunkSlices = 1;
        }
        SliceCombiner<String> combiner = combined ? new SliceCombiner<>(host.engine, 100) : null;
        CountWindow count = new CountWindow(Math.max(1, values.size() / 2));
        List<Double> inCount = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            // slices 1 to 3: all in the window [0, 40)
            if (combiner == null || !combiner.add("k", 10 + i % 30, values.get(i), Long.MIN_VALUE)) {
                host.element("k", 10 + i % 30, values.get(i));
            }
            count.add(values.get(i));
            inCount.add(values.get(i));
            if (inCount.size() > count.capacity()) {
                inCount.remove(0);
            }
            assertClose("count window after " + (i + 1), count.average(), exactAverage(inCount), absoluteSlack);
        }
        if (combiner != null) {
            combiner.flush(host::partial);
            assertThat(host.partials).isBetween(1L, 3L);
        }
        host.watermark(Long.MAX_VALUE);
        EngineHost.Emission whole = host.emitted.stream().filter(e -> e.start() == 0).findFirst().orElseThrow();
        assertThat(whole.count()).isEqualTo(values.size());
        assertClose("window " + whole, whole.average(), exactAverage(values), absoluteSlack);
        for (EngineHost.Emission e : host.emitted) {
            assertThat(e.average()).as("%s", e).isFinite();
            assertThat(e.sum()).as("%s", e).isNotNaN();
        }
    }

    private static BigDecimal exactAverage(List<Double> values) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double v : values) {
            sum = sum.add(new BigDecimal(v));
        }
        return sum.divide(BigDecimal.valueOf(values.size()), new MathContext(60));
    }

    private static void assertClose(String what, double actual, BigDecimal exact, double absoluteSlack) {
        assertThat(actual).as(what).isFinite();
        double error = new BigDecimal(actual).subtract(exact).abs().doubleValue();
        double allowed = Math.max(Math.max(1e-12 * exact.abs().doubleValue(), 2 * Double.MIN_VALUE), absoluteSlack);
        assertThat(error).as("%s: %s, exact %s", what, actual, exact.round(MathContext.DECIMAL64)).isLessThanOrEqualTo(allowed);
    }
}
