package io.github.flinkkafkaavg.core.engine;

import java.util.Arrays;

/**
 * The per-key slices of a sliding average: count, exact (double-double) sum, minimum and maximum of the values in
 * each slice of event time, for a contiguous run of slice indexes {@code [base, top]}.
 *
 * <p>Slices live in a ring (slice {@code i} at position {@code i mod capacity}) whose leaves are the bottom of a
 * segment tree, so that any run of slices — a window — is combined in O(log capacity) whatever its length. Adding
 * a value touches only its leaf; the path above it is recomputed lazily, once, before the next query, so that the
 * many values landing in the newest slice cost O(1) each. The capacity doubles as the live run grows; only the
 * leaves are state worth saving, the tree above is rebuilt from them.
 *
 * <p>Not thread-safe. Slice indexes are plain longs: mapping time to slices is the engine's business.
 */
public final class SliceRing {

    /** Returned by {@link #nextNonEmpty(long)} when no slice at or after the index holds a value. */
    public static final long NONE = Long.MIN_VALUE;

    private static final int INITIAL_CAPACITY = 16;

    private int capacity;
    private int mask;
    // Segment tree in arrays: node 1 is the root, node n has children 2n and 2n+1, leaves are [capacity, 2*capacity).
    private long[] count;
    private double[] sumHi;
    private double[] sumLo;
    private double[] min;
    private double[] max;
    private long[] dirty; // one bit per leaf whose ancestors are stale
    private boolean anyDirty;

    private boolean empty = true;
    private long base;
    private long top;

    /** An empty ring. */
    public SliceRing() {
        allocate(INITIAL_CAPACITY);
    }

    private void allocate(int newCapacity) {
        capacity = newCapacity;
        mask = newCapacity - 1;
        count = new long[2 * newCapacity];
        sumHi = new double[2 * newCapacity];
        sumLo = new double[2 * newCapacity];
        min = new double[2 * newCapacity];
        max = new double[2 * newCapacity];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        dirty = new long[Math.max(1, newCapacity / 64)];
        anyDirty = false;
    }

    /**
     * Whether no slice holds a value.
     *
     * @return true when empty
     */
    public boolean isEmpty() {
        return empty;
    }

    /**
     * The oldest slice index kept; meaningless when {@link #isEmpty()}.
     *
     * @return the base slice index
     */
    public long base() {
        return base;
    }

    /**
     * The newest slice index kept; meaningless when {@link #isEmpty()}.
     *
     * @return the top slice index
     */
    public long top() {
        return top;
    }

    /**
     * The current number of slice positions (a power of two), which bounds {@code top - base + 1}.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * How many slices the ring would span after adding to slice {@code slice}.
     *
     * @param slice a slice index
     * @return the span {@code max(top, slice) - min(base, slice) + 1}, saturated at {@code Long.MAX_VALUE}
     */
    public long spanWith(long slice) {
        if (empty) {
            return 1;
        }
        long lo = Math.min(base, slice);
        long hi = Math.max(top, slice);
        long span = hi - lo + 1;
        return span <= 0 ? Long.MAX_VALUE : span;
    }

    /**
     * Adds one value to a slice, growing the ring when the slice lies outside it.
     *
     * @param slice the slice index
     * @param value a finite value
     */
    public void add(long slice, double value) {
        include(slice);
        int node = capacity + (int) (slice & mask);
        count[node]++;
        double hi = sumHi[node];
        double s = hi + value;
        double bb = s - hi;
        double e = (hi - (s - bb)) + (value - bb) + sumLo[node];
        sumHi[node] = s + e;
        sumLo[node] = e - (sumHi[node] - s);
        if (value < min[node]) {
            min[node] = value;
        }
        if (value > max[node]) {
            max[node] = value;
        }
        markDirty(node - capacity);
    }

    /**
     * Sets a whole slice at once, for restoring state; the slice must not hold values yet.
     *
     * @param slice the slice index
     * @param n the count, positive
     * @param hi the high part of the sum
     * @param lo the low part of the sum
     * @param smallest the minimum
     * @param largest the maximum
     */
    public void restore(long slice, long n, double hi, double lo, double smallest, double largest) {
        include(slice);
        int node = capacity + (int) (slice & mask);
        count[node] = n;
        sumHi[node] = hi;
        sumLo[node] = lo;
        min[node] = smallest;
        max[node] = largest;
        markDirty(node - capacity);
    }

