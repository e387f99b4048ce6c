package io.github.flinkkafkaavg.core.internal;

import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.core.engine.StateCodec;
import io.github.flinkkafkaavg.core.typeutils.CodecSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Saves one key's {@link SlidingWindowEngine.KeyState} in checkpoints and savepoints, in the engine's format
 * ({@link StateCodec}): only the live slices, each at most 40 bytes, plus two timestamps. Format version 1; see
 * {@link Snapshot}.
 */
public final class SlidingStateSerializer extends CodecSerializer<SlidingWindowEngine.KeyState> {

    private static final long serialVersionUID = 1L;

    /** The one instance; the serializer holds no configuration. */
    public static final SlidingStateSerializer INSTANCE = new SlidingStateSerializer();

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

    /** Version 1 of the sliding-average state format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SlidingWindowEngine.KeyState> {
        /** For Flink's reflective restore. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
