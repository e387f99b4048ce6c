package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.Rules;
import io.github.flinkkafkaavg.core.WindowSpec;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongPredicate;

/**
 * Event-time sliding averages by slices: the same results as Flink's {@code SlidingEventTimeWindows} with an
 * averaging {@code AggregateFunction} and the same allowed lateness, at a cost per record that does not grow with
 * the number of windows a record belongs to.
 *
 * <pre>{@code
 * SlidingWindowEngine engine = new SlidingWindowEngine(
 *         List.of(WindowSpec.ofSizeAndSlide(Duration.ofMinutes(1), Duration.ofSeconds(5))), 0);
 * SlidingWindowEngine.KeyState state = new SlidingWindowEngine.KeyState();   // one per key
 * engine.onElement(state, timestamp, value, watermark, sink);                 // for each record of that key
 * if (state.timer() <= watermark) engine.onTimer(state, watermark, sink);     // when the watermark passes the timer
 * }</pre>
 *
 * <p>Time is cut into slices of {@code g} = the greatest common divisor of every window size, slide and offset
 * difference; every window is a run of whole slices, so a record touches only its slice and a window is combined
 * from its slices in O(log(W/g)) ({@link SliceRing}). The engine itself is stateless and shared by all keys; all
 * per-key state is in a {@link KeyState}, which a host (the Flink operator, or a test) keeps per key. The engine
 * imports nothing from Flink, so its semantics are tested without a cluster.
 *
 * <p>Semantics, identical to Flink's window operator with an {@code EventTimeTrigger}:
 * <ul>
 *   <li>A window {@code [start, end)} is emitted once when the watermark reaches {@code end - 1}, if it holds a
 *       value.</li>
 *   <li>A window is late once {@code end - 1 + allowedLateness <= watermark}: records no longer count in it.</li>
 *   <li>A record is added to every window that contains it and is not late. Each such window whose end has
 *       already passed ({@code end - 1 <= watermark}) is emitted again at once with its updated contents — the
 *       re-fire of a record within the allowed lateness.</li>
 *   <li>A record that is late for every window containing it is not added: {@link Outcome#LATE}.</li>
 *   <li>One deliberate difference: after a restore, Flink's watermark starts again from {@code Long.MIN_VALUE}
 *       and its window operator briefly accepts records it had rejected as late. This engine judges a key's
 *       records by the larger of the current watermark and the one the key last saw (kept in its state), so a
 *       restored job decides lateness and re-fires exactly as the uninterrupted job would have.</li>
 * </ul>
 * A host must call {@link #onTimer} whenever the watermark reaches {@link KeyState#timer()}, before handing the
 * key any record with that watermark; the engine keeps that timer at the earliest pending emission or clean-up.
 */
@PublicEvolving
public final class SlidingWindowEngine implements Serializable {

    private static final long serialVersionUID = 1L;

    /** {@link KeyState#timer()} when the key needs no timer. */
    public static final long NO_TIMER = Long.MIN_VALUE;
    /** No slice: slices of windowable times are never this ({@link #windowableTimes()} keeps clear of the ends). */
    private static final long NO_SLICE = Long.MIN_VALUE;

    /**
     * The default bound on how many slices one key may span from its oldest live slice to its newest. A record
     * further ahead than that (a wrong clock, seconds taken for milliseconds) is refused as
     * {@link Outcome#TOO_FAR_AHEAD} instead of growing the key's state without bound.
     */
    public static final long DEFAULT_MIN_SPAN_LIMIT = 1 << 16;

    /** What became of one record. */
    public enum Outcome {
        /** Added to its slice; windows that were due have been emitted. */
        ADDED,
        /** Late for every window that contains it (beyond the allowed lateness): not added. */
        LATE,
        /** So far ahead of the key's oldest live slice that keeping it would exceed the span limit: not added. */
        TOO_FAR_AHEAD
    }

    /** Receives the windows the engine emits. */
    @FunctionalInterface
    public interface WindowSink {
        /**
         * One emitted window.
         *
         * @param spec the index of the window spec in the engine's list
         * @param start the window start, inclusive, epoch milliseconds
         * @param end the window end, exclusive, epoch milliseconds
         * @param window count, sum, min and max of the window's values; valid only during this call
         */
        void emit(int spec, long start, long end, SliceRing.Aggregate window);
    }

    private final WindowSpec[] specs;
    private final long allowedLateness;
    private final SliceGrid grid;
    private final long spanLimit;
    /** The event times whose windows, lateness included, fit in a long with a slice to spare (see windowableTimes). */
    private final long firstWindowable;
    private final long lastWindowable;

