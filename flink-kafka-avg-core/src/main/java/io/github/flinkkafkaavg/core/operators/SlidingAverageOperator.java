package io.github.flinkkafkaavg.core.operators;

import io.github.flinkkafkaavg.core.ValueFunction;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.engine.EventTimeLimits;
import io.github.flinkkafkaavg.core.engine.KeyHeader;
import io.github.flinkkafkaavg.core.engine.SliceRing;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.core.internal.KeyHeaderSerializer;
import io.github.flinkkafkaavg.core.internal.SlidingStateSerializer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
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
 * <p>State layout depends on the backend. On the heap backend each key's slices live in one {@link ValueState}
 * used in place, at no serialization cost. A backend that serializes every access (RocksDB, ForSt) would read and
 * write the whole slice ring — 40 bytes per slice — for every record, so there a second, small state holds the
 * key's {@link KeyHeader} (bookkeeping plus the values added since the ring was last written). A record changes
 * only the header; the ring is read only when a timer fires or a record re-fires a window, and a fire writes it
 * back only every few slides ({@link KeyHeader#keepAfterFire}). Changed headers are held on the heap, for up to
 * 4,096 keys, and written when a snapshot is taken (before Flink snapshots the keyed state), at the end of input,
 * when the bound is reached, or when the key's timer fires or its slices are loaded: so a key's records between
 * two fires cost one read and write of its header for all of them, as Flink SQL's mini-batch aggregation holds its
 * accumulators. Both states are in every checkpoint, so a savepoint restores on either backend: pending values a
 * RocksDB job left in headers are merged into the slices when a heap job restores.
 *
 * <p>Use it through {@link io.github.flinkkafkaavg.core.SlidingAverages}. Records must carry event-time timestamps.
 * Records late for every window go to the late-records side output when one is set, else they are dropped and
 * counted ({@code numLateRecordsDropped}, as Flink's window operator names it). Invalid records — the value is NaN or
 * infinite, the value function threw, the event time is outside the {@link EventTimeLimits} (checked before any
 * state is touched), or it is too far ahead of the key's open slices — go to the invalid-records side output when
 * one is set, else they are dropped and logged with the reason at most once a minute. Every record is counted once:
 * {@code numRecordsAveraged}, {@code numLateRecords} or {@code numInvalidRecords}, whichever became of it.
 *
 * @param <IN> the record type
 * @param <K> the key type
 */
public final class SlidingAverageOperator<IN, K> extends AbstractStreamOperator<WindowAverage<K>>
        implements OneInputStreamOperator<IN, WindowAverage<K>>, Triggerable<K, VoidNamespace> {

    private static final long serialVersionUID = 1L;
    private static final String HEADERS = "sliding-average-headers";
    /**
     * The most keys whose changed headers are held on the heap before all are written to the state backend: a few
     * megabytes at most (a header is 34 bytes plus 48 per pending slice, up to 8), enough that a key with several
     * records between snapshots is read and written once for all of them.
     */
    static final int MAX_CACHED_HEADERS = 4_096;

    private final SlidingWindowEngine engine;
    private final EventTimeLimits limits;
    private final OutputTag<IN> lateTag;
    private final InvalidRecords<IN> invalidRecords;

    private transient ValueState<SlidingWindowEngine.KeyState> state;
    private transient ValueState<KeyHeader> headers;
    /**
     * Headers changed since they were last written, by key, on a serializing backend: a key's records between two
     * writes cost a map lookup instead of a RocksDB get and put each. Written back when a snapshot is taken, at the
     * end of input, when {@link #MAX_CACHED_HEADERS} keys are held, and per key when its slices are needed.
     */
    private transient HashMap<Object, KeyHeader> cachedHeaders;
    private transient TypeSerializer<Object> keySerializer;
    /** Whether the backend serializes state on every access, so that the per-record path uses the headers. */
    private transient boolean deferring;
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
        this(engine, engine.windowableTimes(), valueFunction, lateTag, invalidTag);
    }

    /**
     * An operator for one engine configuration with limits on event times of its own.
     *
     * @param engine the window specs and allowed lateness
     * @param limits the event times accepted; must lie within {@link SlidingWindowEngine#windowableTimes()}
     * @param valueFunction reads the value of a record
     * @param lateTag where records late for every window go, or null to drop and count them
     * @param invalidTag where invalid records go, or null to drop, count and log them
     */
    public SlidingAverageOperator(SlidingWindowEngine engine, EventTimeLimits limits, ValueFunction<IN> valueFunction,
            OutputTag<IN> lateTag, OutputTag<IN> invalidTag) {
        this.engine = Objects.requireNonNull(engine, "engine");
        EventTimeLimits windowable = engine.windowableTimes();
        if (limits.earliest() < windowable.earliest() || limits.latest() > windowable.latest()) {
            throw new IllegalArgumentException(limits + " accepts event times the engine cannot window: "
                    + windowable);
        }
        this.limits = limits;
        this.lateTag = lateTag;
        this.invalidRecords = new InvalidRecords<>(Objects.requireNonNull(valueFunction, "valueFunction"), invalidTag);
    }

    @Override
    public void open() throws Exception {
        super.open();
        state = getPartitionedState(new ValueStateDescriptor<>("sliding-average-slices", SlidingStateSerializer.INSTANCE));
        headers = getPartitionedState(new ValueStateDescriptor<>(HEADERS, KeyHeaderSerializer.INSTANCE));
        // Backends that hand out copies (they serialize) allow reuse of read values; the heap backend hands out the
        // live objects. That is exactly the line between "state access is free" and "state access costs bytes".
        deferring = getKeyedStateBackend().isSafeToReuseKVState();
        if (!deferring) {
            mergeRestoredHeaders();
        }
        cachedHeaders = new HashMap<>();
        @SuppressWarnings("unchecked")
        TypeSerializer<Object> keys = (TypeSerializer<Object>) getKeyedStateBackend().getKeySerializer();
        keySerializer = keys;
        timers = getInternalTimerService("sliding-average-timers", VoidNamespaceSerializer.INSTANCE, this);
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
        if (deferring) {
            processDeferred(record, value);
            return;
        }
        SlidingWindowEngine.KeyState keyState = state.value();
        if (keyState == null) {
            keyState = new SlidingWindowEngine.KeyState();
        }
        long timerBefore = keyState.timer();
        SlidingWindowEngine.Outcome outcome =
                engine.onElement(keyState, record.getTimestamp(), value, timers.currentWatermark(), sink);
        if (outcome == SlidingWindowEngine.Outcome.ADDED) {
            averaged.inc();
            state.update(keyState);
            moveTimer(timerBefore, keyState.timer());
        } else {
            refused(record, outcome);
        }
    }

    /** The per-record path on a serializing backend: the header only, the slices when the engine needs them. */
    private void processDeferred(StreamRecord<IN> record, double value) throws Exception {
        Object key = getCurrentKey();
        KeyHeader header = cachedHeaders.get(key);
        boolean cached = header != null;
        if (header == null) {
            header = headers.value();
            if (header == null) {
                // A new key, or one restored from a savepoint that holds only its slices.
                SlidingWindowEngine.KeyState saved = state.value();
                header = saved == null ? new KeyHeader() : KeyHeader.of(saved);
            }
        }
        long timerBefore = header.timer();
        long watermark = timers.currentWatermark();
        SlidingWindowEngine.Outcome outcome = engine.onElementDeferred(header, record.getTimestamp(), value, watermark);
        if (outcome == SlidingWindowEngine.Outcome.ADDED) {
            averaged.inc();
            moveTimer(timerBefore, header.timer());
            if (!cached) {
                cachedHeaders.put(keySerializer.copy(key), header);
                if (cachedHeaders.size() >= MAX_CACHED_HEADERS) {
                    writeCachedHeaders();
                }
            }
            return;
        }
        if (outcome != null) {
            refused(record, outcome);
            return;
        }
        if (cached) {
            cachedHeaders.remove(key); // written below with the slices: a cached header always has pending values
        }
        boolean hadPending = header.pendingSlices() > 0;
        SlidingWindowEngine.KeyState keyState = engine.load(state.value(), header);
        outcome = engine.onElement(keyState, record.getTimestamp(), value, watermark, sink);
        if (outcome == SlidingWindowEngine.Outcome.ADDED || hadPending) {
            state.update(keyState);
            headers.update(KeyHeader.of(keyState));
            moveTimer(timerBefore, keyState.timer());
        }
        if (outcome == SlidingWindowEngine.Outcome.ADDED) {
            averaged.inc();
        } else {
            refused(record, outcome);
        }
    }

    /** Writes every cached header to the state backend; the current key is the same afterwards. */
    private void writeCachedHeaders() throws Exception {
        if (cachedHeaders.isEmpty()) {
            return;
        }
        Object current = getCurrentKey();
        for (Map.Entry<Object, KeyHeader> entry : cachedHeaders.entrySet()) {
            setCurrentKey(entry.getKey());
            headers.update(entry.getValue());
        }
        cachedHeaders.clear();
        if (current != null) {
            setCurrentKey(current);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        // Flink snapshots the keyed state after this hook returns: the cached headers must be in it by then.
        writeCachedHeaders();
        super.snapshotState(context);
    }

    @Override
    public void finish() throws Exception {
        writeCachedHeaders();
        super.finish();
    }

    private void refused(StreamRecord<IN> record, SlidingWindowEngine.Outcome outcome) {
        if (outcome == SlidingWindowEngine.Outcome.LATE) {
            late.inc();
            if (lateTag != null) {
                output.collect(lateTag, record);
            } else {
                lateDropped.inc();
            }
        } else {
            invalidRecords.reject(record, "its timestamp " + record.getTimestamp()
                    + " is more than " + engine.spanLimit() + " slices of " + engine.sliceMillis()
                    + " ms ahead of the key's oldest open window", output, getCurrentKey());
        }
    }

    @Override
    public void onEventTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
        KeyHeader header = null;
        boolean cached = false;
        if (deferring) {
            header = cachedHeaders.remove(getCurrentKey());
            cached = header != null;
            if (header == null) {
                header = headers.value();
            }
        }
        SlidingWindowEngine.KeyState keyState = header == null ? state.value() : engine.load(state.value(), header);
        if (keyState == null || keyState.timer() != timer.getTimestamp()) {
            if (cached) {
                headers.update(header);
            }
            return; // superseded by an earlier timer that was registered after this one
        }
        engine.onTimer(keyState, timers.currentWatermark(), sink);
        if (keyState.isEmpty()) {
            state.clear();
            headers.clear();
        } else {
            if (header != null && header.keepAfterFire(keyState)) {
                headers.update(header);
            } else {
                state.update(keyState);
                if (deferring) {
                    headers.update(KeyHeader.of(keyState));
                }
            }
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, keyState.timer());
        }
    }

    /**
     * Moves the pending values of headers that a savepoint of a job on a serializing backend left behind into the
     * slices, for a job that restored it on the heap backend, which reads only the slices per record.
     */
    private void mergeRestoredHeaders() throws Exception {
        List<Object> keys;
        try (Stream<Object> stream = getKeyedStateBackend().getKeys(HEADERS, VoidNamespace.INSTANCE)) {
            keys = stream.collect(Collectors.toList());
        }
        for (Object key : keys) {
            setCurrentKey(key);
            KeyHeader header = headers.value();
            if (header != null) {
                SlidingWindowEngine.KeyState keyState = engine.load(state.value(), header);
                if (keyState.isEmpty()) {
                    state.clear();
                } else {
                    state.update(keyState);
                }
                headers.clear();
            }
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
                new WindowAverage<>(key, start, end, window.count(), window.sum(), window.min(), window.max(),
                        window.average()), end - 1));
    }
}
