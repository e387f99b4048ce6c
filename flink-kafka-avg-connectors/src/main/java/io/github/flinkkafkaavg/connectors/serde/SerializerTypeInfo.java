package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.Internal;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink's type information for a type with one stateless serializer of its own, so that Flink never falls back to
 * Kryo or its reflective POJO serializer for it: neither a key type nor a composite one Flink can look into.
 *
 * @param <T> the type
 */
@Internal
public abstract class SerializerTypeInfo<T> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final TypeSerializer<T> serializer;
    private final int fields;
    private final String description;

    /**
     * Type information for {@code type}.
     *
     * @param type the class
     * @param serializer its serializer, stateless: the same one for every config
     * @param fields how many fields Flink should think it has
     * @param description what {@link #toString()} says
     */
    protected SerializerTypeInfo(Class<T> type, TypeSerializer<T> serializer, int fields, String description) {
        this.type = Objects.requireNonNull(type, "type");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.fields = fields;
        this.description = description;
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
        return fields;
    }

    @Override
    public int getTotalFields() {
        return fields;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer;
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    public boolean equals(Object obj) {
        return obj != null && obj.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj != null && obj.getClass() == getClass();
    }
}
