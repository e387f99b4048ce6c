package io.github.flinkkafkaavg.core.engine;

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
 * exact to about 106 bits, and the sum is recomputed from the kept values once every {@code w} evictions, so no
 * drift can build up over a long stream (the recomputation costs O(w) every w values: O(1) per value).
 * Until {@code w} values have arrived the average is over those seen so far and {@link #count()} says how many.
 * Only the values are state; the sum is derived from them on restore.
 */
public final class CountWindow {

    private final double[] values;
    private int size;
    private int next;
    private int evictionsSinceRecompute;
    private final DoubleDouble sum = new DoubleDouble();

    /**
     * An empty window over the last {@code w} values.
     *
     * @param w the number of values averaged, at least 1
     */
    public CountWindow(int w) {
        if (w < 1) {
            throw new IllegalArgumentException("the count window must hold at least 1 value, but was " + w);
        }
        this.values = new double[w];
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
            sum.add(-evicted);
        } else {
            size++;
        }
        values[next] = value;
        next = (next + 1) % values.length;
        sum.add(value);
    }

    private void recompute() {
        sum.set(0, 0);
        for (int i = 0; i < size; i++) {
            sum.add(values[i]);
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
     * The sum of the values held, rounded to double.
     *
     * @return the sum
     */
    public double sum() {
        return sum.value();
    }

    /**
     * The mean of the values held.
     *
     * @return {@code sum / count}; NaN when empty
     */
    public double average() {
        return sum.value() / size;
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
