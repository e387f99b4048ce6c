package io.github.flinkkafkaavg.core;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * An event-time sliding window: size W, slide S and an optional offset, all whole milliseconds.
 *
 * <pre>{@code
 * WindowSpec oneMinuteEveryFiveSeconds = WindowSpec.ofSizeAndSlide(Duration.ofMinutes(1), Duration.ofSeconds(5));
 * WindowSpec tumblingTenSeconds = WindowSpec.tumbling(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>The windows are {@code [k·S + offset, k·S + offset + W)} for every integer k — exactly the windows of Flink's
 * {@code SlidingEventTimeWindows.of(W, S, offset)} and Flink SQL's {@code HOP}. A record with timestamp t belongs
 * to the {@code W/S} windows (rounded up) that contain t. A window whose slide equals its size is tumbling.
 *
 * <table>
 *   <caption>W = 10 s, S = 2 s, offset 0</caption>
 *   <tr><th>record at</th><th>windows</th></tr>
 *   <tr><td>0 s</td><td>[-8, 2), [-6, 4), [-4, 6), [-2, 8), [0, 10)</td></tr>
 *   <tr><td>11.5 s</td><td>[2, 12), [4, 14), [6, 16), [8, 18), [10, 20)</td></tr>
 * </table>
 *
 * <p>Instances are immutable values with {@code equals}, {@code hashCode} and a readable {@code toString}.
 */
@PublicEvolving
public final class WindowSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long sizeMillis;
    private final long slideMillis;
    private final long offsetMillis;

    private WindowSpec(long sizeMillis, long slideMillis, long offsetMillis) {
        if (sizeMillis <= 0) {
            throw new IllegalArgumentException("window size must be positive, but was " + sizeMillis + " ms");
        }
        if (slideMillis <= 0 || slideMillis > sizeMillis) {
            throw new IllegalArgumentException("window slide must be more than zero and at most the window size, which is "
                    + sizeMillis + " ms, but was " + slideMillis + " ms");
        }
        if (Math.abs(offsetMillis) >= slideMillis) {
            throw new IllegalArgumentException("window offset must be smaller than the slide (" + slideMillis
                    + " ms) in absolute value, but was " + offsetMillis + " ms");
        }
        this.sizeMillis = sizeMillis;
        this.slideMillis = slideMillis;
        this.offsetMillis = offsetMillis;
    }

    /**
     * Windows of the given size, one starting every {@code slide}.
     *
     * @param size the window size W, a positive whole number of milliseconds
     * @param slide how often a window starts, S: positive, at most {@code size}
     * @return the window spec, with offset 0
     * @throws IllegalArgumentException naming the rule and the bad value
     */
    public static WindowSpec ofSizeAndSlide(Duration size, Duration slide) {
        return new WindowSpec(millis("window size", size), millis("window slide", slide), 0);
    }

    /**
     * Tumbling windows: non-overlapping, each {@code size} long ({@code slide == size}).
     *
     * @param size the window size, a positive whole number of milliseconds
     * @return the window spec
     */
    public static WindowSpec tumbling(Duration size) {
        long millis = millis("window size", size);
        return new WindowSpec(millis, millis, 0);
    }

    /**
     * The same windows shifted by {@code offset}, e.g. to align daily windows to a time zone.
     *
     * @param offset smaller than the slide in absolute value; negative shifts earlier
     * @return a new spec
     */
    public WindowSpec withOffset(Duration offset) {
        Objects.requireNonNull(offset, "window offset must not be null");
        return new WindowSpec(sizeMillis, slideMillis, offset.toMillis());
    }

    private static long millis(String name, Duration duration) {
        Objects.requireNonNull(duration, name + " must not be null");
        if (duration.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException(name + " must be a whole number of milliseconds, but was " + duration);
        }
        return duration.toMillis();
    }

    /**
     * The window size W.
     *
     * @return milliseconds
     */
    public long sizeMillis() {
        return sizeMillis;
    }

    /**
     * The slide S: the distance between two window starts.
     *
     * @return milliseconds
     */
    public long slideMillis() {
        return slideMillis;
    }

    /**
     * The offset of the window starts from multiples of the slide.
     *
     * @return milliseconds, smaller than the slide in absolute value
     */
    public long offsetMillis() {
        return offsetMillis;
    }

    /**
     * The start of the latest window that contains {@code timestamp}.
     *
     * @param timestamp epoch milliseconds
     * @return the window start
     */
    public long lastWindowStart(long timestamp) {
        return timestamp - Math.floorMod(timestamp - offsetMillis, slideMillis);
    }

    /**
     * A compact label such as {@code 60s/5s} or {@code 1min/10s+500ms}, for operator names and logs.
     *
     * @return size/slide, with the offset when there is one
     */
    public String label() {
        return human(sizeMillis) + "/" + human(slideMillis) + (offsetMillis == 0 ? "" : (offsetMillis > 0 ? "+" : "-")
                + human(Math.abs(offsetMillis)));
    }

    private static String human(long millis) {
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "min";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowSpec that
                && sizeMillis == that.sizeMillis
                && slideMillis == that.slideMillis
                && offsetMillis == that.offsetMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sizeMillis, slideMillis, offsetMillis);
    }

    @Override
    public String toString() {
        return "WindowSpec{size=" + sizeMillis + "ms, slide=" + slideMillis + "ms"
                + (offsetMillis == 0 ? "" : ", offset=" + offsetMillis + "ms") + '}';
    }
}
