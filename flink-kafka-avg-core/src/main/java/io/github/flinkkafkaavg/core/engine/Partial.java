package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.Internal;

/**
 * Values of one key and one slice added up before they reach the key's state — on the sending side of a
 * {@code keyBy}, so that the exchange and the keyed task handle one record per key and slice instead of one per
 * value. It keeps what a slice keeps ({@link SliceRing}): the count, the double-double sum of the values below
 * 2^512 and the scaled one of those from 2^512 up, the minimum and the maximum; adding values here and the partial
 * to a slice is the same arithmetic as adding the values to the slice one by one, in the same order, up to the
 * double-double's rounding (about 2^-106 of the sum).
 *
 * <p>A partial stands for its values only while none of their windows has ended: with allowed lateness a late value
 * re-fires its windows once per value, and a late side output must carry each record. So only hosts without either
 * may send partials ({@link SlidingWindowEngine#onPartial}). Mutable and reused; not thread-safe.
 */
@Internal
public final class Partial {

    private long count;
    // hi, lo of the values below DoubleDouble.BIG; hi, lo of the others times DoubleDouble.SCALE_DOWN
    private final double[] sums = new double[4];
    private double min;
    private double max;

    /** An empty partial. */
    public Partial() {
        reset();
    }

    /** Empties it, for reuse. */
    public void reset() {
        count = 0;
        sums[0] = 0;
        sums[1] = 0;
        sums[2] = 0;
        sums[3] = 0;
        min = Double.POSITIVE_INFINITY;
        max = Double.NEGATIVE_INFINITY;
    }

    /**
     * Adds one value, with the steps {@link SliceRing#add} takes.
     *
     * @param value a finite value
     */
    public void add(double value) {
        count++;
        if (DoubleDouble.isBig(value)) {
            DoubleDouble.addTo(sums, 2, value * DoubleDouble.SCALE_DOWN);
        } else {
            DoubleDouble.addTo(sums, 0, value);
        }
        if (value < min) {
            min = value;
        }
        if (value > max) {
            max = value;
        }
    }

    /**
     * Sets every part at once, as read back from bytes ({@link #count()} and the accessors beside it).
     *
     * @param count how many values, positive
     * @param hi the high part of the sum of the values below 2^512 in magnitude
     * @param lo its low part
     * @param bigHi the high part of the sum of the others, times 2^-512
     * @param bigLo its low part
     * @param min the smallest value
     * @param max the largest value
     * @return this partial
     */
    public Partial set(long count, double hi, double lo, double bigHi, double bigLo, double min, double max) {
        this.count = count;
        sums[0] = hi;
        sums[1] = lo;
        sums[2] = bigHi;
        sums[3] = bigLo;
        this.min = min;
        this.max = max;
        return this;
    }

    /**
     * How many values.
     *
     * @return the count, 0 when empty
     */
    public long count() {
        return count;
    }

    /**
     * The high part of the sum of the values below 2^512 in magnitude.
     *
     * @return the high part
     */
    public double hi() {
        return sums[0];
    }

    /**
     * The low part of that sum.
     *
     * @return the low part
     */
    public double lo() {
        return sums[1];
    }

    /**
     * The high part of the sum of the values of magnitude 2^512 and more, times 2^-512 (exact for them).
     *
     * @return the high part, 0 when there are none
     */
    public double bigHi() {
        return sums[2];
    }

    /**
     * The low part of that scaled sum.
     *
     * @return the low part
     */
    public double bigLo() {
        return sums[3];
    }

    /**
     * The smallest value.
     *
     * @return the minimum, +Infinity when empty
     */
    public double min() {
        return min;
    }

    /**
     * The largest value.
     *
     * @return the maximum, -Infinity when empty
     */
    public double max() {
        return max;
    }

    /** Adds it to slice {@code slice} of {@code ring}. */
    void mergeInto(SliceRing ring, long slice) {
        ring.merge(slice, count, sums[0], sums[1], min, max, sums[2], sums[3]);
    }

    @Override
    public String toString() {
        return "Partial{count=" + count + ", sum=" + DoubleDouble.sum(sums[0], sums[1], sums[2], sums[3]) + ", min=" + min
                + ", max=" + max + "}";
    }
}
