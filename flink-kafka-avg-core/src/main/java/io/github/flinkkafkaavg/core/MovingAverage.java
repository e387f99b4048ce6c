package io.github.flinkkafkaavg.core;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.util.Objects;

/**
 * The mean of one key's last {@code w} values, emitted once per input record: the count-based moving average
 * {@code r_i = (1/w) · Σ_{j=i-w+1..i} s_j}.
 *
 * <pre>{@code
 * MovingAverage<String> r = ...;
 * r.key();        // "sensor-7"
 * r.average();    // mean of the values counted
 * r.count();      // w, or fewer for a key's first w-1 records
 * r.timestamp();  // the event time of the record that produced this result
 * }</pre>
 *
 * <p>Immutable. For a key's first {@code w - 1} records the average is over the values seen so far and
 * {@link #count()} says how many; {@code MovingAverages.lastN(w).emitOnlyWhenFull()} suppresses those.
 *
 * @param <K> the key type
 */
@PublicEvolving
public final class MovingAverage<K> {

    private final K key;
    private final long timestamp;
    private final int count;
    private final double sum;
    private final double average;

    /**
     * Creates a result whose average is {@code sum / count}.
     *
     * @param key the key
     * @param timestamp the event time of the record that produced it, or {@code Long.MIN_VALUE} when it had none
     * @param count how many values were averaged, at least 1
     * @param sum their sum
     */
    public MovingAverage(K key, long timestamp, int count, double sum) {
        this(key, timestamp, count, sum, sum / count);
    }

    /**
     * Creates a result with its average computed apart from the rounded sum, as the operator does: the sum of values
     * near ±1.8e308 can lie beyond the double range (then {@code sum} is ±Infinity) while their average does not.
     *
     * @param key the key
     * @param timestamp the event time of the record that produced it, or {@code Long.MIN_VALUE} when it had none
     * @param count how many values were averaged, at least 1
     * @param sum their sum, rounded to double
     * @param average their mean
     */
    public MovingAverage(K key, long timestamp, int count, double sum, double average) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, but was " + count);
        }
        this.key = key;
        this.timestamp = timestamp;
        this.count = count;
        this.sum = sum;
        this.average = average;
    }

    /**
     * The key.
     *
     * @return the key
     */
    public K key() {
        return key;
    }

    /**
     * The event time of the record that produced this result.
     *
     * @return epoch milliseconds, or {@code Long.MIN_VALUE} when the record had no timestamp
     */
    public long timestamp() {
        return timestamp;
    }

    /**
     * How many values were averaged: {@code min(records seen for the key, w)}.
     *
     * @return the count
     */
    public int count() {
        return count;
    }

    /**
     * The sum of the values averaged, rounded to double: ±Infinity when it lies beyond the double range.
     *
     * @return the sum
     */
    public double sum() {
        return sum;
    }

    /**
     * The mean, from the exact sum: finite for finite values even when {@link #sum()} is not.
     *
     * @return the average
     */
    public double average() {
        return average;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MovingAverage<?> that && timestamp == that.timestamp && count == that.count
                && Double.compare(sum, that.sum) == 0 && Double.compare(average, that.average) == 0
                && Objects.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, timestamp, count, sum, average);
    }

    @Override
    public String toString() {
        return "MovingAverage{key=" + key + ", timestamp=" + timestamp + ", average=" + average + ", count=" + count
                + ", sum=" + sum + '}';
    }
}
