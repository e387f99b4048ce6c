package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.WindowSpec;
import java.io.Serializable;
import java.util.List;

/**
 * Time cut into slices for a set of window specs, and the arithmetic between times, slices and windows — in one
 * place, so that each formula is written and tested once ({@code SliceGridTest} has the tables). A slice is
 * {@code g} milliseconds, the greatest common divisor of every size, slide and offset difference, so every window
 * of every spec is a run of whole slices. Slice {@code i} is {@code [i·g + o, (i+1)·g + o)} for the grid's offset
 * {@code o}; window {@code k} of spec {@code j} starts at slice {@code k·slide_j + offset_j} and spans
 * {@code size_j} slices. All divisions round towards negative infinity, so negative times behave like positive
 * ones. Immutable.
 */
final class SliceGrid implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long slice;
    private final long sliceOffset;
    // per spec, in slices: slide, size and the offset of window starts
    private final long[] slideSlices;
    private final long[] sizeSlices;
    private final long[] offsetSlices;

    SliceGrid(List<WindowSpec> specs) {
        long g = 0;
        long firstOffset = specs.get(0).offsetMillis();
        for (WindowSpec spec : specs) {
            g = gcd(g, spec.sizeMillis());
            g = gcd(g, spec.slideMillis());
            g = gcd(g, Math.abs(spec.offsetMillis() - firstOffset));
        }
        slice = g;
        sliceOffset = Math.floorMod(firstOffset, g);
        int n = specs.size();
        slideSlices = new long[n];
        sizeSlices = new long[n];
        offsetSlices = new long[n];
        for (int j = 0; j < n; j++) {
            slideSlices[j] = specs.get(j).slideMillis() / g;
            sizeSlices[j] = specs.get(j).sizeMillis() / g;
            offsetSlices[j] = Math.floorDiv(specs.get(j).offsetMillis() - sliceOffset, g);
        }
    }

    /** How many specs. */
    int specs() {
        return sizeSlices.length;
    }

    /** The slice length g in milliseconds. */
    long sliceMillis() {
        return slice;
    }

    /** The size of spec {@code j}'s windows in slices. */
    long sizeSlices(int j) {
        return sizeSlices[j];
    }

    /** How many slices spec {@code j}'s windows start apart. */
    long slideSlices(int j) {
        return slideSlices[j];
    }

    /** The widest window of any spec, in slices. */
    long widestSlices() {
        long widest = 0;
        for (long size : sizeSlices) {
            widest = Math.max(widest, size);
        }
        return widest;
    }

    /** The slice holding {@code time}. */
    long sliceOf(long time) {
        return Math.floorDiv(time - sliceOffset, slice);
    }

    /** The time slice {@code i} starts at, epoch milliseconds. */
    long timeOf(long i) {
        return i * slice + sliceOffset;
    }

    /** The first slice of window {@code k} of spec {@code j}. */
    long startSlice(int j, long k) {
        return k * slideSlices[j] + offsetSlices[j];
    }

    /** The end of window {@code k} of spec {@code j}, exclusive, epoch milliseconds. */
    long endTime(int j, long k) {
        return timeOf(startSlice(j, k) + sizeSlices[j]);
    }

    /** The first window of spec {@code j} that holds slice {@code i}. */
    long firstWindowContaining(int j, long i) {
        return -Math.floorDiv(-(i - offsetSlices[j] - sizeSlices[j] + 1), slideSlices[j]);
    }

    /** The last window of spec {@code j} that holds slice {@code i}. */
    long lastWindowContaining(int j, long i) {
        return Math.floorDiv(i - offsetSlices[j], slideSlices[j]);
    }

    /** The first window of spec {@code j} whose end slice is at least {@code endSlice}. */
    long firstWindowEndingAtOrAfter(int j, long endSlice) {
        return -Math.floorDiv(-(endSlice - offsetSlices[j] - sizeSlices[j]), slideSlices[j]);
    }

    /** The last window of spec {@code j} whose end slice is at most {@code endSlice}. */
    long lastWindowEndingAtOrBefore(int j, long endSlice) {
        return Math.floorDiv(endSlice - offsetSlices[j] - sizeSlices[j], slideSlices[j]);
    }

    /**
     * The largest slice boundary {@code e} with {@code timeOf(e) - 1 <= time}: windows ending there have ended by
     * {@code time} (a window ends, and fires, when the watermark reaches its end minus one). Never overflows.
     */
    long endSliceAtMost(long time) {
        long q = Math.floorDiv(time, slice);
        long r = Math.floorMod(time, slice);
        return q + Math.floorDiv(r + 1 - sliceOffset, slice);
    }

    /** The last moment any window holding slice {@code i} is open: the largest of their ends minus one. */
    long lastEndContaining(long i) {
        long latest = Long.MIN_VALUE;
        for (int j = 0; j < sizeSlices.length; j++) {
            latest = Math.max(latest, endTime(j, lastWindowContaining(j, i)) - 1);
        }
        return latest;
    }

    /**
     * Whether every window holding {@code time}, with a slice to spare before its start and {@code lateness} plus a
     * slice after its end, can be computed in a long: the same formulas as above, each step checked.
     */
    boolean fitsInLong(long time, long lateness) {
        try {
            long i = Math.floorDiv(Math.subtractExact(time, sliceOffset), slice);
            for (int j = 0; j < sizeSlices.length; j++) {
                long kFirst = Math.negateExact(Math.floorDiv(Math.negateExact(Math.addExact(Math.subtractExact(
                        Math.subtractExact(i, offsetSlices[j]), sizeSlices[j]), 1)), slideSlices[j]));
                long kLast = Math.floorDiv(Math.subtractExact(i, offsetSlices[j]), slideSlices[j]);
                long start = Math.addExact(Math.multiplyExact(Math.addExact(Math.multiplyExact(kFirst, slideSlices[j]),
                        offsetSlices[j]), slice), sliceOffset);
                long end = Math.addExact(Math.multiplyExact(Math.addExact(Math.addExact(Math.multiplyExact(kLast,
                        slideSlices[j]), offsetSlices[j]), sizeSlices[j]), slice), sliceOffset);
                Math.subtractExact(start, slice);
                Math.addExact(Math.addExact(end, lateness), slice);
            }
            return true;
        } catch (ArithmeticException overflow) {
            return false;
        }
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String toString() {
        return "SliceGrid{slice=" + slice + "ms, offset=" + sliceOffset + "ms}";
    }
}