    private void include(long slice) {
        if (empty) {
            empty = false;
            base = slice;
            top = slice;
            return;
        }
        long newBase = Math.min(base, slice);
        long newTop = Math.max(top, slice);
        long span = newTop - newBase + 1;
        if (span <= 0 || span > (1L << 30)) {
            throw new IllegalArgumentException("slice " + slice + " is too far from the live slices [" + base + ", "
                    + top + "]: check SlidingWindowEngine's span limit before adding");
        }
        if (span > capacity) {
            grow(newBase, newTop, span);
        }
        base = newBase;
        top = newTop;
    }

    private void grow(long newBase, long newTop, long span) {
        int newCapacity = capacity;
        while (newCapacity < span) {
            newCapacity <<= 1;
        }
        long[] oldCount = count;
        double[] oldHi = sumHi;
        double[] oldLo = sumLo;
        double[] oldMin = min;
        double[] oldMax = max;
        int oldCapacity = capacity;
        int oldMask = mask;
        allocate(newCapacity);
        for (long i = base; i <= top; i++) {
            int from = oldCapacity + (int) (i & oldMask);
            int to = capacity + (int) (i & mask);
            count[to] = oldCount[from];
            sumHi[to] = oldHi[from];
            sumLo[to] = oldLo[from];
            min[to] = oldMin[from];
            max[to] = oldMax[from];
        }
        for (int node = capacity - 1; node >= 1; node--) {
            recompute(node);
        }
    }

    /**
     * Forgets every slice before {@code slice}; the ring becomes empty when that is all of them.
     *
     * @param slice the first slice index to keep
     */
    public void expireBefore(long slice) {
        if (empty || slice <= base) {
            return;
        }
        if (slice > top) {
            clear();
            return;
        }
        for (long i = base; i < slice; i++) {
            clearLeaf((int) (i & mask));
        }
        base = slice;
        // Leading empty slices carry nothing; skipping them keeps base at a slice that holds a value.
        long first = nextNonEmpty(base);
        if (first == NONE) {
            clear();
        } else if (first > base) {
            for (long i = base; i < first; i++) {
                clearLeaf((int) (i & mask));
            }
            base = first;
        }
    }

    /** Forgets every slice. */
    public void clear() {
        if (!empty) {
            if (top - base + 1 >= capacity / 4) {
                allocate(capacity);
            } else {
                for (long i = base; i <= top; i++) {
                    clearLeaf((int) (i & mask));
                }
            }
        }
        empty = true;
    }

    private void clearLeaf(int position) {
        int node = capacity + position;
        count[node] = 0;
        sumHi[node] = 0;
        sumLo[node] = 0;
        min[node] = Double.POSITIVE_INFINITY;
        max[node] = Double.NEGATIVE_INFINITY;
        markDirty(position);
    }

    private void markDirty(int position) {
        dirty[position >>> 6] |= 1L << position;
        anyDirty = true;
    }

