package io.github.flinkkafkaavg.sql.internal;

import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.core.engine.StateCodec;
import io.github.flinkkafkaavg.core.typeutils.CodecSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The slices of a {@code SLIDING_AVERAGE} key as a RAW SQL type: the bytes of {@link StateCodec}, the format the
 * DataStream operator's state uses, versioned there. Flink instantiates it by its class name (the public no-argument
 * constructor), which is why it is not the core module's serializer, whose name savepoints of that operator hold.
 */
public final class StoredSlicesSerializer extends CodecSerializer<StoredSlices> {

    private static final long serialVersionUID = 1L;

    @Override
    public StoredSlices createInstance() {
        return new StoredSlices(new SlidingWindowEngine.KeyState());
    }

    @Override
    public StoredSlices copy(StoredSlices from) {
        return new StoredSlices(StateCodec.copy(from.state));
    }

    @Override
    public void serialize(StoredSlices slices, DataOutputView out) throws IOException {
        StateCodec.write(slices.state, out);
    }

    @Override
    public StoredSlices deserialize(DataInputView in) throws IOException {
        return new StoredSlices(StateCodec.readKeyState(in));
    }

    @Override
    public TypeSerializerSnapshot<StoredSlices> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Version 1 of the format; the format itself carries its own version (StateCodec). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<StoredSlices> {
        /** For Flink's reflection. */
        public Snapshot() {
            super(StoredSlicesSerializer::new);
        }
    }
}
