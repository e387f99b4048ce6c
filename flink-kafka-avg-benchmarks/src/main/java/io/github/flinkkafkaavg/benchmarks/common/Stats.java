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
}
