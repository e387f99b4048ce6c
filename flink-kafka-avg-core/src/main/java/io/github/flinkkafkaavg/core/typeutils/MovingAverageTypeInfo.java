package io.github.flinkkafkaavg.core.typeutils;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.MovingAverage;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information for {@link MovingAverage}, serialized by {@link MovingAverageSerializer}, never by Kryo.
 *
 * @param <K> the key type
 */
@PublicEvolving
public final class MovingAverageTypeInfo<K> extends KeyedResultTypeInfo<MovingAverage<K>, K> {

    private static final long serialVersionUID = 1L;

    private MovingAverageTypeInfo(TypeInformation<K> keyType) {
        super(keyType);
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
    public int getArity() {
        return 4;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<MovingAverage<K>> getTypeClass() {
        return (Class) MovingAverage.class;
    }

    @Override
    public TypeSerializer<MovingAverage<K>> createSerializer(SerializerConfig config) {
        return new MovingAverageSerializer<>(keyType().createSerializer(config));
    }
}
