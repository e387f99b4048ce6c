package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.SampleSerializer;
import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.core.engine.Partial;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Serializes {@link SampleGroup} across the {@code keyBy}: the key in Flink's string format, the event time, then a
 * byte saying which follows — one value (the bytes {@code SampleSerializer} writes for a sample, and one more), or a
 * partial's count and six doubles. Never in state: only in the exchange and in an unaligned checkpoint's in-flight
 * data.
 */
@Internal
public final class SampleGroupSerializer extends TypeSerializerSingleton<SampleGroup> {

    private static final long serialVersionUID = 1L;
    private static final byte ONE = 0;
    private static final byte SEVERAL = 1;

    /** The one instance; the serializer is stateless. */
    public static final SampleGroupSerializer INSTANCE = new SampleGroupSerializer();

    private SampleGroupSerializer() {}

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public SampleGroup createInstance() {
        return SampleGroup.of("", 0, 0);
    }

    @Override
    public SampleGroup copy(SampleGroup from) {
        return from;
    }

    @Override
    public SampleGroup copy(SampleGroup from, SampleGroup reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SampleGroup group, DataOutputView target) throws IOException {
        StringValue.writeString(group.key(), target);
        target.writeLong(group.timestamp());
        Partial p = group.partial();
        if (p == null) {
            target.writeByte(ONE);
            target.writeDouble(group.value());
            return;
        }
        target.writeByte(SEVERAL);
        target.writeLong(p.count());
        target.writeDouble(p.hi());
        target.writeDouble(p.lo());
        target.writeDouble(p.bigHi());
        target.writeDouble(p.bigLo());
        target.writeDouble(p.min());
        target.writeDouble(p.max());
    }

    @Override
    public SampleGroup deserialize(DataInputView source) throws IOException {
        String key = SampleSerializer.readKey(source);
        long timestamp = source.readLong();
        byte kind = source.readByte();
        if (kind == ONE) {
            return SampleGroup.of(key, timestamp, source.readDouble());
        }
        if (kind != SEVERAL) {
            throw new IOException("corrupt SampleGroup bytes: kind " + kind);
        }
        Partial p = new Partial().set(source.readLong(), source.readDouble(), source.readDouble(), source.readDouble(),
                source.readDouble(), source.readDouble(), source.readDouble());
        return SampleGroup.ofOwned(key, timestamp, p);
    }

    @Override
    public SampleGroup deserialize(SampleGroup reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target); // not on the record path: Flink copies bytes only to spill or sort
    }

    @Override
    public TypeSerializerSnapshot<SampleGroup> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Format version 1 of {@link SampleGroupSerializer}. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SampleGroup> {
        /** For Flink's reflective restore. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
