package io.github.flinkkafkaavg.core.internal.operators;

import io.github.flinkkafkaavg.core.Rules;
import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.ValueFunction;
import io.github.flinkkafkaavg.core.engine.CountWindow;
import io.github.flinkkafkaavg.core.internal.CountWindowSerializer;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The Flink host of {@link CountWindow}: per key, in arrival order, one {@link MovingAverage} of the last {@code w}
 * values per input record, carrying the input record's timestamp. Use it through
 * {@link io.github.flinkkafkaavg.core.datastream.MovingAverages}.
 *
 * <p>Invalid records (NaN or infinite values, a value function that throws) go to the invalid-records side output
 * when one is set, else they are dropped, counted ({@code numInvalidRecords}) and logged at most once a minute.
 *
 * @param <IN> the record type
 * @param <K> the key type
 */
public final class MovingAverageOperator<IN, K> extends AbstractStreamOperator<MovingAverage<K>>
        implements OneInputStreamOperator<IN, MovingAverage<K>> {

    private static final long serialVersionUID = 1L;

    private final int w;
    private final boolean onlyWhenFull;
    private final InvalidRecords<IN> invalidRecords;
    private final long forgetAfterMillis;

    private transient ValueState<CountWindow> state;
    private transient org.apache.flink.metrics.Counter averaged;

    /**
     * An operator over the last {@code w} values per key.
     *
     * @param w the window length in records, at least 1
     * @param onlyWhenFull emit nothing for a key's first {@code w - 1} records
     * @param valueFunction reads the value of a record
     * @param invalidTag where invalid records go, or null to drop, count and log them
     */
    public MovingAverageOperator(int w, boolean onlyWhenFull, ValueFunction<IN> valueFunction, OutputTag<IN> invalidTag) {
        this(w, onlyWhenFull, valueFunction, invalidTag, null);
    }

    /**
     * An operator over the last {@code w} values per key that forgets a key after {@code forgetAfter} of processing
     * time without a record (Flink state TTL).
     *
     * @param w the window length in records, at least 1
     * @param onlyWhenFull emit nothing for a key's first {@code w - 1} records
     * @param valueFunction reads the value of a record
     * @param invalidTag where invalid records go, or null to drop, count and log them
     * @param forgetAfter how long a silent key is kept, or null to keep it forever
     */
    public MovingAverageOperator(int w, boolean onlyWhenFull, ValueFunction<IN> valueFunction, OutputTag<IN> invalidTag,
            java.time.Duration forgetAfter) {
        if (forgetAfter != null) {
            Rules.require(Rules.forgetKeysAfter(forgetAfter));
        }
        this.forgetAfterMillis = forgetAfter == null ? 0 : forgetAfter.toMillis();
        Rules.require(Rules.lastN(w));
        this.w = w;
        this.onlyWhenFull = onlyWhenFull;
        this.invalidRecords = new InvalidRecords<>(Objects.requireNonNull(valueFunction, "valueFunction"), invalidTag);
    }

    @Override
    public void open() throws Exception {
        super.open();
        ValueStateDescriptor<CountWindow> descriptor =
                new ValueStateDescriptor<>("moving-average-values", CountWindowSerializer.INSTANCE);
        if (forgetAfterMillis > 0) {
            // Count-based state never empties by itself: a key that stops sending would keep its last w values
            // forever. Expired entries are never returned and are cleaned in the background (incrementally on the
            // heap backend, by compaction on RocksDB, Flink's defaults).
            descriptor.enableTimeToLive(StateTtlConfig.newBuilder(java.time.Duration.ofMillis(forgetAfterMillis))
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        state = getPartitionedState(descriptor);
        invalidRecords.open(getMetricGroup());
        averaged = getMetricGroup().counter("numRecordsAveraged");
    }

    @Override
    @SuppressWarnings("unchecked")
    public void processElement(StreamRecord<IN> record) throws Exception {
        double value = invalidRecords.read(record, output, getCurrentKey());
        if (Double.isNaN(value)) {
            return;
        }
        CountWindow window = state.value();
        if (window == null) {
            window = new CountWindow(w);
        } else if (window.capacity() != w) {
            // Restored from a savepoint of a job with another w: keep the newest values that still fit.
            double[] kept = window.valuesOldestFirst();
            window = CountWindow.restore(w, Arrays.copyOfRange(kept, Math.max(0, kept.length - w), kept.length));
        }
        window.add(value);
        state.update(window);
        averaged.inc();
        if (!onlyWhenFull || window.isFull()) {
            long ts = record.hasTimestamp() ? record.getTimestamp() : Long.MIN_VALUE;
            MovingAverage<K> result =
                    new MovingAverage<>((K) getCurrentKey(), ts, window.count(), window.sum(), window.average());
            output.collect(record.hasTimestamp() ? new StreamRecord<>(result, ts) : new StreamRecord<>(result));
        }
    }
}
