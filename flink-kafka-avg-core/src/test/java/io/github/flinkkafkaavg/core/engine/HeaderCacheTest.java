package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.core.WindowSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderCacheTest {

    @Test
    void saysWhenItIsFullAndDrainsEverythingItHolds() throws IOException {
        HeaderCache<String> cache = new HeaderCache<>(3);
        KeyHeader a = new KeyHeader();
        assertThat(cache.put("a", a)).isFalse();
        assertThat(cache.put("b", new KeyHeader())).isFalse();
        assertThat(cache.put("a", a)).as("the same key again takes no room").isFalse();
        assertThat(cache.get("a")).isSameAs(a);
        assertThat(cache.put("c", new KeyHeader())).isTrue();
        List<String> written = new ArrayList<>();
        cache.drain((key, header) -> written.add(key));
        assertThat(written).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(cache.size()).isZero();
        assertThat(cache.get("a")).isNull();
    }

    @Test
    void aFailedWriteKeepsTheHeadersNotYetWritten() {
        HeaderCache<String> cache = new HeaderCache<>(10);
        cache.put("a", new KeyHeader());
        cache.put("b", new KeyHeader());
        assertThatThrownBy(() -> cache.drain((key, header) -> {
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void capacityZeroHoldsNothingAndANegativeCapacityIsRefused() {
        assertThat(new HeaderCache<String>(0).put("a", new KeyHeader())).isTrue();
        assertThatThrownBy(() -> new HeaderCache<String>(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header cache capacity must be 0 or more keys, but was -1; use 0 to write every header"
                        + " at once");
    }

    /** Records between fires: the cache's bound decides how often a serializing backend writes headers. */
    @Test
    void theBoundDecidesHowOftenHeadersAreWritten() {
        SlidingWindowEngine engine = new SlidingWindowEngine(
                List.of(WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(1))), 0);
        for (int capacity : new int[] {0, 4, 16}) {
            EngineHost host = new EngineHost(engine, true, capacity);
            for (int n = 0; n < 100; n++) {
                // ten records a key, all in one slice with no window due: the header alone takes each
                host.element("k" + n / 10, 1_000 + n, n);
            }
            assertThat(host.deferredAdds()).isEqualTo(100);
            assertThat(host.sliceWrites).isZero();
            long expected = switch (capacity) {
                case 0 -> 100;   // every record's header at once
                // full at the 4th, 7th and 10th key: the key whose record filled it is held again by its next one
                case 4 -> 12;
                default -> 0;    // all 10 keys fit: nothing written until a snapshot
            };
            assertThat(host.headerWrites).as("header writes with capacity %d", capacity).isEqualTo(expected);
            assertThat(host.isEmpty()).isFalse(); // writes what waits, as a snapshot does
            host.watermark(Long.MAX_VALUE);
            assertThat(host.emitted).hasSize(10 * 10);
            assertThat(host.isEmpty()).isTrue();
        }
    }
}
