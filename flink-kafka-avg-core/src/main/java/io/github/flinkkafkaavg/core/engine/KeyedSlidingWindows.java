package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.io.IOException;
import java.util.Objects;

/**
 * A {@link SlidingWindowEngine} on keyed storage: which of a key's states is read and written for a record or a
 * timer, and which timer the key needs. A host — the Flink operator, or a test — adapts its keyed state to a
 * {@link Store} and its timer service to {@link Timers}, points the store at a record's key, and calls
 * {@link #onElement}, {@link #onTimer} and {@link #flush}; it keeps nothing of the engine's state itself.
 *
 * <p>Two layouts, chosen by the host from what a state access costs. {@link Layout#IN_PLACE}, for a backend that
 * hands out live objects (Flink's heap backend): each key's slices are one value, changed in place. For a backend
 * that serializes every access (RocksDB, ForSt) that would read and write the whole slice ring — 40 bytes per
 * slice — for every record, so {@link Layout#HEADER_FIRST} keeps a second, small value per key, its
 * {@link KeyHeader} (bookkeeping plus the values added since the ring was last written). A record changes only the
 * header; the ring is read only when a timer fires or a record re-fires a window, and a fire writes it back only
 * every few slides ({@link KeyHeader#keepAfterFire}). Changed headers wait in a {@link HeaderCache} and are written
 * when the host calls {@link #flush} (before a snapshot and at the end of input), when the cache is full, or when
 * the key's slices are loaded: a key's records between two checkpoints cost one read and write of its header for
 * all of them. Both values are in every snapshot, so a savepoint restores under either layout: an
 * {@code IN_PLACE} host calls {@link #mergeHeaders} after a restore to fold in what a {@code HEADER_FIRST} job
 * left in headers.
 *
 * <p>Not thread-safe; one instance per operator instance.
 *
 * @param <K> the key type
 */
@PublicEvolving
public final class KeyedSlidingWindows<K> {

    /** Where a key's state lives; see the class description. */
    public enum Layout {
        /** The slices only, changed in place: for a backend whose reads return live objects. */
        IN_PLACE,
        /** A header per record, the slices only when windows fire: for a backend that serializes every access. */
        HEADER_FIRST
    }

    /**
     * A host's keyed storage, pointed at one key at a time, as Flink's keyed state is. Under
     * {@link Layout#HEADER_FIRST} every read must return a fresh copy (what a serializing backend does): the
     * protocol changes read objects and writes back only some of them.
     *
     * @param <K> the key type
     */
    public interface Store<K> {
        /**
         * The key reads and writes go to.
         *
         * @return the key, or null before the first
         */
        K currentKey();

        /**
         * Points reads and writes at another key; called only to write cached headers, and pointed back after.
         *
         * @param key the key
         */
        void setCurrentKey(K key);

        /**
         * A copy of a key that stays unchanged while the cache holds it (keys may be reused mutable objects).
         *
         * @param key the current key
         * @return an equal key that nothing else changes
         */
        K copyKey(K key);

        /**
         * The current key's slices.
         *
         * @return the saved state, or null when none is saved
         * @throws IOException when the backend fails
         */
        SlidingWindowEngine.KeyState readSlices() throws IOException;

        /**
         * Saves the current key's slices.
         *
         * @param slices the state, or null to remove it
         * @throws IOException when the backend fails
         */
        void writeSlices(SlidingWindowEngine.KeyState slices) throws IOException;

        /**
         * The current key's header.
         *
         * @return the saved header, or null when none is saved
         * @throws IOException when the backend fails
         */
        KeyHeader readHeader() throws IOException;

        /**
         * Saves the current key's header.
         *
         * @param header the header, or null to remove it
         * @throws IOException when the backend fails
         */
        void writeHeader(KeyHeader header) throws IOException;
    }

    /** The host's event-time timers for the current key; the host calls {@link #onTimer} when one is due. */
    public interface Timers {
        /**
         * Registers a timer for the current key.
         *
         * @param time the event time at which it is due
         */
        void register(long time);

