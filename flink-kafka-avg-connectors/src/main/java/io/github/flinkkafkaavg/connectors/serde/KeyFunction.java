package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.io.Serializable;

/**
 * Reads the key to average under from a record, e.g. {@code SensorReading::sensorId}. The key is used as text
 * ({@code String.valueOf}); a null key, or an exception, makes the record a dead letter.
 *
 * @param <T> the record type
 */
@PublicEvolving
@FunctionalInterface
public interface KeyFunction<T> extends Serializable {

    /**
     * The key of one record.
     *
     * @param record the record
     * @return the key, not null
     * @throws Exception when the key cannot be read
     */
    Object key(T record) throws Exception;
}
