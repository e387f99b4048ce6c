package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.flinkkafkaavg.core.WindowSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The storage protocol's edges that random streams reach rarely; the streams themselves run in the engine tests. */
class KeyedSlidingWindowsTest {

    private static final SlidingWindowEngine ENGINE = new SlidingWindowEngine(
            List.of(WindowSpec.ofSizeAndSlide(Duration.ofSeconds(4), Duration.ofSeconds(1))), 0);

    /** A timer restored from a snapshot can outlive the one the key now needs; firing it must lose nothing. */
    @ParameterizedTest(name = "deferred={0}")
    @ValueSource(booleans = {false, true})
    void aTimerThatIsNoLongerTheKeysChangesNothing(boolean deferred) throws IOException {
        EngineHost host = new EngineHost(ENGINE, deferred, 16);
        EngineHost undisturbed = new EngineHost(ENGINE, deferred, 16);
        for (EngineHost h : List.of(host, undisturbed)) {
            h.element("k", 1_500, 2.0);
            h.element("k", 2_500, 4.0); // deferred: both in the cached header, nothing stored yet
        }
        host.windows.onTimer(123, 1_000, (spec, start, end, w) -> {
            throw new AssertionError("a stray timer emitted " + start);
        });
        assertThat(host.describe()).isEqualTo(undisturbed.describe());
        host.watermark(Long.MAX_VALUE);
        assertThat(host.emitted).extracting(e -> e.start() + ":" + e.count())
                .containsExactly("-2000:1", "-1000:2", "0:2", "1000:2", "2000:1");
        assertThat(host.isEmpty()).isTrue();
    }

    /**
     * In place, an emptied key's state goes to the next new key (spare states). One that held values near the
     * double's limit — scaled sums in the ring, a window cursor's front with its own big sums — must give the new
     * key windows as exact as a new state would: from 17 s in the same ring positions, from 8.5 s in windows
     * right after the last one the old key's cursors were on.
     */
    @ParameterizedTest(name = "next key from {0} ms")
    @ValueSource(longs = {17_000, 8_500})
    void aSpareStateThatHeldHugeValuesGivesTheNextKeyExactWindows(long from) throws IOException {
        EngineHost reusing = new EngineHost(ENGINE, false, 16);
        double[] huge = {1.7e308, -1.6e308, Double.MAX_VALUE, 1.79e308, -Double.MAX_VALUE / 3, 9e307};
        for (int i = 0; i < huge.length; i++) {
            reusing.element("huge", 1_000 + 600L * i, huge[i]); // slices 1 to 4
        }
        for (long wm = 1_000; wm <= 3_000; wm += 500) {
            reusing.watermark(wm); // fired in order, so the key's cursors hold fronts with big sums
        }
        reusing.watermark(8_000); // the rest in one fire, which empties the whole ring at once
        assertThat(reusing.emitted).isNotEmpty();
        assertThat(reusing.isEmpty()).isTrue();
        reusing.emitted.clear();

        EngineHost fresh = new EngineHost(ENGINE, false, 16);
        fresh.watermark(8_000);
        double[] small = {1.5, 2.25, -0.125, 3.0, 1e-300, 4.75, 0.1};
        for (EngineHost host : List.of(reusing, fresh)) {
            for (int i = 0; i < small.length; i++) {
                host.element("small", from + 600L * i, small[i]);
            }
            for (long wm = from; wm <= from + 13_000; wm += 500) {
                host.watermark(wm);
            }
        }
        assertThat(reusing.reusedStates()).as("the small key got the huge key's state").isPositive();
        assertThat(fresh.reusedStates()).isZero();
        assertThat(reusing.emitted).isNotEmpty().isEqualTo(fresh.emitted);
        for (EngineHost.Emission e : reusing.emitted) {
            BigDecimal sum = BigDecimal.ZERO;
            long n = 0;
            for (int i = 0; i < small.length; i++) {
                long ts = from + 600L * i;
                if (ts >= e.start() && ts < e.end()) {
                    sum = sum.add(new BigDecimal(small[i]));
                    n++;
                }
            }
            assertThat(e.count()).as("%s", e).isEqualTo(n);
            double exact = sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue();
            assertThat(e.average()).as("%s", e).isCloseTo(exact, within(Math.ulp(exact)));
        }
    }
}
