package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.Rules;
import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The changed {@link KeyHeader}s of a serializing backend's keys, held on the heap between writes, as Flink SQL's
 * mini-batch aggregation holds its accumulators: a key's records between two writes cost a map lookup each instead
 * of a backend read and write each. At most {@link #capacity()} keys are held; {@link #put} says when that bound is
 * reached, and the host then writes every header ({@link #drain}). With capacity 0 nothing is held and every header
 * is written at once. Keys must not change while they are held (the host copies mutable keys). Not thread-safe.
 *
 * @param <K> the key type
 */
@PublicEvolving
public final class HeaderCache<K> {

    /**
     * The default bound: a few megabytes at most (a header is 34 bytes plus 48 per pending slice, up to
     * {@link KeyHeader#MAX_PENDING_SLICES}, or {@link KeyHeader#MAX_PENDING_SLICES_CHUNKED} for long windows: 6 MB
     * serialized, about 9 MB on the heap, at 4,096 such keys), enough that a key with several records between
     * checkpoints is read and written once for all of them.
     */
    public static final int DEFAULT_CAPACITY = 4_096;

    private final int capacity;
    private final HashMap<K, KeyHeader> headers = new HashMap<>();

    /**
     * An empty cache.
     *
     * @param capacity the most keys held, 0 or more
     */
    public HeaderCache(int capacity) {
        Rules.require(Rules.headerCacheSize(capacity));
        this.capacity = capacity;
    }

    /**
     * The most keys held before the host must write them all.
     *
     * @return 0 or more
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The header held for a key.
     *
     * @param key the key
     * @return the header, or null when none is held
     */
    public KeyHeader get(K key) {
        return headers.get(key);
    }

    /**
     * Holds a changed header; the caller keeps changing the same object.
     *
     * @param key the key, not changed afterwards
     * @param header its header
     * @return whether the cache is full, so that the host must {@link #drain} it now
     */
    public boolean put(K key, KeyHeader header) {
        headers.put(key, header);
        return headers.size() >= capacity;
    }

    /**
     * Takes the header of a key out of the cache, e.g. because the host is about to write it with the slices.
     *
     * @param key the key
     * @return the header, or null when none was held
     */
    public KeyHeader remove(K key) {
        return headers.remove(key);
    }

    /**
     * How many keys are held.
     *
     * @return 0 to {@link #capacity()}
     */
    public int size() {
        return headers.size();
    }

    /**
     * Hands every held header to {@code write} and empties the cache.
     *
     * @param write writes one key's header to the backend
     * @throws IOException what {@code write} threw; the headers not yet written are still held
     */
    public void drain(HeaderWriter<K> write) throws IOException {
        for (var it = headers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<K, KeyHeader> entry = it.next();
            write.write(entry.getKey(), entry.getValue());
            it.remove();
        }
    }

    /**
     * Writes one key's header to a backend.
     *
     * @param <K> the key type
     */
    @FunctionalInterface
    public interface HeaderWriter<K> {
        /**
         * Writes the header of {@code key}.
         *
         * @param key the key
         * @param header its header
         * @throws IOException when the backend fails
         */
        void write(K key, KeyHeader header) throws IOException;
    }

    @Override
    public String toString() {
        return "HeaderCache{" + headers.size() + " of " + capacity + " keys}";
    }
}
