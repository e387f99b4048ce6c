package io.github.flinkkafkaavg.sql.internal;

import io.github.flinkkafkaavg.core.engine.KeyHeader;
import io.github.flinkkafkaavg.core.engine.StateCodec;
import io.github.flinkkafkaavg.core.typeutils.CodecSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A {@link StoredHeader} as a RAW SQL type: a format version (1), the four window arguments and the two timer bounds
 * as longs, then the engine's header in {@link StateCodec}'s own versioned format — the DataStream operator's. Public
 * with a no-argument constructor because Flink instantiates it by its class name.
 */
public final class StoredHeaderSerializer extends CodecSerializer<StoredHeader> {

    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

    @Override
    public StoredHeader createInstance() {
        return new StoredHeader(0, 0, 0, 0, new KeyHeader());
    }

    @Override
    public StoredHeader copy(StoredHeader from) {
        StoredHeader copy = new StoredHeader(from.size, from.slide, from.offset, from.lateness,
                StateCodec.copy(from.header));
        copy.timersFrom = from.timersFrom;
        copy.timersThrough = from.timersThrough;
        return copy;
    }

    @Override
    public void serialize(StoredHeader stored, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(stored.size);
        out.writeLong(stored.slide);
        out.writeLong(stored.offset);
        out.writeLong(stored.lateness);
        out.writeLong(stored.timersFrom);
        out.writeLong(stored.timersThrough);
        StateCodec.write(stored.header, out);
    }

    @Override
    public StoredHeader deserialize(DataInputView in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("SLIDING_AVERAGE state of format version " + version + " cannot be read by this"
                    + " version of flink-kafka-avg, which reads version " + VERSION + "; restore with the library"
                    + " version that wrote it");
        }
        StoredHeader stored = new StoredHeader(in.readLong(), in.readLong(), in.readLong(), in.readLong(), null);
        stored.timersFrom = in.readLong();
        stored.timersThrough = in.readLong();
        stored.header = StateCodec.readHeader(in);
        return stored;
    }

    @Override
    public TypeSerializerSnapshot<StoredHeader> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Version 1 of the serializer; the bytes carry their own format version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<StoredHeader> {
        /** For Flink's reflection. */
        public Snapshot() {
            super(StoredHeaderSerializer::new);
        }
    }
}
