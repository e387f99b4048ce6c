package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.core.LogThrottle;
import io.github.flinkkafkaavg.connectors.serde.KeyFunction;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.core.ValueFunction;
import io.github.flinkkafkaavg.core.engine.EventTimeLimits;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For {@code apply(DataStream<T>)}: reads key and value from the user's records, keeps the stream's timestamps,
 * and sends records that cannot be averaged — a null key, a value that is not finite, a function that throws, no
 * timestamp, an event time outside the {@link EventTimeLimits}, or a key the {@link KeyCheck} refuses — to a side
 * output unchanged. The record stays as it was, so the reason cannot travel with it: each is counted
 * ({@code numInvalidRecords}) and the reason is logged, at most once a minute.
 *
 * @param <T> the record type
 */
public final class ToSample<T> extends ProcessFunction<T, Sample> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ToSample.class);

    private final KeyFunction<T> key;
    private final ValueFunction<T> value;
    private final EventTimeLimits limits;
    private final KeyCheck keys;
    private final OutputTag<T> invalid;
    private transient Counter invalidCount;
    private final LogThrottle logs = new LogThrottle();

    /**
     * A converter.
     *
     * @param key the key function
     * @param value the value function
     * @param limits the event times accepted
     * @param invalid the side output for invalid records
     */
    public ToSample(KeyFunction<T> key, ValueFunction<T> value, EventTimeLimits limits, OutputTag<T> invalid) {
        this(key, value, limits, KeyCheck.ANY, invalid);
    }

    /**
     * A converter that also checks keys.
     *
     * @param key the key function
     * @param value the value function
     * @param limits the event times accepted
     * @param keys the keys the destinations can hold
     * @param invalid the side output for invalid records
     */
    public ToSample(KeyFunction<T> key, ValueFunction<T> value, EventTimeLimits limits, KeyCheck keys,
            OutputTag<T> invalid) {
        this.key = key;
        this.value = value;
        this.limits = limits;
        this.keys = keys;
        this.invalid = invalid;
    }

    @Override
    public void open(OpenContext context) {
        invalidCount = getRuntimeContext().getMetricGroup().counter("numInvalidRecords");
    }

    @Override
    public void processElement(T record, Context ctx, Collector<Sample> out) {
        String why;
        Long ts = ctx.timestamp();
        Object k = null;
        String keyText = null;
        double v = Double.NaN;
        if (ts == null) {
            why = "it has no timestamp: give the stream a WatermarkStrategy with a timestamp assigner";
        } else {
            try {
                k = key.key(record);
                why = k == null ? "the key is null (read by key(...)); expected the key to average under" : null;
            } catch (Exception e) {
                why = "the key function threw " + e;
            }
            if (why == null) {
                try {
                    v = value.value(record);
                    why = Double.isFinite(v) ? null : "the value is " + v + " (read by value(...)); expected a finite number";
                } catch (Exception e) {
                    why = "the value function threw " + e;
                }
            }
            if (why == null) {
                why = limits.check(ts, limits.needsClock() ? ctx.timerService().currentProcessingTime() : 0);
            }
            if (why == null) {
                keyText = String.valueOf(k);
                why = keys.check(keyText);
            }
        }
        if (why == null) {
            out.collect(new Sample(keyText, ts, v));
            return;
        }
        ctx.output(invalid, record);
        invalidCount.inc();
        if (logs.allow()) {
            LOG.warn("A record cannot be averaged and went to the invalid-records output: {} ({} so far)", why,
                    invalidCount.getCount());
        }
    }
}
