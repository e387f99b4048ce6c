package io.github.flinkkafkaavg.core;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.io.Serializable;

/**
 * Reads the number to average from a record, e.g. {@code SensorReading::celsius}.
 *
 * <p>Serializable, because Flink ships it to the task managers. A NaN or infinite result marks the record as
 * invalid: it is counted and routed (never folded into an average); an exception thrown here is treated the same
 * way.
 *
 * @param <T> the record type
 */
@PublicEvolving
@FunctionalInterface
public interface ValueFunction<T> extends Serializable {

    /**
     * The value of one record.
     *
     * @param record the record
     * @return the value to average; NaN or an infinity marks the record invalid
     * @throws Exception when the value cannot be read; the record is then invalid
     */
    double value(T record) throws Exception;
}
