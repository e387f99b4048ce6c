package io.github.flinkkafkaavg.sql.internal;

import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import org.apache.flink.table.annotation.DataTypeHint;

/**
 * A {@code SLIDING_AVERAGE} key's slices, as the one value of a {@code MapView}: a map entry is read only when the
 * function asks for it, where a plain state field is read, converted, hashed and compared on every row. The class
 * exists because a {@code MapView}'s value type is found from its class, and the engine's own class knows nothing of
 * SQL; the bytes are the engine's ({@link StoredSlicesSerializer}).
 */
@DataTypeHint(value = "RAW", bridgedTo = StoredSlices.class, rawSerializer = StoredSlicesSerializer.class)
public final class StoredSlices {

    /** The slices. */
    public final SlidingWindowEngine.KeyState state;

    /**
     * Wraps a key's slices.
     *
     * @param state the slices
     */
    public StoredSlices(SlidingWindowEngine.KeyState state) {
        this.state = state;
    }
}
