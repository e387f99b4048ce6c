package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.Internal;
import java.util.Arrays;
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
 * caller's late records, as itself — after a flush, so that each key's records keep their order.
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

    private final SlidingWindowEngine engine;
    private final int capacity;
    // One entry per key and slice, dense, in the order their first values arrived, so that a flush hands every key's
    // partials on in that order and touches only what is used. A java.util.HashMap per key cost most of this class's
    // time in a profile of the Kafka job (a node, a key object and a list per key and interval, each a cache miss);
    // here a lookup reads one long of an open-addressing table (the hash and the entry), the entry's slice and key.
    private Object[] keys;
    private long[] slices;
    private long[] timestamps;
    private Partial[] partials;
    private int size;
    private long values;
    /** Open addressing, linear probing: 0 for a free slot, else the hash of key and slice above, entry + 1 below. */
    private long[] table;
    private int mask;

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
        allocate(Math.min(capacity, 64));
    }

    /**
     * Adds a value to its key and slice's partial, unless the slice has ended at {@code watermark}.
     *
     * @param key the key
     * @param timestamp the event time, within the engine's {@link SlidingWindowEngine#windowableTimes()}
     * @param value a finite value
     * @param watermark this side's current watermark
     * @return false, having changed nothing, when the record's slice ended at the watermark: send it on alone
     * @throws IllegalStateException when it {@link #isFull() is full}
     */
    public boolean add(K key, long timestamp, double value, long watermark) {
        long slice = engine.sliceOf(timestamp);
        if (engine.sliceEnd(slice) - 1 <= watermark) {
            return false;
        }
        int hash = key.hashCode() * 31 + Long.hashCode(slice);
        int at = mix(hash) & mask;
        long slot;
        while ((slot = table[at]) != 0) {
            int e = (int) slot - 1;
            if ((int) (slot >>> 32) == hash && slices[e] == slice && key.equals(keys[e])) {
                partials[e].add(value);
                values++;
                return true;
            }
            at = (at + 1) & mask;
        }
        if (size == keys.length) {
            if (size == capacity) {
                throw new IllegalStateException("the combiner holds " + capacity + " partials: flush it when isFull()");
            }
            allocate(2 * size);
            at = free(hash);
        }
        int e = size++;
        keys[e] = key;
        slices[e] = slice;
        timestamps[e] = timestamp;
        partials[e].add(value);
        table[at] = ((long) hash << 32) | (e + 1);
        values++;
        return true;
    }

    /**
     * Whether it holds {@link #capacity()} partials: the host must {@link #flush} before the next {@link #add}.
     *
     * @return true when full
     */
    public boolean isFull() {
        return size >= capacity;
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
        return size;
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
    @SuppressWarnings("unchecked")
    public void flush(PartialSink<K> sink) {
        if (size == 0) {
            return;
        }
        for (int e = 0; e < size; e++) {
            Partial partial = partials[e];
            sink.partial((K) keys[e], timestamps[e], partial);
            partial.reset();
            keys[e] = null;
        }
        Arrays.fill(table, 0L);
        size = 0;
        values = 0;
    }

    /** Room for {@code entries} partials (at most the capacity), and a table at most half full with them. */
    private void allocate(int entries) {
        int n = Math.min(entries, capacity);
        int old = keys == null ? 0 : keys.length;
        keys = keys == null ? new Object[n] : Arrays.copyOf(keys, n);
        slices = slices == null ? new long[n] : Arrays.copyOf(slices, n);
        timestamps = timestamps == null ? new long[n] : Arrays.copyOf(timestamps, n);
        partials = partials == null ? new Partial[n] : Arrays.copyOf(partials, n);
        for (int e = old; e < n; e++) {
            partials[e] = new Partial();
        }
        table = new long[Integer.highestOneBit(Math.max(2, 2 * n - 1)) << 1];
        mask = table.length - 1;
        for (int e = 0; e < size; e++) {
            int hash = keys[e].hashCode() * 31 + Long.hashCode(slices[e]);
            table[free(hash)] = ((long) hash << 32) | (e + 1);
        }
    }

    private int free(int hash) {
        int at = mix(hash) & mask;
        while (table[at] != 0) {
            at = (at + 1) & mask;
        }
        return at;
    }

    /**
     * Murmur3's finalizer: keys that differ in their last character and consecutive slices give consecutive hashes,
     * which linear probing would pile into long runs (a profile found most of this class's time in the probe loop
     * with {@code HashMap}'s spreading, {@code h ^ h >>> 16}).
     */
    private static int mix(int hash) {
        int h = hash ^ (hash >>> 16);
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }
}
