package io.github.flinkkafkaavg.core.internal.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.engine.Partial;
import io.github.flinkkafkaavg.core.engine.PartialRecord;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.core.testutils.Reading;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import java.util.Map;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** The operator reports windows fired, late records dropped and invalid records through Flink's metric system. */
class OperatorMetricsTest {

    private static final SlidingWindowEngine ENGINE = new SlidingWindowEngine(
            List.of(WindowSpec.ofSizeAndSlide(Duration.ofMillis(10), Duration.ofMillis(5))), 0);

    /** A task's metrics whose every operator reports to {@code operatorMetrics}. */
    private static InterceptingTaskMetricGroup reportingTo(InterceptingOperatorMetricGroup operatorMetrics) {
        return new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> extra) {
                return operatorMetrics;
            }
        };
    }

    @Test
    void countsWindowsFiredLateAndInvalidRecords() throws Exception {
        InterceptingOperatorMetricGroup operatorMetrics = new InterceptingOperatorMetricGroup();
        InterceptingTaskMetricGroup taskMetrics = reportingTo(operatorMetrics);
        SlidingAverageOperator<Reading, String> operator =
                new SlidingAverageOperator<>(ENGINE, Reading::value, null, null);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, Reading, WindowAverage<String>>(operator,
                Reading::key, Types.STRING, new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build())) {
            h.open();
            h.processElement(new StreamRecord<>(Reading.of("a", 3, 1), 3));
            h.processWatermark(new Watermark(20));
            h.processElement(new StreamRecord<>(Reading.of("a", 1, 1), 1)); // late for every window
            h.processElement(new StreamRecord<>(Reading.of("a", 25, Double.NaN), 25));
            assertThat(((Counter) operatorMetrics.get("numWindowsFired")).getCount()).isEqualTo(2);
            assertThat(((Counter) operatorMetrics.get("numLateRecordsDropped")).getCount()).isEqualTo(1);
            assertThat(((Counter) operatorMetrics.get("numInvalidRecords")).getCount()).isEqualTo(1);
        }
    }

    /** A key and one value, or values added up before the keyBy; the event time is the stream record's. */
    private record Group(String key, double value, Partial partial) implements PartialRecord {}

    /**
     * A group of records added up before the {@code keyBy} is averaged and counted as the records it stands for; one
     * that arrives late is counted late and dropped, never sent to the late output (it is not one of the records).
     */
    @Test
    void aGroupOfRecordsCountsAsItsRecordsAndALateGroupIsDroppedNotSentAsARecord() throws Exception {
        InterceptingOperatorMetricGroup operatorMetrics = new InterceptingOperatorMetricGroup();
        InterceptingTaskMetricGroup taskMetrics = reportingTo(operatorMetrics);
        OutputTag<Group> late = new OutputTag<>("late", Types.GENERIC(Group.class));
        SlidingAverageOperator<Group, String> operator = new SlidingAverageOperator<>(ENGINE, Group::value, late, null);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, Group, WindowAverage<String>>(operator,
                Group::key, Types.STRING, new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build())) {
            h.open();
            h.processElement(new StreamRecord<>(new Group("a", 0, partial(1, 2, 6)), 3));
            h.processElement(new StreamRecord<>(new Group("a", 4, null), 4));
            h.processWatermark(new Watermark(20));
            h.processElement(new StreamRecord<>(new Group("a", 0, partial(5, 5)), 1)); // late for every window
            h.processElement(new StreamRecord<>(new Group("a", 7, null), 2)); // late too, and a record
            assertThat(h.extractOutputValues()).extracting(WindowAverage::count, WindowAverage::average)
                    .containsExactly(tuple(4L, 3.25), tuple(4L, 3.25));
            assertThat(h.getSideOutput(late)).extracting(r -> r.getValue().value()).containsExactly(7.0);
            assertThat(((Counter) operatorMetrics.get("numRecordsAveraged")).getCount()).isEqualTo(4);
            assertThat(((Counter) operatorMetrics.get("numLateRecords")).getCount()).isEqualTo(3);
            assertThat(((Counter) operatorMetrics.get("numLateRecordsDropped")).getCount()).isEqualTo(2);
        }
    }

    private static Partial partial(double... values) {
        Partial p = new Partial();
        for (double v : values) {
            p.add(v);
        }
        return p;
    }
}
