package io.github.flinkkafkaavg.core.typeutils;

import io.github.flinkkafkaavg.core.WindowAverage;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information for {@link WindowAverage}: serialized by {@link WindowAverageSerializer}, never by Kryo,
 * so results flow between tasks fast and jobs run with {@code pipeline.generic-types: false}.
 *
 * <pre>{@code
 * TypeInformation<WindowAverage<String>> type = WindowAverageTypeInfo.of(Types.STRING);
 * }</pre>
 *
 * @param <K> the key type
 */
public final class WindowAverageTypeInfo<K> extends TypeInformation<WindowAverage<K>> {

    private static final long serialVersionUID = 1L;

    private final TypeInformation<K> keyType;

    private WindowAverageTypeInfo(TypeInformation<K> keyType) {
        this.keyType = Objects.requireNonNull(keyType, "keyType");
    }

    /**
     * Type information for results keyed by {@code keyType}.
     *
     * @param keyType the key's type information, e.g. {@code Types.STRING} or a keyed stream's key type
     * @param <K> the key type
     * @return the type information
     */
    public static <K> WindowAverageTypeInfo<K> of(TypeInformation<K> keyType) {
        return new WindowAverageTypeInfo<>(keyType);
    }

    /**
     * The key's type information.
     *
     * @return the key type
     */
    public TypeInformation<K> keyType() {
        return keyType;
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
        return 7;
    }

    @Override
    public int getTotalFields() {
        return 7;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<WindowAverage<K>> getTypeClass() {
        return (Class) WindowAverage.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<WindowAverage<K>> createSerializer(SerializerConfig config) {
        return new WindowAverageSerializer<>(keyType.createSerializer(config));
    }

    @Override
    public String toString() {
        return "WindowAverage<" + keyType + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowAverageTypeInfo<?> that && that.canEqual(this) && keyType.equals(that.keyType);
    }

    @Override
    public int hashCode() {
        return 31 * WindowAverageTypeInfo.class.hashCode() + keyType.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof WindowAverageTypeInfo;
    }
}
