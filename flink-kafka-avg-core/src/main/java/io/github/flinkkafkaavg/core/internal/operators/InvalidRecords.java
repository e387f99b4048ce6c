package io.github.flinkkafkaavg.core.internal.operators;

import io.github.flinkkafkaavg.core.LogThrottle;
import io.github.flinkkafkaavg.core.ValueFunction;
import java.io.Serializable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a record's value for the averaging operators and routes the records that have none worth averaging: to the
 * invalid-records side output when there is one, else logged at most once a minute, so a stream of bad records
 * cannot flood the logs. Either way they are counted ({@code numInvalidRecords}).
 *
 * @param <IN> the record type
 */
final class InvalidRecords<IN> implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(InvalidRecords.class);

    private final ValueFunction<IN> valueFunction;
    private final OutputTag<IN> tag;
    private transient Counter counter;
    private final LogThrottle logs = new LogThrottle();

    InvalidRecords(ValueFunction<IN> valueFunction, OutputTag<IN> tag) {
        this.valueFunction = valueFunction;
        this.tag = tag;
    }

    void open(MetricGroup metrics) {
        counter = metrics.counter("numInvalidRecords");
    }

    /** The record's value, or NaN after the record was routed as invalid (a throwing or non-finite value). */
    double read(StreamRecord<IN> record, Output<?> output, Object key) {
        double value;
        try {
            value = valueFunction.value(record.getValue());
        } catch (Exception e) {
            reject(record, "the value function threw " + e, output, key);
            return Double.NaN;
        }
        if (!Double.isFinite(value)) {
            reject(record, "the value is " + value, output, key);
            return Double.NaN;
        }
        return value;
    }

    void reject(StreamRecord<IN> record, String why, Output<?> output, Object key) {
        reject(record, 1, why, output, key);
    }

    /** As {@link #reject(StreamRecord, String, Output, Object)} for a record that stands for {@code n} records. */
    void reject(StreamRecord<IN> record, long n, String why, Output<?> output, Object key) {
        // Counted whether routed or dropped: the operator's accounting (averaged + late + invalid = records in)
        // must not depend on where the records went.
        counter.inc(n);
        if (tag != null) {
            output.collect(tag, record);
            return;
        }
        if (logs.allow()) {
            LOG.warn("Dropped {} for key {}: {} ({} invalid records so far; set an invalid-records output to keep"
                    + " them)", n == 1 ? "an invalid record" : n + " invalid records of one slice, added up before"
                    + " the keyBy,", key, why, counter.getCount());
        }
    }
}
