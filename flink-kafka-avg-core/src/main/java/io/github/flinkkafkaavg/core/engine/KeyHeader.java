package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.util.Arrays;

/**
 * A key's window bookkeeping without its slices — the watermark up to which windows were emitted, the next timer,
 * the span of live slices — plus the values added since the slices were last loaded, summed per slice.
 *
 * <p>It is what a host whose state backend serializes every access (RocksDB) reads and writes per record, instead
 * of the key's whole {@link SliceRing}: a few dozen bytes where the ring holds 40 per slice, W/g + 1 of them. A
 * record that needs no window emitted at once — every record up to the watermark's bound, in a job without late
 * data — is added here by {@link SlidingWindowEngine#onElementDeferred}; the slices are read, and these adds
 * merged into them by {@link SlidingWindowEngine#load}, only when a timer fires, a record re-fires a window, or
 * the header has no room for the record's slice ({@link #MAX_PENDING_SLICES}; {@link #MAX_PENDING_SLICES_CHUNKED}
 * for long windows). They are written back only in the last two cases, or when a fire finds more than
 * {@link #KEPT_AFTER_FIRE} ({@link #KEPT_AFTER_FIRE_CHUNKED}) slices pending ({@link #keepAfterFire}). Not
 * thread-safe.
 */
@PublicEvolving
public final class KeyHeader {

    /**
     * The most slices that may hold pending values; a record for another slice loads the ring instead, so the
     * header a backend reads and writes per record stays small whatever the disorder.
     */
    public static final int MAX_PENDING_SLICES = 8;

    /**
     * The most pending slices a fire leaves in the header ({@link #keepAfterFire}): one slot short of
     * {@link #MAX_PENDING_SLICES}, so that the records of the next slice still go to the header alone. With a new
     * slice per slide the ring is then written every seventh fire instead of at every fire. Keeping fewer would
     * shorten the header each record reads and writes; keeping 4 measured the same within this machine's spread
     * (W/S 600 on RocksDB), so the fewer ring writes, which RocksDB also compacts, decide.
     */
    public static final int KEPT_AFTER_FIRE = MAX_PENDING_SLICES - 1;

    /**
     * {@link #MAX_PENDING_SLICES} for a key whose slices are stored in chunks (windows of more than 256 slices).
     * Between two fires a key gets values for as many new slices as the watermark moved slides: one in a live job,
     * ten or more while a job catches up with a backlog, when throughput matters most. With room for eight, each
     * such interval had one record load the key's chunks, merge the header into them and write them back, besides
     * the fire's own load: a quarter of the window task's time at W/S 3,600 on RocksDB (docs/benchmarks.md). A
     * chunked key's slices are kilobytes, so a header of up to 32 slices (1.5 KB, held on the heap between fires and
     * read and written once per fire) costs little beside them, and leaves room for 16 new slices per fire above the
     * {@link #KEPT_AFTER_FIRE_CHUNKED} a fire keeps.
     */
    public static final int MAX_PENDING_SLICES_CHUNKED = 32;

    /**
     * {@link #KEPT_AFTER_FIRE} for a key whose slices are stored in chunks: a fire writes the pending values into
     * the chunks only when more than this many slices are pending, so that while a backlog brings ten new slices
     * per fire the chunks and their index are written every second fire, and the header a fire writes stays under
     * 1 KB.
     */
    public static final int KEPT_AFTER_FIRE_CHUNKED = 16;

    long firedThrough = Long.MIN_VALUE;
    long timer = SlidingWindowEngine.NO_TIMER;
    boolean empty = true;
    long base;
    long top;
    int pending;
    long[] slices = new long[2];
    long[] counts = new long[2];
    // per pending slice, FIELDS doubles: sumHi, sumLo, min, max, bigHi, bigLo (see DoubleDouble.BIG)
    double[] sums = new double[2 * FIELDS];
    /** The doubles kept per pending slice. */
    public static final int FIELDS = 6;

    /** A header for a key with no slices and no pending values. */
    public KeyHeader() {}

    /**
     * The header of a loaded key: its bookkeeping, no pending values.
     *
     * @param state the key's state
     * @return a new header
     */
    public static KeyHeader of(SlidingWindowEngine.KeyState state) {
        KeyHeader header = new KeyHeader();
        header.firedThrough = state.firedThrough;
        header.timer = state.timer;
        SliceRing ring = state.ring;
        if (!ring.isEmpty()) {
            header.empty = false;
            header.base = ring.base();
            header.top = ring.top();
        }
        return header;
    }

