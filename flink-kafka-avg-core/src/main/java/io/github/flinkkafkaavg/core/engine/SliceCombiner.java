package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.Internal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adds up the values of each key and slice on the sending side of a {@code keyBy}, so that the exchange and the
 * keyed task get one {@link Partial} per key and slice between two watermarks instead of one record per value
 * (Flink SQL's local window aggregation, {@code LocalSlicingWindowAggOperator}, does the same for its windows).
 *
 * <p>What it hands on is what the values would have done one by one, for an engine without allowed lateness whose
 * host has no late side output ({@link SlidingWindowEngine#onPartial}), provided that the host hands everything on
 * ({@link #flush}) before it forwards a watermark, a change to idle, or a checkpoint barrier, and at the end of
 * input: then no window can end at the keyed task between a value's arrival here and its partial's. A key's
 * partials leave in the order of their slices' first values, so that a key's span limit refuses the same slices
 * as it would have refused values. A value whose slice has ended at this side's watermark is not taken
 * ({@link #add} answers false): it is probably late, and a late record goes on alone, to be counted, or to the
 * caller's late records, as itself.
 *
 * <p>Holds at most {@link #capacity()} partials; {@link #isFull()} tells the host to flush. Not thread-safe.
 *
 * @param <K> the key type; keys must have value equality, as Flink's {@code keyBy} requires
 */
@Internal
public final class SliceCombiner<K> {

    /** Receives the partials of a {@link #flush}. */
    @FunctionalInterface
    public interface PartialSink<K> {
        /**
         * One key's values of one slice.
         *
         * @param key the key
         * @param timestamp the event time of the first of them
         * @param partial the values; valid only during the call
         */
        void partial(K key, long timestamp, Partial partial);
    }

    /** A key's partials, in the order their first values arrived; most keys have one or two per watermark. */
    private static final class KeySlices {
        long[] slices = new long[2];
        long[] timestamps = new long[2];
        Partial[] partials = new Partial[2];
        int size;
    }

    private final SlidingWindowEngine engine;
    private final int capacity;
    private final Map<K, KeySlices> keys = new HashMap<>();
    private final List<Partial> spare = new ArrayList<>();
    private int partials;
    private long values;

    /**
     * A combiner for the slices of {@code engine}.
     *
     * @param engine the engine of the keyed task the partials go to: its slices are the ones added up here
     * @param capacity the most partials held between two flushes, at least 1
     */
    public SliceCombiner(SlidingWindowEngine engine, int capacity) {
        this.engine = Objects.requireNonNull(engine, "engine");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Adds a value to its key and slice's partial, unless the slice has ended at {@code watermark}.
     *
     * @param key the key
     * @param timestamp the event time, within the engine's {@link SlidingWindowEngine#windowableTimes()}
     * @param value a finite value
     * @param watermark this side's current watermark
     * @return false, having changed nothing, when the record's slice ended at the watermark: send it on alone
     */
    public boolean add(K key, long timestamp, double value, long watermark) {
        long slice = engine.sliceOf(timestamp);
        if (engine.sliceEnd(slice) - 1 <= watermark) {
            return false;
        }
        KeySlices k = keys.get(key);
        if (k == null) {
            k = new KeySlices();
            keys.put(key, k);
        }
        int p = 0;
        while (p < k.size && k.slices[p] != slice) {
            p++;
        }
        if (p == k.size) {
            if (p == k.slices.length) {
                k.slices = Arrays.copyOf(k.slices, 2 * p);
                k.timestamps = Arrays.copyOf(k.timestamps, 2 * p);
                k.partials = Arrays.copyOf(k.partials, 2 * p);
            }
            k.slices[p] = slice;
            k.timestamps[p] = timestamp;
            k.partials[p] = spare.isEmpty() ? new Partial() : spare.remove(spare.size() - 1);
            k.size++;
            partials++;
        }
        k.partials[p].add(value);
        values++;
        return true;
    }

    /**
     * Whether it holds {@link #capacity()} partials: the host must {@link #flush} before the next {@link #add}.
     *
     * @return true when full
     */
    public boolean isFull() {
        return partials >= capacity;
    }

    /**
     * The most partials it holds.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * How many partials it holds.
     *
     * @return 0 after a flush
     */
    public int partials() {
        return partials;
    }

    /**
     * How many values its partials hold.
     *
     * @return 0 after a flush
     */
    public long values() {
        return values;
    }

    /**
     * Hands every partial on, each key's in the order their first values arrived, and empties.
     *
     * @param sink receives them
     */
    public void flush(PartialSink<K> sink) {
        if (partials == 0) {
            return;
        }
        for (Map.Entry<K, KeySlices> e : keys.entrySet()) {
            KeySlices k = e.getValue();
            for (int p = 0; p < k.size; p++) {
                Partial partial = k.partials[p];
                sink.partial(e.getKey(), k.timestamps[p], partial);
                partial.reset();
                if (spare.size() < capacity) {
                    spare.add(partial);
                }
                k.partials[p] = null;
            }
        }
        keys.clear();
        partials = 0;
        values = 0;
    }
}
