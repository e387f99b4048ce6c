package io.github.flinkkafkaavg.core;

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
public final class MovingAverage<K> {

    private final K key;
    private final long timestamp;
    private final int count;
    private final double sum;

    /**
     * Creates a result; the operator makes these, users normally only read them.
     *
     * @param key the key
     * @param timestamp the event time of the record that produced it, or {@code Long.MIN_VALUE} when it had none
     * @param count how many values were averaged, at least 1
     * @param sum their sum
     */
    public MovingAverage(K key, long timestamp, int count, double sum) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, but was " + count);
        }
        this.key = key;
        this.timestamp = timestamp;
        this.count = count;
        this.sum = sum;
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
     * The sum of the values averaged.
     *
     * @return the sum
     */
    public double sum() {
        return sum;
    }

    /**
     * The mean: {@code sum / count}.
     *
     * @return the average
     */
    public double average() {
        return sum / count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MovingAverage<?> that && timestamp == that.timestamp && count == that.count
                && Double.compare(sum, that.sum) == 0 && Objects.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, timestamp, count, sum);
    }

    @Override
    public String toString() {
        return "MovingAverage{key=" + key + ", timestamp=" + timestamp + ", average=" + average() + ", count=" + count
                + ", sum=" + sum + '}';
    }
}
