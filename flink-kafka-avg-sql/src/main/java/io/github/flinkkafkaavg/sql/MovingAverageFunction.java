package io.github.flinkkafkaavg.sql;

import io.github.flinkkafkaavg.core.LogThrottle;
import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.engine.CountWindow;
import io.github.flinkkafkaavg.sql.internal.CountWindowRawSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.types.ColumnList;
import org.apache.flink.types.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code MOVING_AVERAGE}: per key and per record, the average of the key's last {@code n} values in arrival order —
 * the count-based counterpart of {@code AVG(x) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN n - 1 PRECEDING AND
 * CURRENT ROW)}, in O(1) per record with an exact running sum.
 *
 * <pre>{@code
 * SELECT * FROM MOVING_AVERAGE(
 *     input => TABLE readings PARTITION BY sensor_id,
 *     value_column => DESCRIPTOR(celsius),
 *     n => 100,
 *     uid => 'last-100')
 * }</pre>
 *
 * <p>Output: the {@code PARTITION BY} columns, {@code avg}, {@code cnt} (values averaged: {@code n} once the key has
 * seen that many) and {@code sum}; with {@code on_time}, Flink adds the record's {@code rowtime}. Unlike {@code OVER},
 * which waits for the watermark to order rows by time, it emits at once, in arrival order. Records whose value is
 * NULL, NaN or infinite are dropped, counted ({@code numInvalidRecords}) and logged at most once a minute.
 */
@PublicEvolving
@DataTypeHint("ROW<`avg` DOUBLE, cnt INT, `sum` DOUBLE>")
public class MovingAverageFunction extends ProcessTableFunction<Row> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MovingAverageFunction.class);

    /** A key's last values. Public for Flink's type extraction; not API. */
    public static class MovingState {
        /** The values, in the DataStream operator's format. */
        @DataTypeHint(value = "RAW", bridgedTo = CountWindow.class, rawSerializer = CountWindowRawSerializer.class)
        public CountWindow values;
    }

    private transient LogThrottle invalidLog;
    private transient Counter invalid;

    @Override
    public void open(FunctionContext context) throws Exception {
        invalidLog = new LogThrottle();
        invalid = context.getMetricGroup().counter("numInvalidRecords");
    }

    /**
     * One record of a key.
     *
     * @param state the key's state
     * @param input the record
     * @param value the numeric column to average
     * @param n how many of the key's latest values to average; 1 or more
     */
    public void eval(
            @StateHint MovingState state,
            @ArgumentHint(value = ArgumentTrait.SET_SEMANTIC_TABLE, name = "input") Row input,
            @ArgumentHint(name = "value_column") ColumnList value,
            @ArgumentHint(name = "n") Integer n) {
        if (n == null || n < 1) {
            throw new IllegalArgumentException("MOVING_AVERAGE: n must be 1 or more, but was " + n
                    + "; e.g. n => 100 averages each key's last 100 values");
        }
        String column = value.getNames().get(0);
        Object field = input.getField(column);
        double v = field instanceof Number number ? number.doubleValue() : Double.NaN;
        if (!Double.isFinite(v)) {
            invalid.inc();
            if (invalidLog.allow()) {
                LOG.warn("MOVING_AVERAGE dropped a record: the value ({}) is {} (numInvalidRecords counts them; logged"
                        + " at most once a minute)", column, field);
            }
            return;
        }
        if (state.values == null || state.values.capacity() != n) {
            // a new key, or a query restarted with another n: keep what fits
            state.values = state.values == null ? new CountWindow(n) : resized(state.values, n);
        }
        state.values.add(v);
        collect(Row.of(state.values.average(), state.values.count(), state.values.sum()));
    }

    private static CountWindow resized(CountWindow window, int n) {
        double[] kept = window.valuesOldestFirst();
        return CountWindow.restore(n, java.util.Arrays.copyOfRange(kept, Math.max(0, kept.length - n), kept.length));
    }
}
