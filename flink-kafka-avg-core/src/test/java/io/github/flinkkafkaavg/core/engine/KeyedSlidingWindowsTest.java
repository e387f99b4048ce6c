package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.WindowSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
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
}
