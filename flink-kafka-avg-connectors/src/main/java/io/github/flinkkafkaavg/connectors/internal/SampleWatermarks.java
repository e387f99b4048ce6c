package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.DeadLetter;
import io.github.flinkkafkaavg.connectors.Sample;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
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
                .<Either<DeadLetter, Sample>>forGenerator(ctx -> new SamplesOnly(maxOutOfOrderness))
                .withTimestampAssigner((e, kafkaTimestamp) -> e.isRight() ? e.right().timestamp() : kafkaTimestamp);
        return idleAfter == null ? strategy : strategy.withIdleness(idleAfter);
    }

    private static final class SamplesOnly implements WatermarkGenerator<Either<DeadLetter, Sample>> {
        private final BoundedOutOfOrdernessWatermarks<Either<DeadLetter, Sample>> delegate;

        SamplesOnly(Duration maxOutOfOrderness) {
            delegate = new BoundedOutOfOrdernessWatermarks<>(maxOutOfOrderness);
        }

        @Override
        public void onEvent(Either<DeadLetter, Sample> event, long timestamp, WatermarkOutput output) {
            if (event.isRight()) {
                delegate.onEvent(event, timestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            delegate.onPeriodicEmit(output);
        }
    }
}
