package io.github.flinkkafkaavg.core.typeutils;

import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializes {@link WindowAverage}: the key with its own serializer, then window start and end, count, sum, min and
 * max as fixed-width numbers. The format is versioned through {@link Snapshot}, so a later release can still read
 * what this one wrote into a savepoint.
 *
 * @param <K> the key type
 */
@Internal
public final class WindowAverageSerializer<K> extends TypeSerializer<WindowAverage<K>> {

    private static final long serialVersionUID = 1L;

    private final TypeSerializer<K> keySerializer;

    /**
     * A serializer using {@code keySerializer} for keys.
     *
     * @param keySerializer the key serializer
     */
    public WindowAverageSerializer(TypeSerializer<K> keySerializer) {
        this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
    }

    TypeSerializer<K> keySerializer() {
        return keySerializer;
    }

    @Override
    public boolean isImmutableType() {
        return keySerializer.isImmutableType();
    }

    @Override
    public TypeSerializer<WindowAverage<K>> duplicate() {
        TypeSerializer<K> key = keySerializer.duplicate();
        return key == keySerializer ? this : new WindowAverageSerializer<>(key);
    }

    @Override
    public WindowAverage<K> createInstance() {
        return new WindowAverage<>(keySerializer.createInstance(), 0, 1, 1, 0, 0, 0);
    }

    @Override
    public WindowAverage<K> copy(WindowAverage<K> from) {
        K key = keySerializer.isImmutableType() ? from.key() : keySerializer.copy(from.key());
        return key == from.key() ? from
                : new WindowAverage<>(key, from.windowStart(), from.windowEnd(), from.count(), from.sum(), from.min(), from.max());
    }

    @Override
    public WindowAverage<K> copy(WindowAverage<K> from, WindowAverage<K> reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(WindowAverage<K> record, DataOutputView target) throws IOException {
        keySerializer.serialize(record.key(), target);
        target.writeLong(record.windowStart());
        target.writeLong(record.windowEnd());
        // A sum beyond the double range is written as its average with the count negated (both are derivable from
        // each other otherwise): the same width, and every record an earlier release wrote reads as it was.
        boolean wide = !Double.isFinite(record.sum());
        target.writeLong(wide ? -record.count() : record.count());
        target.writeDouble(wide ? record.average() : record.sum());
        target.writeDouble(record.min());
        target.writeDouble(record.max());
    }

    @Override
    public WindowAverage<K> deserialize(DataInputView source) throws IOException {
        K key = keySerializer.deserialize(source);
        long start = source.readLong();
        long end = source.readLong();
        long count = source.readLong();
        double number = source.readDouble();
        double min = source.readDouble();
        double max = source.readDouble();
        return count < 0
                ? new WindowAverage<>(key, start, end, -count, Math.copySign(Double.POSITIVE_INFINITY, number), min,
                        max, number)
                : new WindowAverage<>(key, start, end, count, number, min, max);
    }

    @Override
    public WindowAverage<K> deserialize(WindowAverage<K> reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        keySerializer.copy(source, target);
        target.write(source, 6 * Long.BYTES);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowAverageSerializer<?> that && keySerializer.equals(that.keySerializer);
    }

    @Override
    public int hashCode() {
        return keySerializer.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<WindowAverage<K>> snapshotConfiguration() {
        return new Snapshot<>(this);
    }

    /**
     * The versioned snapshot of {@link WindowAverageSerializer}: format version 1, with the key serializer's own
     * snapshot nested.
     *
     * @param <K> the key type
     */
    public static final class Snapshot<K>
            extends CompositeTypeSerializerSnapshot<WindowAverage<K>, WindowAverageSerializer<K>> {

        private static final int VERSION = 1;

        /** For Flink's reflective restore. */
        public Snapshot() {}

        Snapshot(WindowAverageSerializer<K> serializer) {
            super(serializer);
        }

        @Override
        protected int getCurrentOuterSnapshotVersion() {
            return VERSION;
        }

        @Override
        protected TypeSerializer<?>[] getNestedSerializers(WindowAverageSerializer<K> outer) {
            return new TypeSerializer<?>[] {outer.keySerializer()};
        }

        @Override
        @SuppressWarnings("unchecked")
        protected WindowAverageSerializer<K> createOuterSerializerWithNestedSerializers(TypeSerializer<?>[] nested) {
            return new WindowAverageSerializer<>((TypeSerializer<K>) nested[0]);
        }
    }
}
