package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.core.engine.SliceCombiner;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import java.util.Objects;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Adds up a pipeline's samples per key and slice before its {@code keyBy} ({@link SliceCombiner}), so that the
 * exchange and the averaging task handle one {@link SampleGroup} per key and slice between two watermarks instead of
 * one per record: at ~50 records per key and slice and watermark, a fiftieth of the serializing, network hand-over
 * and per-record state work. Used only where that gives the same results: no allowed lateness and no late-records
 * topic (see {@link io.github.flinkkafkaavg.core.engine.SlidingWindowEngine#onPartial}).
 *
 * <p>It holds nothing across a checkpoint: everything goes on before a watermark, a change of watermark status (an
 * idle input must not let the averaging task's watermark pass records held here), a checkpoint barrier
 * ({@link #prepareSnapshotPreBarrier}) and the end of input, and when {@code capacity} partials are held. A record
 * whose slice has ended at this operator's watermark goes on alone, after everything held. When a flush at a
 * watermark or a full table finds fewer than two records per partial — many keys, each with a record now and then —
 * combining costs more than it saves, so the next {@code 8 × capacity} records go on alone before it tries again.
 */
@Internal
public final class CombineSlices extends AbstractStreamOperator<SampleGroup>
        implements OneInputStreamOperator<Sample, SampleGroup> {

    private static final long serialVersionUID = 1L;

    private final SlidingWindowEngine engine;
    private final int capacity;

    private transient SliceCombiner<String> combiner;
    private transient long watermark;
    private transient long passThrough;
    private transient StreamRecord<SampleGroup> reuse;
    private transient Counter partialsOut;

    /**
     * A combiner for the slices of {@code engine}.
     *
     * @param engine the averaging's engine, whose slices are added up
     * @param capacity the most partials held between flushes, at least 1
     */
    public CombineSlices(SlidingWindowEngine engine, int capacity) {
        this.engine = Objects.requireNonNull(engine, "engine");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public void open() throws Exception {
        super.open();
        combiner = new SliceCombiner<>(engine, capacity);
        watermark = Long.MIN_VALUE;
        reuse = new StreamRecord<>(null);
        partialsOut = getMetricGroup().counter("numPartialsSent");
    }

    @Override
    public void processElement(StreamRecord<Sample> record) throws Exception {
        Sample sample = record.getValue();
        // No timestamp: the averaging operator fails with its message on this record, as without the combiner.
        if (passThrough > 0 || !record.hasTimestamp()) {
            passThrough = Math.max(0, passThrough - 1);
            output.collect(reuse.replace(SampleGroup.of(sample), record.getTimestamp()));
            return;
        }
        if (!combiner.add(sample.key(), record.getTimestamp(), sample.value(), watermark)) {
            // After what is held: a key's records must reach the averaging in the order they came, or a key near its
            // span limit could refuse another of its records than it would have.
            flush(false);
            output.collect(reuse.replace(SampleGroup.of(sample), record.getTimestamp()));
            return;
        }
        if (combiner.isFull()) {
            flush(true);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush(true);
        watermark = Math.max(watermark, mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        flush(false);
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush(false);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush(false);
        super.finish();
    }

    /**
     * Hands everything held on; {@code judge} at the natural end of an interval (a watermark, a full table), where
     * the records per group say whether adding up pays — not after a barrier or a late record cut it short.
     */
    private void flush(boolean judge) {
        int partials = combiner.partials();
        if (partials == 0) {
            return;
        }
        if (judge && combiner.values() < 2L * partials) {
            passThrough = 8L * capacity;
        }
        combiner.flush((key, timestamp, partial) ->
                output.collect(reuse.replace(SampleGroup.of(key, timestamp, partial), timestamp)));
        partialsOut.inc(partials);
    }
}
