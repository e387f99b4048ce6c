package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.io.Serializable;

/**
 * Decodes a Kafka record value into a typed object, e.g. {@code JsonSerde.of(SensorReading.class)}.
 *
 * <p>Serializable; anything that is not (a Jackson mapper) is built in {@link #open()}. Any exception means the
 * record is invalid: the pipeline sends it, with its original bytes, to the dead letters.
 *
 * @param <T> the decoded type
 */
@PublicEvolving
public interface RecordDecoder<T> extends Serializable {

    /** Builds non-serializable helpers; called once per task before the first record. */
    default void open() {}

    /**
     * Decodes one value.
     *
     * @param value the record value, never null or empty (the pipeline rejects those first)
     * @return the decoded object, never null
     * @throws Exception when the bytes are not a valid {@code T}
     */
    T decode(byte[] value) throws Exception;
}
