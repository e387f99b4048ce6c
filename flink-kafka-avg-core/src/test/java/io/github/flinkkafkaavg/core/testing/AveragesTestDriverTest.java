package io.github.flinkkafkaavg.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.datastream.MovingAverages;
import io.github.flinkkafkaavg.core.datastream.SlidingAverages;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;

class AveragesTestDriverTest {

    /** A user's record; a Java record, as users write them. */
    public record Reading(String sensorId, double celsius) {}

    private static final SlidingAverages TEN_BY_FIVE =
            SlidingAverages.over(WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(5)));

    @Test
    void theJavadocExampleHolds() {
        try (AveragesTestDriver<Reading, String, WindowAverage<String>> driver = AveragesTestDriver.of(
                TEN_BY_FIVE, Reading.class, Reading::sensorId, Reading::celsius)) {
            driver.send(new Reading("s1", 20.0), 1_000).send(new Reading("s1", 22.0), 6_000);
            driver.advanceWatermarkTo(9_999);
            driver.send(new Reading("s1", 99.0), 2_000);

            assertThat(driver.results()).extracting(WindowAverage::average).containsExactly(20.0, 21.0);
            assertThat(driver.results()).extracting(WindowAverage::windowStart).containsExactly(-5_000L, 0L);
            assertThat(driver.lateRecords()).containsExactly(new Reading("s1", 99.0));
            assertThat(driver.currentWatermark()).isEqualTo(9_999);
        }
    }

    @Test
    void everyWindowOfARandomStreamMatchesAnExactReference() {
        Random random = new Random(7);
        Map<String, BigDecimal[]> expected = new TreeMap<>();          // "key start" -> {count, sum}
        try (AveragesTestDriver<Reading, String, WindowAverage<String>> driver = AveragesTestDriver.of(
                TEN_BY_FIVE, Reading.class, Reading::sensorId, Reading::celsius)) {
            for (int i = 0; i < 2_000; i++) {
                long ts = i * 37L;                                       // in order: nothing late
                Reading r = new Reading("k" + random.nextInt(4), random.nextGaussian() * 1e6);
                driver.send(r, ts);
                for (long start = Math.floorDiv(ts, 5_000) * 5_000; start > ts - 10_000; start -= 5_000) {
                    BigDecimal[] w = expected.computeIfAbsent(r.sensorId() + " " + start,
                            k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
                    w[0] = w[0].add(BigDecimal.ONE);
                    w[1] = w[1].add(new BigDecimal(r.celsius()));
                }
                if (i % 100 == 0) {
                    driver.advanceWatermarkTo(ts - 1);
                }
            }
            driver.endOfInput();

            Map<String, Double> actual = new TreeMap<>();
            for (WindowAverage<String> w : driver.results()) {
                assertThat(actual.put(w.key() + " " + w.windowStart(), w.average())).as("fired once").isNull();
            }
            // The sums are exact; the average is that sum divided by the count in double arithmetic, one rounding
            // away from the correctly rounded quotient at most.
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            expected.forEach((k, w) -> {
                double reference = w[1].divide(w[0], MathContext.DECIMAL128).doubleValue();
                assertThat(Math.abs(actual.get(k) - reference)).as(k).isLessThanOrEqualTo(Math.ulp(reference));
            });
            assertThat(driver.lateRecords()).isEmpty();
        }
    }

    @Test
    void allowedLatenessRefiresAndInvalidValuesAreSetAside() {
        SlidingAverages lenient = TEN_BY_FIVE.allowedLateness(Duration.ofSeconds(5));
        try (AveragesTestDriver<Reading, String, WindowAverage<String>> driver = AveragesTestDriver.of(
                lenient, Reading.class, Reading::sensorId, Types.STRING, Reading::celsius)) {
            driver.send(new Reading("s", 10.0), 1_000).advanceWatermarkTo(4_999);   // [-5 s, 5 s) fires: 10
            driver.send(new Reading("s", 20.0), 2_000);                             // re-fire: 15
            driver.send(new Reading("s", Double.NaN), 2_500);
            driver.advanceWatermarkTo(20_000).send(new Reading("s", 1.0), 3_000);    // beyond lateness

            assertThat(driver.results()).extracting(w -> w.windowStart() + ":" + w.average())
                    .containsExactly("-5000:10.0", "-5000:15.0", "0:15.0");
            assertThat(driver.invalidRecords()).hasSize(1);
            assertThat(driver.lateRecords()).containsExactly(new Reading("s", 1.0));
        }
    }

    @Test
    void movingAveragesEmitPerRecord() {
        try (AveragesTestDriver<Reading, String, MovingAverage<String>> driver = AveragesTestDriver.of(
                MovingAverages.lastN(2), Reading.class, Reading::sensorId, Reading::celsius)) {
            driver.send(new Reading("a", 1), 0).send(new Reading("a", 3), 0).send(new Reading("a", 8), 0);

            assertThat(driver.results()).extracting(MovingAverage::average).containsExactly(1.0, 2.0, 5.5);
        }
    }
}
