package io.github.flinkkafkaavg.core.typeutils;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.WindowAverage;
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
@PublicEvolving
public final class WindowAverageTypeInfo<K> extends KeyedResultTypeInfo<WindowAverage<K>, K> {

    private static final long serialVersionUID = 1L;

    private WindowAverageTypeInfo(TypeInformation<K> keyType) {
        super(keyType);
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

    @Override
    public int getArity() {
        return 7;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<WindowAverage<K>> getTypeClass() {
        return (Class) WindowAverage.class;
    }

    @Override
    public TypeSerializer<WindowAverage<K>> createSerializer(SerializerConfig config) {
        return new WindowAverageSerializer<>(keyType().createSerializer(config));
    }
}
