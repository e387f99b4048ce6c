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

    /** Per front slice, as in {@link SliceRing}'s nodes: count, sumHi, sumLo, min, max, bigHi, bigLo. */
    private static final int STRIDE = SliceRing.STRIDE;
    static final long NONE = Long.MIN_VALUE;

    long k = NONE;
    private long a;
    private long m;
    private long b;
    private double[] front = new double[16 * STRIDE];
    private int frontMask = 15;
    private boolean frontDirty;
    private double backCount;
    private double backHi;
    private double backLo;
    private double backMin = Double.POSITIVE_INFINITY;
    private double backMax = Double.NEGATIVE_INFINITY;
    private double backBigHi;
    private double backBigLo;

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

    /** Records that {@code value} was added to slice {@code slice}. */
    void added(long slice, double value) {
        if (k == NONE) {
            return;
        }
        if (slice >= m && slice < b) {
            backCount++;
            if (DoubleDouble.isBig(value)) {
                addToBackBig(value * DoubleDouble.SCALE_DOWN, 0);
            } else {
                addToBack(value, 0);
            }
            backMin = Math.min(backMin, value);
            backMax = Math.max(backMax, value);
        } else if (slice >= a && slice < m) {
            frontDirty = true;
        }
    }

    void result(SliceRing.Aggregate out) {
        out.reset();
        if (a < m) {
            int at = (int) (a & frontMask) * STRIDE;
            out.combine((long) front[at], front[at + 1], front[at + 2], front[at + 3], front[at + 4], front[at + 5],
                    front[at + 6]);
        }
        out.combine((long) backCount, backHi, backLo, backMin, backMax, backBigHi, backBigLo);
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
        addToBack(n[at + 1], n[at + 2]);
        if (n[at + 5] != 0 || n[at + 6] != 0) {
            addToBackBig(n[at + 5], n[at + 6]);
        }
        backMin = Math.min(backMin, n[at + 3]);
        backMax = Math.max(backMax, n[at + 4]);
    }

    private void addToBack(double hi, double lo) {
        double s = backHi + hi;
        double bb = s - backHi;
        double e = (backHi - (s - bb)) + (hi - bb) + backLo + lo;
        backHi = s + e;
        backLo = e - (backHi - s);
    }

    private void addToBackBig(double hi, double lo) {
        double s = backBigHi + hi;
        double bb = s - backBigHi;
        double e = (backBigHi - (s - bb)) + (hi - bb) + backBigLo + lo;
        backBigHi = s + e;
        backBigLo = e - (backBigHi - s);
    }

    private void flip(SliceRing ring) {
        m = b;
        backCount = 0;
        backHi = 0;
        backLo = 0;
        backBigHi = 0;
        backBigLo = 0;
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
        double hi = 0;
        double lo = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double bigHi = 0;
        double bigLo = 0;
        double[] n = ring.nodes();
        for (long i = until - 1; i >= a; i--) {
            int leaf = ring.leafOffset(i);
            if (leaf >= 0 && n[leaf] != 0) {
                count += n[leaf];
                double s = hi + n[leaf + 1];
                double bb = s - hi;
                double e = (hi - (s - bb)) + (n[leaf + 1] - bb) + lo + n[leaf + 2];
                hi = s + e;
                lo = e - (hi - s);
                min = Math.min(min, n[leaf + 3]);
                max = Math.max(max, n[leaf + 4]);
                if (n[leaf + 5] != 0 || n[leaf + 6] != 0) {
                    double bs = bigHi + n[leaf + 5];
                    double bbb = bs - bigHi;
                    double be = (bigHi - (bs - bbb)) + (n[leaf + 5] - bbb) + bigLo + n[leaf + 6];
                    bigHi = bs + be;
                    bigLo = be - (bigHi - bs);
                }
            }
            int at = (int) (i & frontMask) * STRIDE;
            front[at] = count;
            front[at + 1] = hi;
            front[at + 2] = lo;
            front[at + 3] = min;
            front[at + 4] = max;
            front[at + 5] = bigHi;
            front[at + 6] = bigLo;
        }
        frontDirty = false;
    }
}
