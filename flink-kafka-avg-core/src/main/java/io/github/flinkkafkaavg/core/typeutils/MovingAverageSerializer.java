package io.github.flinkkafkaavg.core.typeutils;

import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.core.MovingAverage;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializes {@link MovingAverage}: the key with its own serializer, then timestamp, count and sum. Versioned
 * through {@link Snapshot}.
 *
 * @param <K> the key type
 */
@Internal
public final class MovingAverageSerializer<K> extends TypeSerializer<MovingAverage<K>> {

    private static final long serialVersionUID = 1L;

    private final TypeSerializer<K> keySerializer;

    /**
     * A serializer using {@code keySerializer} for keys.
     *
     * @param keySerializer the key serializer
     */
    public MovingAverageSerializer(TypeSerializer<K> keySerializer) {
        this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
    }

    @Override
    public boolean isImmutableType() {
        return keySerializer.isImmutableType();
    }

    @Override
    public TypeSerializer<MovingAverage<K>> duplicate() {
        TypeSerializer<K> key = keySerializer.duplicate();
        return key == keySerializer ? this : new MovingAverageSerializer<>(key);
    }

    @Override
    public MovingAverage<K> createInstance() {
        return new MovingAverage<>(keySerializer.createInstance(), 0, 1, 0);
    }

    @Override
    public MovingAverage<K> copy(MovingAverage<K> from) {
        K key = keySerializer.isImmutableType() ? from.key() : keySerializer.copy(from.key());
        return key == from.key() ? from : new MovingAverage<>(key, from.timestamp(), from.count(), from.sum());
    }

    @Override
    public MovingAverage<K> copy(MovingAverage<K> from, MovingAverage<K> reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(MovingAverage<K> record, DataOutputView target) throws IOException {
        keySerializer.serialize(record.key(), target);
        target.writeLong(record.timestamp());
        // A sum beyond the double range is written as its average with the count negated (both are derivable from
        // each other otherwise): the same width, and every record an earlier release wrote reads as it was.
        boolean wide = !Double.isFinite(record.sum());
        target.writeInt(wide ? -record.count() : record.count());
        target.writeDouble(wide ? record.average() : record.sum());
    }

    @Override
    public MovingAverage<K> deserialize(DataInputView source) throws IOException {
        K key = keySerializer.deserialize(source);
        long timestamp = source.readLong();
        int count = source.readInt();
        double number = source.readDouble();
        return count < 0
                ? new MovingAverage<>(key, timestamp, -count, Math.copySign(Double.POSITIVE_INFINITY, number), number)
                : new MovingAverage<>(key, timestamp, count, number);
    }

    @Override
    public MovingAverage<K> deserialize(MovingAverage<K> reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        keySerializer.copy(source, target);
        target.write(source, Long.BYTES + Integer.BYTES + Double.BYTES);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MovingAverageSerializer<?> that && keySerializer.equals(that.keySerializer);
    }

    @Override
    public int hashCode() {
        return keySerializer.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<MovingAverage<K>> snapshotConfiguration() {
        return new Snapshot<>(this);
    }

    /**
     * Version 1 of {@link MovingAverageSerializer}'s format, with the key serializer's snapshot nested.
     *
     * @param <K> the key type
     */
    public static final class Snapshot<K> extends CompositeTypeSerializerSnapshot<MovingAverage<K>, MovingAverageSerializer<K>> {

        /** For Flink's reflective restore. */
        public Snapshot() {}

        Snapshot(MovingAverageSerializer<K> serializer) {
            super(serializer);
        }

        @Override
        protected int getCurrentOuterSnapshotVersion() {
            return 1;
        }

        @Override
        protected TypeSerializer<?>[] getNestedSerializers(MovingAverageSerializer<K> outer) {
            return new TypeSerializer<?>[] {outer.keySerializer};
        }

        @Override
        @SuppressWarnings("unchecked")
        protected MovingAverageSerializer<K> createOuterSerializerWithNestedSerializers(TypeSerializer<?>[] nested) {
            return new MovingAverageSerializer<>((TypeSerializer<K>) nested[0]);
        }
    }
}
