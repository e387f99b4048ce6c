package io.github.flinkkafkaavg.core.typeutils;

import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * What the type information of a keyed result ({@link WindowAverageTypeInfo}, {@link MovingAverageTypeInfo}) has in
 * common: a key type, value semantics and no use as a key itself. Subclasses give the class, arity and serializer.
 *
 * @param <T> the result type
 * @param <K> the key type
 */
abstract class KeyedResultTypeInfo<T, K> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    private final TypeInformation<K> keyType;

    KeyedResultTypeInfo(TypeInformation<K> keyType) {
        this.keyType = Objects.requireNonNull(keyType, "keyType");
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
    public int getTotalFields() {
        return getArity();
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public String toString() {
        return getTypeClass().getSimpleName() + "<" + keyType + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && keyType.equals(((KeyedResultTypeInfo<?, ?>) o).keyType);
    }

    @Override
    public int hashCode() {
        return 31 * getClass().hashCode() + keyType.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o != null && o.getClass() == getClass();
    }
}
