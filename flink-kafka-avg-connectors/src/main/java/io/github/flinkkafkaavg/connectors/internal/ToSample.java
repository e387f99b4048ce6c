package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.KeyFunction;
import io.github.flinkkafkaavg.connectors.Sample;
import io.github.flinkkafkaavg.core.ValueFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * For {@code apply(DataStream<T>)}: reads key and value from the user's records, keeps the stream's timestamps,
 * and sends records whose key is null or whose value is not finite (or whose functions throw) to a side output
 * unchanged.
 *
 * @param <T> the record type
 */
public final class ToSample<T> extends ProcessFunction<T, Sample> {

    private static final long serialVersionUID = 1L;
    private final KeyFunction<T> key;
    private final ValueFunction<T> value;
    private final OutputTag<T> invalid;

    /**
     * A converter.
     *
     * @param key the key function
     * @param value the value function
     * @param invalid the side output for invalid records
     */
    public ToSample(KeyFunction<T> key, ValueFunction<T> value, OutputTag<T> invalid) {
        this.key = key;
        this.value = value;
        this.invalid = invalid;
    }

    @Override
    public void processElement(T record, Context ctx, Collector<Sample> out) {
        Long ts = ctx.timestamp();
        try {
            Object k = key.key(record);
            double v = value.value(record);
            if (k != null && Double.isFinite(v) && ts != null) {
                out.collect(new Sample(String.valueOf(k), ts, v));
                return;
            }
        } catch (Exception e) {
            // an invalid record, routed below
        }
        ctx.output(invalid, record);
    }
}
