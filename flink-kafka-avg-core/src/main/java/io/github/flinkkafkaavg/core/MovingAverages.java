package io.github.flinkkafkaavg.core;

import io.github.flinkkafkaavg.core.operators.MovingAverageOperator;
import io.github.flinkkafkaavg.core.typeutils.MovingAverageTypeInfo;
import java.util.Objects;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * Count-based moving averages on a Flink {@code KeyedStream}: per key, in arrival order, one result per record, the
 * mean of the key's last {@code w} values — in O(1) per record, with no drift.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<MovingAverage<String>> last100 = MovingAverages.lastN(100)
 *         .apply(readings.keyBy(SensorReading::sensorId), SensorReading::celsius);
 * }</pre>
 *
 * <p>"Arrival order" is the order records reach the operator: within one Kafka partition, the order they were
 * written. For a key's first {@code w - 1} records the average is over those seen so far ({@link MovingAverage#count()}
 * says how many); {@link #emitOnlyWhenFull()} suppresses them. The state per key is the last {@code w} values.
 *
 * <p>Instances are immutable; every setter returns a new instance.
 */
public final class MovingAverages {

    private final int w;
    private final boolean onlyWhenFull;
    private final OutputTag<?> invalidTag;

    private MovingAverages(int w, boolean onlyWhenFull, OutputTag<?> invalidTag) {
        this.w = w;
        this.onlyWhenFull = onlyWhenFull;
        this.invalidTag = invalidTag;
    }

    /**
     * Averages over each key's last {@code w} values.
     *
     * @param w the number of values averaged, at least 1
     * @return the configuration
     */
    public static MovingAverages lastN(int w) {
        if (w < 1) {
            throw new IllegalArgumentException("lastN must be at least 1, but was " + w);
        }
        return new MovingAverages(w, false, null);
    }

    /**
     * Emits nothing for a key's first {@code w - 1} records, so every result averages exactly {@code w} values.
     *
     * @return a new configuration
     */
    public MovingAverages emitOnlyWhenFull() {
        return new MovingAverages(w, true, invalidTag);
    }

    /**
     * Sends invalid records (NaN or infinite values, value functions that throw) to this side output instead of
     * dropping them.
     *
     * @param tag the side output
     * @param <T> the record type
     * @return a new configuration
     */
    public <T> MovingAverages invalidRecords(OutputTag<T> tag) {
        return new MovingAverages(w, onlyWhenFull, Objects.requireNonNull(tag, "tag"));
    }

    /**
     * Adds the moving-average operator to a keyed stream.
     *
     * @param keyed the records, keyed
     * @param value reads the value to average
     * @param <T> the record type
     * @param <K> the key type
     * @return the stream of results
     */
    @SuppressWarnings("unchecked")
    public <T, K> SingleOutputStreamOperator<MovingAverage<K>> apply(KeyedStream<T, K> keyed, ValueFunction<T> value) {
        Objects.requireNonNull(keyed, "keyed stream");
        Objects.requireNonNull(value, "value function");
        return keyed.transform("MovingAverage(last " + w + ")", MovingAverageTypeInfo.of(keyed.getKeyType()),
                new MovingAverageOperator<>(w, onlyWhenFull, value, (OutputTag<T>) invalidTag));
    }

    @Override
    public String toString() {
        return "MovingAverages{lastN=" + w + (onlyWhenFull ? ", emitOnlyWhenFull" : "") + '}';
    }
}