    private void flush() {
        if (!anyDirty) {
            return;
        }
        for (int word = 0; word < dirty.length; word++) {
            long bits = dirty[word];
            while (bits != 0) {
                int position = (word << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                for (int node = (capacity + position) >>> 1; node >= 1; node >>>= 1) {
                    recompute(node);
                }
            }
            dirty[word] = 0;
        }
        anyDirty = false;
    }

    private void recompute(int node) {
        int l = node << 1;
        int r = l + 1;
        count[node] = count[l] + count[r];
        double aHi = sumHi[l];
        double bHi = sumHi[r];
        double s = aHi + bHi;
        double bb = s - aHi;
        double e = (aHi - (s - bb)) + (bHi - bb) + sumLo[l] + sumLo[r];
        sumHi[node] = s + e;
        sumLo[node] = e - (sumHi[node] - s);
        min[node] = Math.min(min[l], min[r]);
        max[node] = Math.max(max[l], max[r]);
    }

    /**
     * Combines the slices {@code [from, to)} (clipped to the live run) into {@code out}.
     *
     * @param from the first slice index
     * @param to one past the last slice index
     * @param out receives count, sum, min and max; reset first
     */
    public void query(long from, long to, Aggregate out) {
        out.reset();
        if (empty) {
            return;
        }
        long lo = Math.max(from, base);
        long hi = Math.min(to - 1, top);
        if (lo > hi) {
            return;
        }
        flush();
        int l = (int) (lo & mask);
        int h = (int) (hi & mask);
        if (l <= h) {
            queryPositions(l, h, out);
        } else {
            queryPositions(l, capacity - 1, out);
            queryPositions(0, h, out);
        }
    }

    private void queryPositions(int l, int h, Aggregate out) {
        int left = l + capacity;
        int right = h + capacity + 1;
        while (left < right) {
            if ((left & 1) == 1) {
                out.combine(count[left], sumHi[left], sumLo[left], min[left], max[left]);
                left++;
            }
            if ((right & 1) == 1) {
                right--;
                out.combine(count[right], sumHi[right], sumLo[right], min[right], max[right]);
            }
            left >>>= 1;
            right >>>= 1;
        }
    }

    /**
     * The first slice index at or after {@code from} that holds a value.
     *
     * @param from a slice index
     * @return the slice index, or {@link #NONE}
     */
    public long nextNonEmpty(long from) {
        if (empty || from > top) {
            return NONE;
        }
        long lo = Math.max(from, base);
        flush();
        int l = (int) (lo & mask);
        int h = (int) (top & mask);
        int found;
        if (l <= h) {
            found = firstNonEmpty(l, h);
        } else {
            found = firstNonEmpty(l, capacity - 1);
            if (found < 0) {
                found = firstNonEmpty(0, h);
            }
        }
        if (found < 0) {
            return NONE;
        }
        long offset = (found - (int) (lo & mask)) & mask;
        return lo + offset;
    }

    /** The first leaf position in [l, h] with a positive count, or -1. */
    private int firstNonEmpty(int l, int h) {
        return firstNonEmpty(1, 0, capacity - 1, l, h);
    }

    private int firstNonEmpty(int node, int nodeLo, int nodeHi, int l, int h) {
        if (nodeHi < l || nodeLo > h || count[node] == 0) {
            return -1;
        }
        if (nodeLo == nodeHi) {
            return nodeLo;
        }
        int mid = (nodeLo + nodeHi) >>> 1;
        int left = firstNonEmpty(node << 1, nodeLo, mid, l, h);
        return left >= 0 ? left : firstNonEmpty((node << 1) + 1, mid + 1, nodeHi, l, h);
    }

    /**
     * The count of one slice.
     *
     * @param slice a slice index in {@code [base, top]}
     * @return its count
     */
    public long sliceCount(long slice) {
        return count[capacity + (int) (slice & mask)];
    }

    /**
     * The high part of one slice's sum.
     *
     * @param slice a slice index in {@code [base, top]}
     * @return the high part
     */
    public double sliceSumHi(long slice) {
        return sumHi[capacity + (int) (slice & mask)];
    }

    /**
     * The low part of one slice's sum.
     *
     * @param slice a slice index in {@code [base, top]}
     * @return the low part
     */
    public double sliceSumLo(long slice) {
        return sumLo[capacity + (int) (slice & mask)];
    }

    /**
     * The minimum of one slice.
     *
     * @param slice a slice index in {@code [base, top]}
     * @return the minimum, {@code +Infinity} when empty
     */
    public double sliceMin(long slice) {
        return min[capacity + (int) (slice & mask)];
    }

    /**
     * The maximum of one slice.
     *
     * @param slice a slice index in {@code [base, top]}
     * @return the maximum, {@code -Infinity} when empty
     */
    public double sliceMax(long slice) {
        return max[capacity + (int) (slice & mask)];
    }

    /**
     * Count, exact sum, minimum and maximum of a run of slices; reused across queries to avoid allocation.
     */
    public static final class Aggregate {
        private long count;
        private final DoubleDouble sum = new DoubleDouble();
        private double min;
        private double max;

        /** An empty aggregate. */
        public Aggregate() {
            reset();
        }

        void reset() {
            count = 0;
            sum.set(0, 0);
            min = Double.POSITIVE_INFINITY;
            max = Double.NEGATIVE_INFINITY;
        }

        void combine(long n, double hi, double lo, double smallest, double largest) {
            if (n == 0) {
                return;
            }
            count += n;
            sum.add(hi, lo);
            min = Math.min(min, smallest);
            max = Math.max(max, largest);
        }

        /**
         * How many values.
         *
         * @return the count
         */
        public long count() {
            return count;
        }

        /**
         * The sum, rounded to double.
         *
         * @return the sum
         */
        public double sum() {
            return sum.value();
        }

        /**
         * The average computed from the exact sum: {@code (hi + lo) / count}.
         *
         * @return the average, NaN when empty
         */
        public double average() {
            return sum.value() / count;
        }

        /**
         * The smallest value.
         *
         * @return the minimum
         */
        public double min() {
            return min;
        }

        /**
         * The largest value.
         *
         * @return the maximum
         */
        public double max() {
            return max;
        }
    }
}
