package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeSet;

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
 * header; the slices are read only when a timer fires or a record re-fires a window, and a fire writes them back
 * only every few slides ({@link KeyHeader#keepAfterFire}). The slices themselves are stored in chunks of about
 * √(W/g) slices with an index of every chunk's aggregate ({@link Store#readChunk}, {@link Store#readChunkIndex}):
 * a fire reads the index and the two or three chunks where its windows start and end, takes the chunks in between
 * as their aggregates, and writes only the chunks its merged values changed — O(√(W/g)) bytes a fire instead of the
 * whole ring. A key restored with its whole ring in one value (release 0.1, or an in-place job's savepoint) is
 * read that way once and written as chunks. Changed headers wait in a {@link HeaderCache} and are written
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

        /**
         * Under {@link Layout#HEADER_FIRST}: the current key's chunk index, the bytes {@link #writeChunkIndex} saved.
         *
         * @return the bytes, or null when none are saved
         * @throws IOException when the backend fails
         */
        byte[] readChunkIndex() throws IOException;

        /**
         * Saves the current key's chunk index.
         *
         * @param index the bytes, or null to remove them
         * @throws IOException when the backend fails
         */
        void writeChunkIndex(byte[] index) throws IOException;

        /**
         * One of the current key's chunks of slices, the bytes {@link #writeChunk} saved under that number.
         *
         * @param chunk the chunk number
         * @return the bytes, or null when none are saved
         * @throws IOException when the backend fails
         */
        byte[] readChunk(long chunk) throws IOException;

        /**
         * Saves one of the current key's chunks of slices.
         *
         * @param chunk the chunk number
         * @param bytes the bytes, or null to remove the chunk
         * @throws IOException when the backend fails
         */
        void writeChunk(long chunk, byte[] bytes) throws IOException;
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
    long partialLoads;
    /** Slices per stored chunk: the engine's choice; tests set small ones, so that windows cross many chunks. */
    int chunkSlices;
    private final SliceRing.Aggregate scratch = new SliceRing.Aggregate();
    private final SliceRing scratchRing = newScratchRing();

    /**
     * Under {@link Layout#IN_PLACE}: states of keys whose slices all expired, kept for keys that get a value next.
     * With many keys that come and go (a key with a value every window or two empties and returns) each return
     * would allocate a ring and cursors that live as long as the key has values: medium-lived garbage, which young
     * collections copy and old collections free, in pauses that delay a whole slide of results (#19: up to 650 ms
     * at 100,000 keys). Bounded in bytes, not by the number of keys.
     */
    private final ArrayDeque<SlidingWindowEngine.KeyState> spare = new ArrayDeque<>();
    private long spareBytes;
    /** The most bytes of spare states: a few thousand keys' worth at short windows, a few dozen at long ones. */
    static final long MAX_SPARE_BYTES = 16L << 20;
    /** How many keys got a spare state, so that tests can tell that the path ran. */
    long reusedStates;

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
        this.chunkSlices = engine.chunkSlices();
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
        return onElement(timestamp, value, null, watermark, sink);
    }

    /**
     * Handles values of the current key and one slice added up before they got here, as
     * {@link SlidingWindowEngine#onPartial} does, and moves the key's timer.
     *
     * @param timestamp an event time in the values' slice, within {@link SlidingWindowEngine#windowableTimes()}
     * @param partial the values; not empty
     * @param watermark the host's current watermark
     * @param sink receives windows the values re-fire
     * @return what became of the values, all of them alike
     * @throws IOException when the store fails
     */
    public SlidingWindowEngine.Outcome onPartial(long timestamp, Partial partial, long watermark,
            SlidingWindowEngine.WindowSink sink) throws IOException {
        return onElement(timestamp, 0, partial, watermark, sink);
    }

    private SlidingWindowEngine.Outcome onElement(long timestamp, double value, Partial partial, long watermark,
            SlidingWindowEngine.WindowSink sink) throws IOException {
        if (layout == Layout.HEADER_FIRST) {
            return onElementHeaderFirst(timestamp, value, partial, watermark, sink);
        }
        SlidingWindowEngine.KeyState state = store.readSlices();
        boolean created = state == null;
        if (created) {
            state = newState();
        }
        long timerBefore = state.timer();
        SlidingWindowEngine.Outcome outcome = add(state, timestamp, value, partial, watermark, sink);
        if (outcome == SlidingWindowEngine.Outcome.ADDED) {
            store.writeSlices(state); // the same object for a known key; a new key's state must be stored
            moveTimer(timerBefore, state.timer());
        } else if (created) {
            keepSpare(state);
        }
        return outcome;
    }

    private SlidingWindowEngine.Outcome add(SlidingWindowEngine.KeyState state, long timestamp, double value,
            Partial partial, long watermark, SlidingWindowEngine.WindowSink sink) {
        return partial == null ? engine.onElement(state, timestamp, value, watermark, sink)
                : engine.onPartial(state, timestamp, partial, watermark, sink);
    }

    private SlidingWindowEngine.Outcome onElementHeaderFirst(long timestamp, double value, Partial partial,
            long watermark, SlidingWindowEngine.WindowSink sink) throws IOException {
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
        SlidingWindowEngine.Outcome outcome = engine.onElementDeferred(header, timestamp, value, partial, watermark,
                chunkSlices > 0 ? KeyHeader.MAX_PENDING_SLICES_CHUNKED : KeyHeader.MAX_PENDING_SLICES);
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
        KeyHeader h = header;
        Loaded loaded = load(header, () -> engine.slicesReadByElement(h, timestamp, watermark), true);
        SlidingWindowEngine.KeyState state = engine.load(loaded.slices, header);
        outcome = add(state, timestamp, value, partial, watermark, sink);
        if (outcome == SlidingWindowEngine.Outcome.ADDED || hadPending) {
            save(loaded, state, header, outcome == SlidingWindowEngine.Outcome.ADDED ? engine.sliceOf(timestamp) : null);
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
        if (layout == Layout.IN_PLACE) {
            SlidingWindowEngine.KeyState state = store.readSlices();
            if (state == null || state.timer() != time) {
                return;
            }
            engine.onTimer(state, watermark, sink);
            if (state.isEmpty()) {
                store.writeSlices(null);
                store.writeHeader(null);
                // The heap backend no longer holds it, and a snapshot running now holds the copy it made when this
                // call read the state (its copy-on-write), not this object: it is the operator's to reuse.
                keepSpare(state);
                return;
            }
            store.writeSlices(state);
            timers.register(state.timer());
            return;
        }
        KeyHeader header = cache.remove(store.currentKey());
        boolean cached = header != null;
        if (header == null) {
            header = store.readHeader();
        }
        Loaded loaded = null;
        if (header == null) {
            // Restored from a savepoint of an in-place job or of release 0.1: the key has only its whole ring.
            SlidingWindowEngine.KeyState legacy = store.readSlices();
            if (legacy == null) {
                return;
            }
            header = KeyHeader.of(legacy);
            loaded = new Loaded(null, true, legacy);
        }
        if (header.timer() != time) {
            if (cached) {
                store.writeHeader(header);
            }
            return;
        }
        if (loaded == null) {
            loaded = loadForTimer(header, watermark);
        }
        SlidingWindowEngine.KeyState state = engine.load(loaded.slices, header);
        engine.onTimer(state, watermark, sink);
        if (state.isEmpty()) {
            removeSlices(loaded);
            store.writeHeader(null);
            return;
        }
        if (header.keepAfterFire(state,
                chunkSlices > 0 ? KeyHeader.KEPT_AFTER_FIRE_CHUNKED : KeyHeader.KEPT_AFTER_FIRE)) {
            firesKeepingSlices++;
            store.writeHeader(header);
        } else {
            save(loaded, state, header, null);
            store.writeHeader(KeyHeader.of(state));
        }
        timers.register(state.timer());
    }

    /** A state for a key that has none: a spare one when there is one. */
    private SlidingWindowEngine.KeyState newState() {
        SlidingWindowEngine.KeyState state = spare.pollLast();
        if (state == null) {
            return new SlidingWindowEngine.KeyState();
        }
        spareBytes -= state.footprint();
        state.reuse();
        reusedStates++;
        return state;
    }

    /** Keeps an empty state that nothing else holds for the next new key, while the spare ones stay in bounds. */
    private void keepSpare(SlidingWindowEngine.KeyState state) {
        long bytes = state.footprint();
        if (spareBytes + bytes <= MAX_SPARE_BYTES) {
            spare.addLast(state);
            spareBytes += bytes;
        }
    }

    /** A key's slices as one call read them, and where from: what {@link #save} needs to write them back. */
    private static final class Loaded {
        /** The chunk index read, or null when the key's slices are a whole ring (or nothing). */
        final SliceChunks.Index index;
        /** Whether the slices came from a whole-ring value, which the next save replaces by chunks. */
        final boolean legacy;
        /** The slices, exact in the chunks read, before {@link SlidingWindowEngine#load} merges the header in. */
        final SlidingWindowEngine.KeyState slices;
        /** A chunk read that still holds slices no longer live, which the next save rewrites; else null. */
        Long staleChunk;

        Loaded(SliceChunks.Index index, boolean legacy, SlidingWindowEngine.KeyState slices) {
            this.index = index;
            this.legacy = legacy;
            this.slices = slices;
        }
    }

    /**
     * Everything a key has stored, for a call whose reads the engine cannot name in advance.
     *
     * @param header the key's header
     * @param scratch whether the slices may go into the ring reused across calls: only when nothing keeps them after
     *     the call
     */
    private Loaded loadAll(KeyHeader header, boolean scratch) throws IOException {
        return load(header, null, scratch);
    }

    /** What a fire at {@code watermark} reads: the chunks the engine names, the rest as their aggregates. */
    private Loaded loadForTimer(KeyHeader header, long watermark) throws IOException {
        return load(header, () -> engine.slicesReadByTimer(header, watermark), true);
    }

    /** The slices the engine names for a call, as inclusive ranges {@code from, to}. */
    private interface Plan {
        long[] slices();
    }

    /**
     * A key's slices: a whole ring, every chunk, or — with a plan, when the chunks are cut as this job cuts them —
     * the chunks holding the planned slices and the others as their aggregates.
     */
    private Loaded load(KeyHeader header, Plan plan, boolean scratch) throws IOException {
        byte[] indexBytes = null;
        if (chunkSlices == 0) {
            // Short windows: the whole ring in one value. Chunks are only there when a job with longer windows
            // wrote them (and the key has no ring then).
            SlidingWindowEngine.KeyState whole = loadWholeRing(header);
            if (whole != null) {
                return new Loaded(null, true, whole);
            }
            indexBytes = store.readChunkIndex();
        } else {
            indexBytes = store.readChunkIndex();
            if (indexBytes == null) {
                SlidingWindowEngine.KeyState whole = loadWholeRing(header);
                return new Loaded(null, whole != null, whole);
            }
        }
        if (indexBytes == null) {
            return new Loaded(null, false, null);
        }
        SliceChunks.Index index = SliceChunks.readIndex(indexBytes);
        long[] slices = plan != null && index.chunkSlices == chunkSlices ? plan.slices() : null;
        return read(index, header, slices, scratch ? scratchRing() : new SliceRing());
    }

    /** The key's slices as one value: the layout of short windows, and of every key in release 0.1. */
    private SlidingWindowEngine.KeyState loadWholeRing(KeyHeader header) throws IOException {
        SlidingWindowEngine.KeyState slices = store.readSlices();
        if (slices != null && !slices.isEmpty() && (header.isEmpty() || slices.ring().base() < header.base())) {
            staleLoads++; // slices a fire that kept its pending values left saved
        }
        if (slices != null && layout == Layout.HEADER_FIRST) {
            slices.ring().keepNoTree(); // a copy read for this call (see newScratchRing); in place it is the live ring
        }
        return slices;
    }

    /**
     * The ring partial and one-call loads are built in: the tree over a ring of W/g slices is 80·W/g bytes, and
     * allocating and initialising it for every fire would cost more than the few chunks the fire reads.
     */
    private static SliceRing newScratchRing() {
        SliceRing ring = new SliceRing();
        ring.keepNoTree(); // built for one call, queried for a window or two: summing leaves beats keeping a tree
        return ring;
    }

    private SliceRing scratchRing() {
        scratchRing.clearInPlace();
        return scratchRing;
    }

    /**
     * The key's stored slices from its chunks: every chunk, or, with {@code slices} (inclusive ranges {@code from,
     * to}), the chunks holding them and the others as one slice with their aggregate each ({@link SliceChunks}).
     * Slices before the header's base are no longer live and are left out.
     */
    private Loaded read(SliceChunks.Index index, KeyHeader header, long[] slices, SliceRing ring)
            throws IOException {
        Long staleChunk = null;
        long[] chunks = slices == null ? null : chunksOf(index, slices);
        if (!header.isEmpty() && !index.entries.isEmpty()) {
            long fromChunk = index.chunkOf(header.base());
            NavigableMap<Long, SliceChunks.Entry> live = index.entries.tailMap(fromChunk, true);
            if (!live.isEmpty()) {
                ring.reserve(index.lastSlice(live.lastKey()) - Math.max(header.base(), index.firstSlice(live.firstKey())) + 1);
            }
            int read = 0;
            for (Map.Entry<Long, SliceChunks.Entry> e : live.entrySet()) {
                long chunk = e.getKey();
                if (chunks == null || chunk == fromChunk || planned(chunks, chunk)) {
                    byte[] bytes = store.readChunk(chunk);
                    if (bytes == null) {
                        throw new IllegalStateException("the chunk index of key " + store.currentKey()
                                + " lists chunk " + chunk + ", which is not stored");
                    }
                    if (SliceChunks.restoreChunk(bytes, index, chunk, header.base(), ring)) {
                        staleLoads++;
                        staleChunk = chunk;
                    }
                    read++;
                } else {
                    SliceChunks.restoreSummary(index, chunk, e.getValue(), ring);
                }
            }
            if (read < live.size()) {
                partialLoads++;
            }
        }
        Loaded loaded = new Loaded(index, false,
                new SlidingWindowEngine.KeyState(ring, header.firedThrough(), header.timer()));
        loaded.staleChunk = staleChunk;
        return loaded;
    }

    /**
     * The chunks holding the slice ranges {@code slices} ({@code from, to} pairs), as sorted, disjoint inclusive
     * ranges of chunk numbers {@code from, to}, for a binary search per stored chunk. A fire's plan holds a dozen
     * ranges or so: sorted in place, nothing allocated but the result.
     */
    private static long[] chunksOf(SliceChunks.Index index, long[] slices) {
        long[] chunks = new long[slices.length];
        for (int r = 0; r < slices.length; r += 2) {
            long from = index.chunkOf(slices[r]);
            long to = index.chunkOf(slices[r + 1]);
            int at = r;
            for (; at > 0 && chunks[at - 2] > from; at -= 2) {
                chunks[at] = chunks[at - 2];
                chunks[at + 1] = chunks[at - 1];
            }
            chunks[at] = from;
            chunks[at + 1] = to;
        }
        int n = 0;
        for (int r = 0; r < chunks.length; r += 2) {
            // overlapping or adjacent; written so that chunks at the ends of long (tests cut chunks of one slice)
            // do not overflow
            if (n > 0 && (chunks[r] <= chunks[n - 1] || chunks[r] - 1 == chunks[n - 1])) {
                chunks[n - 1] = Math.max(chunks[n - 1], chunks[r + 1]);
            } else {
                chunks[n++] = chunks[r];
                chunks[n++] = chunks[r + 1];
            }
        }
        return Arrays.copyOf(chunks, n);
    }

    /** Whether {@code chunk} lies in one of the sorted, disjoint ranges {@code from, to} of {@link #chunksOf}. */
    private static boolean planned(long[] chunkRanges, long chunk) {
        int lo = 0;
        int hi = chunkRanges.length / 2; // the ranges starting at or before chunk are [0, lo)
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (chunkRanges[2 * mid] <= chunk) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo > 0 && chunk <= chunkRanges[2 * (lo - 1) + 1];
    }

    /**
     * Writes back what a call changed in a key's slices: the chunks holding the header's pending values (merged now)
     * and {@code added}, the index, and no chunk wholly before the first live slice. Slices that came from a whole
     * ring, or chunks cut to another size (the job's windows changed), are written anew as chunks.
     */
    private void save(Loaded loaded, SlidingWindowEngine.KeyState state, KeyHeader header, Long added)
            throws IOException {
        SliceRing ring = state.ring();
        if (ring.isEmpty()) {
            removeSlices(loaded);
            return;
        }
        if (chunkSlices == 0) {
            if (loaded.index != null) {
                removeSlices(loaded); // windows short enough now for one value: chunks from a job with longer ones
            }
            store.writeSlices(state);
            return;
        }
        SliceChunks.Index index = loaded.index;
        if (index == null || index.chunkSlices != chunkSlices) {
            removeSlices(loaded);
            index = new SliceChunks.Index(chunkSlices);
            for (long chunk = index.chunkOf(ring.base()); chunk <= index.chunkOf(ring.top()); chunk++) {
                writeChunk(index, ring, chunk);
            }
            store.writeChunkIndex(SliceChunks.write(index));
            return;
        }
        long baseChunk = index.chunkOf(ring.base());
        for (Iterator<Long> it = index.entries.headMap(baseChunk).keySet().iterator(); it.hasNext(); ) {
            store.writeChunk(it.next(), null);
            it.remove();
        }
        // The chunks the merged pending values and the added record changed, and one still holding expired slices a
        // kept fire left (so that state per key stays what is live): each written once, however many slices it has.
        TreeSet<Long> changed = new TreeSet<>();
        for (int p = 0; p < header.pendingSlices(); p++) {
            changed.add(index.chunkOf(header.pendingSlice(p)));
        }
        if (added != null) {
            changed.add(index.chunkOf(added));
        }
        if (loaded.staleChunk != null) {
            changed.add(loaded.staleChunk);
        }
        for (long chunk : changed.tailSet(baseChunk)) {
            writeChunk(index, ring, chunk);
        }
        store.writeChunkIndex(SliceChunks.write(index));
    }

    private void writeChunk(SliceChunks.Index index, SliceRing ring, long chunk) throws IOException {
        byte[] bytes = SliceChunks.encodeChunk(ring, index, chunk);
        if (bytes == null) {
            if (index.entries.remove(chunk) != null) {
                store.writeChunk(chunk, null);
            }
            return;
        }
        store.writeChunk(chunk, bytes);
        index.entries.put(chunk, SliceChunks.summarise(ring, index, chunk, scratch));
    }

    /** Removes a key's stored slices, whichever form they have. */
    private void removeSlices(Loaded loaded) throws IOException {
        if (loaded.index != null) {
            for (long chunk : loaded.index.entries.keySet()) {
                store.writeChunk(chunk, null);
            }
            store.writeChunkIndex(null);
        }
        if (loaded.legacy) {
            store.writeSlices(null);
        }
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
                Loaded loaded = loadAll(header, false);
                SlidingWindowEngine.KeyState state = engine.load(loaded.slices, header);
                if (loaded.index != null) {
                    removeSlices(loaded);
                }
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
        if (header == null) {
            return store.readSlices();
        }
        return engine.load(loadAll(header, false).slices, header);
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
