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
 * A {@link StoredHeader} as a RAW SQL type: a format version (1), the number of horizons, per horizon its size, slide
 * and two timer bounds as longs, the offset and the lateness, then the engine's header in {@link StateCodec}'s own versioned format — the DataStream operator's. Public
 * with a no-argument constructor because Flink instantiates it by its class name.
 */
public final class StoredHeaderSerializer extends CodecSerializer<StoredHeader> {

    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

    @Override
    public StoredHeader createInstance() {
        return new StoredHeader(new long[0], new long[0], 0, 0, new KeyHeader());
    }

    @Override
    public StoredHeader copy(StoredHeader from) {
        StoredHeader copy = new StoredHeader(from.sizes.clone(), from.slides.clone(), from.offset, from.lateness,
                StateCodec.copy(from.header));
        System.arraycopy(from.timersFrom, 0, copy.timersFrom, 0, from.timersFrom.length);
        System.arraycopy(from.timersThrough, 0, copy.timersThrough, 0, from.timersThrough.length);
        return copy;
    }

    @Override
    public void serialize(StoredHeader stored, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(stored.sizes.length);
        for (int j = 0; j < stored.sizes.length; j++) {
            out.writeLong(stored.sizes[j]);
            out.writeLong(stored.slides[j]);
            out.writeLong(stored.timersFrom[j]);
            out.writeLong(stored.timersThrough[j]);
        }
        out.writeLong(stored.offset);
        out.writeLong(stored.lateness);
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
        int horizons = in.readInt();
        long[] sizes = new long[horizons];
        long[] slides = new long[horizons];
        long[] from = new long[horizons];
        long[] through = new long[horizons];
        for (int j = 0; j < horizons; j++) {
            sizes[j] = in.readLong();
            slides[j] = in.readLong();
            from[j] = in.readLong();
            through[j] = in.readLong();
        }
        long offset = in.readLong();
        long lateness = in.readLong();
        StoredHeader stored = new StoredHeader(sizes, slides, offset, lateness, StateCodec.readHeader(in));
        System.arraycopy(from, 0, stored.timersFrom, 0, horizons);
        System.arraycopy(through, 0, stored.timersThrough, 0, horizons);
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
