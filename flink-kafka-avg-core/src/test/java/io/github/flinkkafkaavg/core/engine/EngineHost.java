package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.internal.KeyHeaderSerializer;
import io.github.flinkkafkaavg.core.internal.SlidingStateSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Plays the Flink operator's part for engine tests: one KeyState per key, timers fired as the watermark passes.
 * Deferred, it plays the operator on a serializing backend (RocksDB): every read is a fresh copy of saved bytes,
 * a record goes through the key's {@link KeyHeader} first, and the slices are loaded only when the engine asks.
 */
final class EngineHost {

    record Emission(String key, int spec, long start, long end, long count, double sum, double average, double min, double max) {
        String id() {
            return key + "/" + spec + "/" + start + "/" + end + "/" + count + "/" + min + "/" + max;
        }
    }

    final SlidingWindowEngine engine;
    final Map<String, SlidingWindowEngine.KeyState> states = new HashMap<>();
    final List<Emission> emitted = new ArrayList<>();
    long watermark = Long.MIN_VALUE;
    long late;
    long tooFar;

    final boolean deferred;
    final Map<String, byte[]> savedSlices = new HashMap<>();
    final Map<String, byte[]> savedHeaders = new HashMap<>();
    /** Records that the header alone took, to show the deferred path was used. */
    long deferredAdds;
    /** Fires that saved only the header and left the saved slices as they were. */
    long firesKeepingSlices;
    /** Fires that found saved slices the header no longer counts as live (left by a fire that kept them). */
    long staleLoads;

    EngineHost(SlidingWindowEngine engine) {
        this(engine, false);
    }

    EngineHost(SlidingWindowEngine engine, boolean deferred) {
        this.engine = engine;
        this.deferred = deferred;
    }

    SlidingWindowEngine.Outcome element(String key, long ts, double value) {
        if (deferred) {
            return deferredElement(key, ts, value);
        }
        SlidingWindowEngine.KeyState state = states.computeIfAbsent(key, k -> new SlidingWindowEngine.KeyState());
        SlidingWindowEngine.Outcome outcome = engine.onElement(state, ts, value, watermark, sink(key));
        if (outcome == SlidingWindowEngine.Outcome.LATE) {
            late++;
        } else if (outcome == SlidingWindowEngine.Outcome.TOO_FAR_AHEAD) {
            tooFar++;
        }
        if (state.isEmpty()) {
            states.remove(key);
        }
        return outcome;
    }

    void watermark(long wm) {
        if (wm <= watermark) {
            return;
        }
        watermark = wm;
        if (deferred) {
            deferredWatermark(wm);
            return;
        }
        for (var it = states.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            SlidingWindowEngine.KeyState state = entry.getValue();
            if (state.timer() != SlidingWindowEngine.NO_TIMER && state.timer() <= wm) {
                engine.onTimer(state, wm, sink(entry.getKey()));
                if (state.timer() != SlidingWindowEngine.NO_TIMER && state.timer() <= wm) {
                    throw new AssertionError("engine set a timer " + state.timer() + " that is already due at " + wm);
                }
            }
            if (state.isEmpty()) {
                it.remove();
            }
        }
    }

    /** What SlidingAverageOperator does per record on a serializing backend. */
    private SlidingWindowEngine.Outcome deferredElement(String key, long ts, double value) {
        KeyHeader header = header(key);
        if (header == null) {
            SlidingWindowEngine.KeyState saved = slices(key);
            header = saved == null ? new KeyHeader() : KeyHeader.of(saved);
        }
        SlidingWindowEngine.Outcome outcome = engine.onElementDeferred(header, ts, value, watermark);
        if (outcome == SlidingWindowEngine.Outcome.ADDED) {
            deferredAdds++;
            save(key, null, header);
        } else if (outcome == null) {
            boolean hadPending = header.pendingSlices() > 0;
            SlidingWindowEngine.KeyState state = engine.load(slices(key), header);
            outcome = engine.onElement(state, ts, value, watermark, sink(key));
            if (outcome == SlidingWindowEngine.Outcome.ADDED || hadPending) {
                save(key, state, KeyHeader.of(state));
            }
        }
        if (outcome == SlidingWindowEngine.Outcome.LATE) {
            late++;
        } else if (outcome == SlidingWindowEngine.Outcome.TOO_FAR_AHEAD) {
            tooFar++;
        }
        return outcome;
    }

