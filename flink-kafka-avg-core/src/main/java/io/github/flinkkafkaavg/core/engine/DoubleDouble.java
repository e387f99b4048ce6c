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
