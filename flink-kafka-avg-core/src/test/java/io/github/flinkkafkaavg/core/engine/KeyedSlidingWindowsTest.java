package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.flinkkafkaavg.core.WindowSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;
import java.util.Random;
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

    /**
     * A job catching up with a backlog: the watermark moves many slides between fires, so a key gets values for
     * many new slices between two fires. With windows of 600 slices (stored in chunks), up to 16 new slices per
     * fire must go to the header alone — no record reads a chunk — and results must be those of the in-place
     * layout. Comparing the layouts writes the cached headers to the store after every fire, as a checkpoint
     * would; the first ones written hold 8 pending slices, the bound of earlier releases (the same bytes), and
     * take more from there.
     */
    @Test
    void aLongWindowKeyTakesUpToSixteenNewSlicesPerFireInItsHeaderAlone() {
        SlidingWindowEngine engine = new SlidingWindowEngine(
                List.of(WindowSpec.ofSizeAndSlide(Duration.ofSeconds(600), Duration.ofSeconds(1))), 0);
        EngineHost deferred = new EngineHost(engine, true, 16);
        EngineHost inPlace = new EngineHost(engine, false, 16);
        assertThat(deferred.windows.chunkSlices).as("windows of 600 slices are stored in chunks").isPositive();
        Random random = new Random(19);
        long recordChunkReads = 0;
        long recordSliceReads = 0;
        long fires = 0;
        long slice = 0;
        while (slice < 2_000) {
            // 8 new slices in the first interval (what an earlier release's header held), then 1 to 16.
            int newSlices = slice == 0 ? 8 : 1 + random.nextInt(16);
            long chunkReads = deferred.chunkReads;
            long sliceReads = deferred.sliceReads;
            for (long s = slice; s < slice + newSlices; s++) {
                for (String key : List.of("a", "b")) {
                    double value = (s % 17) - 8 + (key.equals("a") ? 0.5 : 0.25); // sums exact in a double
                    deferred.element(key, s * 1_000 + 300, value);
                    inPlace.element(key, s * 1_000 + 300, value);
                    deferred.element(key, s * 1_000 + 800, -value / 2);
                    inPlace.element(key, s * 1_000 + 800, -value / 2);
                }
            }
            if (fires > 0) { // the first record of a new key looks for a whole ring restored from an in-place job
                recordChunkReads += deferred.chunkReads - chunkReads;
                recordSliceReads += deferred.sliceReads - sliceReads;
            }
            slice += newSlices;
            long watermark = slice * 1_000 - 1; // every slice with values has ended: nothing waits but new slices
            deferred.watermark(watermark);
            inPlace.watermark(watermark);
            fires++;
            assertThat(deferred.describe()).as("slices after watermark %d", watermark).isEqualTo(inPlace.describe());
        }
        assertThat(recordChunkReads).as("chunks read by records between fires").isZero();
        assertThat(recordSliceReads).as("whole rings read by records between fires").isZero();
        // Per key, a fire writes chunks only once more than 16 slices wait: about every second fire here.
        long keyFires = 2 * fires;
        assertThat(deferred.firesKeepingSlices()).as("fires that wrote only the header, of %d", keyFires)
                .isBetween(keyFires / 4, keyFires - keyFires / 4);
        deferred.watermark(Long.MAX_VALUE);
        inPlace.watermark(Long.MAX_VALUE);
        assertThat(deferred.emitted).hasSize((int) (2 * (slice + 599))).isEqualTo(inPlace.emitted);
        assertThat(deferred.isEmpty()).isTrue();
    }
}
