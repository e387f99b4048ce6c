package io.github.flinkkafkaavg.sql.internal;

import io.github.flinkkafkaavg.core.engine.CountWindow;
import io.github.flinkkafkaavg.core.engine.StateCodec;
import io.github.flinkkafkaavg.core.typeutils.CodecSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The state of a {@code MOVING_AVERAGE} key as a RAW SQL type: the bytes of {@link StateCodec} for a
 * {@link CountWindow}, the DataStream operator's format, so that the sum is rebuilt exactly on restore.
 */
public final class CountWindowRawSerializer extends CodecSerializer<CountWindow> {

    private static final long serialVersionUID = 1L;

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

    /** Version 1 of the format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<CountWindow> {
        /** For Flink's reflection. */
        public Snapshot() {
            super(CountWindowRawSerializer::new);
        }
    }
}
