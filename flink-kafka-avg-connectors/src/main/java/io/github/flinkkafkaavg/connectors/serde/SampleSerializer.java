package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    private static final int HIGH_BIT = 0x80;

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
        return new Sample(readKey(source), source.readLong(), source.readDouble());
    }

    /**
     * Reads what {@link StringValue#writeString} wrote, as {@link StringValue#readString} does, without its
     * thread-local buffer: a profile of the averaging task put 7 % of its time in that {@code ThreadLocal} lookup, a
     * Flink task thread's map holding many. Keys are mostly ASCII, so the characters go straight into a Latin-1
     * string; the first wider one switches to a {@code char[]}.
     *
     * @param in the bytes
     * @return the key, or null when null was written
     * @throws IOException when the bytes end early
     */
    public static String readKey(DataInputView in) throws IOException {
        int length = in.readUnsignedByte();
        if (length == 0) {
            return null;
        }
        if (length >= HIGH_BIT) {
            length = readVarInt(in, length);
        }
        length -= 1; // the format stores length + 1, 0 being null
        byte[] latin1 = new byte[length];
        for (int i = 0; i < length; i++) {
            int c = in.readUnsignedByte();
            if (c >= HIGH_BIT) {
                return readWide(in, latin1, i, c);
            }
            latin1[i] = (byte) c;
        }
        return new String(latin1, StandardCharsets.ISO_8859_1);
    }

    /** The rest of a key from its first char above 0x7f, {@code first} its first byte, after {@code read} ASCII chars. */
    private static String readWide(DataInputView in, byte[] ascii, int read, int first) throws IOException {
        char[] chars = new char[ascii.length];
        for (int j = 0; j < read; j++) {
            chars[j] = (char) ascii[j];
        }
        chars[read] = (char) readVarInt(in, first);
        for (int j = read + 1; j < chars.length; j++) {
            int c = in.readUnsignedByte();
            chars[j] = (char) (c >= HIGH_BIT ? readVarInt(in, c) : c);
        }
        return new String(chars);
    }

    /** The rest of a value {@link StringValue} wrote in 7-bit groups, low group first, given its first byte. */
    private static int readVarInt(DataInputView in, int first) throws IOException {
        int value = first & 0x7f;
        int shift = 7;
        int next;
        while ((next = in.readUnsignedByte()) >= HIGH_BIT) {
            value |= (next & 0x7f) << shift;
            shift += 7;
        }
        return value | next << shift;
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