    /** What SlidingAverageOperator does per timer on a serializing backend. */
    private void deferredWatermark(long wm) {
        for (String key : savedKeys()) {
            KeyHeader header = header(key);
            SlidingWindowEngine.KeyState saved = slices(key);
            if (header != null && saved != null && !saved.isEmpty() && (header.isEmpty() || saved.ring().base() < header.base())) {
                staleLoads++;
            }
            SlidingWindowEngine.KeyState state = header == null ? saved : engine.load(saved, header);
            if (state == null || state.timer() == SlidingWindowEngine.NO_TIMER || state.timer() > wm) {
                continue; // not due: nothing saved, as the operator saves nothing before its timer fires
            }
            engine.onTimer(state, wm, sink(key));
            if (state.timer() != SlidingWindowEngine.NO_TIMER && state.timer() <= wm) {
                throw new AssertionError("engine set a timer " + state.timer() + " that is already due at " + wm);
            }
            if (state.isEmpty()) {
                savedSlices.remove(key);
                savedHeaders.remove(key);
            } else if (header != null && header.keepAfterFire(state)) {
                firesKeepingSlices++;
                save(key, null, header);
            } else {
                save(key, state, KeyHeader.of(state));
            }
        }
    }

    /**
     * Every key's live slices and bookkeeping as text — per slice its count, minimum and maximum, which do not
     * depend on the order values were summed in — for comparing the two layouts. Deferred, each key is loaded as
     * the next fire would load it.
     */
    java.util.SortedMap<String, String> describe() {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        if (deferred) {
            for (String key : savedKeys()) {
                KeyHeader header = header(key);
                SlidingWindowEngine.KeyState state = header == null ? slices(key) : engine.load(slices(key), header);
                out.put(key, describe(state));
            }
        } else {
            states.forEach((key, state) -> out.put(key, describe(state)));
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

    /** Every key with a saved header or saved slices, in a fixed order. */
    private java.util.SortedSet<String> savedKeys() {
        java.util.SortedSet<String> keys = new java.util.TreeSet<>(savedHeaders.keySet());
        keys.addAll(savedSlices.keySet());
        return keys;
    }

    /** Whether no key has anything saved. */
    boolean isEmpty() {
        return deferred ? savedSlices.isEmpty() && savedHeaders.isEmpty() : states.isEmpty();
    }

    private KeyHeader header(String key) {
        byte[] bytes = savedHeaders.get(key);
        return bytes == null ? null : read(bytes, KeyHeaderSerializer.INSTANCE);
    }

    private SlidingWindowEngine.KeyState slices(String key) {
        byte[] bytes = savedSlices.get(key);
        return bytes == null ? null : read(bytes, SlidingStateSerializer.INSTANCE);
    }

    private void save(String key, SlidingWindowEngine.KeyState state, KeyHeader header) {
        try {
            if (state != null) {
                DataOutputSerializer out = new DataOutputSerializer(256);
                SlidingStateSerializer.INSTANCE.serialize(state, out);
                savedSlices.put(key, out.getCopyOfBuffer());
            }
            if (header.pendingSlices() > KeyHeader.MAX_PENDING_SLICES) {
                throw new AssertionError("a header holds " + header.pendingSlices() + " pending slices");
            }
            DataOutputSerializer out = new DataOutputSerializer(64);
            KeyHeaderSerializer.INSTANCE.serialize(header, out);
            savedHeaders.put(key, out.getCopyOfBuffer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] bytes, TypeSerializer<T> serializer) {
        try {
            return serializer.deserialize(new DataInputDeserializer(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SlidingWindowEngine.WindowSink sink(String key) {
        return (spec, start, end, w) ->
                emitted.add(new Emission(key, spec, start, end, w.count(), w.sum(), w.average(), w.min(), w.max()));
    }
}
