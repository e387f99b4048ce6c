package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.io.Serializable;

/**
 * Reads a record's event time in epoch milliseconds, e.g. {@code r -> r.time().toEpochMilli()}; an exception makes
 * the record a dead letter.
 *
 * @param <T> the record type
 */
@PublicEvolving
@FunctionalInterface
public interface TimestampFunction<T> extends Serializable {

    /**
     * The event time of one record.
     *
     * @param record the record
     * @return epoch milliseconds
     * @throws Exception when the time cannot be read
     */
    long timestamp(T record) throws Exception;
}
