package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.internal.KeyHeaderSerializer;
import io.github.flinkkafkaavg.core.internal.SlidingStateSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Plays Flink's part for engine tests around the same {@link KeyedSlidingWindows} the operator uses: keyed storage
 * and a timer service that fires due timers in time order as the watermark passes them. Deferred, the storage is
 * a serializing backend's (RocksDB's): every value is kept as bytes and every read is a fresh copy, so the
 * {@link KeyedSlidingWindows.Layout#HEADER_FIRST} layout runs, with a small header cache that fills often.
 */
final class EngineHost {

    record Emission(String key, int spec, long start, long end, long count, double sum, double average, double min, double max) {
        String id() {
            return key + "/" + spec + "/" + start + "/" + end + "/" + count + "/" + min + "/" + max;
        }
    }

    private record Timer(long time, String key) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : key.compareTo(other.key);
        }
    }

    /** Deferred, fewer keys than the random streams use, so that a full cache is written often. */
    static final int CACHED_HEADERS = 3;

    final SlidingWindowEngine engine;
    final boolean deferred;
    final KeyedSlidingWindows<String> windows;
    /** In place: each key's live state, as the heap backend holds it. */
    final Map<String, SlidingWindowEngine.KeyState> states = new HashMap<>();
    final List<Emission> emitted = new ArrayList<>();
    long watermark = Long.MIN_VALUE;
    long late;
    long partials;
    /** Records and partials handed to the windows. */
    long calls;
    long latePartialRecords;
    long tooFar;
    /** Backend accesses, as a serializing backend would pay for them. */
    long sliceReads;
    long sliceWrites;
    long headerWrites;
    long chunkReads;
    long chunkWrites;

    private final Map<String, byte[]> savedSlices = new HashMap<>();
    private final Map<String, byte[]> savedHeaders = new HashMap<>();
    private final Map<String, byte[]> savedIndexes = new HashMap<>();
    private final Map<String, Map<Long, byte[]>> savedChunks = new HashMap<>();
    private final TreeSet<Timer> timers = new TreeSet<>();
    private String currentKey;
    /** While timers fire: a timer registered at or before this watermark would never fire in order. */
    private long firing = Long.MIN_VALUE;

    EngineHost(SlidingWindowEngine engine) {
        this(engine, false);
    }

    EngineHost(SlidingWindowEngine engine, boolean deferred) {
        this(engine, deferred, CACHED_HEADERS);
    }

    EngineHost(SlidingWindowEngine engine, boolean deferred, int cachedHeaders) {
        this.engine = engine;
        this.deferred = deferred;
        this.windows = new KeyedSlidingWindows<>(engine, new Store(), new Timers(),
                deferred ? KeyedSlidingWindows.Layout.HEADER_FIRST : KeyedSlidingWindows.Layout.IN_PLACE,
                cachedHeaders);
    }

    SlidingWindowEngine.Outcome element(String key, long ts, double value) {
        currentKey = key;
        SlidingWindowEngine.Outcome outcome = io(() -> windows.onElement(ts, value, watermark, sink(key)));
        calls++;
        if (outcome == SlidingWindowEngine.Outcome.LATE) {
            late++;
        } else if (outcome == SlidingWindowEngine.Outcome.TOO_FAR_AHEAD) {
            tooFar++;
        }
        return outcome;
    }

    /** Values of one key and slice added up before they got here, counted as their records would be. */
    SlidingWindowEngine.Outcome partial(String key, long ts, Partial partial) {
        currentKey = key;
        SlidingWindowEngine.Outcome outcome = io(() -> windows.onPartial(ts, partial, watermark, sink(key)));
        if (outcome == SlidingWindowEngine.Outcome.LATE) {
            late += partial.count();
            latePartialRecords += partial.count();
        } else if (outcome == SlidingWindowEngine.Outcome.TOO_FAR_AHEAD) {
            tooFar += partial.count();
        }
        partials++;
        calls++;
        return outcome;
    }

    void watermark(long wm) {
        if (wm <= watermark) {
            return;
        }
        watermark = wm;
        firing = wm;
        while (!timers.isEmpty() && timers.first().time() <= wm) {
            Timer due = timers.pollFirst();
            currentKey = due.key();
            io(() -> {
                windows.onTimer(due.time(), wm, sink(due.key()));
                return null;
            });
        }
        firing = Long.MIN_VALUE;
    }

    /** Records the header alone took, to show the deferred path was used. */
    long deferredAdds() {
        return windows.headerOnlyRecords;
    }

    /** Fires that saved only the header and left the saved slices as they were. */
    long firesKeepingSlices() {
        return windows.firesKeepingSlices;
    }

    /** Loads that found saved slices the header no longer counts as live (left by a fire that kept them). */
    long staleLoads() {
        return windows.staleLoads;
    }

    /** In place: keys that got the state of a key whose slices had all expired. */
    long reusedStates() {
        return windows.reusedStates;
    }

    /** Loads that read only some of a key's chunks and took the others as their aggregates. */
    long partialLoads() {
        return windows.partialLoads;
    }

    /**
     * Every key's live slices and bookkeeping as text — per slice its count, minimum and maximum, which do not
     * depend on the order values were summed in — for comparing the two layouts; each key as its next fire would
     * load it.
     */
    SortedMap<String, String> describe() {
        SortedMap<String, String> out = new TreeMap<>();
        for (String key : keys()) {
            currentKey = key;
            out.put(key, describe(io(windows::current)));
        }
        return out;
    }

    private static String describe(SlidingWindowEngine.KeyState state) {
        StringBuilder text = new StringBuilder("fired " + state.firedThrough() + ", timer " + state.timer() + ":");
        SliceRing ring = state.ring();
        if (!ring.isEmpty()) {
            for (long i = ring.base(); i <= ring.top(); i++) {
                text.append(' ').append(i).append('=').append(ring.sliceCount(i));
                if (ring.sliceCount(i) > 0) {
                    text.append('[').append(ring.sliceMin(i)).append(',').append(ring.sliceMax(i)).append(']');
                }
            }
        }
        return text.toString();
    }

    /** Whether no key has anything stored, cached headers written first, as a snapshot would. */
    boolean isEmpty() {
        flush();
        return states.isEmpty() && savedSlices.isEmpty() && savedHeaders.isEmpty() && savedIndexes.isEmpty()
                && savedChunks.isEmpty();
    }

    /** Writes the cached headers to the store, as the operator does before a snapshot. */
    private void flush() {
        io(() -> {
            windows.flush();
            return null;
        });
    }

    /** Every key with stored state, cached headers written first, in a fixed order. */
    private SortedSet<String> keys() {
        flush();
        SortedSet<String> keys = new TreeSet<>(states.keySet());
        keys.addAll(savedHeaders.keySet());
        keys.addAll(savedSlices.keySet());
        keys.addAll(savedIndexes.keySet());
        keys.addAll(savedChunks.keySet());
        return keys;
    }

    private final class Store implements KeyedSlidingWindows.Store<String> {
        @Override
        public String currentKey() {
            return currentKey;
        }

        @Override
        public void setCurrentKey(String key) {
            currentKey = key;
        }

        @Override
        public String copyKey(String key) {
            return key;
        }

        @Override
        public SlidingWindowEngine.KeyState readSlices() {
            sliceReads++;
            if (!deferred) {
                return states.get(currentKey);
            }
            byte[] bytes = savedSlices.get(currentKey);
            return bytes == null ? null : read(bytes, SlidingStateSerializer.INSTANCE);
        }

        @Override
        public void writeSlices(SlidingWindowEngine.KeyState slices) {
            sliceWrites++;
            if (!deferred) {
                if (slices == null) {
                    states.remove(currentKey);
                } else {
                    states.put(currentKey, slices);
                }
            } else if (slices == null) {
                savedSlices.remove(currentKey);
            } else {
                savedSlices.put(currentKey, write(slices, SlidingStateSerializer.INSTANCE));
            }
        }

        @Override
        public KeyHeader readHeader() {
            byte[] bytes = savedHeaders.get(currentKey);
            return bytes == null ? null : read(bytes, KeyHeaderSerializer.INSTANCE);
        }

        @Override
        public void writeHeader(KeyHeader header) {
            headerWrites++;
            if (header == null) {
                savedHeaders.remove(currentKey);
                return;
            }
            // The chunked bound even for whole rings: tests change the chunk size while headers wait in the cache, so
            // a header filled under chunks may be written after the switch.
            if (header.pendingSlices() > KeyHeader.MAX_PENDING_SLICES_CHUNKED) {
                throw new AssertionError("a header holds " + header.pendingSlices() + " pending slices");
            }
            savedHeaders.put(currentKey, write(header, KeyHeaderSerializer.INSTANCE));
        }

        @Override
        public byte[] readChunkIndex() {
            byte[] bytes = savedIndexes.get(currentKey);
            return bytes == null ? null : bytes.clone();
        }

        @Override
        public void writeChunkIndex(byte[] index) {
            if (index == null) {
                savedIndexes.remove(currentKey);
            } else {
                savedIndexes.put(currentKey, index.clone());
            }
        }

        @Override
        public byte[] readChunk(long chunk) {
            chunkReads++;
            byte[] bytes = savedChunks.getOrDefault(currentKey, Map.of()).get(chunk);
            return bytes == null ? null : bytes.clone();
        }

        @Override
        public void writeChunk(long chunk, byte[] bytes) {
            chunkWrites++;
            if (bytes == null) {
                Map<Long, byte[]> chunks = savedChunks.get(currentKey);
                if (chunks != null) {
                    chunks.remove(chunk);
                    if (chunks.isEmpty()) {
                        savedChunks.remove(currentKey);
                    }
                }
            } else {
                savedChunks.computeIfAbsent(currentKey, k -> new HashMap<>()).put(chunk, bytes.clone());
            }
        }
    }

    private final class Timers implements KeyedSlidingWindows.Timers {
        @Override
        public void register(long time) {
            if (time <= firing) {
                throw new AssertionError("engine set a timer " + time + " that is already due at " + firing);
            }
            timers.add(new Timer(time, currentKey));
        }

        @Override
        public void delete(long time) {
            timers.remove(new Timer(time, currentKey));
        }
    }

    private static <T> byte[] write(T value, TypeSerializer<T> serializer) {
        DataOutputSerializer out = new DataOutputSerializer(256);
        io(() -> {
            serializer.serialize(value, out);
            return null;
        });
        return out.getCopyOfBuffer();
    }

    private static <T> T read(byte[] bytes, TypeSerializer<T> serializer) {
        return io(() -> serializer.deserialize(new DataInputDeserializer(bytes)));
    }

    private interface Io<T> {
        T run() throws IOException;
    }

    private static <T> T io(Io<T> action) {
        try {
            return action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SlidingWindowEngine.WindowSink sink(String key) {
        return (spec, start, end, w) ->
                emitted.add(new Emission(key, spec, start, end, w.count(), w.sum(), w.average(), w.min(), w.max()));
    }
}
