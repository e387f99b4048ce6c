package io.github.flinkkafkaavg.core.engine;

/**
 * The next window of one spec for one key, kept combined as the window slides, so that an in-order fire costs
 * O(1) amortized and touches a handful of cache lines instead of a segment-tree walk.
 *
 * <p>It is the "two stacks" sliding aggregation over slices: the window {@code [a, b)} is split at {@code m} into a
 * front {@code [a, m)}, whose suffix aggregates are precomputed, and a back {@code [m, b)}, kept as one running
 * aggregate. Sliding drops front slices (moving {@code a}) and adds slices to the back; when the front runs out the
 * whole window is flipped into a new front in one O(W/g) pass, once every W/S slides. Nothing is ever subtracted,
 * so sums stay exact. Values added later to a slice in the back are added to the back aggregate; to a slice in the
 * front, they mark the front for recomputation (rare: only records older than most of the window do that).
 * Derived entirely from the slices, it is not saved in checkpoints.
 */
final class WindowCursor {

    /** Per front slice, as in {@link SliceRing}'s nodes: count, sumHi, sumLo, min, max. */
    private static final int STRIDE = SliceRing.STRIDE;
    static final long NONE = Long.MIN_VALUE;

    long k = NONE;
    private long a;
    private long m;
    private long b;
    private double[] front = new double[16 * STRIDE];
    /** The front's suffix sums of values of magnitude 2^512 and more, {hi, lo} per slice; null when the ring has none. */
    private double[] frontBig;
    private int frontMask = 15;
    private boolean frontDirty;
    private double backCount;
    /** The back's sums: {hi, lo} of the ordinary values, then {hi, lo} of the big ones, scaled (DoubleDouble.BIG). */
    private final double[] back = new double[4];
    private double backMin = Double.POSITIVE_INFINITY;
    private double backMax = Double.NEGATIVE_INFINITY;

    /** Positions the cursor on window {@code window} = slices {@code [start, end)}, sliding from where it is. */
    void moveTo(long window, long start, long end, long slide, long size, SliceRing ring) {
        if (k == window) {
            // already there
        } else if (k != NONE && window > k && (window - k) * slide < size) {
            for (long i = b; i < end; i++) {
                push(ring, i);
            }
            a = start;
            b = end;
            k = window;
            if (a >= m) {
                flip(ring);
            }
        } else {
            k = window;
            a = start;
            b = end;
            flip(ring);
        }
        if (frontDirty) {
            buildFront(ring, m);
        }
    }

    /** Forgets the window it was on, keeping its arrays, for a state taken over by another key. */
    void reset() {
        k = NONE;
        frontDirty = false;
    }

    /** The bytes of its arrays, for a bound on the states kept for reuse. */
    long arrayBytes() {
        return 8L * (front.length + back.length + (frontBig == null ? 0 : frontBig.length));
    }

    /** Records that {@code value} was added to slice {@code slice}. */
    void added(long slice, double value) {
        if (k == NONE) {
            return;
        }
        if (slice >= m && slice < b) {
            backCount++;
            if (DoubleDouble.isBig(value)) {
                DoubleDouble.addTo(back, 2, value * DoubleDouble.SCALE_DOWN);
            } else {
                DoubleDouble.addTo(back, 0, value);
            }
            backMin = Math.min(backMin, value);
            backMax = Math.max(backMax, value);
        } else if (slice >= a && slice < m) {
            frontDirty = true;
        }
    }

    /** Records that {@code partial}'s values were added to slice {@code slice}, as {@link #added(long, double)}. */
    void added(long slice, Partial partial) {
        if (k == NONE) {
            return;
        }
        if (slice >= m && slice < b) {
            backCount += partial.count();
            DoubleDouble.addTo(back, 0, partial.hi(), partial.lo());
            if (partial.bigHi() != 0 || partial.bigLo() != 0) {
                DoubleDouble.addTo(back, 2, partial.bigHi(), partial.bigLo());
            }
            backMin = Math.min(backMin, partial.min());
            backMax = Math.max(backMax, partial.max());
        } else if (slice >= a && slice < m) {
            frontDirty = true;
        }
    }

    void result(SliceRing.Aggregate out) {
        out.reset();
        if (a < m) {
            int slot = (int) (a & frontMask);
            int at = slot * STRIDE;
            double[] bigs = frontBig;
            out.combine((long) front[at], front[at + 1], front[at + 2], front[at + 3], front[at + 4],
                    bigs == null ? 0 : bigs[2 * slot], bigs == null ? 0 : bigs[2 * slot + 1]);
        }
        out.combine((long) backCount, back[0], back[1], backMin, backMax, back[2], back[3]);
    }

    private void push(SliceRing ring, long slice) {
        int at = ring.leafOffset(slice);
        if (at < 0) {
            return;
        }
        double[] n = ring.nodes();
        if (n[at] == 0) {
            return;
        }
        backCount += n[at];
        DoubleDouble.addTo(back, 0, n[at + 1], n[at + 2]);
        double[] bigs = ring.big();
        if (bigs != null) {
            int node = 2 * (at / STRIDE);
            DoubleDouble.addTo(back, 2, bigs[node], bigs[node + 1]);
        }
        backMin = Math.min(backMin, n[at + 3]);
        backMax = Math.max(backMax, n[at + 4]);
    }

    private void flip(SliceRing ring) {
        m = b;
        backCount = 0;
        java.util.Arrays.fill(back, 0);
        backMin = Double.POSITIVE_INFINITY;
        backMax = Double.NEGATIVE_INFINITY;
        buildFront(ring, b);
    }

    /** Suffix aggregates over [a, until): front[i] = slices i .. until-1 combined. */
    private void buildFront(SliceRing ring, long until) {
        int needed = (int) Math.max(1, until - a);
        if (needed > frontMask + 1) {
            int capacity = Integer.highestOneBit(needed - 1) << 1;
            front = new double[capacity * STRIDE];
            frontMask = capacity - 1;
        }
        double count = 0;
        double[] sum = new double[2];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double[] n = ring.nodes();
        for (long i = until - 1; i >= a; i--) {
            int leaf = ring.leafOffset(i);
            if (leaf >= 0 && n[leaf] != 0) {
                count += n[leaf];
                DoubleDouble.addTo(sum, 0, n[leaf + 1], n[leaf + 2]);
                min = Math.min(min, n[leaf + 3]);
                max = Math.max(max, n[leaf + 4]);
            }
            int at = (int) (i & frontMask) * STRIDE;
            front[at] = count;
            front[at + 1] = sum[0];
            front[at + 2] = sum[1];
            front[at + 3] = min;
            front[at + 4] = max;
        }
        buildFrontBig(ring, until);
        frontDirty = false;
    }

    /** The big sums' suffixes over [a, until), as {@link #buildFront} does for the others; none when the ring has none. */
    private void buildFrontBig(SliceRing ring, long until) {
        double[] bigs = ring.big();
        if (bigs == null) {
            frontBig = null;
            return;
        }
        if (frontBig == null || frontBig.length < 2 * (frontMask + 1)) {
            frontBig = new double[2 * (frontMask + 1)];
        }
        double[] sum = new double[2];
        for (long i = until - 1; i >= a; i--) {
            int leaf = ring.leafOffset(i);
            if (leaf >= 0) {
                int node = 2 * (leaf / STRIDE);
                DoubleDouble.addTo(sum, 0, bigs[node], bigs[node + 1]);
            }
            int slot = (int) (i & frontMask);
            frontBig[2 * slot] = sum[0];
            frontBig[2 * slot + 1] = sum[1];
        }
    }
}
