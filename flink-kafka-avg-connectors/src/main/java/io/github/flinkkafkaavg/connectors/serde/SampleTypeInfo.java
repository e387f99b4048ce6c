package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink's type information for {@link Sample}, found through the {@code @TypeInfo} annotation on it wherever Flink
 * extracts the type (a {@code map} returning samples, a side output), so samples never fall back to Kryo or to the
 * reflective POJO serializer.
 */
@Internal
public final class SampleTypeInfo extends SerializerTypeInfo<Sample> {

    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final SampleTypeInfo INSTANCE = new SampleTypeInfo();

    private SampleTypeInfo() {
        super(Sample.class, SampleSerializer.INSTANCE, 3, "Sample(key, timestamp, value)");
    }

    /** What {@code @TypeInfo} on {@link Sample} names. */
    public static final class Factory extends TypeInfoFactory<Sample> {
        @Override
        public TypeInformation<Sample> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }
}
