package io.github.flinkkafkaavg.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ExpectedWindowsTest {

    /** Values 1 at t=1 s and 3 at t=5 s, windows of 4 s sliding by 2 s: [-2,2) [0,4) hold 1; [2,6) [4,8) hold 3. */
    private static ExpectedWindows twoValues() {
        return new ExpectedWindows(4_000, 2_000).add("k", 1_000, BigDecimal.ONE).add("k", 5_000, new BigDecimal(3));
    }

    @Test
    void everyWindowOnceWithItsCountAndAveragePasses() {
        ExpectedWindows e = twoValues();
        assertThat(e.size()).isEqualTo(4);
        e.observe("k", -2_000, 2_000, 1, 1.0);
        e.observe("k", 0, 4_000, 1, 1.0);
        e.observe("k", 2_000, 6_000, 1, 3.0);
        e.observe("k", 4_000, 8_000, 1, 3.0);
        e.assertExactlyOnce();
    }

    @Test
    void wrongDuplicatedAndMissingWindowsAreEachReported() {
        ExpectedWindows e = twoValues();
        e.observe("k", -2_000, 2_000, 1, 1.0);
        e.observe("k", -2_000, 2_000, 1, 1.0);
        e.observe("k", 0, 4_000, 2, 1.0);
        e.observe("k", 2_000, 6_000, 1, 3.0000001);
        assertThat(e.duplicated()).containsExactly("k@-2000");
        assertThat(e.missing()).containsExactly("k@4000");
        assertThat(e.wrong()).hasSize(2);
        assertThatThrownBy(e::assertExactlyOnce).isInstanceOf(AssertionError.class)
                .hasMessageContaining("2 wrong").hasMessageContaining("1 duplicated").hasMessageContaining("1 missing");
    }
}