    /**
     * A header rebuilt from saved parts; see {@link #pendingSlice(int)} and its neighbours for the parts.
     *
     * @param firedThrough the watermark up to which windows were emitted
     * @param timer the next timer, or {@link SlidingWindowEngine#NO_TIMER}
     * @param empty whether the key has no live slice, loaded or pending
     * @param base the oldest live slice, when not empty
     * @param top the newest live slice, when not empty
     * @return a header without pending values; {@link #restorePending} adds them
     */
    static KeyHeader restore(long firedThrough, long timer, boolean empty, long base, long top) {
        KeyHeader header = new KeyHeader();
        header.firedThrough = firedThrough;
        header.timer = timer;
        header.empty = empty;
        header.base = base;
        header.top = top;
        return header;
    }

    /**
     * Adds one saved pending slice.
     *
     * @param slice the slice index
     * @param count how many values, positive
     * @param hi the high part of their sum
     * @param lo the low part of their sum
     * @param min their minimum
     * @param max their maximum
     * @param bigHi the high part of the scaled sum of their values of magnitude 2^512 and more
     * @param bigLo its low part
     */
    void restorePending(long slice, long count, double hi, double lo, double min, double max, double bigHi,
            double bigLo) {
        int p = slotFor(slice);
        counts[p] = count;
        int at = FIELDS * p;
        sums[at] = hi;
        sums[at + 1] = lo;
        sums[at + 2] = min;
        sums[at + 3] = max;
        sums[at + 4] = bigHi;
        sums[at + 5] = bigLo;
    }

    /** Whether one more value for {@code slice} fits: its slice is pending already, or fewer than {@code max} are. */
    boolean canTake(long slice, int max) {
        return pending < max || indexOf(slice) >= 0;
    }

    /** Adds one value to the pending part, with the same double-double step as {@link SliceRing#add}. */
    void add(long slice, double value) {
        int at = FIELDS * pendingSlot(slice, 1, value, value);
        if (DoubleDouble.isBig(value)) {
            DoubleDouble.addTo(sums, at + 4, value * DoubleDouble.SCALE_DOWN);
        } else {
            DoubleDouble.addTo(sums, at, value);
        }
        if (value < sums[at + 2]) {
            sums[at + 2] = value;
        }
        if (value > sums[at + 3]) {
            sums[at + 3] = value;
        }
    }

    /** Adds a partial's values to the pending part, with the same steps as {@link SliceRing#merge}. */
    void add(long slice, Partial partial) {
        int at = FIELDS * pendingSlot(slice, partial.count(), partial.min(), partial.max());
        DoubleDouble.addTo(sums, at, partial.hi(), partial.lo());
        if (partial.bigHi() != 0 || partial.bigLo() != 0) {
            DoubleDouble.addTo(sums, at + 4, partial.bigHi(), partial.bigLo());
        }
        if (partial.min() < sums[at + 2]) {
            sums[at + 2] = partial.min();
        }
        if (partial.max() > sums[at + 3]) {
            sums[at + 3] = partial.max();
        }
    }

    /**
     * The slot of pending slice {@code slice}, made with {@code min} and {@code max} when new, its count raised by
     * {@code n} and the live span widened to it.
     */
    private int pendingSlot(long slice, long n, double min, double max) {
        int p = indexOf(slice);
        if (p < 0) {
            p = slotFor(slice);
            sums[FIELDS * p + 2] = min;
            sums[FIELDS * p + 3] = max;
        }
        counts[p] += n;
        if (empty) {
            empty = false;
            base = slice;
            top = slice;
        } else {
            base = Math.min(base, slice);
            top = Math.max(top, slice);
        }
        return p;
    }

    /** Adds the pending values to the ring; they stay here too, for a host that saves only this header. */
    void mergeInto(SliceRing ring) {
        for (int p = 0; p < pending; p++) {
            int at = FIELDS * p;
            ring.merge(slices[p], counts[p], sums[at], sums[at + 1], sums[at + 2], sums[at + 3], sums[at + 4],
                    sums[at + 5]);
        }
    }

