package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import java.io.Serializable;

/**
 * Turns one Kafka record's bytes into a {@link Sample}, or says why it cannot.
 *
 * <p>Implementations are serializable (Flink ships them to the task managers) and build anything that is not —
 * a Jackson {@code ObjectMapper}, say — in {@link #open()}. They must not throw anything but
 * {@link InvalidRecordException}; the Kafka deserializer of the builder turns even unexpected exceptions into dead letters.
 */
@PublicEvolving
public interface SampleExtractor extends Serializable {

    /** Builds non-serializable helpers; called once per task before the first record. */
    default void open() {}

    /**
     * Decodes and validates one record.
     *
     * @param key the Kafka record key, possibly null
     * @param value the Kafka record value, possibly null
     * @param kafkaTimestamp the Kafka record timestamp, used when the extractor reads no event time of its own
     * @return the sample; its value finite and its key non-null
     * @throws InvalidRecordException when the record cannot be averaged, with the reason
     */
    Sample extract(byte[] key, byte[] value, long kafkaTimestamp) throws InvalidRecordException;
}
