package io.github.flinkkafkaavg.core;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.util.Objects;

/**
 * The average of one key's values in one window {@code [windowStart, windowEnd)}, with the count, sum, minimum and
 * maximum it was computed from.
 *
 * <pre>{@code
 * WindowAverage<String> r = ...;
 * r.key();          // "sensor-7"
 * r.windowStart();  // 1700000000000 (epoch millis, inclusive)
 * r.windowEnd();    // 1700000010000 (epoch millis, exclusive)
 * r.average();      // sum / count, always fractional
 * }</pre>
 *
 * <p>Instances are immutable. {@link #average()} is {@code sum / count} computed in {@code double}, whatever the
 * input type (unlike SQL {@code AVG} over integers, it never truncates). A window with no records produces no
 * result, so {@code count} is always at least 1. In a stream, the record timestamp of a result is
 * {@code windowEnd - 1}, the last instant the window covers.
 *
 * @param <K> the key type
 */
@PublicEvolving
public final class WindowAverage<K> {

    private final K key;
    private final long windowStart;
    private final long windowEnd;
    private final long count;
    private final double sum;
    private final double min;
    private final double max;
    private final double average;

    /**
     * Creates a result whose average is {@code sum / count}.
     *
     * @param key the key the values belong to
     * @param windowStart the window start, inclusive, in epoch milliseconds
     * @param windowEnd the window end, exclusive, in epoch milliseconds; greater than {@code windowStart}
     * @param count how many values the window holds, at least 1
     * @param sum the sum of the values
     * @param min the smallest value
     * @param max the largest value
     */
    public WindowAverage(K key, long windowStart, long windowEnd, long count, double sum, double min, double max) {
        this(key, windowStart, windowEnd, count, sum, min, max, sum / count);
    }

    /**
     * Creates a result with its average computed apart from the rounded sum, as the engine does: the sum of values
     * near ±1.8e308 can lie beyond the double range (then {@code sum} is ±Infinity) while their average does not.
     *
     * @param key the key the values belong to
     * @param windowStart the window start, inclusive, in epoch milliseconds
     * @param windowEnd the window end, exclusive, in epoch milliseconds; greater than {@code windowStart}
     * @param count how many values the window holds, at least 1
     * @param sum the sum of the values, rounded to double
     * @param min the smallest value
     * @param max the largest value
     * @param average the mean of the values
     */
    public WindowAverage(K key, long windowStart, long windowEnd, long count, double sum, double min, double max,
            double average) {
        if (windowEnd <= windowStart) {
            throw new IllegalArgumentException(
                    "windowEnd must be greater than windowStart, but was [" + windowStart + ", " + windowEnd + ")");
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, but was " + count);
        }
        this.key = key;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
        this.average = average;
    }

    /**
     * The key whose values were averaged.
     *
     * @return the key
     */
    public K key() {
        return key;
    }

    /**
     * The first millisecond of the window (inclusive).
     *
     * @return epoch milliseconds
     */
    public long windowStart() {
        return windowStart;
    }

    /**
     * The end of the window (exclusive).
     *
     * @return epoch milliseconds
     */
    public long windowEnd() {
        return windowEnd;
    }

    /**
     * How many values fell into the window; at least 1.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * The sum of the values in the window, rounded to double: ±Infinity when it lies beyond the double range (values
     * near ±1.8e308), while {@link #average()} stays exact.
     *
     * @return the sum
     */
    public double sum() {
        return sum;
    }

    /**
     * The smallest value in the window.
     *
     * @return the minimum
     */
    public double min() {
        return min;
    }

    /**
     * The largest value in the window.
     *
     * @return the maximum
     */
    public double max() {
        return max;
    }

    /**
     * The mean of the values in the window, from their exact sum: {@code sum / count} rounded once, and finite for
     * finite values even when {@link #sum()} is not.
     *
     * @return the average
     */
    public double average() {
        return average;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof WindowAverage<?> that)) {
            return false;
        }
        return windowStart == that.windowStart
                && windowEnd == that.windowEnd
                && count == that.count
                && Double.compare(sum, that.sum) == 0
                && Double.compare(min, that.min) == 0
                && Double.compare(max, that.max) == 0
                && Double.compare(average, that.average) == 0
                && Objects.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, windowStart, windowEnd, count, sum, min, max, average);
    }

    @Override
    public String toString() {
        return "WindowAverage{key=" + key + ", window=[" + windowStart + ", " + windowEnd + "), average=" + average
                + ", count=" + count + ", sum=" + sum + ", min=" + min + ", max=" + max + '}';
    }
}
