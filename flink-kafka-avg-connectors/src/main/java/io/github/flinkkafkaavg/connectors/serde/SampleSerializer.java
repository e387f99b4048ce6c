package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Serializes {@link Sample}: key as Flink's string format, event time, value. Every decoded record crosses the
 * {@code keyBy} between decoding and averaging, so this is on the per-record path: no reflection (Flink's POJO
 * serializer reads record components through {@code Field.get}), no null mask, and — the record being immutable —
 * no copy between chained operators.
 */
@Internal
public final class SampleSerializer extends TypeSerializerSingleton<Sample> {

    private static final long serialVersionUID = 1L;

    /** The one instance; the serializer is stateless. */
    public static final SampleSerializer INSTANCE = new SampleSerializer();

    private SampleSerializer() {}

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public Sample createInstance() {
        return new Sample("", 0, 0);
    }

    @Override
    public Sample copy(Sample from) {
        return from;
    }

    @Override
    public Sample copy(Sample from, Sample reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Sample sample, DataOutputView target) throws IOException {
        StringValue.writeString(sample.key(), target);
        target.writeLong(sample.timestamp());
        target.writeDouble(sample.value());
    }

    @Override
    public Sample deserialize(DataInputView source) throws IOException {
        return new Sample(StringValue.readString(source), source.readLong(), source.readDouble());
    }

    @Override
    public Sample deserialize(Sample reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        StringValue.copyString(source, target);
        target.write(source, Long.BYTES + Double.BYTES);
    }

    @Override
    public TypeSerializerSnapshot<Sample> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Format version 1 of {@link SampleSerializer}. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Sample> {
        /** For Flink's reflective restore. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
