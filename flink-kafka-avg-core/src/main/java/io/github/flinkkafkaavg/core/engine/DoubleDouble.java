package io.github.flinkkafkaavg.core.engine;

/**
 * A mutable double-double sum: the unevaluated pair {@code hi + lo} carries about 106 bits, so adding millions of
 * values of mixed magnitude (1e12 next to 1e-3), or subtracting evicted ones, keeps the sum correct to well below
 * one part in 1e15 of the largest partial sum. Additions use Knuth's error-free TwoSum.
 *
 * <p>Not thread-safe; the engine keeps one per key or reuses one per call.
 */
public final class DoubleDouble {

    private double hi;
    private double lo;

    /** A zero sum. */
    public DoubleDouble() {}

    /**
     * Adds a double exactly (the rounding error goes to the low part).
     *
     * @param x a finite value
     */
    public void add(double x) {
        add(x, 0.0);
    }

    /**
     * Adds another double-double {@code bHi + bLo}.
     *
     * @param bHi its high part
     * @param bLo its low part
     */
    public void add(double bHi, double bLo) {
        double s = hi + bHi;
        double bb = s - hi;
        double e = (hi - (s - bb)) + (bHi - bb) + lo + bLo;
        hi = s + e;
        lo = e - (hi - s);
    }

    /**
     * Adds a double exactly to the double-double kept in an array, high part at {@code a[at]}, low part at
     * {@code a[at + 1]}: the per-record form, on array slots, where an object per call would cost more than the
     * arithmetic.
     *
     * @param a the array
     * @param at where the high part is
     * @param x a finite value
     */
    static void addTo(double[] a, int at, double x) {
        double hi = a[at];
        double s = hi + x;
        double bb = s - hi;
        double e = (hi - (s - bb)) + (x - bb) + a[at + 1];
        double newHi = s + e;
        a[at] = newHi;
        a[at + 1] = e - (newHi - s);
    }

    /**
     * Adds another double-double {@code bHi + bLo} to the one kept in an array, as {@link #addTo(double[], int, double)}.
     *
     * @param a the array
     * @param at where the high part is
     * @param bHi the high part to add
     * @param bLo the low part to add
     */
    static void addTo(double[] a, int at, double bHi, double bLo) {
        double aHi = a[at];
        double s = aHi + bHi;
        double bb = s - aHi;
        double e = (aHi - (s - bb)) + (bHi - bb) + a[at + 1] + bLo;
        double newHi = s + e;
        a[at] = newHi;
        a[at + 1] = e - (newHi - s);
    }

    /**
     * Sets the sum to {@code hi + lo}.
     *
     * @param hi the high part
     * @param lo the low part
     */
    public void set(double hi, double lo) {
        this.hi = hi;
        this.lo = lo;
    }

    /**
     * The high part; {@link #value()} rounded to double is this.
     *
     * @return the high part
     */
    public double hi() {
        return hi;
    }

    /**
     * The low part: what {@link #hi()} could not hold.
     *
     * @return the low part
     */
    public double lo() {
        return lo;
    }

    /**
     * The sum rounded to the nearest double.
     *
     * @return {@code hi + lo}
     */
    public double value() {
        return hi + lo;
    }
}
