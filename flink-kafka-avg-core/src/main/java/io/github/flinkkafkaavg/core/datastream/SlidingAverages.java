package io.github.flinkkafkaavg.core.datastream;

import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.ValueFunction;
import io.github.flinkkafkaavg.core.Rules;
import io.github.flinkkafkaavg.core.engine.EventTimeLimits;
import io.github.flinkkafkaavg.core.engine.HeaderCache;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.core.internal.operators.SlidingAverageOperator;
import io.github.flinkkafkaavg.core.typeutils.WindowAverageTypeInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * Keyed event-time sliding averages on a Flink {@code KeyedStream}, computed by slices: the same results as
 * {@code .window(SlidingEventTimeWindows.of(W, S)).aggregate(average)}, at a per-record cost that does not grow
 * with W/S.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<WindowAverage<String>> averages = SlidingAverages
 *         .over(WindowSpec.ofSizeAndSlide(Duration.ofMinutes(1), Duration.ofSeconds(5)))
 *         .allowedLateness(Duration.ofSeconds(10))
 *         .apply(readings.keyBy(SensorReading::sensorId), SensorReading::celsius);
 * }</pre>
 *
 * <p>The input must carry event-time timestamps and watermarks ({@code assignTimestampsAndWatermarks} or a
 * source's {@code WatermarkStrategy}). Each window {@code [start, end)} is emitted when the watermark reaches
 * {@code end - 1}, with {@code end - 1} as its timestamp; windows without records are not emitted. Several window
 * specs ({@link #over(WindowSpec...)}) share one slice ring per key, e.g. 1, 5 and 15 minute averages from one
 * state; their results are told apart by {@link WindowAverage#windowEnd()} − {@link WindowAverage#windowStart()},
 * so the specs must have different sizes.
 *
 * <p>CAUTION: records later than the allowed lateness (default 0) for every window that contains them are dropped
 * and counted unless {@link #lateRecords(OutputTag)} names a side output for them. Invalid records are dropped,
 * counted and logged (with the reason) unless {@link #invalidRecords(OutputTag)} names a side output: values that
 * are NaN or infinite or a value function that throws; event times whose windows cannot be computed in a long
 * ({@code Long.MIN_VALUE}, {@code Long.MAX_VALUE} and their neighbourhoods, always), before the epoch
 * ({@link #rejectPreEpochEventTimes()}) or too far from the processing clock ({@link #maxFutureEventTime},
 * {@link #maxPastEventTime}). Every record is counted once on the operator: {@code numRecordsAveraged},
 * {@code numLateRecords} or {@code numInvalidRecords}.
 *
 * <p>Instances are immutable; every setter returns a new instance.
 */
@PublicEvolving
public final class SlidingAverages {

    private final List<WindowSpec> specs;
    private final long allowedLateness;
    private final OutputTag<?> lateTag;
    private final OutputTag<?> invalidTag;
    private final boolean rejectPreEpoch;
    private final Duration maxFuture;
    private final Duration maxPast;
    private final int cachedHeaders;

    private SlidingAverages(List<WindowSpec> specs, long allowedLateness, OutputTag<?> lateTag, OutputTag<?> invalidTag,
            boolean rejectPreEpoch, Duration maxFuture, Duration maxPast, int cachedHeaders) {
        this.specs = specs;
        this.allowedLateness = allowedLateness;
        this.lateTag = lateTag;
        this.invalidTag = invalidTag;
        this.rejectPreEpoch = rejectPreEpoch;
        this.maxFuture = maxFuture;
        this.maxPast = maxPast;
        this.cachedHeaders = cachedHeaders;
    }

    /**
     * Averages over one or more window specs, with no allowed lateness.
     *
     * @param specs at least one spec; sizes must differ when there are several
     * @return the configuration
     * @throws IllegalArgumentException when no spec is given or two specs have the same size
     */
    public static SlidingAverages over(WindowSpec... specs) {
        Objects.requireNonNull(specs, "specs");
        if (specs.length == 0) {
            throw new IllegalArgumentException("at least one window spec is needed: SlidingAverages.over(WindowSpec...)");
        }
        List<WindowSpec> list = new ArrayList<>();
        Set<Long> sizes = new HashSet<>();
        for (WindowSpec spec : specs) {
            Objects.requireNonNull(spec, "window spec must not be null");
            if (!sizes.add(spec.sizeMillis())) {
                throw new IllegalArgumentException("two window specs have the same size " + spec.sizeMillis()
                        + " ms; results are told apart by their size, so give each spec a different size");
            }
            list.add(spec);
        }
        return new SlidingAverages(List.copyOf(list), 0, null, null, false, null, null, HeaderCache.DEFAULT_CAPACITY);
    }

    /**
     * How long after a window's end records still update it; each such record emits the window again.
     *
     * @param lateness zero or positive, whole milliseconds
     * @return a new configuration
     */
    public SlidingAverages allowedLateness(Duration lateness) {
        Objects.requireNonNull(lateness, "allowed lateness must not be null");
        Rules.require(Rules.allowedLateness(lateness));
        return new SlidingAverages(specs, lateness.toMillis(), lateTag, invalidTag, rejectPreEpoch, maxFuture, maxPast,
                cachedHeaders);
    }

    /**
     * Sends records that are late for every window to this side output instead of dropping them.
     *
     * @param tag the side output, read with {@code getSideOutput(tag)} on the result stream
     * @param <T> the record type
     * @return a new configuration
     */
    public <T> SlidingAverages lateRecords(OutputTag<T> tag) {
        return new SlidingAverages(specs, allowedLateness, Objects.requireNonNull(tag, "tag"), invalidTag, rejectPreEpoch,
                maxFuture, maxPast, cachedHeaders);
    }

    /**
     * Sends invalid records (NaN or infinite values, value functions that throw, event times outside
     * {@link #eventTimeLimits()}) to this side output instead of dropping them.
     *
     * @param tag the side output, read with {@code getSideOutput(tag)} on the result stream
     * @param <T> the record type
     * @return a new configuration
     */
    public <T> SlidingAverages invalidRecords(OutputTag<T> tag) {
        return new SlidingAverages(specs, allowedLateness, lateTag, Objects.requireNonNull(tag, "tag"), rejectPreEpoch,
                maxFuture, maxPast, cachedHeaders);
    }

    /**
     * Refuses, as invalid, records with an event time whose windows would be emitted with a timestamp
     * ({@code windowEnd - 1}) before 1970 — negative, which Kafka refuses: in effect, event times before the epoch.
     * Use it when results go to Kafka; without it such records are averaged as Flink's windows would.
     *
     * @return a new configuration
     */
    public SlidingAverages rejectPreEpochEventTimes() {
        return new SlidingAverages(specs, allowedLateness, lateTag, invalidTag, true, maxFuture, maxPast, cachedHeaders);
    }

    /**
     * Refuses, as invalid, records whose event time is more than {@code ahead} after the processing clock when they
     * reach the operator: a sensor whose clock runs fast, or seconds taken for milliseconds, would otherwise push
     * the watermark ahead and close every other key's windows early, and its results may be refused by the output.
     *
     * @param ahead zero or more
     * @return a new configuration
     */
    public SlidingAverages maxFutureEventTime(Duration ahead) {
        Objects.requireNonNull(ahead, "maxFutureEventTime");
        Rules.require(Rules.notNegative("maxFutureEventTime", ahead));
        return new SlidingAverages(specs, allowedLateness, lateTag, invalidTag, rejectPreEpoch, ahead, maxPast, cachedHeaders);
    }

    /**
     * Refuses, as invalid, records whose event time is more than {@code behind} before the processing clock when
     * they reach the operator, e.g. because the output topic refuses older timestamps
     * ({@code message.timestamp.before.max.ms}).
     *
     * @param behind zero or more
     * @return a new configuration
     */
    public SlidingAverages maxPastEventTime(Duration behind) {
        Objects.requireNonNull(behind, "maxPastEventTime");
        Rules.require(Rules.notNegative("maxPastEventTime", behind));
        return new SlidingAverages(specs, allowedLateness, lateTag, invalidTag, rejectPreEpoch, maxFuture, behind, cachedHeaders);
    }

    /**
     * On a backend that serializes state (RocksDB, ForSt): the most keys whose changed {@code KeyHeader}s wait on
     * the heap before all are written ({@link HeaderCache}, default {@value HeaderCache#DEFAULT_CAPACITY}). A key's
     * records between two checkpoints then cost one backend read and write for all of them; the heap holds at most
     * a few hundred bytes per key. 0 writes every record's header at once. No effect on the heap backend.
     *
     * @param keys 0 or more
     * @return a new configuration
     */
    public SlidingAverages headerCacheSize(int keys) {
        Rules.require(Rules.headerCacheSize(keys));
        return new SlidingAverages(specs, allowedLateness, lateTag, invalidTag, rejectPreEpoch, maxFuture, maxPast, keys);
    }

    /**
     * The event times the operator accepts: those its windows can be computed for, within the limits set here.
     *
     * @return the limits, with a reason for each
     */
    public EventTimeLimits eventTimeLimits() {
        return eventTimeLimits(new SlidingWindowEngine(specs, allowedLateness));
    }

    private EventTimeLimits eventTimeLimits(SlidingWindowEngine engine) {
        EventTimeLimits limits = engine.windowableTimes();
        if (rejectPreEpoch) {
            limits = limits.atLeast(engine.firstTimestampWithResultsAtOrAfter(0), "a window holding it would be"
                    + " emitted with a timestamp (window end - 1) before 1970, and Kafka refuses negative timestamps;"
                    + " check the clock or the field the event time is read from");
        }
        return limits.maxAhead(maxFuture).maxBehind(maxPast);
    }

    /**
     * Adds the sliding-average operator to a keyed stream.
     *
     * @param keyed the records, keyed
     * @param value reads the value to average from a record
     * @param <T> the record type
     * @param <K> the key type
     * @return the stream of results, with the late and invalid side outputs if set
     */
    public <T, K> SingleOutputStreamOperator<WindowAverage<K>> apply(KeyedStream<T, K> keyed, ValueFunction<T> value) {
        Objects.requireNonNull(keyed, "keyed stream");
        SlidingAverageOperator<T, K> operator = operator(value);
        // No automatic uid: two averages in one job would clash. Users set .uid(...) for savepoint compatibility.
        String name = "SlidingAverage(" + specs.stream().map(WindowSpec::label).collect(Collectors.joining(", ")) + ")";
        return keyed.transform(name, WindowAverageTypeInfo.of(keyed.getKeyType()), operator);
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
    public <T, K> SlidingAverageOperator<T, K> operator(ValueFunction<T> value) {
        Objects.requireNonNull(value, "value function");
        SlidingWindowEngine engine = new SlidingWindowEngine(specs, allowedLateness);
        return new SlidingAverageOperator<>(
                engine, eventTimeLimits(engine), value, (OutputTag<T>) lateTag, (OutputTag<T>) invalidTag, cachedHeaders);
    }

    @Override
    public String toString() {
        return "SlidingAverages{specs=" + specs + ", allowedLateness=" + allowedLateness + "ms}";
    }
}
