package io.github.flinkkafkaavg.core.operators;

import io.github.flinkkafkaavg.core.ValueFunction;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.engine.SliceRing;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.core.internal.SlidingStateSerializer;
import java.util.Objects;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
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
 * The Flink host of {@link SlidingWindowEngine} on a keyed stream: per-key engine state in one {@link ValueState},
 * one event-time timer per key, results out as {@link WindowAverage} with timestamp {@code windowEnd - 1}.
 *
 * <p>Use it through {@link io.github.flinkkafkaavg.core.SlidingAverages}. Records must carry event-time timestamps.
 * Records late for every window go to the late-records side output when one is set, else they are dropped and
 * counted ({@code numLateRecordsDropped}, as Flink's window operator names it). Invalid records — the value is NaN or
 * infinite, the value function threw, or the timestamp is too far ahead of the key's open slices — go to the
 * invalid-records side output when one is set, else they are dropped, counted ({@code numInvalidRecords}) and
 * logged at most once a minute.
 *
 * @param <IN> the record type
 * @param <K> the key type
 */
public final class SlidingAverageOperator<IN, K> extends AbstractStreamOperator<WindowAverage<K>>
        implements OneInputStreamOperator<IN, WindowAverage<K>>, Triggerable<K, VoidNamespace> {

    private static final long serialVersionUID = 1L;

    private final SlidingWindowEngine engine;
    private final OutputTag<IN> lateTag;
    private final InvalidRecords<IN> invalidRecords;

    private transient ValueState<SlidingWindowEngine.KeyState> state;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient SlidingWindowEngine.WindowSink sink;
    private transient Counter lateDropped;
    private transient Counter windowsFired;

    /**
     * An operator for one engine configuration.
     *
     * @param engine the window specs and allowed lateness
     * @param valueFunction reads the value of a record
     * @param lateTag where records late for every window go, or null to drop and count them
     * @param invalidTag where invalid records go, or null to drop, count and log them
     */
    public SlidingAverageOperator(SlidingWindowEngine engine, ValueFunction<IN> valueFunction,
            OutputTag<IN> lateTag, OutputTag<IN> invalidTag) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.lateTag = lateTag;
        this.invalidRecords = new InvalidRecords<>(Objects.requireNonNull(valueFunction, "valueFunction"), invalidTag);
    }

    @Override
    public void open() throws Exception {
        super.open();
        state = getPartitionedState(new ValueStateDescriptor<>("sliding-average-slices", SlidingStateSerializer.INSTANCE));
        timers = getInternalTimerService("sliding-average-timers", VoidNamespaceSerializer.INSTANCE, this);
        lateDropped = getMetricGroup().counter("numLateRecordsDropped");
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
        double value = invalidRecords.read(record, output, getCurrentKey());
        if (Double.isNaN(value)) {
            return;
        }
        SlidingWindowEngine.KeyState keyState = state.value();
        if (keyState == null) {
            keyState = new SlidingWindowEngine.KeyState();
        }
        long timerBefore = keyState.timer();
        SlidingWindowEngine.Outcome outcome =
                engine.onElement(keyState, record.getTimestamp(), value, timers.currentWatermark(), sink);
        switch (outcome) {
            case ADDED -> {
                state.update(keyState);
                moveTimer(timerBefore, keyState.timer());
            }
            case LATE -> {
                if (lateTag != null) {
                    output.collect(lateTag, record);
                } else {
                    lateDropped.inc();
                }
            }
            case TOO_FAR_AHEAD -> invalidRecords.reject(record, "its timestamp " + record.getTimestamp()
                    + " is more than " + engine.spanLimit() + " slices of " + engine.sliceMillis()
                    + " ms ahead of the key's oldest open window", output, getCurrentKey());
        }
    }

    @Override
    public void onEventTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
        SlidingWindowEngine.KeyState keyState = state.value();
        if (keyState == null || keyState.timer() != timer.getTimestamp()) {
            return; // superseded by an earlier timer that was registered after this one
        }
        engine.onTimer(keyState, timers.currentWatermark(), sink);
        if (keyState.isEmpty()) {
            state.clear();
        } else {
            state.update(keyState);
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, keyState.timer());
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<K, VoidNamespace> timer) {
        // no processing-time timers are registered
    }

    private void moveTimer(long before, long after) {
        if (before == after) {
            return;
        }
        if (before != SlidingWindowEngine.NO_TIMER) {
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, before);
        }
        if (after != SlidingWindowEngine.NO_TIMER) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, after);
        }
    }

    @SuppressWarnings("unchecked")
    private void emit(int spec, long start, long end, SliceRing.Aggregate window) {
        windowsFired.inc();
        K key = (K) getCurrentKey();
        output.collect(new StreamRecord<>(
                new WindowAverage<>(key, start, end, window.count(), window.sum(), window.min(), window.max()), end - 1));
    }
}