        /**
         * Deletes a timer of the current key registered before.
         *
         * @param time its event time
         */
        void delete(long time);
    }

    private final SlidingWindowEngine engine;
    private final Store<K> store;
    private final Timers timers;
    private final Layout layout;
    private final HeaderCache<K> cache;

    // What the layout did, so that tests can tell that each path of the protocol ran.
    long headerOnlyRecords;
    long firesKeepingSlices;
    long staleLoads;

    /**
     * The protocol for one host.
     *
     * @param engine the window specs and allowed lateness
     * @param store the host's keyed storage
     * @param timers the host's timers
     * @param layout where state lives
     * @param cachedHeaders the most keys whose changed headers wait on the heap ({@link HeaderCache}); used only
     *     under {@link Layout#HEADER_FIRST}
     */
    public KeyedSlidingWindows(SlidingWindowEngine engine, Store<K> store, Timers timers, Layout layout,
            int cachedHeaders) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.store = Objects.requireNonNull(store, "store");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.cache = new HeaderCache<>(cachedHeaders);
    }

    /**
     * The layout this instance uses.
     *
     * @return the layout
     */
    public Layout layout() {
        return layout;
    }

    /**
     * Handles one record of the current key, as {@link SlidingWindowEngine#onElement} does, and moves the key's
     * timer.
     *
     * @param timestamp the record's event time, within {@link SlidingWindowEngine#windowableTimes()}
     * @param value the value; finite
     * @param watermark the host's current watermark
     * @param sink receives windows the record re-fires
     * @return what became of the record
     * @throws IOException when the store fails
     */
    public SlidingWindowEngine.Outcome onElement(long timestamp, double value, long watermark,
            SlidingWindowEngine.WindowSink sink) throws IOException {
        if (layout == Layout.HEADER_FIRST) {
            return onElementHeaderFirst(timestamp, value, watermark, sink);
        }
        SlidingWindowEngine.KeyState state = store.readSlices();
        if (state == null) {
            state = new SlidingWindowEngine.KeyState();
        }
        long timerBefore = state.timer();
        SlidingWindowEngine.Outcome outcome = engine.onElement(state, timestamp, value, watermark, sink);
        if (outcome == SlidingWindowEngine.Outcome.ADDED) {
            store.writeSlices(state); // the same object for a known key; a new key's state must be stored
            moveTimer(timerBefore, state.timer());
        }
        return outcome;
    }

    private SlidingWindowEngine.Outcome onElementHeaderFirst(long timestamp, double value, long watermark,
            SlidingWindowEngine.WindowSink sink) throws IOException {
        K key = store.currentKey();
        KeyHeader header = cache.get(key);
        boolean cached = header != null;
        if (header == null) {
            header = store.readHeader();
            if (header == null) {
                // A new key, or one restored from a savepoint of an in-place job, which holds only its slices.
                SlidingWindowEngine.KeyState saved = store.readSlices();
                header = saved == null ? new KeyHeader() : KeyHeader.of(saved);
            }
        }
        long timerBefore = header.timer();
        SlidingWindowEngine.Outcome outcome = engine.onElementDeferred(header, timestamp, value, watermark);
        if (outcome == SlidingWindowEngine.Outcome.ADDED) {
            headerOnlyRecords++;
            moveTimer(timerBefore, header.timer());
            if (!cached && cache.put(store.copyKey(key), header)) {
                flush();
            }
            return outcome;
        }
        if (outcome != null) {
            return outcome; // late or too far ahead: nothing changed
        }
        if (cached) {
            cache.remove(key); // written below with the slices: a cached header always has pending values
        }
        boolean hadPending = header.pendingSlices() > 0;
        SlidingWindowEngine.KeyState state = engine.load(store.readSlices(), header);
        outcome = engine.onElement(state, timestamp, value, watermark, sink);
        if (outcome == SlidingWindowEngine.Outcome.ADDED || hadPending) {
            store.writeSlices(state);
            store.writeHeader(KeyHeader.of(state));
            moveTimer(timerBefore, state.timer());
        }
        return outcome;
    }

    /**
     * Fires the current key's timer: emits the windows that are due, frees what no window needs, saves what is
     * left, and registers the next timer. A timer that is no longer the key's (superseded by an earlier one that was
     * registered after it) does nothing.
     *
     * @param time the timer's event time
     * @param watermark the host's current watermark, at least {@code time}
     * @param sink receives the windows
     * @throws IOException when the store fails
     */
    public void onTimer(long time, long watermark, SlidingWindowEngine.WindowSink sink) throws IOException {
        KeyHeader header = null;
        boolean cached = false;
        if (layout == Layout.HEADER_FIRST) {
            header = cache.remove(store.currentKey());
            cached = header != null;
            if (header == null) {
                header = store.readHeader();
            }
        }
        SlidingWindowEngine.KeyState slices = store.readSlices();
        if (header != null && slices != null && !slices.isEmpty()
                && (header.isEmpty() || slices.ring().base() < header.base())) {
            staleLoads++; // slices a fire that kept its pending values left saved
        }
        SlidingWindowEngine.KeyState state = header == null ? slices : engine.load(slices, header);
        if (state == null || state.timer() != time) {
            if (cached) {
                store.writeHeader(header);
            }
            return;
        }
        engine.onTimer(state, watermark, sink);
        if (state.isEmpty()) {
            store.writeSlices(null);
            store.writeHeader(null);
            return;
        }
        if (header != null && header.keepAfterFire(state)) {
            firesKeepingSlices++;
            store.writeHeader(header);
        } else {
            store.writeSlices(state);
            if (layout == Layout.HEADER_FIRST) {
                store.writeHeader(KeyHeader.of(state));
            }
        }
        timers.register(state.timer());
    }

    /**
     * Writes every cached header to the store, e.g. before the host's state is snapshotted or at the end of input;
     * the store points at the same key afterwards.
     *
     * @throws IOException when the store fails
     */
    public void flush() throws IOException {
        if (cache.size() == 0) {
            return;
        }
        K current = store.currentKey();
        cache.drain((key, header) -> {
            store.setCurrentKey(key);
            store.writeHeader(header);
        });
        if (current != null) {
            store.setCurrentKey(current);
        }
    }

    /**
     * Folds the headers a {@link Layout#HEADER_FIRST} job left in a savepoint into the slices, for an
     * {@link Layout#IN_PLACE} host that restored it and reads only the slices per record.
     *
     * @param keys every key that has a saved header
     * @throws IOException when the store fails
     */
    public void mergeHeaders(Iterable<K> keys) throws IOException {
        for (K key : keys) {
            store.setCurrentKey(key);
            KeyHeader header = store.readHeader();
            if (header != null) {
                SlidingWindowEngine.KeyState state = engine.load(store.readSlices(), header);
                store.writeSlices(state.isEmpty() ? null : state);
                store.writeHeader(null);
            }
        }
    }

    /**
     * The current key's state as its next timer would see it, for diagnostics and tests: under
     * {@link Layout#HEADER_FIRST} its saved slices with the header's pending values merged in. Changes nothing
     * stored.
     *
     * @return the state, or null when the key has none
     * @throws IOException when the store fails
     */
    public SlidingWindowEngine.KeyState current() throws IOException {
        KeyHeader header = layout == Layout.HEADER_FIRST ? cache.get(store.currentKey()) : null;
        if (header == null && layout == Layout.HEADER_FIRST) {
            header = store.readHeader();
        }
        SlidingWindowEngine.KeyState slices = store.readSlices();
        return header == null ? slices : engine.load(slices, header);
    }

    private void moveTimer(long before, long after) {
        if (before == after) {
            return;
        }
        if (before != SlidingWindowEngine.NO_TIMER) {
            timers.delete(before);
        }
        if (after != SlidingWindowEngine.NO_TIMER) {
            timers.register(after);
        }
    }

    @Override
    public String toString() {
        return "KeyedSlidingWindows{" + layout + ", " + cache + "}";
    }
}
