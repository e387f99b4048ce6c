package io.github.flinkkafkaavg.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WindowSpecTest {

    @Test
    void slideMustBePositiveAndNotExceedTheSize() {
        assertThatThrownBy(() -> WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(11)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("window slide must be more than zero and at most the window size, which is 10000 ms, but was 11000 ms");
        assertThatThrownBy(() -> WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ZERO))
                .hasMessageContaining("but was 0 ms");
    }

    @Test
    void sizeMustBePositiveWholeMilliseconds() {
        assertThatThrownBy(() -> WindowSpec.tumbling(Duration.ofSeconds(-1)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("window size must be positive, but was -1000 ms");
        assertThatThrownBy(() -> WindowSpec.tumbling(Duration.ofNanos(1_500_000)))
                .hasMessage("window size must be a whole number of milliseconds, but was PT0.0015S");
        assertThatThrownBy(() -> WindowSpec.tumbling(null)).hasMessage("window size must not be null");
    }

    @Test
    void offsetMustBeSmallerThanTheSlide() {
        WindowSpec spec = WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(2));
        assertThatThrownBy(() -> spec.withOffset(Duration.ofSeconds(2)))
                .hasMessage("window offset must be smaller than the slide (2000 ms) in absolute value, but was 2000 ms");
    }

    @Test
    void lastWindowStartMatchesFlinkIncludingNegativeTimestampsAndOffsets() {
        WindowSpec spec = WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(2));
        assertThat(spec.lastWindowStart(0)).isEqualTo(0);
        assertThat(spec.lastWindowStart(11_500)).isEqualTo(10_000);
        assertThat(spec.lastWindowStart(-1)).isEqualTo(-2_000);
        WindowSpec shifted = spec.withOffset(Duration.ofMillis(500));
        assertThat(shifted.lastWindowStart(400)).isEqualTo(-1_500);
        assertThat(shifted.lastWindowStart(500)).isEqualTo(500);
    }

    @Test
    void isAValue() {
        WindowSpec a = WindowSpec.ofSizeAndSlide(Duration.ofMinutes(1), Duration.ofSeconds(5));
        WindowSpec b = WindowSpec.ofSizeAndSlide(Duration.ofSeconds(60), Duration.ofMillis(5_000));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).hasToString("WindowSpec{size=60000ms, slide=5000ms}");
        assertThat(a.label()).isEqualTo("1min/5s");
        assertThat(WindowSpec.ofSizeAndSlide(Duration.ofMillis(1500), Duration.ofMillis(500))
                .withOffset(Duration.ofMillis(-100)).label()).isEqualTo("1500ms/500ms-100ms");
        assertThat(WindowSpec.tumbling(Duration.ofSeconds(10))).isEqualTo(
                WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(10)));
    }
}
