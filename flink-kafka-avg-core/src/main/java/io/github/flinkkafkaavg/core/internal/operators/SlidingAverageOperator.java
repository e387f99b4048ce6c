package io.github.flinkkafkaavg.core.internal.operators;

import io.github.flinkkafkaavg.core.Rules;
import io.github.flinkkafkaavg.core.ValueFunction;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.engine.EventTimeLimits;
import io.github.flinkkafkaavg.core.engine.HeaderCache;
import io.github.flinkkafkaavg.core.engine.KeyHeader;
import io.github.flinkkafkaavg.core.engine.KeyedSlidingWindows;
import io.github.flinkkafkaavg.core.engine.Partial;
import io.github.flinkkafkaavg.core.engine.PartialRecord;
import io.github.flinkkafkaavg.core.engine.SliceRing;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.core.internal.KeyHeaderSerializer;
import io.github.flinkkafkaavg.core.internal.SlidingStateSerializer;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The Flink host of {@link SlidingWindowEngine} on a keyed stream: per-key engine state in keyed state, one
 * event-time timer per key, results out as {@link WindowAverage} with timestamp {@code windowEnd - 1}.
 *
 * <p>Which state is read and written when is the engine's ({@link KeyedSlidingWindows}); this operator adapts
 * Flink's keyed state and timer service to it and picks the layout from the backend: a backend that hands out
 * copies (it serializes: RocksDB, ForSt) gets {@link KeyedSlidingWindows.Layout#HEADER_FIRST}, the heap backend
 * {@link KeyedSlidingWindows.Layout#IN_PLACE}. Changed headers held on the heap are written before Flink snapshots
 * the keyed state and at the end of input. Both states are in every checkpoint, so a savepoint restores on either
 * backend.
 *
 * <p>Use it through {@link io.github.flinkkafkaavg.core.datastream.SlidingAverages}. Records must carry event-time timestamps.
 * Records late for every window go to the late-records side output when one is set, else they are dropped and
 * counted ({@code numLateRecordsDropped}, as Flink's window operator names it). Invalid records — the value is NaN or
 * infinite, the value function threw, the event time is outside the {@link EventTimeLimits} (checked before any
 * state is touched), or it is too far ahead of the key's open slices — go to the invalid-records side output when
 * one is set, else they are dropped and logged with the reason at most once a minute. Every record is counted once:
 * {@code numRecordsAveraged}, {@code numLateRecords} or {@code numInvalidRecords}, whichever became of it.
 *
 * <p>A {@link PartialRecord} stands for the records of one key and slice added up before the {@code keyBy}; it is
 * added as a whole and counted as those records. Only pipelines without allowed lateness send them, so a late one
 * is counted late and dropped ({@code numLateRecordsDropped}), as its records would have been without a late output.
 *
 * @param <IN> the record type
 * @param <K> the key type
 */
public final class SlidingAverageOperator<IN, K> extends AbstractStreamOperator<WindowAverage<K>>
        implements OneInputStreamOperator<IN, WindowAverage<K>>, Triggerable<K, VoidNamespace> {

    private static final long serialVersionUID = 1L;
    private static final String HEADERS = "sliding-average-headers";

    private final SlidingWindowEngine engine;
    private final EventTimeLimits limits;
    private final OutputTag<IN> lateTag;
    private final InvalidRecords<IN> invalidRecords;
    private final int cachedHeaders;

    private transient KeyedSlidingWindows<K> windows;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient SlidingWindowEngine.WindowSink sink;
    private transient Counter lateDropped;
    private transient Counter late;
    private transient Counter averaged;
    private transient Counter windowsFired;

    /**
     * An operator for one engine configuration that refuses only the event times the engine cannot window
     * ({@link SlidingWindowEngine#windowableTimes()}).
     *
     * @param engine the window specs and allowed lateness
     * @param valueFunction reads the value of a record
     * @param lateTag where records late for every window go, or null to drop and count them
     * @param invalidTag where invalid records go, or null to drop, count and log them
     */
    public SlidingAverageOperator(SlidingWindowEngine engine, ValueFunction<IN> valueFunction,
            OutputTag<IN> lateTag, OutputTag<IN> invalidTag) {
        this(engine, engine.windowableTimes(), valueFunction, lateTag, invalidTag, HeaderCache.DEFAULT_CAPACITY);
    }

    /**
     * An operator for one engine configuration with limits on event times of its own.
     *
     * @param engine the window specs and allowed lateness
     * @param limits the event times accepted; must lie within {@link SlidingWindowEngine#windowableTimes()}
     * @param valueFunction reads the value of a record
     * @param lateTag where records late for every window go, or null to drop and count them
     * @param invalidTag where invalid records go, or null to drop, count and log them
     * @param cachedHeaders on a serializing backend, the most keys whose changed headers wait on the heap
     *     ({@link HeaderCache})
     */
    public SlidingAverageOperator(SlidingWindowEngine engine, EventTimeLimits limits, ValueFunction<IN> valueFunction,
            OutputTag<IN> lateTag, OutputTag<IN> invalidTag, int cachedHeaders) {
        this.engine = Objects.requireNonNull(engine, "engine");
        EventTimeLimits windowable = engine.windowableTimes();
        if (limits.earliest() < windowable.earliest() || limits.latest() > windowable.latest()) {
            throw new IllegalArgumentException(limits + " accepts event times the engine cannot window: "
                    + windowable);
        }
        Rules.require(Rules.headerCacheSize(cachedHeaders)); // at job build time, not in open()
        this.limits = limits;
        this.lateTag = lateTag;
        this.invalidRecords = new InvalidRecords<>(Objects.requireNonNull(valueFunction, "valueFunction"), invalidTag);
        this.cachedHeaders = cachedHeaders;
    }

    @Override
    public void open() throws Exception {
        super.open();
        ValueState<SlidingWindowEngine.KeyState> slices =
                getPartitionedState(new ValueStateDescriptor<>("sliding-average-slices", SlidingStateSerializer.INSTANCE));
        ValueState<KeyHeader> headers = getPartitionedState(new ValueStateDescriptor<>(HEADERS, KeyHeaderSerializer.INSTANCE));
        // Backends that hand out copies (they serialize) allow reuse of read values; the heap backend hands out the
        // live objects. That is exactly the line between "state access is free" and "state access costs bytes".
        KeyedSlidingWindows.Layout layout = getKeyedStateBackend().isSafeToReuseKVState()
                ? KeyedSlidingWindows.Layout.HEADER_FIRST : KeyedSlidingWindows.Layout.IN_PLACE;
        timers = getInternalTimerService("sliding-average-timers", VoidNamespaceSerializer.INSTANCE, this);
        // Serializing backends keep the slices in chunks with an index (SliceChunks), so that a fire reads a few of
        // them; the heap backend only reads these states after restoring a savepoint that has them.
        ValueState<byte[]> chunkIndex = getPartitionedState(
                new ValueStateDescriptor<>("sliding-average-chunk-index", BytePrimitiveArraySerializer.INSTANCE));
        MapState<Long, byte[]> chunks = getPartitionedState(new MapStateDescriptor<>("sliding-average-chunks", LongSerializer.INSTANCE,
                        BytePrimitiveArraySerializer.INSTANCE));
        FlinkKeyedState<K> keyed = new FlinkKeyedState<>(this, slices, headers, chunkIndex, chunks, timers);
        windows = new KeyedSlidingWindows<>(engine, keyed, keyed, layout, cachedHeaders);
        if (layout == KeyedSlidingWindows.Layout.IN_PLACE) {
            List<K> restored;
            @SuppressWarnings("unchecked")
            Stream<K> keys = (Stream<K>) (Stream<?>) getKeyedStateBackend().getKeys(HEADERS, VoidNamespace.INSTANCE);
            try (keys) {
                restored = keys.collect(Collectors.toList());
            }
            windows.mergeHeaders(restored);
        }
        lateDropped = getMetricGroup().counter("numLateRecordsDropped");
        late = getMetricGroup().counter("numLateRecords");
        averaged = getMetricGroup().counter("numRecordsAveraged");
        invalidRecords.open(getMetricGroup());
        windowsFired = getMetricGroup().counter("numWindowsFired");
        sink = this::emit;
    }

    @Override
    public void processElement(StreamRecord<IN> record) throws Exception {
        if (!record.hasTimestamp()) {
            throw new IllegalStateException("Record has no timestamp (Long.MIN_VALUE = no timestamp marker). Did you"
                    + " forget to call DataStream.assignTimestampsAndWatermarks(...) or to give the source a"
                    + " WatermarkStrategy with a timestamp assigner? Sliding averages run on event time.");
        }
        if (record.getValue() instanceof PartialRecord carrier) {
            Partial partial = carrier.partial();
            if (partial != null) {
                processPartial(record, partial);
                return;
            }
        }
        double value = invalidRecords.read(record, output, getCurrentKey());
        if (Double.isNaN(value)) {
            return;
        }
        // Decided here, before any state: a time whose windows cannot be computed or published would otherwise
        // fail the job, or vanish, on every replay of the same record.
        String why = limits.check(record.getTimestamp(),
                limits.needsClock() ? getProcessingTimeService().getCurrentProcessingTime() : 0);
        if (why != null) {
            invalidRecords.reject(record, why, output, getCurrentKey());
            return;
        }
        SlidingWindowEngine.Outcome outcome =
                windows.onElement(record.getTimestamp(), value, timers.currentWatermark(), sink);
        if (outcome == SlidingWindowEngine.Outcome.ADDED) {
            averaged.inc();
        } else if (outcome == SlidingWindowEngine.Outcome.LATE) {
            late.inc();
            if (lateTag != null) {
                output.collect(lateTag, record);
            } else {
                lateDropped.inc();
            }
        } else {
            invalidRecords.reject(record, tooFarAhead(record.getTimestamp()), output, getCurrentKey());
        }
    }

    /**
     * Values of one slice added up before the {@code keyBy}: one decision for all, counted as their records. Late
     * ones can only be dropped — the records they stand for are gone — which is what an averaging without allowed
     * lateness and without a late output does with late records anyway; the combiner sends the records it finds late
     * on alone, so this happens only to values that turned late on the way (their source was behind the others).
     */
    private void processPartial(StreamRecord<IN> record, Partial partial) throws Exception {
        long n = partial.count();
        String why = limits.check(record.getTimestamp(),
                limits.needsClock() ? getProcessingTimeService().getCurrentProcessingTime() : 0);
        if (why != null) {
            invalidRecords.reject(record, n, why, output, getCurrentKey());
            return;
        }
        SlidingWindowEngine.Outcome outcome =
                windows.onPartial(record.getTimestamp(), partial, timers.currentWatermark(), sink);
        if (outcome == SlidingWindowEngine.Outcome.ADDED) {
            averaged.inc(n);
        } else if (outcome == SlidingWindowEngine.Outcome.LATE) {
            late.inc(n);
            lateDropped.inc(n);
        } else {
            invalidRecords.reject(record, n, tooFarAhead(record.getTimestamp()), output, getCurrentKey());
        }
    }

    private String tooFarAhead(long timestamp) {
        return "its timestamp " + timestamp + " is more than " + engine.spanLimit() + " slices of "
                + engine.sliceMillis() + " ms ahead of the key's oldest open window";
    }

    @Override
    public void onEventTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
        windows.onTimer(timer.getTimestamp(), timers.currentWatermark(), sink);
    }

    @Override
    public void onProcessingTime(InternalTimer<K, VoidNamespace> timer) {
        // no processing-time timers are registered
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        // Flink snapshots the keyed state after this hook returns: the cached headers must be in it by then.
        windows.flush();
        super.snapshotState(context);
    }

    @Override
    public void finish() throws Exception {
        windows.flush();
        super.finish();
    }

    @SuppressWarnings("unchecked")
    private void emit(int spec, long start, long end, SliceRing.Aggregate window) {
        windowsFired.inc();
        K key = (K) getCurrentKey();
        output.collect(new StreamRecord<>(
                new WindowAverage<>(key, start, end, window.count(), window.sum(), window.min(), window.max(),
                        window.average()), end - 1));
    }
}
