package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.Internal;

/**
 * A mutable double-double sum: the unevaluated pair {@code hi + lo} carries about 106 bits, so adding millions of
 * values of mixed magnitude (1e12 next to 1e-3), or subtracting evicted ones, keeps the sum correct to well below
 * one part in 1e15 of the largest partial sum. Additions use Knuth's error-free TwoSum.
 *
 * <p>A double-double cannot hold a sum beyond the double range (two values of 1.7e308 already overflow), and scaling
 * every value down to make room would round away the subnormals. So the engine keeps two of them per aggregate: the
 * values below {@link #BIG} in magnitude as they are, which no count of them can overflow, and the values from
 * {@code BIG} up scaled by {@code 2^-512}, which is exact for them and leaves room for 2^63 of the largest double.
 * {@link #average} and {@link #sum} combine the two.
 *
 * <p>Not thread-safe; the engine keeps one per key or reuses one per call.
 */
@Internal
public final class DoubleDouble {

    /** Values at least this large in magnitude, 2^512, are summed apart, scaled by {@link #SCALE_DOWN}. */
    static final double BIG = 0x1p512;
    /** 2^-512: what big values are multiplied by before they are summed, exactly. */
    static final double SCALE_DOWN = 0x1p-512;

    /**
     * Whether a value is summed with the big ones.
     *
     * @param value a finite value
     * @return true when its magnitude is at least 2^512
     */
    static boolean isBig(double value) {
        return Math.abs(value) >= BIG;
    }

    /**
     * The average of values whose small ones sum to {@code hi + lo} and whose big ones, scaled by 2^-512, to
     * {@code bigHi + bigLo}: correctly rounded but for a few units in the last place, and finite, whatever the
     * magnitude of the total.
     *
     * @param hi the small values' sum, high part
     * @param lo its low part
     * @param bigHi the scaled big values' sum, high part
     * @param bigLo its low part
     * @param count how many values, at least 1
     * @return the average
     */
    static double average(double hi, double lo, double bigHi, double bigLo, double count) {
        if (bigHi == 0 && bigLo == 0) {
            return (hi + lo) / count;
        }
        // A non-zero sum of multiples of 2^512's scaled ulps is at least 2^-52: the small part, scaled, can lose only
        // what lies below 2^-1074 of it, and the quotient stays far from the subnormal range.
        double scaled = scaledTotal(hi, lo, bigHi, bigLo) / count * BIG;
        // The true average lies within the values' range; only the rounding at the very top can overflow.
        return Double.isInfinite(scaled) ? Math.copySign(Double.MAX_VALUE, scaled) : scaled;
    }

    /**
     * The sum of the same values rounded to double: ±Infinity when it lies beyond the double range.
     *
     * @param hi the small values' sum, high part
     * @param lo its low part
     * @param bigHi the scaled big values' sum, high part
     * @param bigLo its low part
     * @return the sum
     */
    static double sum(double hi, double lo, double bigHi, double bigLo) {
        if (bigHi == 0 && bigLo == 0) {
            return hi + lo;
        }
        return scaledTotal(hi, lo, bigHi, bigLo) * BIG;
    }

    private static double scaledTotal(double hi, double lo, double bigHi, double bigLo) {
        double[] total = new double[2];
        sumInto(total, 0, bigHi, bigLo, hi * SCALE_DOWN, lo * SCALE_DOWN);
        return total[0] + total[1];
    }

    /**
     * The exact-sum kernel, written once for the whole engine: {@code (aHi + aLo) + (bHi + bLo)} by Knuth's
     * error-free TwoSum of the high parts, the low parts and the rounding error carried in the new low part, stored
     * normalized ({@code |lo|} at most half an ulp of {@code hi}) at {@code out[at]} and {@code out[at + 1]}. Every
     * sum of the engine — per record, per slice merge, per window — goes through here, on array slots, where an
     * object per call would cost more than the arithmetic.
     *
     * @param out where the result goes
     * @param at the index of its high part; the low part goes to {@code at + 1}
     * @param aHi the first sum's high part
     * @param aLo its low part
     * @param bHi the second sum's high part
     * @param bLo its low part
     */
    static void sumInto(double[] out, int at, double aHi, double aLo, double bHi, double bLo) {
        double s = aHi + bHi;
        double bb = s - aHi;
        double e = (aHi - (s - bb)) + (bHi - bb) + aLo + bLo;
        double hi = s + e;
        out[at] = hi;
        out[at + 1] = e - (hi - s);
    }

    /** The sum: high part at 0, low part at 1. */
    private final double[] parts = new double[2];

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
        sumInto(parts, 0, parts[0], parts[1], bHi, bLo);
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
        sumInto(a, at, a[at], a[at + 1], x, 0);
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
        sumInto(a, at, a[at], a[at + 1], bHi, bLo);
    }

    /**
     * Sets the sum to {@code hi + lo}.
     *
     * @param hi the high part
     * @param lo the low part
     */
    public void set(double hi, double lo) {
        parts[0] = hi;
        parts[1] = lo;
    }

    /**
     * The high part; {@link #value()} rounded to double is this.
     *
     * @return the high part
     */
    public double hi() {
        return parts[0];
    }

    /**
     * The low part: what {@link #hi()} could not hold.
     *
     * @return the low part
     */
    public double lo() {
        return parts[1];
    }

    /**
     * The sum rounded to the nearest double.
     *
     * @return {@code hi + lo}
     */
    public double value() {
        return parts[0] + parts[1];
    }
}
