package io.github.flinkkafkaavg.sql.internal;

import io.github.flinkkafkaavg.core.engine.KeyHeader;
import org.apache.flink.table.annotation.DataTypeHint;

/**
 * What a {@code SLIDING_AVERAGE} record reads and writes of its key's state, as the one value of a {@code MapView}:
 * the call's window arguments (a timer needs them and only {@code eval} gets them), the window ends the key has
 * timers for, per horizon, and the engine's {@link KeyHeader}. A map entry because Flink reads, converts, hashes and compares a
 * plain state field on every row, and a map entry only when the function asks for it; a class of its own because a
 * {@code MapView}'s value type is found from its class. The bytes are {@link StoredHeaderSerializer}'s.
 */
@DataTypeHint(value = "RAW", bridgedTo = StoredHeader.class, rawSerializer = StoredHeaderSerializer.class)
public final class StoredHeader {

    /** No timer registered yet. */
    public static final long NO_TIMERS = Long.MIN_VALUE;

    /** Window size of each horizon, ms. */
    public final long[] sizes;
    /** Slide of each horizon, ms. */
    public final long[] slides;
    /** Offset as given, ms. */
    public final long offset;
    /** Allowed lateness, ms. */
    public final long lateness;
    /** Per horizon, the first window-end timer registered for the key (window_end - 1), or {@link #NO_TIMERS}. */
    public final long[] timersFrom;
    /** Per horizon, the last window-end timer registered for the key, or {@link #NO_TIMERS}. */
    public final long[] timersThrough;
    /** The engine's header. */
    public KeyHeader header;

    /**
     * A key's header under the given arguments, with no timers yet.
     *
     * @param sizes window size of each horizon, ms
     * @param slides slide of each horizon, ms
     * @param offset offset, ms
     * @param lateness allowed lateness, ms
     * @param header the engine's header
     */
    public StoredHeader(long[] sizes, long[] slides, long offset, long lateness, KeyHeader header) {
        this.sizes = sizes;
        this.slides = slides;
        this.offset = offset;
        this.lateness = lateness;
        this.header = header;
        timersFrom = new long[sizes.length];
        timersThrough = new long[sizes.length];
        java.util.Arrays.fill(timersFrom, NO_TIMERS);
        java.util.Arrays.fill(timersThrough, NO_TIMERS);
    }
}
