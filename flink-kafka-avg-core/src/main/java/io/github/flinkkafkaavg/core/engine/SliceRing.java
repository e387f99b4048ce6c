package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
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
 * <p>Not thread-safe. Slice indexes are plain longs: mapping time to slices is the engine's business. The
 * double-double additions work on the array slots in place ({@link DoubleDouble}'s static forms): they run in the
 * per-record path, where an object per call would cost more than the arithmetic.
 */
@PublicEvolving
public final class SliceRing {

    /** Returned by {@link #nextNonEmpty(long)} when no slice at or after the index holds a value. */
    public static final long NONE = Long.MIN_VALUE;

    private static final int INITIAL_CAPACITY = 16;

    private int capacity;
    private int mask;
    // Segment tree, one node per STRIDE doubles {count, sumHi, sumLo, min, max} so that a node is one or two cache
    // lines, not five: node 1 is the root, node n has children 2n and 2n+1, leaves are [capacity, 2*capacity).
    static final int STRIDE = 5;
    private double[] nodes;
    // The same tree's sums of the values of magnitude 2^512 and more, scaled (DoubleDouble.BIG), two doubles {hi, lo}
    // per node; null until such a value arrives, so that ordinary data pays neither its memory nor its updates.
    private double[] big;
    private long[] dirtyBits; // leaves whose ancestors are stale, for de-duplication
    private int[] dirtyStack; // the same leaves, in a list, so that a flush costs what is dirty, not the capacity
    private int dirtyCount;

    private boolean empty = true;
    private long base;
    private long top;
    /** No tree is kept: queries add up the non-empty leaves listed in {@link #occupied}. See {@link #keepNoTree()}. */
    private boolean flat;
    /** Without a tree: the slices holding values, ascending, so that a query costs what the range holds. */
    private long[] occupied;
    private int occupiedCount;

    /** An empty ring. */
    public SliceRing() {
        allocate(INITIAL_CAPACITY);
    }

    /**
     * Stops keeping the segment tree: changes touch only their leaf, and a query adds up the leaves it covers. For a
     * ring built for one call — the slices a fire on a serializing backend reads, most of its chunks one summary
     * slice each — where updating the tree above every restored and cleared leaf costs far more than the one or two
     * windows the call queries. Not undone.
     */
    void keepNoTree() {
        if (flat) {
            return;
        }
        flat = true;
        dirtyCount = 0;
        occupied = new long[16];
        occupiedCount = 0;
        if (!empty) {
            for (long i = base; i <= top; i++) {
                if (nodes[leaf(i)] != 0) {
                    occupy(i);
                }
            }
        }
    }

    /** Lists a slice that just got its first value (without a tree). */
    private void occupy(long slice) {
        if (occupiedCount == occupied.length) {
            occupied = Arrays.copyOf(occupied, 2 * occupiedCount);
        }
        int at = occupiedCount;
        if (at > 0 && occupied[at - 1] > slice) {
            at = firstOccupied(slice); // restores come in order and new values mostly land last: rarely a shift
            System.arraycopy(occupied, at, occupied, at + 1, occupiedCount - at);
        }
        occupied[at] = slice;
        occupiedCount++;
    }

    /** The position in {@link #occupied} of the first listed slice at or after {@code slice}. */
    private int firstOccupied(long slice) {
        int lo = 0;
        int hi = occupiedCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (occupied[mid] < slice) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Without a tree: forgets the listed slices before {@code slice}, or all of them. */
    private void vacateBefore(long slice) {
        int k = Math.min(firstOccupied(slice), occupiedCount);
        for (int x = 0; x < k; x++) {
            zeroLeaf((int) (occupied[x] & mask));
        }
        System.arraycopy(occupied, k, occupied, 0, occupiedCount - k);
        occupiedCount -= k;
    }

    /**
     * Makes an empty ring big enough for {@code span} slices at once, so that restoring them does not grow it (and
     * rebuild the tree) once per doubling on the way.
     *
     * @param span how many consecutive slices will be restored, at most 2^26
     */
    void reserve(long span) {
        if (!empty || span <= capacity || span > (1L << 26)) {
            return;
        }
        allocate(Integer.highestOneBit((int) span - 1) << 1);
    }

    private void allocate(int newCapacity) {
        capacity = newCapacity;
        mask = newCapacity - 1;
        nodes = new double[2 * newCapacity * STRIDE];
        dirtyBits = new long[Math.max(1, newCapacity / 64)];
        dirtyStack = new int[16];
        resetTree();
    }

    /**
     * Empties every node of the tree in the arrays it has; {@link #allocate} starts new arrays with it. A ring lives
     * as long as its key has values — seconds to hours — so new arrays to clear it would be the medium-lived garbage
     * that makes young collections slow (they copy what is still alive).
     */
    private void resetTree() {
        double[] n = nodes;
        for (int at = 0; at < n.length; at += STRIDE) {
            n[at] = 0;
            n[at + 1] = 0;
            n[at + 2] = 0;
            n[at + 3] = Double.POSITIVE_INFINITY;
            n[at + 4] = Double.NEGATIVE_INFINITY;
        }
        big = null;
        Arrays.fill(dirtyBits, 0);
        dirtyCount = 0;
    }

    /**
     * The bytes of the ring's arrays, for a bound on the states kept for reuse.
     *
     * @return bytes, object headers left out
     */
    long arrayBytes() {
        return 8L * (nodes.length + (big == null ? 0 : big.length) + dirtyBits.length) + 4L * dirtyStack.length
                + (occupied == null ? 0 : 8L * occupied.length);
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
        return spanWith(empty, base, top, slice);
    }

    /**
     * How many slices the live run {@code [base, top]} (none when {@code empty}) would span with {@code slice}
     * added, {@code Long.MAX_VALUE} when that overflows: one formula for the ring and for a {@link KeyHeader}, which
     * must refuse exactly the records the ring would.
     */
    static long spanWith(boolean empty, long base, long top, long slice) {
        if (empty) {
            return 1;
        }
        long span = Math.max(top, slice) - Math.min(base, slice) + 1;
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
        int position = (int) (slice & mask);
        int at = (capacity + position) * STRIDE;
        double[] n = nodes;
        if (n[at]++ == 0 && flat) {
            occupy(slice);
        }
        if (DoubleDouble.isBig(value)) {
            DoubleDouble.addTo(bigNodes(), 2 * (capacity + position), value * DoubleDouble.SCALE_DOWN);
        } else {
            DoubleDouble.addTo(n, at + 1, value);
        }
        if (value < n[at + 3]) {
            n[at + 3] = value;
        }
        if (value > n[at + 4]) {
            n[at + 4] = value;
        }
        markDirty(position);
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
     * @param bigHi the high part of the sum of the values of magnitude 2^512 and more, times 2^-512
     * @param bigLo its low part
     */
    void restore(long slice, long n, double hi, double lo, double smallest, double largest, double bigHi,
            double bigLo) {
        include(slice);
        int position = (int) (slice & mask);
        int at = (capacity + position) * STRIDE;
        if (flat && nodes[at] == 0) {
            occupy(slice);
        }
        nodes[at] = n;
        nodes[at + 1] = hi;
        nodes[at + 2] = lo;
        nodes[at + 3] = smallest;
        nodes[at + 4] = largest;
        if (bigHi != 0 || bigLo != 0) {
            double[] b = bigNodes();
            b[2 * (capacity + position)] = bigHi;
            b[2 * (capacity + position) + 1] = bigLo;
        }
        markDirty(position);
    }

    /**
     * Adds a whole aggregate of values to a slice — values collected elsewhere, e.g. while the ring itself was not
     * loaded — growing the ring when the slice lies outside it.
     *
     * @param slice the slice index
     * @param n the count, positive
     * @param hi the high part of the values' sum
     * @param lo the low part of the values' sum
     * @param smallest their minimum
     * @param largest their maximum
     * @param bigHi the high part of the scaled sum of their values of magnitude 2^512 and more
     * @param bigLo its low part
     */
    public void merge(long slice, long n, double hi, double lo, double smallest, double largest, double bigHi,
            double bigLo) {
        include(slice);
        int position = (int) (slice & mask);
        int at = (capacity + position) * STRIDE;
        double[] a = nodes;
        if (flat && a[at] == 0) {
            occupy(slice);
        }
        a[at] += n;
        DoubleDouble.addTo(a, at + 1, hi, lo);
        if (bigHi != 0 || bigLo != 0) {
            DoubleDouble.addTo(bigNodes(), 2 * (capacity + position), bigHi, bigLo);
        }
        if (smallest < a[at + 3]) {
            a[at + 3] = smallest;
        }
        if (largest > a[at + 4]) {
            a[at + 4] = largest;
        }
        markDirty(position);
    }

    private void include(long slice) {
        if (empty) {
            empty = false;
            base = slice;
            top = slice;
            return;
        }
        if (slice >= base && slice <= top) {
            return;
        }
        long newBase = Math.min(base, slice);
        long newTop = Math.max(top, slice);
        long span = newTop - newBase + 1;
        if (span <= 0 || span > (1L << 26)) {
            throw new IllegalArgumentException("slice " + slice + " is too far from the live slices [" + base + ", "
                    + top + "]: check SlidingWindowEngine's span limit before adding");
        }
        if (span > capacity) {
            grow(span);
        }
        base = newBase;
        top = newTop;
    }

    private void grow(long span) {
        int newCapacity = capacity;
        while (newCapacity < span) {
            newCapacity <<= 1;
        }
        double[] old = nodes;
        double[] oldBig = big;
        int oldCapacity = capacity;
        int oldMask = mask;
        allocate(newCapacity);
        for (long i = base; i <= top; i++) {
            System.arraycopy(old, (oldCapacity + (int) (i & oldMask)) * STRIDE, nodes,
                    (capacity + (int) (i & mask)) * STRIDE, STRIDE);
            if (oldBig != null) {
                System.arraycopy(oldBig, 2 * (oldCapacity + (int) (i & oldMask)), bigNodes(),
                        2 * (capacity + (int) (i & mask)), 2);
            }
        }
        if (!flat) {
            for (int node = capacity - 1; node >= 1; node--) {
                recompute(node);
            }
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
        if (flat) {
            vacateBefore(slice);
            if (occupiedCount == 0) {
                empty = true;
            } else {
                base = occupied[0];
            }
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
        if (flat) {
            clearInPlace(); // no tree to reset, and a ring kept as scratch keeps its arrays
            return;
        }
        if (!empty) {
            if (top - base + 1 >= capacity / 4) {
                resetTree();
            } else {
                for (long i = base; i <= top; i++) {
                    clearLeaf((int) (i & mask));
                }
            }
        }
        empty = true;
    }

    /**
     * Forgets every slice leaf by leaf and keeps the arrays, for a ring used again and again as scratch: clearing the
     * live slices costs what they are, where {@link #clear()} may allocate and initialise the whole tree.
     */
    void clearInPlace() {
        if (flat) {
            vacateBefore(Long.MAX_VALUE);
            empty = true;
            return;
        }
        if (!empty) {
            for (long i = base; i <= top; i++) {
                clearLeaf((int) (i & mask));
            }
        }
        empty = true;
    }

    private void clearLeaf(int position) {
        if (zeroLeaf(position)) {
            markDirty(position);
        }
    }

    /** Empties one leaf; whether it held values. */
    private boolean zeroLeaf(int position) {
        int at = (capacity + position) * STRIDE;
        if (nodes[at] == 0) {
            return false;
        }
        nodes[at] = 0;
        nodes[at + 1] = 0;
        nodes[at + 2] = 0;
        nodes[at + 3] = Double.POSITIVE_INFINITY;
        nodes[at + 4] = Double.NEGATIVE_INFINITY;
        if (big != null) {
            big[2 * (capacity + position)] = 0;
            big[2 * (capacity + position) + 1] = 0;
        }
        return true;
    }

    private void markDirty(int position) {
        if (flat) {
            return;
        }
        long bit = 1L << position;
        int word = position >>> 6;
        if ((dirtyBits[word] & bit) != 0) {
            return;
        }
        dirtyBits[word] |= bit;
        if (dirtyCount == dirtyStack.length) {
            dirtyStack = Arrays.copyOf(dirtyStack, dirtyCount * 2);
        }
        dirtyStack[dirtyCount++] = position;
    }

    private void flush() {
        int count = dirtyCount;
        if (count == 0) {
            return;
        }
        int[] level = dirtyStack;
        for (int d = 0; d < count; d++) {
            int position = level[d];
            dirtyBits[position >>> 6] &= ~(1L << position);
            level[d] = capacity + position;
        }
        // Walk up level by level; sorted node ids put shared parents side by side, so each is recomputed once.
        if (count > 1) {
            Arrays.sort(level, 0, count);
        }
        while (level[0] > 1) {
            int kept = 0;
            int last = -1;
            for (int d = 0; d < count; d++) {
                int parent = level[d] >>> 1;
                if (parent != last) {
                    recompute(parent);
                    level[kept++] = parent;
                    last = parent;
                }
            }
            count = kept;
        }
        dirtyCount = 0;
    }

    private void recompute(int node) {
        double[] n = nodes;
        int at = node * STRIDE;
        int l = 2 * at;
        int r = l + STRIDE;
        n[at] = n[l] + n[r];
        DoubleDouble.sumInto(n, at + 1, n[l + 1], n[l + 2], n[r + 1], n[r + 2]);
        n[at + 3] = Math.min(n[l + 3], n[r + 3]);
        n[at + 4] = Math.max(n[l + 4], n[r + 4]);
        double[] b = big;
        if (b != null) {
            int parent = 2 * node;
            int left = 2 * parent;
            b[parent] = b[left];
            b[parent + 1] = b[left + 1];
            DoubleDouble.addTo(b, parent, b[left + 2], b[left + 3]);
        }
    }

    /** The big sums, allocated on the first value of magnitude 2^512 or more: zero sums are the right start. */
    private double[] bigNodes() {
        if (big == null) {
            big = new double[4 * capacity];
        }
        return big;
    }

    /**
     * The big sums' array, or null while the ring has no value of magnitude 2^512 or more; node {@code n}'s
     * {@code hi, lo} are at {@code 2n, 2n + 1}. Valid until the next change to the ring.
     */
    double[] big() {
        return big;
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
        if (flat) {
            double[] n = nodes;
            double[] b = big;
            for (int x = firstOccupied(lo); x < occupiedCount && occupied[x] <= hi; x++) {
                int position = (int) (occupied[x] & mask);
                int at = (capacity + position) * STRIDE;
                out.combine((long) n[at], n[at + 1], n[at + 2], n[at + 3], n[at + 4],
                        b == null ? 0 : b[2 * (capacity + position)], b == null ? 0 : b[2 * (capacity + position) + 1]);
            }
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
        double[] n = nodes;
        double[] b = big;
        while (left < right) {
            if ((left & 1) == 1) {
                int at = left * STRIDE;
                out.combine((long) n[at], n[at + 1], n[at + 2], n[at + 3], n[at + 4],
                        b == null ? 0 : b[2 * left], b == null ? 0 : b[2 * left + 1]);
                left++;
            }
            if ((right & 1) == 1) {
                right--;
                int at = right * STRIDE;
                out.combine((long) n[at], n[at + 1], n[at + 2], n[at + 3], n[at + 4],
                        b == null ? 0 : b[2 * right], b == null ? 0 : b[2 * right + 1]);
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
        if (flat) {
            int x = firstOccupied(lo);
            return x < occupiedCount && occupied[x] <= top ? occupied[x] : NONE;
        }
        // Dense streams find a value within a few slices; the leaves are always current, so no flush is needed.
        long scanEnd = Math.min(top, lo + 7);
        for (long i = lo; i <= scanEnd; i++) {
            if (nodes[(capacity + (int) (i & mask)) * STRIDE] != 0) {
                return i;
            }
        }
        if (scanEnd == top) {
            return NONE;
        }
        lo = scanEnd + 1;
        flush();
        int l = (int) (lo & mask);
        int h = (int) (top & mask);
        int found;
        if (l <= h) {
            found = firstNonEmpty(1, 0, capacity - 1, l, h);
        } else {
            found = firstNonEmpty(1, 0, capacity - 1, l, capacity - 1);
            if (found < 0) {
                found = firstNonEmpty(1, 0, capacity - 1, 0, h);
            }
        }
        if (found < 0) {
            return NONE;
        }
        return lo + ((found - l) & mask);
    }

    private int firstNonEmpty(int node, int nodeLo, int nodeHi, int l, int h) {
        if (nodeHi < l || nodeLo > h || nodes[node * STRIDE] == 0) {
            return -1;
        }
        if (nodeLo == nodeHi) {
            return nodeLo;
        }
        int mid = (nodeLo + nodeHi) >>> 1;
        int left = firstNonEmpty(node << 1, nodeLo, mid, l, h);
        return left >= 0 ? left : firstNonEmpty((node << 1) + 1, mid + 1, nodeHi, l, h);
    }

    private int leaf(long slice) {
        return (capacity + (int) (slice & mask)) * STRIDE;
    }

    /** Where slice {@code slice}'s {count, sumHi, sumLo, min, max} start in {@link #nodes()}, or -1 outside the run. */
    int leafOffset(long slice) {
        return empty || slice < base || slice > top ? -1 : leaf(slice);
    }

    /** The node array; valid until the next change to the ring. */
    double[] nodes() {
        return nodes;
    }

    /**
     * The count of one slice.
     *
     * @param slice a slice index in {@code [base, top]}
     * @return its count
     */
    public long sliceCount(long slice) {
        return (long) nodes[leaf(slice)];
    }

    /**
     * The high part of one slice's sum.
     *
     * @param slice a slice index in {@code [base, top]}
     * @return the high part
     */
    double sliceSumHi(long slice) {
        return nodes[leaf(slice) + 1];
    }

    /**
     * The low part of one slice's sum.
     *
     * @param slice a slice index in {@code [base, top]}
     * @return the low part
     */
    double sliceSumLo(long slice) {
        return nodes[leaf(slice) + 2];
    }

    /**
     * The minimum of one slice.
     *
     * @param slice a slice index in {@code [base, top]}
     * @return the minimum, {@code +Infinity} when empty
     */
    public double sliceMin(long slice) {
        return nodes[leaf(slice) + 3];
    }

    /**
     * The maximum of one slice.
     *
     * @param slice a slice index in {@code [base, top]}
     * @return the maximum, {@code -Infinity} when empty
     */
    public double sliceMax(long slice) {
        return nodes[leaf(slice) + 4];
    }

    /**
     * The high part of the scaled sum of one slice's values of magnitude 2^512 and more ({@link DoubleDouble#BIG}).
     *
     * @param slice a slice index in {@code [base, top]}
     * @return the high part, 0 when the slice has no such value
     */
    double sliceBigHi(long slice) {
        return big == null ? 0 : big[2 * (capacity + (int) (slice & mask))];
    }

    /**
     * The low part of the scaled sum of one slice's values of magnitude 2^512 and more.
     *
     * @param slice a slice index in {@code [base, top]}
     * @return the low part
     */
    double sliceBigLo(long slice) {
        return big == null ? 0 : big[2 * (capacity + (int) (slice & mask)) + 1];
    }

    /**
     * Count, exact sum, minimum and maximum of a run of slices; reused across queries to avoid allocation.
     */
    public static final class Aggregate {
        private long count;
        private final DoubleDouble sum = new DoubleDouble();
        private final DoubleDouble big = new DoubleDouble();
        private double min;
        private double max;

        /** An empty aggregate. */
        public Aggregate() {
            reset();
        }

        void reset() {
            count = 0;
            sum.set(0, 0);
            big.set(0, 0);
            min = Double.POSITIVE_INFINITY;
            max = Double.NEGATIVE_INFINITY;
        }

        /** Adds another aggregate's values, as if its slices were combined one by one. */
        void combine(Aggregate other) {
            combine(other.count, other.sum.hi(), other.sum.lo(), other.min, other.max, other.big.hi(), other.big.lo());
        }

        void combine(long n, double hi, double lo, double smallest, double largest, double bigHi, double bigLo) {
            if (n == 0) {
                return;
            }
            count += n;
            sum.add(hi, lo);
            if (bigHi != 0 || bigLo != 0) {
                big.add(bigHi, bigLo);
            }
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
         * The sum, rounded to double: ±Infinity when it lies beyond the double range (values near 1.8e308).
         *
         * @return the sum
         */
        public double sum() {
            return DoubleDouble.sum(sum.hi(), sum.lo(), big.hi(), big.lo());
        }

        /**
         * The average computed from the exact sum, finite for finite values even when their sum is not.
         *
         * @return the average, NaN when empty
         */
        public double average() {
            return DoubleDouble.average(sum.hi(), sum.lo(), big.hi(), big.lo(), count);
        }

        /** The high part of the exact sum of the values below magnitude 2^512, for storing it as it is. */
        double sumHi() {
            return sum.hi();
        }

        /** Its low part. */
        double sumLo() {
            return sum.lo();
        }

        /** The high part of the scaled sum of the values of magnitude 2^512 and more ({@link DoubleDouble#BIG}). */
        double bigHi() {
            return big.hi();
        }

        /** Its low part. */
        double bigLo() {
            return big.lo();
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
