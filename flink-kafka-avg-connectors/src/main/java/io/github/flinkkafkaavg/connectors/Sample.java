package io.github.flinkkafkaavg.connectors;

/**
 * One decoded, validated input value: the key it is averaged under, its event time and the value itself. What the
 * Kafka pipelines hand to the averaging operators once a record's bytes have been decoded and checked.
 *
 * <p>A public record, so Flink serializes it as a POJO, never with Kryo.
 *
 * @param key the key, as text; never null
 * @param timestamp the event time, epoch milliseconds
 * @param value the value; always finite
 */
public record Sample(String key, long timestamp, double value) {}
