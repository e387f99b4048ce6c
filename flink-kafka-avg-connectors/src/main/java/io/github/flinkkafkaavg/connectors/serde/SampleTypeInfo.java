package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink's type information for {@link Sample}, found through the {@code @TypeInfo} annotation on it wherever Flink
 * extracts the type (a {@code map} returning samples, a side output), so samples never fall back to Kryo or to the
 * reflective POJO serializer.
 */
@Internal
public final class SampleTypeInfo extends TypeInformation<Sample> {

    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final SampleTypeInfo INSTANCE = new SampleTypeInfo();

    private SampleTypeInfo() {}

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
        return 3;
    }

    @Override
    public int getTotalFields() {
        return 3;
    }

    @Override
    public Class<Sample> getTypeClass() {
        return Sample.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<Sample> createSerializer(SerializerConfig config) {
        return SampleSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "Sample(key, timestamp, value)";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof SampleTypeInfo;
    }

    @Override
    public int hashCode() {
        return SampleTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof SampleTypeInfo;
    }

    /** What {@code @TypeInfo} on {@link Sample} names. */
    public static final class Factory extends TypeInfoFactory<Sample> {
        @Override
        public TypeInformation<Sample> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }
}
