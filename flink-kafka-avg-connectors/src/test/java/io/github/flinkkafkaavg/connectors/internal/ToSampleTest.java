package io.github.flinkkafkaavg.connectors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.connectors.Tick;
import io.github.flinkkafkaavg.core.datastream.SlidingAverages;
import io.github.flinkkafkaavg.core.WindowSpec;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** apply(stream): records a window cannot take come back unchanged on the invalid output, counted, never averaged. */
class ToSampleTest {

    private static final OutputTag<Tick> INVALID = new OutputTag<>("invalid", Types.POJO(Tick.class));

    @Test
    void hostileTimesAndValuesGoToTheInvalidOutputAndGoodRecordsOn() throws Exception {
        long now = 1_764_000_000_000L;
        ToSample<Tick> toSample = new ToSample<>(Tick::id, Tick::value,
                SlidingAverages.over(WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(2)))
                        .rejectPreEpochEventTimes().maxFutureEventTime(Duration.ofMinutes(59)).eventTimeLimits(),
                INVALID);
        try (var h = new OneInputStreamOperatorTestHarness<Tick, Sample>(new ProcessOperator<>(toSample))) {
            h.open();
            h.setProcessingTime(now);
            long[] times = {now, Long.MIN_VALUE, Long.MAX_VALUE, -1, now + 2 * 3_600_000L, now - 5_000};
            for (long ts : times) {
                h.processElement(new StreamRecord<>(new Tick("k", 1.5, ts), ts));
            }
            h.processElement(new StreamRecord<>(new Tick(null, 1.5, now), now));
            h.processElement(new StreamRecord<>(new Tick("k", Double.NaN, now), now));
            h.processElement(new StreamRecord<>(new Tick("k", Double.MAX_VALUE, now))); // no timestamp
            assertThat(h.extractOutputValues()).containsExactly(new Sample("k", now, 1.5), new Sample("k", now - 5_000, 1.5));
            assertThat(h.getSideOutput(INVALID)).extracting(r -> r.getValue().ts())
                    .containsExactly(Long.MIN_VALUE, Long.MAX_VALUE, -1L, now + 2 * 3_600_000L, now, now, now);
        }
    }
}
