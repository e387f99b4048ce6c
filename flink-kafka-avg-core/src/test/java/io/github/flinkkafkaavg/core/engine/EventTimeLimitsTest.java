package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.WindowSpec;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The event times an engine can window, and the limits hosts check before a record reaches state: decided by a
 * brute-force enumeration of each record's windows in {@link BigInteger}, not by the engine's own arithmetic.
 */
class EventTimeLimitsTest {

    private static final List<SlidingWindowEngine> ENGINES = List.of(
            new SlidingWindowEngine(List.of(spec(60_000, 1_000, 0)), 0),
            new SlidingWindowEngine(List.of(spec(10_000, 2_000, 700)), 3_000),
            new SlidingWindowEngine(List.of(spec(5_000, 5_000, 0), spec(30_000, 5_000, 0), spec(60_000, 5_000, 0)), 0),
            new SlidingWindowEngine(List.of(spec(3_600_000, 1_000, -300)), 86_400_000));

    private static WindowSpec spec(long size, long slide, long offset) {
        return WindowSpec.ofSizeAndSlide(Duration.ofMillis(size), Duration.ofMillis(slide)).withOffset(Duration.ofMillis(offset));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void theEndsOfLongAndTheirNeighbourhoodAreRefusedWithTheReason(int engineIndex) {
        EventTimeLimits limits = ENGINES.get(engineIndex).windowableTimes();
        for (long ts : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE + 5_000}) {
            assertThat(limits.check(ts, 0)).as("%d", ts)
                    .startsWith("event time " + ts + " (")
                    .contains("is before").contains("Long.MIN_VALUE").contains("check the unit");
        }
        for (long ts : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE - 5_000}) {
            assertThat(limits.check(ts, 0)).as("%d", ts)
                    .contains("is after").contains("Long.MAX_VALUE").contains("check the unit");
        }
        for (long ts : new long[] {0, -1, 1_733_000_000_000L, -62_000_000_000_000L, 253_402_300_799_999L}) {
            assertThat(limits.check(ts, 0)).as("%d", ts).isNull();
        }
    }

    /** At both edges of the range: inside, every window of the record fits; just outside, one does not. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void theWindowableRangeIsExactlyWhereEveryWindowFitsInALong(int engineIndex) {
        SlidingWindowEngine engine = ENGINES.get(engineIndex);
        EventTimeLimits limits = engine.windowableTimes();
        for (long d = 0; d < 3; d++) {
            assertThat(fits(engine, limits.earliest() + d)).isTrue();
            assertThat(fits(engine, limits.latest() - d)).isTrue();
        }
        assertThat(fits(engine, limits.earliest() - 1)).isFalse();
        assertThat(fits(engine, limits.latest() + 1)).isFalse();
    }

    @Provide
    Arbitrary<Long> anyTime() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-5_000_000, 5_000_000),
                Arbitraries.longs().between(Long.MAX_VALUE - 200_000_000L, Long.MAX_VALUE),
                Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 200_000_000L));
    }

    /**
     * Whatever the time: a record the limits accept goes through the engine and out at the final watermark with
     * windows that hold it, and one they refuse has a window that does not fit — so nothing in between can throw,
     * vanish or wrap around.
     */
    @Property(tries = 400)
    void acceptedTimesAreWindowedAndRefusedOnesCouldNotBe(@ForAll("anyTime") long ts) {
        for (SlidingWindowEngine engine : ENGINES) {
            String why = engine.windowableTimes().check(ts, 0);
            assertThat(why == null).as("%s at %d: %s", engine, ts, why).isEqualTo(fits(engine, ts));
            if (why != null) {
                continue;
            }
            SlidingWindowEngine.KeyState state = new SlidingWindowEngine.KeyState();
            List<long[]> windows = new ArrayList<>();
            SlidingWindowEngine.WindowSink sink = (spec, start, end, w) -> windows.add(new long[] {start, end, w.count()});
            assertThat(engine.onElement(state, ts, 1.0, Long.MIN_VALUE, sink)).isEqualTo(SlidingWindowEngine.Outcome.ADDED);
            assertThat(state.timer()).isLessThan(Long.MAX_VALUE);
            engine.onTimer(state, Long.MAX_VALUE, sink);
            assertThat(state.isEmpty()).isTrue();
            long expected = 0;
            for (WindowSpec spec : engine.specs()) {
                expected += windowsHolding(spec, ts).size();
            }
            assertThat(windows).hasSize((int) expected);
            for (long[] w : windows) {
                assertThat(w[0]).isLessThanOrEqualTo(ts);
                assertThat(w[1]).isGreaterThan(ts);
                assertThat(w[2]).isEqualTo(1);
            }
            assertChunkedLayoutAgrees(engine, ts);
        }
    }

    /**
     * The RocksDB layout in chunks (of 3 slices here) at the same times: ten records over up to ten slices back from
     * {@code ts} overflow the header's pending slices, so chunks and their index are written and read near the ends
     * of the slice range, and the windows are those of the ring in place.
     */
    private static void assertChunkedLayoutAgrees(SlidingWindowEngine engine, long ts) {
        EngineHost chunked = new EngineHost(engine, true);
        chunked.windows.chunkSlices = 3;
        EngineHost inPlace = new EngineHost(engine);
        for (int k = 0; k < 10; k++) {
            long t = ts - k * engine.sliceMillis();
            if (t <= ts && engine.windowableTimes().check(t, 0) == null) {
                chunked.element("k", t, k);
                inPlace.element("k", t, k);
            }
        }
        chunked.watermark(Long.MAX_VALUE);
        inPlace.watermark(Long.MAX_VALUE);
        assertThat(chunked.emitted.stream().map(EngineHost.Emission::id).sorted().toList())
                .isEqualTo(inPlace.emitted.stream().map(EngineHost.Emission::id).sorted().toList());
        assertThat(chunked.isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void theFirstTimeWithKafkaAcceptableResultsIsWhereTheEarliestWindowEndsAfterZero(int engineIndex) {
        SlidingWindowEngine engine = ENGINES.get(engineIndex);
        long first = engine.firstTimestampWithResultsAtOrAfter(0);
        assertThat(earliestResultTimestamp(engine, first)).isGreaterThanOrEqualTo(0);
        assertThat(earliestResultTimestamp(engine, first - 1)).isNegative();
        assertThat(first).isLessThanOrEqualTo(0);
    }

    @Test
    void aFutureBoundCountsFromTheProcessingClockAndSaysByHowMuch() {
        long now = 1_764_000_000_000L;
        EventTimeLimits limits = EventTimeLimits.none().maxAhead(Duration.ofMinutes(59));
        assertThat(limits.needsClock()).isTrue();
        assertThat(limits.check(now + 59 * 60_000, now)).isNull();
        assertThat(limits.check(now - 86_400_000L * 365, now)).isNull();
        assertThat(limits.check(now + 2 * 3_600_000L + 5_000, now)).isEqualTo("event time 1764007205000"
                + " (2025-11-24T18:00:05Z) is 2 h 0 min 5 s ahead of the processing clock (2025-11-24T16:00:00Z), more"
                + " than the 59 min 0 s allowed (maxFutureEventTime): a clock running fast, or a time in seconds or"
                + " microseconds read as milliseconds? Its results would be refused by the output topic or hold"
                + " windows open");
        assertThat(limits.check(now * 1_000, now)).contains("ahead of the processing clock").contains(" days ahead");
    }

    @Test
    void aPastBoundAndALowerLimitSayWhy() {
        long now = 1_764_000_000_000L;
        EventTimeLimits limits = EventTimeLimits.none().atLeast(0, "a window holding it would be emitted before 1970")
                .maxBehind(Duration.ofDays(7));
        assertThat(limits.check(-1, now)).isEqualTo("event time -1 (1969-12-31T23:59:59.999Z) is before 0"
                + " (1970-01-01T00:00:00Z), the earliest accepted: a window holding it would be emitted before 1970");
        assertThat(limits.check(now - Duration.ofDays(8).toMillis(), now)).contains("8 d 0 h 0 min 0 s behind")
                .contains("message.timestamp.before.max.ms");
        assertThat(limits.check(now - Duration.ofDays(6).toMillis(), now)).isNull();
        assertThat(limits.atLeast(-5, "looser").check(-1, now)).as("the tighter limit wins").isNotNull();
        assertThat(EventTimeLimits.none().needsClock()).isFalse();
    }

    // ---- the brute-force reference ------------------------------------------------------------------------------

    private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** Whether every window holding ts, with a slice to spare below and lateness plus a slice above, fits. */
    private static boolean fits(SlidingWindowEngine engine, long ts) {
        BigInteger slice = BigInteger.valueOf(engine.sliceMillis());
        BigInteger lateness = BigInteger.valueOf(engine.allowedLateness());
        for (WindowSpec spec : engine.specs()) {
            for (BigInteger[] w : windowsHolding(spec, ts)) {
                if (w[0].subtract(slice).compareTo(MIN) < 0 || w[1].add(lateness).add(slice).compareTo(MAX) > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static long earliestResultTimestamp(SlidingWindowEngine engine, long ts) {
        BigInteger earliest = null;
        for (WindowSpec spec : engine.specs()) {
            for (BigInteger[] w : windowsHolding(spec, ts)) {
                BigInteger result = w[1].subtract(BigInteger.ONE);
                earliest = earliest == null || result.compareTo(earliest) < 0 ? result : earliest;
            }
        }
        return earliest.longValueExact();
    }

    /** Every window [k·S + offset, k·S + offset + W) that holds ts, found by walking k, in exact arithmetic. */
    private static List<BigInteger[]> windowsHolding(WindowSpec spec, long ts) {
        BigInteger t = BigInteger.valueOf(ts);
        BigInteger size = BigInteger.valueOf(spec.sizeMillis());
        BigInteger slide = BigInteger.valueOf(spec.slideMillis());
        BigInteger offset = BigInteger.valueOf(spec.offsetMillis());
        BigInteger[] qr = t.subtract(offset).divideAndRemainder(slide);
        BigInteger k = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0]; // floor: the last window holding t
        List<BigInteger[]> out = new ArrayList<>();
        while (true) {
            BigInteger start = k.multiply(slide).add(offset);
            BigInteger end = start.add(size);
            if (end.compareTo(t) <= 0) {
                return out;
            }
            out.add(new BigInteger[] {start, end});
            k = k.subtract(BigInteger.ONE);
        }
    }
}
