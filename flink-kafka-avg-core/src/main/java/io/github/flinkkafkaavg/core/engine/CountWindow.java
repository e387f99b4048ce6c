package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.Rules;

/**
 * The last {@code w} values of one key and their exact sum: the count-based moving average
 * {@code r_i = (1/w) · Σ_{j=i-w+1..i} s_j}, in O(1) per value.
 *
 * <pre>{@code
 * CountWindow last3 = new CountWindow(3);
 * last3.add(1); last3.add(2); last3.add(3); last3.add(4);
 * last3.average();   // 3.0 = (2 + 3 + 4) / 3
 * last3.count();     // 3
 * }</pre>
 *
 * <p>The sum is a double-double updated by adding the new value and subtracting the evicted one; both steps are
 * exact to about 106 bits of the largest value involved, and the sum is recomputed from the kept values once every
 * {@code w} evictions, so no drift can build up over a long stream (the recomputation costs O(w) every w values:
 * O(1) per value). Subtracting is not exact when a value far larger than what remains leaves the window (1e300
 * followed by ones): what the double-double could not hold next to the large value is gone. So an eviction that
 * leaves a sum more than {@code 2^margin} below the largest value seen since the last recomputation — the margin
 * keeps the error under 2^-45 of the sum whatever w — recomputes at once, from values that are all still there.
 * Values of magnitude 2^512 and more are summed apart, scaled ({@link DoubleDouble#BIG}), so that no sum of finite
 * values overflows.
 * Until {@code w} values have arrived the average is over those seen so far and {@link #count()} says how many.
 * Only the values are state; the sum is derived from them on restore.
 */
@PublicEvolving
public final class CountWindow {

    private final double[] values;
    private int size;
    private int next;
    private int evictionsSinceRecompute;
    private final DoubleDouble sum = new DoubleDouble();
    /** The values of magnitude 2^512 and more, scaled, so that no sum of finite values overflows (DoubleDouble.BIG). */
    private final DoubleDouble big = new DoubleDouble();
    /** The largest binary exponent of a value added or evicted since the last recomputation. */
    private int peakExponent = NO_EXPONENT;
    /** How far below that peak the sum may fall before an eviction recomputes; see the class comment. */
    private final int margin;
    private static final int NO_EXPONENT = Integer.MIN_VALUE / 4;

    /**
     * An empty window over the last {@code w} values.
     *
     * @param w the number of values averaged, at least 1
     */
    public CountWindow(int w) {
        Rules.require(Rules.lastN(w));
        this.values = new double[w];
        // Up to 2w + 2 double-double steps since a recomputation, each within 2^-104 of partial sums of at most
        // w·2^(peak+1): an error below 2^(peak + 2·log2(w) + 3 - 104), which must stay under 2^-45 of the sum.
        int log2w = 32 - Integer.numberOfLeadingZeros(w);
        this.margin = 56 - 2 * log2w;
    }

    /**
     * Appends a value, evicting the oldest when the window is full.
     *
     * @param value a finite value
     */
    public void add(double value) {
        if (size == values.length) {
            double evicted = values[next];
            if (++evictionsSinceRecompute >= values.length) {
                values[next] = value;
                next = (next + 1) % values.length;
                recompute();
                return;
            }
            accumulate(-evicted);
            noteExponent(evicted);
            if (evicted != 0 && peakExponent - sumExponent() > margin) {
                values[next] = value;
                next = (next + 1) % values.length;
                recompute();
                return;
            }
        } else {
            size++;
        }
        values[next] = value;
        next = (next + 1) % values.length;
        accumulate(value);
        noteExponent(value);
    }

    private void noteExponent(double value) {
        int e = Math.getExponent(value);
        if (e > peakExponent) {
            peakExponent = e;
        }
    }

    /** The binary exponent of the current sum, far below any value's when it is exactly zero. */
    private int sumExponent() {
        if (big.hi() != 0) {
            return Math.getExponent(big.hi()) + 512;
        }
        return sum.hi() != 0 ? Math.getExponent(sum.hi()) : NO_EXPONENT;
    }

    private void accumulate(double value) {
        if (DoubleDouble.isBig(value)) {
            big.add(value * DoubleDouble.SCALE_DOWN);
        } else {
            sum.add(value);
        }
    }

    private void recompute() {
        sum.set(0, 0);
        big.set(0, 0);
        peakExponent = NO_EXPONENT;
        for (int i = 0; i < size; i++) {
            accumulate(values[i]);
            noteExponent(values[i]);
        }
        evictionsSinceRecompute = 0;
    }

    /**
     * The window length {@code w}.
     *
     * @return the capacity
     */
    public int capacity() {
        return values.length;
    }

    /**
     * How many values the window holds: {@code min(values seen, w)}.
     *
     * @return the count
     */
    public int count() {
        return size;
    }

    /**
     * Whether {@code w} values have arrived.
     *
     * @return true when full
     */
    public boolean isFull() {
        return size == values.length;
    }

    /**
     * The sum of the values held, rounded to double: ±Infinity when it lies beyond the double range.
     *
     * @return the sum
     */
    public double sum() {
        return DoubleDouble.sum(sum.hi(), sum.lo(), big.hi(), big.lo());
    }

    /**
     * The mean of the values held, from their exact sum: finite whenever they are.
     *
     * @return the average; NaN when empty
     */
    public double average() {
        return DoubleDouble.average(sum.hi(), sum.lo(), big.hi(), big.lo(), size);
    }

    /**
     * The values held, oldest first, for saving the state.
     *
     * @return a new array of {@link #count()} values
     */
    public double[] valuesOldestFirst() {
        double[] out = new double[size];
        int start = size == values.length ? next : 0;
        for (int i = 0; i < size; i++) {
            out[i] = values[(start + i) % values.length];
        }
        return out;
    }

    /**
     * Rebuilds a window from saved values.
     *
     * @param w the window length
     * @param oldestFirst at most {@code w} values, oldest first
     * @return the window, with its sum recomputed
     */
    public static CountWindow restore(int w, double[] oldestFirst) {
        if (oldestFirst.length > w) {
            throw new IllegalArgumentException("cannot restore " + oldestFirst.length + " values into a window of " + w);
        }
        CountWindow window = new CountWindow(w);
        for (double v : oldestFirst) {
            window.add(v);
        }
        return window;
    }
}
