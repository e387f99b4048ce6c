package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.connectors.serde.SampleSerializer;
import io.github.flinkkafkaavg.connectors.serde.SampleTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One decoded, validated input value: the key it is averaged under, its event time and the value itself. What the
 * Kafka pipelines hand to the averaging operators once a record's bytes have been decoded and checked.
 *
 * <p>Flink serializes it with {@link SampleSerializer} (through {@code @TypeInfo}), never with Kryo.
 *
 * @param key the key, as text; never null
 * @param timestamp the event time, epoch milliseconds
 * @param value the value; always finite
 */
@PublicEvolving
@TypeInfo(SampleTypeInfo.Factory.class)
public record Sample(String key, long timestamp, double value) {}
