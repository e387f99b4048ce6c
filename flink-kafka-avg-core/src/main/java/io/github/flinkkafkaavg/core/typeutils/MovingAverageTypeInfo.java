package io.github.flinkkafkaavg.core.typeutils;

import io.github.flinkkafkaavg.core.MovingAverage;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information for {@link MovingAverage}, serialized by {@link MovingAverageSerializer}, never by Kryo.
 *
 * @param <K> the key type
 */
public final class MovingAverageTypeInfo<K> extends TypeInformation<MovingAverage<K>> {

    private static final long serialVersionUID = 1L;

    private final TypeInformation<K> keyType;

    private MovingAverageTypeInfo(TypeInformation<K> keyType) {
        this.keyType = Objects.requireNonNull(keyType, "keyType");
    }

    /**
     * Type information for results keyed by {@code keyType}.
     *
     * @param keyType the key's type information
     * @param <K> the key type
     * @return the type information
     */
    public static <K> MovingAverageTypeInfo<K> of(TypeInformation<K> keyType) {
        return new MovingAverageTypeInfo<>(keyType);
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 4;
    }

    @Override
    public int getTotalFields() {
        return 4;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<MovingAverage<K>> getTypeClass() {
        return (Class) MovingAverage.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<MovingAverage<K>> createSerializer(SerializerConfig config) {
        return new MovingAverageSerializer<>(keyType.createSerializer(config));
    }

    @Override
    public String toString() {
        return "MovingAverage<" + keyType + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MovingAverageTypeInfo<?> that && keyType.equals(that.keyType);
    }

    @Override
    public int hashCode() {
        return 31 * MovingAverageTypeInfo.class.hashCode() + keyType.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof MovingAverageTypeInfo;
    }
}
