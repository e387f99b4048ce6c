package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CountWindowTest {

    @Test
    void averagesTheLastWValuesAndTheFirstOnesSoFar() {
        CountWindow window = new CountWindow(3);
        window.add(1);
        assertThat(window.average()).isEqualTo(1.0);
        assertThat(window.count()).isEqualTo(1);
        window.add(2);
        window.add(3);
        window.add(4);
        assertThat(window.average()).isEqualTo(3.0);
        assertThat(window.count()).isEqualTo(3);
        assertThat(window.isFull()).isTrue();
        assertThat(window.valuesOldestFirst()).containsExactly(2, 3, 4);
    }

    @Test
    void restoredWindowContinuesExactlyLikeTheOriginal() {
        Random random = new Random(3);
        CountWindow original = new CountWindow(17);
        for (int i = 0; i < 50; i++) {
            original.add(random.nextGaussian());
        }
        CountWindow restored = CountWindow.restore(17, original.valuesOldestFirst());
        for (int i = 0; i < 100; i++) {
            double v = random.nextGaussian() * 1e9;
            original.add(v);
            restored.add(v);
            assertThat(restored.average()).isEqualTo(original.average());
        }
    }

    @Test
    void rejectsAnEmptyWindow() {
        assertThatThrownBy(() -> new CountWindow(0))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("lastN must be at least 1, but was 0");
    }

    @Test
    void noDriftOverTenMillionValuesOfMixedMagnitude() {
        int w = 1_000;
        CountWindow window = new CountWindow(w);
        ArrayDeque<BigDecimal> kept = new ArrayDeque<>();
        BigDecimal exact = BigDecimal.ZERO;
        Random random = new Random(11);
        double worst = 0;
        double naive = 0; // subtract-on-evict in plain doubles, to show what this test would catch
        ArrayDeque<Double> naiveKept = new ArrayDeque<>();
        double naiveWorst = 0;
        for (int i = 0; i < 10_000_000; i++) {
            // Phases of 5,000: mixed 1e12 and 1e-3, then 1e-3 only, so the big values leave the window entirely
            // and any error they left in a running sum shows against the small ones.
            boolean mixed = (i / 5_000) % 2 == 0;
            double magnitude = mixed && random.nextInt(8) == 0 ? 1e12 : 1e-3;
            double value = magnitude * (1 + random.nextDouble());
            window.add(value);
            BigDecimal exactValue = new BigDecimal(value);
            exact = exact.add(exactValue);
            kept.addLast(exactValue);
            naive += value;
            naiveKept.addLast(value);
            if (kept.size() > w) {
                exact = exact.subtract(kept.removeFirst());
                naive -= naiveKept.removeFirst();
            }
            if (i % 97 == 0 || i > 9_999_000) {
                double exactAverage = exact.doubleValue() / kept.size();
                worst = Math.max(worst, Math.abs(window.average() - exactAverage) / Math.abs(exactAverage));
                naiveWorst = Math.max(naiveWorst, Math.abs(naive / kept.size() - exactAverage) / Math.abs(exactAverage));
            }
        }
        assertThat(window.count()).isEqualTo(w);
        assertThat(worst).isLessThan(1e-13);
        assertThat(naiveWorst).as("plain doubles drift; the test is sharp enough to see it").isGreaterThan(1e-9);
        BigDecimal exactAverage = exact.divide(BigDecimal.valueOf(w), MathContext.DECIMAL128);
        assertThat(new BigDecimal(window.average()).subtract(exactAverage).abs()
                .divide(exactAverage, MathContext.DECIMAL64).doubleValue()).isLessThan(1e-15);
    }
}
