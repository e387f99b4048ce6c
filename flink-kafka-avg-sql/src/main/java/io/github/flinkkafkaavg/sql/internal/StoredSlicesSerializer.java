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
 * The state of a {@code SLIDING_AVERAGE} key as a RAW SQL type: the bytes of {@link StateCodec}, the format the
 * DataStream operator's state uses, versioned there. Flink instantiates it by its class name (the public no-argument
 * constructor), which is why it is not the core module's serializer, whose name savepoints of that operator hold.
 */
public final class KeyStateRawSerializer extends CodecSerializer<SlidingWindowEngine.KeyState> {

    private static final long serialVersionUID = 1L;

    @Override
    public SlidingWindowEngine.KeyState createInstance() {
        return new SlidingWindowEngine.KeyState();
    }

    @Override
    public SlidingWindowEngine.KeyState copy(SlidingWindowEngine.KeyState from) {
        return StateCodec.copy(from);
    }

    @Override
    public void serialize(SlidingWindowEngine.KeyState state, DataOutputView out) throws IOException {
        StateCodec.write(state, out);
    }

    @Override
    public SlidingWindowEngine.KeyState deserialize(DataInputView in) throws IOException {
        return StateCodec.readKeyState(in);
    }

    @Override
    public TypeSerializerSnapshot<SlidingWindowEngine.KeyState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Version 1 of the format; the format itself carries its own version (StateCodec). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SlidingWindowEngine.KeyState> {
        /** For Flink's reflection. */
        public Snapshot() {
            super(KeyStateRawSerializer::new);
        }
    }
}
