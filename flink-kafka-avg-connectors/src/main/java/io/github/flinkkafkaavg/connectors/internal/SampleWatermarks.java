package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;

/**
 * Event time and watermarks at the Kafka source, per partition: bounded out-of-orderness over the samples' event
 * times. Dead letters carry no trustworthy event time, so they neither move the watermark nor get one of their own
 * beyond the Kafka record timestamp.
 */
public final class SampleWatermarks {

    private SampleWatermarks() {}

    /**
     * The strategy for a source of decoded records.
     *
     * @param maxOutOfOrderness how far behind the newest sample a sample may be and still count
     * @param idleAfter a partition silent this long stops holding the watermark back; null never
     * @return the strategy
     */
    public static WatermarkStrategy<Either<DeadLetter, Sample>> of(Duration maxOutOfOrderness, Duration idleAfter) {
        WatermarkStrategy<Either<DeadLetter, Sample>> strategy = WatermarkStrategy
                .<Either<DeadLetter, Sample>>forGenerator(ctx -> new SamplesOnly(maxOutOfOrderness, 0, 0))
                .withTimestampAssigner((e, kafkaTimestamp) -> e.isRight() ? e.right().timestamp() : kafkaTimestamp);
        return idleAfter == null ? strategy : strategy.withIdleness(idleAfter);
    }

    /**
     * Like {@link #of(Duration, Duration)}, but once a partition has been silent for {@code closeAfter} of processing
     * time its watermark jumps past the end of every window holding its data, so that the last windows are emitted
     * instead of waiting for records that may never come. A partition that never had data is marked idle then.
     *
     * @param maxOutOfOrderness how far behind the newest sample a sample may be and still count
     * @param closeAfter how long a partition must be silent
     * @param widestWindow the longest window size, in milliseconds
     * @return the strategy
     */
    public static WatermarkStrategy<Either<DeadLetter, Sample>> closingWhenIdle(Duration maxOutOfOrderness,
            Duration closeAfter, long widestWindow) {
        long closeNanos = closeAfter.toNanos();
        return WatermarkStrategy
                .<Either<DeadLetter, Sample>>forGenerator(ctx -> new SamplesOnly(maxOutOfOrderness, closeNanos, widestWindow))
                .withTimestampAssigner((e, kafkaTimestamp) -> e.isRight() ? e.right().timestamp() : kafkaTimestamp);
    }

    private static final class SamplesOnly implements WatermarkGenerator<Either<DeadLetter, Sample>> {
        private final BoundedOutOfOrdernessWatermarks<Either<DeadLetter, Sample>> delegate;
        private final long closeNanos;
        private final long widestWindow;
        private long maxTimestamp = Long.MIN_VALUE;
        private long lastEvent = System.nanoTime();

        SamplesOnly(Duration maxOutOfOrderness, long closeNanos, long widestWindow) {
            delegate = new BoundedOutOfOrdernessWatermarks<>(maxOutOfOrderness);
            this.closeNanos = closeNanos;
            this.widestWindow = widestWindow;
        }

        @Override
        public void onEvent(Either<DeadLetter, Sample> event, long timestamp, WatermarkOutput output) {
            lastEvent = System.nanoTime();
            if (event.isRight()) {
                maxTimestamp = Math.max(maxTimestamp, timestamp);
                delegate.onEvent(event, timestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (closeNanos > 0 && System.nanoTime() - lastEvent >= closeNanos) {
                if (maxTimestamp == Long.MIN_VALUE) {
                    output.markIdle();
                } else {
                    // Every window holding data ends by maxTimestamp + widestWindow: this fires all of them.
                    long close = maxTimestamp > Long.MAX_VALUE - widestWindow ? Long.MAX_VALUE : maxTimestamp + widestWindow;
                    output.emitWatermark(new Watermark(close));
                }
                return;
            }
            delegate.onPeriodicEmit(output);
        }
    }
}