    /**
     * After {@link SlidingWindowEngine#onTimer} on a state {@link SlidingWindowEngine#load loaded} from this header:
     * takes over the state's bookkeeping and keeps the pending values, so that the host saves only this header and
     * leaves the saved slices as they were. They are still right: a fire adds no value, it only emits windows and
     * forgets expired slices, and the next {@code load} forgets those again (below {@link #base()}) and merges the
     * pending values again. This is what spares a serializing backend writing the whole ring — W/g + 1 slices of
     * 40 bytes — at every fire. Answers false and changes nothing when the host should save the slices with
     * {@link #of} the state instead: more than {@link #KEPT_AFTER_FIRE} slices are pending (each costs every record
     * 48 bytes of header), or the fire expired a pending slice.
     *
     * @param state the state after the fire; not empty
     * @return whether only this header needs saving
     */
    public boolean keepAfterFire(SlidingWindowEngine.KeyState state) {
        return keepAfterFire(state, KEPT_AFTER_FIRE);
    }

    /** As {@link #keepAfterFire(SlidingWindowEngine.KeyState)}, keeping up to {@code kept} pending slices. */
    boolean keepAfterFire(SlidingWindowEngine.KeyState state, int kept) {
        SliceRing ring = state.ring;
        if (pending > kept || ring.isEmpty()) {
            return false;
        }
        for (int p = 0; p < pending; p++) {
            if (slices[p] < ring.base()) {
                return false;
            }
        }
        firedThrough = state.firedThrough;
        timer = state.timer;
        empty = false;
        base = ring.base();
        top = ring.top();
        return true;
    }

    /** How many slices the key would span with {@code slice} added, as {@link SliceRing#spanWith}. */
    long spanWith(long slice) {
        return SliceRing.spanWith(empty, base, top, slice);
    }

    private int indexOf(long slice) {
        for (int p = 0; p < pending; p++) {
            if (slices[p] == slice) {
                return p;
            }
        }
        return -1;
    }

    private int slotFor(long slice) {
        int p = pending++;
        if (p == slices.length) {
            slices = Arrays.copyOf(slices, 2 * p);
            counts = Arrays.copyOf(counts, 2 * p);
            sums = Arrays.copyOf(sums, 2 * FIELDS * p);
        }
        slices[p] = slice;
        counts[p] = 0;
        int at = FIELDS * p;
        sums[at] = 0;
        sums[at + 1] = 0;
        sums[at + 4] = 0;
        sums[at + 5] = 0;
        return p;
    }

    /**
     * The watermark up to which every due window was emitted.
     *
     * @return epoch milliseconds
     */
    public long firedThrough() {
        return firedThrough;
    }

    /**
     * The event time at which the host must call {@link SlidingWindowEngine#onTimer}; {@link SlidingWindowEngine#NO_TIMER}
     * if none.
     *
     * @return the timer, epoch milliseconds
     */
    public long timer() {
        return timer;
    }

    /**
     * Whether the key has no live slice, loaded or pending.
     *
     * @return true when empty
     */
    public boolean isEmpty() {
        return empty;
    }

    /**
     * The oldest live slice; meaningful only when not {@link #isEmpty()}.
     *
     * @return a slice index
     */
    public long base() {
        return base;
    }

    /**
     * The newest live slice; meaningful only when not {@link #isEmpty()}.
     *
     * @return a slice index
     */
    public long top() {
        return top;
    }

    /**
     * How many slices hold pending values.
     *
     * @return 0 to {@link #MAX_PENDING_SLICES}, or {@link #MAX_PENDING_SLICES_CHUNKED} for a key stored in chunks
     */
    public int pendingSlices() {
        return pending;
    }

    /**
     * The index of pending slice {@code p}.
     *
     * @param p 0 to {@link #pendingSlices()} - 1
     * @return the slice index
     */
    long pendingSlice(int p) {
        return slices[p];
    }

    /**
     * The count of pending slice {@code p}.
     *
     * @param p 0 to {@link #pendingSlices()} - 1
     * @return how many values
     */
    long pendingCount(int p) {
        return counts[p];
    }

    /**
     * One of the {@link #FIELDS} doubles of pending slice {@code p}: 0 the sum's high part, 1 its low part, 2 the
     * minimum, 3 the maximum, 4 and 5 the high and low part of the scaled sum of values of magnitude 2^512 and more.
     *
     * @param p 0 to {@link #pendingSlices()} - 1
     * @param field 0 to 5
     * @return the value
     */
    double pendingDouble(int p, int field) {
        return sums[FIELDS * p + field];
    }
}
