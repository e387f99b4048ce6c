package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.SerializerTypeInfo;
import io.github.flinkkafkaavg.core.annotation.Internal;

/** Flink's type information for {@link SampleGroup}, given where the combiner's stream is made, never Kryo's. */
@Internal
public final class SampleGroupTypeInfo extends SerializerTypeInfo<SampleGroup> {

    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final SampleGroupTypeInfo INSTANCE = new SampleGroupTypeInfo();

    private SampleGroupTypeInfo() {
        super(SampleGroup.class, SampleGroupSerializer.INSTANCE, 1, "SampleGroup(key, timestamp, value or partial)");
    }
}
