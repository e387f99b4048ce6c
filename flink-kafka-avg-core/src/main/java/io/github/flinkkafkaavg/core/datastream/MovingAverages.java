package io.github.flinkkafkaavg.core.datastream;

import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.ValueFunction;
import io.github.flinkkafkaavg.core.Rules;
import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.internal.operators.MovingAverageOperator;
import io.github.flinkkafkaavg.core.typeutils.MovingAverageTypeInfo;
import java.time.Duration;
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
@PublicEvolving
public final class MovingAverages {

    private final int w;
    private final boolean onlyWhenFull;
    private final OutputTag<?> invalidTag;
    private final Duration forgetAfter;

    private MovingAverages(int w, boolean onlyWhenFull, OutputTag<?> invalidTag, Duration forgetAfter) {
        this.w = w;
        this.onlyWhenFull = onlyWhenFull;
        this.invalidTag = invalidTag;
        this.forgetAfter = forgetAfter;
    }

    /**
     * Averages over each key's last {@code w} values.
     *
     * @param w the number of values averaged, at least 1
     * @return the configuration
     */
    public static MovingAverages lastN(int w) {
        Rules.require(Rules.lastN(w));
        return new MovingAverages(w, false, null, null);
    }

    /**
     * Emits nothing for a key's first {@code w - 1} records, so every result averages exactly {@code w} values.
     *
     * @return a new configuration
     */
    public MovingAverages emitOnlyWhenFull() {
        return new MovingAverages(w, true, invalidTag, forgetAfter);
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
        return new MovingAverages(w, onlyWhenFull, Objects.requireNonNull(tag, "tag"), forgetAfter);
    }

    /**
     * Forgets a key that has sent nothing for {@code silence} of processing time (Flink state TTL): its next record
     * starts a new average. Without it a key's last {@code w} values are kept forever, so a stream whose keys come
     * and go (sessions, devices that are retired) grows without bound. Turning this on or off changes the state
     * format: restore from a savepoint taken with the same setting.
     *
     * @param silence how long a silent key is kept; positive
     * @return a new configuration
     */
    public MovingAverages forgetKeysAfter(Duration silence) {
        Objects.requireNonNull(silence, "silence");
        Rules.require(Rules.forgetKeysAfter(silence));
        return new MovingAverages(w, onlyWhenFull, invalidTag, silence);
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
    public <T, K> SingleOutputStreamOperator<MovingAverage<K>> apply(KeyedStream<T, K> keyed, ValueFunction<T> value) {
        Objects.requireNonNull(keyed, "keyed stream");
        return keyed.transform("MovingAverage(last " + w + ")", MovingAverageTypeInfo.of(keyed.getKeyType()),
                operator(value));
    }

    /**
     * The operator {@link #apply} adds, for hosts other than a {@code DataStream}: the test drivers run it in Flink's
     * operator test harness, so that a test sees exactly what a job computes.
     *
     * @param value reads the value to average from a record
     * @param <T> the record type
     * @param <K> the key type
     * @return a new operator of this configuration
     */
    @Internal
    @SuppressWarnings("unchecked")
    public <T, K> MovingAverageOperator<T, K> operator(ValueFunction<T> value) {
        Objects.requireNonNull(value, "value function");
        return new MovingAverageOperator<>(w, onlyWhenFull, value, (OutputTag<T>) invalidTag, forgetAfter);
    }

    @Override
    public String toString() {
        return "MovingAverages{lastN=" + w + (onlyWhenFull ? ", emitOnlyWhenFull" : "")
                + (forgetAfter == null ? "" : ", forgetKeysAfter=" + forgetAfter) + '}';
    }
}