    /**
     * An engine for one or more window specs sharing one slice ring per key.
     *
     * @param specs the window specs, at least one; results say which by index
     * @param allowedLateness how long after a window's end records still update it, in milliseconds, at least 0
     */
    public SlidingWindowEngine(List<WindowSpec> specs, long allowedLateness) {
        Objects.requireNonNull(specs, "specs");
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("at least one window spec is needed");
        }
        Rules.require(Rules.allowedLateness(Duration.ofMillis(allowedLateness)));
        this.specs = specs.toArray(new WindowSpec[0]);
        this.allowedLateness = allowedLateness;
        this.grid = new SliceGrid(specs);
        long widest = grid.widestSlices();
        long lateSlices = allowedLateness / grid.sliceMillis() + 1;
        this.spanLimit = Math.max(DEFAULT_MIN_SPAN_LIMIT, 4 * (widest + lateSlices));
        if (!windowable(0)) {
            throw new IllegalArgumentException("windows of " + widest * grid.sliceMillis() + " ms with an allowed"
                    + " lateness of "
                    + allowedLateness + " ms cannot be computed in epoch milliseconds: window times would overflow a"
                    + " long; choose windows shorter than a few million years");
        }
        this.firstWindowable = firstWhere(Long.MIN_VALUE, 0, this::windowable);
        this.lastWindowable = lastWhere(0, Long.MAX_VALUE, this::windowable);
    }

    /**
     * The event times this engine can window: for any other, the start of a window holding it (less one slice) or
     * its end plus the allowed lateness (plus one slice) would not fit in a long — {@code Long.MIN_VALUE} and
     * {@code Long.MAX_VALUE} among them, so no window arithmetic of an accepted record can overflow and every window
     * of one ends before the final watermark ({@code Long.MAX_VALUE}) passes it. Hosts refuse other times before
     * {@link #onElement}.
     *
     * @return the range, with the reason for each end
     */
    public EventTimeLimits windowableTimes() {
        return EventTimeLimits.none()
                .atLeast(firstWindowable, "a window holding it would start before the smallest time a long holds"
                        + " (Long.MIN_VALUE ms); check the unit and the field the event time is read from")
                .atMost(lastWindowable, "a window holding it would end, with the allowed lateness, after the largest"
                        + " time a long holds (Long.MAX_VALUE ms); check the unit and the field the event time is read"
                        + " from");
    }

    /**
     * The first event time whose windows are all emitted with a timestamp ({@code windowEnd - 1}) at or after
     * {@code resultTime}: with 0, the first event time whose results Kafka accepts (it refuses negative timestamps).
     *
     * @param resultTime the earliest result timestamp wanted, epoch milliseconds
     * @return the event time, within {@link #windowableTimes()}
     */
    public long firstTimestampWithResultsAtOrAfter(long resultTime) {
        LongPredicate inTime = ts -> {
            for (int j = 0; j < specs.length; j++) {
                if (grid.endTime(j, grid.firstWindowContaining(j, sliceOf(ts))) - 1 < resultTime) {
                    return false;
                }
            }
            return true;
        };
        if (inTime.test(firstWindowable)) {
            return firstWindowable;
        }
        if (!inTime.test(lastWindowable)) {
            throw new IllegalArgumentException("no event time has all its results at or after " + resultTime);
        }
        return firstWhere(firstWindowable, lastWindowable, inTime);
    }

    /** Whether every window holding {@code ts}, one slice and the allowed lateness to spare, fits in a long. */
    private boolean windowable(long ts) {
        return grid.fitsInLong(ts, allowedLateness);
    }

    /** The smallest t in [lo, hi] with {@code test(t)}, for a test false below some point and true from it; hi holds. */
    private static long firstWhere(long lo, long hi, LongPredicate test) {
        while (lo < hi) {
            long mid = (lo & hi) + ((lo ^ hi) >> 1); // floor of the mean without overflow
            if (test.test(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The largest t in [lo, hi] with {@code test(t)}, for a test true up to some point and false after it; lo holds. */
    private static long lastWhere(long lo, long hi, LongPredicate test) {
        while (lo < hi) {
            long mid = (lo & hi) + ((lo ^ hi) >> 1) + ((lo ^ hi) & 1); // ceiling of the mean
            if (test.test(mid)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * The slice length g: the greatest common divisor of all sizes, slides and offset differences.
     *
     * @return milliseconds
     */
    public long sliceMillis() {
        return grid.sliceMillis();
    }

    /**
     * The window specs, in result index order.
     *
     * @return a copy of the specs
     */
    public List<WindowSpec> specs() {
        return List.of(specs);
    }

    /**
     * The allowed lateness.
     *
     * @return milliseconds
     */
    public long allowedLateness() {
        return allowedLateness;
    }

    /**
     * The most slices one key may span; records beyond it are {@link Outcome#TOO_FAR_AHEAD}.
     *
     * @return the limit, in slices
     */
    public long spanLimit() {
        return spanLimit;
    }

    /**
     * Handles one record of the key whose state is {@code state}.
     *
     * @param state the key's state
     * @param timestamp the record's event time, epoch milliseconds
     * @param value the value; finite (the caller rejects NaN and infinities)
     * @param currentWatermark the host's current watermark, {@code Long.MIN_VALUE} before the first; the engine
     *     uses the larger of it and the watermark this key last saw, so a restore does not change lateness
     * @param sink receives windows emitted again because the record updated them after their end (lateness)
     * @return whether the record was added
     */
    public Outcome onElement(KeyState state, long timestamp, double value, long currentWatermark, WindowSink sink) {
        return onElement(state, timestamp, value, null, currentWatermark, sink);
    }

    /**
     * Handles the values of one slice of the key whose state is {@code state}, added up before they got here, as
     * {@link #onElement} handles one value: one decision for all of them (late, too far ahead, or added), which is
     * the decision each would get on its own at this point, since the values of one slice share their windows. Only
     * for an engine without allowed lateness whose host has no late side output: a late value re-fires its windows
     * once per value, and a late output must carry each record.
     *
     * @param state the key's state
     * @param timestamp an event time in the values' slice
     * @param partial the values; not empty
     * @param currentWatermark the host's current watermark, as for {@link #onElement}
     * @param sink receives windows emitted again (none without allowed lateness)
     * @return whether the values were added
     */
    public Outcome onPartial(KeyState state, long timestamp, Partial partial, long currentWatermark, WindowSink sink) {
        return onElement(state, timestamp, 0, partial, currentWatermark, sink);
    }

    /** {@link #onElement} for one value ({@code partial} null) or a partial's values. */
    private Outcome onElement(KeyState state, long timestamp, double value, Partial partial, long currentWatermark,
            WindowSink sink) {
        // After a restore the host's watermark starts again from Long.MIN_VALUE, while this key remembers how far
        // it had got. Judging by the larger keeps lateness and re-fires the same as in a run without the failure.
        long watermark = Math.max(currentWatermark, state.firedThrough);
        long i = sliceOf(timestamp);
        SliceRing ring = state.ring;
        // Every check and step below but the adding came out for this key's previous record as it would now (not
        // late, within the span, nothing to re-fire, no earlier timer) when it had the same slice and watermark and
        // re-fired nothing: those depend on the slice, the watermark and the timer, and only a fire — which clears
        // quietSlice — moves the timer without moving the watermark. Most records of a busy key fall in the slice its
        // previous one did; they skip a dozen divisions.
        boolean quiet = i == state.quietSlice && watermark == state.quietWatermark;
        if (!quiet) {
            if (isExpired(i, watermark)) {
                return Outcome.LATE;
            }
            if (ring.spanWith(i) > spanLimit) {
                return Outcome.TOO_FAR_AHEAD;
            }
        }
        // Every window that ended by this watermark and held a value has been emitted (the timer guarantees it).
        state.firedThrough = watermark;
        if (partial == null) {
            ring.add(i, value);
            if (state.cursors != null) {
                for (WindowCursor cursor : state.cursors) {
                    cursor.added(i, value);
                }
            }
        } else {
            partial.mergeInto(ring, i);
            if (state.cursors != null) {
                for (WindowCursor cursor : state.cursors) {
                    cursor.added(i, partial);
                }
            }
        }
        if (quiet) {
            return Outcome.ADDED;
        }

        long lastEndedSlice = grid.endSliceAtMost(watermark);          // windows ending by the watermark have fired
        long firstLiveEnd = grid.endSliceAtMost(subtractSaturated(watermark, allowedLateness)) + 1;  // not late
        long candidate = NO_TIMER;
        boolean refired = false;
        for (int j = 0; j < specs.length; j++) {
            long kFirst = grid.firstWindowContaining(j, i);
            long kLast = grid.lastWindowContaining(j, i);
            // Re-fire the windows that ended already but are still within the allowed lateness.
            long refireFrom = Math.max(kFirst, grid.firstWindowEndingAtOrAfter(j, firstLiveEnd));
            long refireTo = Math.min(kLast, grid.lastWindowEndingAtOrBefore(j, lastEndedSlice));
            for (long k = refireFrom; k <= refireTo; k++) {
                emitFromTree(state, j, k, sink);
                refired = true;
            }
            long pending = Math.max(kFirst, grid.lastWindowEndingAtOrBefore(j, lastEndedSlice) + 1);
            if (pending <= kLast) {
                long fireAt = grid.endTime(j, pending) - 1;
                if (candidate == NO_TIMER || fireAt < candidate) {
                    candidate = fireAt;
                }
            }
        }
        if (candidate != NO_TIMER && (state.timer == NO_TIMER || candidate < state.timer)) {
            state.timer = candidate;
        } else if (state.timer == NO_TIMER) {
            // Only re-fires: nothing pending, but the slice must still be freed once its windows are all late.
            state.timer = expiryTime(ring.base());
        }
        // A re-fire must happen again for the next record of the slice (one per record, as Flink's windows do).
        state.quietSlice = refired ? NO_SLICE : i;
        state.quietWatermark = watermark;
        return Outcome.ADDED;
    }

    /**
     * Handles one record with only the key's {@link KeyHeader}, when that is exactly what {@link #onElement} would
     * do with the slices loaded: the record is late or too far ahead, or it belongs to no window that has ended
     * (nothing to re-fire), so adding it changes only its slice and perhaps brings the timer forward. Otherwise
     * it answers null and changes nothing: the host loads the slices ({@link #load}) and calls {@link #onElement}.
     *
     * @param header the key's header
     * @param timestamp the record's event time, epoch milliseconds
     * @param value the value; finite
     * @param currentWatermark the host's current watermark, as for {@link #onElement}
     * @return the outcome, or null when the slices are needed
     */
    public Outcome onElementDeferred(KeyHeader header, long timestamp, double value, long currentWatermark) {
        return onElementDeferred(header, timestamp, value, currentWatermark, KeyHeader.MAX_PENDING_SLICES);
    }

    /** As {@link #onElementDeferred(KeyHeader, long, double, long)}, with room for {@code maxPending} slices. */
    Outcome onElementDeferred(KeyHeader header, long timestamp, double value, long currentWatermark, int maxPending) {
        return onElementDeferred(header, timestamp, value, null, currentWatermark, maxPending);
    }

    /** As {@link #onElementDeferred(KeyHeader, long, double, long, int)} for one value, or for {@code partial}'s. */
    Outcome onElementDeferred(KeyHeader header, long timestamp, double value, Partial partial, long currentWatermark,
            int maxPending) {
        long watermark = Math.max(currentWatermark, header.firedThrough);
        long i = sliceOf(timestamp);
        if (isExpired(i, watermark)) {
            return Outcome.LATE;
        }
        if (header.spanWith(i) > spanLimit) {
            return Outcome.TOO_FAR_AHEAD;
        }
        if (!header.canTake(i, maxPending)) {
            return null;
        }
        long lastEndedSlice = grid.endSliceAtMost(watermark);
        long candidate = NO_TIMER;
        for (int j = 0; j < specs.length; j++) {
            long kFirst = grid.firstWindowContaining(j, i);
            if (kFirst <= grid.lastWindowEndingAtOrBefore(j, lastEndedSlice)) {
                return null; // a window of this record has ended: onElement decides whether it re-fires
            }
            if (kFirst > grid.lastWindowContaining(j, i)) {
                continue; // the slice falls in a gap between this spec's windows (slide > size)
            }
            long fireAt = grid.endTime(j, kFirst) - 1;
            if (candidate == NO_TIMER || fireAt < candidate) {
                candidate = fireAt;
            }
        }
        if (candidate == NO_TIMER) {
            return null; // in no window at all: onElement keeps it only until it expires
        }
        header.firedThrough = watermark;
        if (partial == null) {
            header.add(i, value);
        } else {
            header.add(i, partial);
        }
        if (header.timer == NO_TIMER || candidate < header.timer) {
            header.timer = candidate;
        }
        return Outcome.ADDED;
    }

    /**
     * A key's whole state from its saved slices and its header: slices the header no longer counts as live dropped
     * (a fire that kept its pending values, {@link KeyHeader#keepAfterFire}, left them saved), the header's pending
     * values merged in, its bookkeeping taken over. The header is not changed: a host that saves the slices saves
     * {@link KeyHeader#of} the state with them, one that saves only the header after a fire keeps the pending values.
     *
     * @param slices the key's saved state, or null when only the header was saved
     * @param header the key's header
     * @return the state to hand to {@link #onElement} or {@link #onTimer}
     */
    public KeyState load(KeyState slices, KeyHeader header) {
        KeyState state = slices == null ? new KeyState() : slices;
        state.quietSlice = NO_SLICE;
        if (header.empty) {
            state.ring.clear();
        } else {
            state.ring.expireBefore(header.base);
        }
        if (header.pending > 0) {
            header.mergeInto(state.ring);
            state.cursors = null; // they summarise the slices as they were; rebuilt from the ring on the next fire
        }
        state.firedThrough = header.firedThrough;
        state.timer = header.timer;
        state.loadedForOneCall = true;
        return state;
    }

    /**
     * The most slices a key may keep for a serializing host to store them as one value, the whole ring, rather
     * than in chunks: up to here (10 KB) one read and an occasional write of the ring cost less than the chunk
     * index, two or three chunks and their writes. Measured: W/S 10 and 60 on RocksDB ran at 1.9 × and 1.5 × a keyed
     * counter in chunks, 6.3 × and 5.3 × as a whole ring (docs/benchmarks.md).
     */
    static final long MAX_WHOLE_RING_SLICES = 256;

    /**
     * How many consecutive slices a serializing host stores as one chunk ({@link SliceChunks}), or 0 to store the
     * whole ring as one value: 0 while a key keeps at most {@link #MAX_WHOLE_RING_SLICES} (the widest window plus
     * the allowed lateness), else the power of two at or above the square root of that, so that a fire reads about
     * as many bytes of chunks as of the chunk index.
     *
     * @return 0, or slices per chunk, 16 to 4,096
     */
    int chunkSlices() {
        long span = grid.widestSlices() + allowedLateness / grid.sliceMillis() + 1;
        if (span <= MAX_WHOLE_RING_SLICES) {
            return 0;
        }
        int chunk = 16;
        while ((long) chunk * chunk < span && chunk < 4_096) {
            chunk <<= 1;
        }
        return chunk;
    }

    /**
     * The slices whose neighbourhood {@link #onTimer} at {@code watermark} reads slice by slice, for a key whose
     * state {@link #load} would build from {@code header}: the first and last live slice, the pending ones, where
     * the windows it emits start and end, the first slice it keeps, and where each spec's next window starts. A
     * host that stores slices in chunks reads the chunks holding these and takes every other chunk as its aggregate
     * ({@link SliceChunks}); the fire then answers exactly as on the whole ring. The windows one fire emits come as
     * two runs of slices per spec — their starts and their ends — so that a watermark that jumped many slides (a
     * job catching up, a backlog) reads the chunks those runs cross, not every chunk.
     *
     * @param header the key's header
     * @param watermark the watermark the timer fires at
     * @return inclusive slice ranges as pairs {@code from, to}, with repeats and overlaps
     */
    long[] slicesReadByTimer(KeyHeader header, long watermark) {
        if (header.empty) {
            return new long[0];
        }
        long base = header.base;
        long top = header.top;
        long[] out = new long[2 * (3 + header.pending + 3 * specs.length)];
        int n = addLiveSlices(header, out, 0);
        if (watermark > header.firedThrough) {
            long fromEnd = grid.endSliceAtMost(header.firedThrough) + 1;
            long toEnd = grid.endSliceAtMost(watermark);
            for (int j = 0; j < specs.length; j++) {
                long k = Math.max(grid.firstWindowEndingAtOrAfter(j, fromEnd), grid.firstWindowContaining(j, base));
                long kTo = Math.min(grid.lastWindowEndingAtOrBefore(j, toEnd), grid.lastWindowContaining(j, top));
                n = addWindowBounds(out, n, j, k, kTo);
            }
        }
        if (!isExpired(top, watermark)) {
            long keep = base;
            while (isExpired(keep, watermark)) {
                keep++;
            }
            n = addSlice(out, n, keep);
        }
        long endedSlice = grid.endSliceAtMost(watermark); // as nextTimer reckons it
        for (int j = 0; j < specs.length; j++) {
            n = addSlice(out, n, grid.startSlice(j, grid.lastWindowEndingAtOrBefore(j, endedSlice) + 1));
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * The slices whose neighbourhood {@link #onElement} reads slice by slice for a record that
     * {@link #onElementDeferred} could not take alone, on a state {@link #load} would build from {@code header}: the
     * first and last live slice, the pending ones, the record's own, and where the windows it re-fires start and
     * end. See {@link #slicesReadByTimer}.
     *
     * @param header the key's header
     * @param timestamp the record's event time
     * @param currentWatermark the host's current watermark
     * @return inclusive slice ranges as pairs {@code from, to}, with repeats and overlaps
     */
    long[] slicesReadByElement(KeyHeader header, long timestamp, long currentWatermark) {
        long watermark = Math.max(currentWatermark, header.firedThrough);
        long i = sliceOf(timestamp);
        long[] out = new long[2 * (3 + header.pending + 2 * specs.length)];
        int n = addSlice(out, 0, i);
        n = addLiveSlices(header, out, n);
        if (!isExpired(i, watermark)) {
            long lastEndedSlice = grid.endSliceAtMost(watermark);
            long firstLiveEnd = grid.endSliceAtMost(subtractSaturated(watermark, allowedLateness)) + 1;
            for (int j = 0; j < specs.length; j++) {
                long k = Math.max(grid.firstWindowContaining(j, i), grid.firstWindowEndingAtOrAfter(j, firstLiveEnd));
                long kTo = Math.min(grid.lastWindowContaining(j, i), grid.lastWindowEndingAtOrBefore(j, lastEndedSlice));
                n = addWindowBounds(out, n, j, k, kTo);
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Adds the key's first and last live slice (when it has one) and its pending slices to {@code out} from {@code n}. */
    private static int addLiveSlices(KeyHeader header, long[] out, int n) {
        if (!header.empty) {
            n = addSlice(out, n, header.base);
            n = addSlice(out, n, header.top);
        }
        for (int p = 0; p < header.pending; p++) {
            n = addSlice(out, n, header.slices[p]);
        }
        return n;
    }

    private static int addSlice(long[] out, int n, long slice) {
        out[n++] = slice;
        out[n++] = slice;
        return n;
    }

    /**
     * Adds where windows {@code k..kTo} of spec {@code j} start and where they end to {@code out} from {@code n}: the
     * run of their first slices and the run of their last ones (nothing when there are none).
     *
     * @return the new length
     */
    private int addWindowBounds(long[] out, int n, int j, long k, long kTo) {
        if (k > kTo) {
            return n;
        }
        long first = grid.startSlice(j, k);
        long last = grid.startSlice(j, kTo);
        long size = grid.sizeSlices(j);
        out[n++] = first;
        out[n++] = last;
        out[n++] = first + size - 1;
        out[n++] = last + size - 1;
        return n;
    }

    /**
     * Emits every window of the key that ended by {@code watermark} and was not emitted yet, forgets slices that no
     * window can need any more, and sets the key's next timer. Call it when the watermark reaches
     * {@link KeyState#timer()}.
     *
     * @param state the key's state; {@link KeyState#isEmpty()} afterwards means the host may drop it
     * @param watermark the current watermark
     * @param sink receives the windows
     */
    public void onTimer(KeyState state, long watermark, WindowSink sink) {
        SliceRing ring = state.ring;
        if (!ring.isEmpty() && watermark > state.firedThrough) {
            long fromEnd = grid.endSliceAtMost(state.firedThrough) + 1;
            long toEnd = grid.endSliceAtMost(watermark);
            for (int j = 0; j < specs.length; j++) {
                long k = Math.max(grid.firstWindowEndingAtOrAfter(j, fromEnd), grid.firstWindowContaining(j, ring.base()));
                long kTo = Math.min(grid.lastWindowEndingAtOrBefore(j, toEnd), grid.lastWindowContaining(j, ring.top()));
                long groupTo = Long.MIN_VALUE; // the last window of the open group (emitFromGroup); none open yet
                while (k <= kTo) {
                    long start = grid.startSlice(j, k);
                    long next = ring.nextNonEmpty(start);
                    if (next == SliceRing.NONE) {
                        break;
                    }
                    if (next >= start + grid.sizeSlices(j)) {
                        k = Math.max(k + 1, grid.firstWindowContaining(j, next)); // skip the empty windows of a gap
                        continue;
                    }
                    if (state.loadedForOneCall) {
                        if (k > groupTo) {
                            groupTo = openGroup(state, j, k, kTo);
                        }
                        emitFromGroup(state, j, k, groupTo, sink);
                    } else {
                        emitInOrder(state, j, k, sink);
                    }
                    k++;
                }
            }
        }
        state.firedThrough = Math.max(state.firedThrough, watermark);
        expire(ring, watermark);
        state.timer = ring.isEmpty() ? NO_TIMER : nextTimer(ring, watermark);
        state.quietSlice = NO_SLICE;
    }

    private void expire(SliceRing ring, long watermark) {
        if (ring.isEmpty()) {
            return;
        }
        if (isExpired(ring.top(), watermark)) {
            ring.clear();
            return;
        }
        long keep = ring.base();
        while (isExpired(keep, watermark)) {
            keep++;
        }
        ring.expireBefore(keep);
    }

    private long nextTimer(SliceRing ring, long watermark) {
        long endedSlice = grid.endSliceAtMost(watermark);
        long best = NO_TIMER;
        for (int j = 0; j < specs.length; j++) {
            long k = grid.lastWindowEndingAtOrBefore(j, endedSlice) + 1;
            long next = ring.nextNonEmpty(grid.startSlice(j, k));
            if (next != SliceRing.NONE) {
                k = Math.max(k, grid.firstWindowContaining(j, next));
                long fireAt = grid.endTime(j, k) - 1;
                if (best == NO_TIMER || fireAt < best) {
                    best = fireAt;
                }
            }
        }
        if (best != NO_TIMER) {
            return best;
        }
        // Nothing left to emit: wake up when the oldest slice is no longer needed by any window, to free it.
        return expiryTime(ring.base());
    }

    /** A window emitted again out of order (a re-fire): combined from the segment tree. */
    private void emitFromTree(KeyState state, int j, long k, WindowSink sink) {
        long startSlice = grid.startSlice(j, k);
        state.ring.query(startSlice, startSlice + grid.sizeSlices(j), state.scratch);
        send(j, startSlice, state.scratch, sink);
    }

    /**
     * A window emitted as the watermark passes its end: windows of a spec come in order, so slide a cursor. (A
     * cursor pays for its O(W/g) build over the following fires; a state deserialized for one call and thrown away
     * after it has none, so {@link #emitFromGroup} queries its ring instead.)
     */
    private void emitInOrder(KeyState state, int j, long k, WindowSink sink) {
        long startSlice = grid.startSlice(j, k);
        WindowCursor cursor = state.cursor(j, specs.length);
        cursor.moveTo(k, startSlice, startSlice + grid.sizeSlices(j), grid.slideSlices(j), grid.sizeSlices(j), state.ring);
        cursor.result(state.scratch);
        send(j, startSlice, state.scratch, sink);
    }

    /**
     * The most consecutive windows of one fire that share one added-up middle ({@link #emitFromGroup}): a group of
     * {@code G} windows adds the middle once and {@code G·(G−1)} slides of ends, so groups of about the square root
     * of a window's occupied slices are cheapest; 16 is near that for the few hundred a chunked load holds.
     */
    static final int WINDOW_GROUP = 16;

    /**
     * Opens the group of windows of spec {@code j} that starts at window {@code k} of a fire emitting up to window
     * {@code kTo}: at most {@link #WINDOW_GROUP} windows that all overlap. Adds up their common middle, the slices from
     * the last one's start to the first one's end, once for all of them.
     *
     * @return the group's last window
     */
    private long openGroup(KeyState state, int j, long k, long kTo) {
        // Windows at most (size - 1) / slide apart still overlap.
        long reach = Math.min(WINDOW_GROUP - 1, (grid.sizeSlices(j) - 1) / grid.slideSlices(j));
        long last = kTo - k > reach ? k + reach : kTo;
        WindowGroup group = state.group();
        group.first = k;
        if (last > k) {
            state.ring.query(grid.startSlice(j, last), grid.startSlice(j, k) + grid.sizeSlices(j), group.middle);
        }
        return last;
    }

    /**
     * Window {@code k} of a state loaded for one call, in the group {@link #openGroup} opened, {@code groupTo} its
     * last window. The state's ring adds up every occupied slice a query covers (a chunked load holds a few hundred),
     * and a watermark that moved several slides fires that many windows of a key at once (a job catching up, or a
     * watermark interval longer than the slide): each query adding up the whole window made those fires 82 % of the
     * window task's time on RocksDB at W/S 3,600 (docs/benchmarks.md). So each window adds only its own two ends to
     * the group's middle. Nothing is subtracted: sums stay exact.
     */
    private void emitFromGroup(KeyState state, int j, long k, long groupTo, WindowSink sink) {
        WindowGroup group = state.group;
        if (groupTo == group.first) {
            emitFromTree(state, j, k, sink); // a group of one: no middle to share
            return;
        }
        long start = grid.startSlice(j, k);
        long size = grid.sizeSlices(j);
        SliceRing.Aggregate window = state.scratch;
        state.ring.query(start, grid.startSlice(j, groupTo), window);
        window.combine(group.middle);
        state.ring.query(grid.startSlice(j, group.first) + size, start + size, group.end);
        window.combine(group.end);
        send(j, start, window, sink);
    }

    /** The group of windows one fire of a state loaded for one call is emitting ({@link #openGroup}). */
    static final class WindowGroup {
        /** The group's first window. */
        long first;
        /** The slices every window of the group contains. */
        final SliceRing.Aggregate middle = new SliceRing.Aggregate();
        /** Scratch for a window's own end. */
        final SliceRing.Aggregate end = new SliceRing.Aggregate();
    }

    private void send(int j, long startSlice, SliceRing.Aggregate window, WindowSink sink) {
        if (window.count() > 0) {
            long start = grid.timeOf(startSlice);
            sink.emit(j, start, start + specs[j].sizeMillis(), window);
        }
    }

    // ---- time ↔ slices: the arithmetic is the grid's (SliceGrid); lateness is the engine's -------------------

    /**
     * The slice holding an event time: records of one key and slice may be added up before they reach the key
     * ({@link #onPartial}).
     *
     * @param timestamp an event time, within {@link #windowableTimes()}
     * @return the slice index
     */
    public long sliceOf(long timestamp) {
        return grid.sliceOf(timestamp);
    }

    /**
     * The end of a slice, exclusive: once the watermark reaches it minus one, windows holding the slice may have
     * been emitted.
     *
     * @param slice a slice index
     * @return epoch milliseconds
     */
    public long sliceEnd(long slice) {
        return grid.timeOf(slice + 1);
    }

    /** Whether every window containing slice {@code i} is late at {@code watermark}. */
    private boolean isExpired(long i, long watermark) {
        return expiryTime(i) <= watermark;
    }

    /** The watermark at which the last window containing slice {@code i} becomes late. */
    private long expiryTime(long i) {
        return addSaturated(grid.lastEndContaining(i), allowedLateness);
    }

    private static long addSaturated(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long subtractSaturated(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }

    @Override
    public String toString() {
        return "SlidingWindowEngine{specs=" + Arrays.toString(specs) + ", allowedLateness=" + allowedLateness
                + "ms, slice=" + grid.sliceMillis() + "ms}";
    }

    /**
     * Everything the engine keeps for one key: the slices, the watermark up to which windows were emitted, and the
     * time of the next timer. Hosts store it in keyed state and save it with {@code KeyStateSerializer}.
     */
    public static final class KeyState {
        final SliceRing ring;
        long firedThrough = Long.MIN_VALUE;
        long timer = NO_TIMER;
        final SliceRing.Aggregate scratch = new SliceRing.Aggregate();
        WindowCursor[] cursors; // derived from the slices; rebuilt after a restore, never saved
        /** Set by {@link SlidingWindowEngine#load}: the host deserialized this state for one call and drops it after. */
        boolean loadedForOneCall;
        /**
         * The slice and effective watermark of the key's last record when it re-fired nothing, until a fire or a
         * load: another record with the same two needs no window arithmetic ({@link SlidingWindowEngine#onElement}).
         * Never saved.
         */
        long quietSlice = NO_SLICE;
        long quietWatermark;
        /** Made on a state's first multi-window fire from a one-call load; most states never have one. */
        WindowGroup group;

        WindowGroup group() {
            if (group == null) {
                group = new WindowGroup();
            }
            return group;
        }

        WindowCursor cursor(int spec, int specCount) {
            if (cursors == null) {
                cursors = new WindowCursor[specCount];
                for (int j = 0; j < specCount; j++) {
                    cursors[j] = new WindowCursor();
                }
            }
            return cursors[spec];
        }

        /**
         * Makes a state whose ring is empty a new key's, keeping its arrays: see
         * {@link KeyedSlidingWindows}'s spare states.
         */
        void reuse() {
            firedThrough = Long.MIN_VALUE;
            timer = NO_TIMER;
            loadedForOneCall = false;
            quietSlice = NO_SLICE;
            if (cursors != null) {
                for (WindowCursor cursor : cursors) {
                    cursor.reset();
                }
            }
        }

        /** About the bytes this state holds on the heap: its arrays and a few hundred bytes of objects. */
        long footprint() {
            long bytes = 256 + ring.arrayBytes();
            if (cursors != null) {
                for (WindowCursor cursor : cursors) {
                    bytes += 64 + cursor.arrayBytes();
                }
            }
            return bytes;
        }

        /** An empty state, for a key seen for the first time. */
        public KeyState() {
            this(new SliceRing(), Long.MIN_VALUE, NO_TIMER);
        }

        /**
         * A state rebuilt from saved parts.
         *
         * @param ring the slices
         * @param firedThrough the watermark up to which windows were emitted
         * @param timer the next timer, or {@link #NO_TIMER}
         */
        public KeyState(SliceRing ring, long firedThrough, long timer) {
            this.ring = ring;
            this.firedThrough = firedThrough;
            this.timer = timer;
        }

        /**
         * The event time at which the host must call {@link SlidingWindowEngine#onTimer}; {@link #NO_TIMER} if none.
         *
         * @return the timer, epoch milliseconds
         */
        public long timer() {
            return timer;
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
         * The slices.
         *
         * @return the ring
         */
        public SliceRing ring() {
            return ring;
        }

        /**
         * Whether nothing is kept: the host may drop the state.
         *
         * @return true when no slice holds a value
         */
        public boolean isEmpty() {
            return ring.isEmpty();
        }
    }
}
