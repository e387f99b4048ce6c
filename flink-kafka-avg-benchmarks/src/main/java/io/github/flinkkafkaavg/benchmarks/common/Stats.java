package io.github.flinkkafkaavg.benchmarks.common;

import java.util.Arrays;

/** The statistics every runner reports with, written once, in a package of its own that depends on none of theirs. */
public final class Stats {

    private Stats() {}

    /**
     * The median of some runs: the middle value, the upper one of the two middles for an even count — a run, not an
     * average of two, so the figure is one the machine produced.
     *
     * @param values at least one value; not changed
     * @return the median
     */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * A percentile by nearest rank: the smallest value with at least {@code q} of the values at or below it — a value
     * the run measured, never an interpolation.
     *
     * @param sorted the values, ascending, at least one
     * @param q the fraction, e.g. 0.99
     * @return the value
     */
    public static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
