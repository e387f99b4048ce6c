package io.github.flinkkafkaavg.core.internal;

import io.github.flinkkafkaavg.core.engine.CountWindow;
import io.github.flinkkafkaavg.core.engine.StateCodec;
import io.github.flinkkafkaavg.core.typeutils.CodecSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Saves one key's {@link CountWindow}: {@code w:int, n:int}, then the {@code n} values oldest first. The exact sum
 * is derived from the values on restore, so it is not saved. Format version 1; see {@link Snapshot}.
 */
public final class CountWindowSerializer extends CodecSerializer<CountWindow> {

    private static final long serialVersionUID = 1L;

    /** The one instance; the serializer holds no configuration. */
    public static final CountWindowSerializer INSTANCE = new CountWindowSerializer();

    @Override
    public CountWindow createInstance() {
        return new CountWindow(1);
    }

    @Override
    public CountWindow copy(CountWindow from) {
        return StateCodec.copy(from);
    }

    @Override
    public void serialize(CountWindow window, DataOutputView out) throws IOException {
        StateCodec.write(window, out);
    }

    @Override
    public CountWindow deserialize(DataInputView in) throws IOException {
        return StateCodec.readCountWindow(in);
    }

    @Override
    public TypeSerializerSnapshot<CountWindow> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Version 1 of the count-window state format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<CountWindow> {
        /** For Flink's reflective restore. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
