package io.github.flinkkafkaavg.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.testkit.ExpectedWindows;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The builder's pipeline run by the test driver: the results, dead letters and late records a job would produce. */
class PipelineTestDriverTest {

    private static final long T0 = 1_767_225_600_000L;   // 2026-01-01T00:00:00Z

    private static final SlidingAverage.Windowed<Reading> TEN_BY_FIVE = SlidingAverage.of(Reading.class)
            .key(Reading::sensorId).value(Reading::celsius).eventTime(r -> r.time().toEpochMilli())
            .window(Duration.ofSeconds(10)).slide(Duration.ofSeconds(5));

    private static String json(String sensor, double celsius, long time) {
        return String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"celsius\":%s,\"time\":\"%s\"}", sensor,
                Double.toString(celsius), Instant.ofEpochMilli(time));
    }

    @Test
    void kafkaValuesBecomeTheJobsWindowsDeadLettersAndLateRecords() {
        try (PipelineTestDriver<Reading, WindowAverage<String>> driver = PipelineTestDriver.of(TEN_BY_FIVE)) {
            driver.sendValue(json("s1", 20, T0 + 1_000))
                    .sendValue("{\"sensorId\":\"s1\",\"celsius\":")
                    .sendValue(json("s1", 22, T0 + 6_000))
                    .advanceWatermarkTo(T0 + 9_999)
                    .sendValue(json("s1", 99, T0 + 2_000))
                    .endOfInput();

            assertThat(driver.results()).extracting(w -> (w.windowStart() - T0) + ":" + w.average())
                    .containsExactly("-5000:20.0", "0:21.0", "5000:22.0");
            assertThat(driver.deadLetters()).singleElement().satisfies(d -> {
                assertThat(new String(d.value, StandardCharsets.UTF_8)).isEqualTo("{\"sensorId\":\"s1\",\"celsius\":");
                assertThat(d.sourceOffset).isEqualTo(1);
                assertThat(d.reason).contains("JSON");
            });
            assertThat(driver.lateRecords()).singleElement().satisfies(late -> {
                assertThat(late.key()).isEqualTo("s1");
                assertThat(late.value()).isEqualTo(99.0);
            });
        }
    }

    @Test
    void aRandomStreamGivesExactlyTheReferenceWindows() {
        Random random = new Random(11);
        ExpectedWindows expected = new ExpectedWindows(10_000, 5_000);
        try (PipelineTestDriver<Reading, WindowAverage<String>> driver = PipelineTestDriver.of(TEN_BY_FIVE)) {
            for (int i = 0; i < 3_000; i++) {
                long time = T0 + i * 23L;
                String sensor = "s" + random.nextInt(5);
                double celsius = random.nextGaussian() * 1e300;        // exact sums where doubles would overflow
                driver.sendValue(json(sensor, celsius, time));
                expected.add(sensor, time, new BigDecimal(celsius));
                if (i % 50 == 0) {
                    driver.advanceWatermarkTo(time - 1);
                }
            }
            driver.endOfInput();
            driver.results().forEach(w -> expected.observe(w.key(), w.windowStart(), w.windowEnd(), w.count(),
                    w.average()));
        }
        expected.assertExactlyOnce();
    }

    @Test
    void recordsOfAStreamGoThroughTheKeyAndValueFunctions() {
        try (PipelineTestDriver<Reading, WindowAverage<String>> driver = PipelineTestDriver.of(TEN_BY_FIVE)) {
            driver.send(new Reading("a", 1.0, Instant.EPOCH), T0 + 100)
                    .send(new Reading("a", Double.NaN, Instant.EPOCH), T0 + 200)
                    .send(new Reading(null, 1.0, Instant.EPOCH), T0 + 300)
                    .endOfInput();

            assertThat(driver.results()).extracting(WindowAverage::count).containsExactly(1L, 1L);
            assertThat(driver.invalidRecords()).hasSize(2);
        }
    }

    @Test
    void failOnErrorFailsOnTheFirstDeadLetterAsTheJobWould() {
        try (PipelineTestDriver<Reading, WindowAverage<String>> driver = PipelineTestDriver.of(TEN_BY_FIVE.failOnError())) {
            driver.sendValue(json("s1", 20, T0));
            assertThatThrownBy(() -> driver.sendValue("not json"))
                    .hasMessageContaining("cannot be averaged").hasMessageContaining("failOnError() is set");
        }
    }

    @Test
    void lastNPipelinesEmitPerRecordAndInvalidConfigurationsFailAsBuildWould() {
        try (PipelineTestDriver<Reading, MovingAverage<String>> driver = PipelineTestDriver.of(
                SlidingAverage.of(Reading.class).key(Reading::sensorId).value(Reading::celsius).lastN(2))) {
            driver.sendValue(json("a", 1, T0), T0).sendValue(json("a", 3, T0), T0).sendValue(json("a", 8, T0), T0);

            assertThat(driver.results()).extracting(MovingAverage::average).containsExactly(1.0, 2.0, 5.5);
        }
        assertThatThrownBy(() -> PipelineTestDriver.of(SlidingAverage.of(Reading.class).value(Reading::celsius)
                .window(Duration.ofSeconds(10)).slide(Duration.ofSeconds(5))))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key(...) is not set");
    }

    @Test
    void aValueWithNoEventTimeFunctionUsesTheKafkaTimestamp() {
        SlidingAverage.Windowed<Reading> byKafkaTime = SlidingAverage.of(Reading.class)
                .key(Reading::sensorId).value(Reading::celsius)
                .window(Duration.ofSeconds(10)).slide(Duration.ofSeconds(5));
        try (PipelineTestDriver<Reading, WindowAverage<String>> driver = PipelineTestDriver.of(byKafkaTime)) {
            driver.sendValue(json("a", 4, 0), T0 + 7_000).sendValue(json("a", 5, 0)).endOfInput();

            assertThat(driver.results()).extracting(w -> w.windowStart() - T0).containsExactly(0L, 5_000L);
            assertThat(driver.deadLetters()).extracting(d -> d.reason).singleElement().asString()
                    .contains("before 1970");
        }
    }

    @Test
    void deadLettersAreDeadLetterObjects() {
        try (PipelineTestDriver<Reading, WindowAverage<String>> driver = PipelineTestDriver.of(TEN_BY_FIVE)) {
            driver.sendRecord("k".getBytes(StandardCharsets.UTF_8), null, T0);
            DeadLetter letter = driver.deadLetters().get(0);
            assertThat(letter.reason).contains("tombstone");
            assertThat(letter.key).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
        }
    }
}
