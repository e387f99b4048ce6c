package io.github.flinkkafkaavg.connectors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.engine.Partial;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The combiner before the {@code keyBy} holds records only while no window of theirs can end downstream: it hands
 * everything on before a watermark, a change to idle, a checkpoint barrier and the end of input, and when full;
 * records whose slice has ended at its watermark go on alone, and so does everything for a while after a flush that
 * found little to add up.
 */
class CombineSlicesTest {

    // 10 s windows sliding by 2 s: slices of 2 s.
    private static final SlidingWindowEngine ENGINE = new SlidingWindowEngine(
            List.of(WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(2))), 0);

    @Test
    void recordsOfOneKeyAndSliceLeaveAsOneGroupBeforeTheWatermarkThatFollowsThem() throws Exception {
        try (var h = harness(100)) {
            element(h, "a", 1_000, 1.0);
            element(h, "a", 1_500, 2.0);
            element(h, "b", 1_200, 5.0);
            element(h, "a", 2_500, 4.0); // the next slice
            element(h, "a", 1_900, 3.0);
            assertThat(h.getOutput()).as("nothing leaves between watermarks").isEmpty();
            h.processWatermark(new Watermark(999));
            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out).hasSize(4).last().isEqualTo(new Watermark(999));
            List<SampleGroup> groups = values(out);
            SampleGroup a1 = groups.stream().filter(g -> g.key().equals("a") && g.timestamp() == 1_000).findFirst()
                    .orElseThrow();
            assertThat(a1.partial().count()).isEqualTo(3);
            assertThat(a1.partial().hi()).isEqualTo(6.0);
            assertThat(a1.partial().min()).isEqualTo(1.0);
            assertThat(a1.partial().max()).isEqualTo(3.0);
            // A key's groups leave in the order of their slices' first records; a group of one is the record itself.
            assertThat(groups.stream().filter(g -> g.key().equals("a")).map(SampleGroup::timestamp))
                    .containsExactly(1_000L, 2_500L);
            assertThat(groups).contains(SampleGroup.of("b", 1_200, 5.0), SampleGroup.of("a", 2_500, 4.0));
        }
    }

    @Test
    void aRecordWhoseSliceHasEndedAtTheWatermarkGoesOnAloneAfterWhatIsHeld() throws Exception {
        try (var h = harness(100)) {
            h.processWatermark(new Watermark(3_999));
            element(h, "a", 4_000, 2.0); // slice [4000, 6000): open, held
            element(h, "a", 3_999, 1.0); // slice [2000, 4000): ended, goes on after what is held
            element(h, "a", 4_001, 3.0); // held again
            assertThat(values(h.getOutput())).containsExactly(SampleGroup.of("a", 4_000, 2.0),
                    SampleGroup.of("a", 3_999, 1.0));
        }
    }

    @Test
    void everythingHeldLeavesBeforeIdlenessABarrierAndTheEndOfInput() throws Exception {
        try (var h = harness(100)) {
            element(h, "a", 1_000, 1.0);
            element(h, "a", 1_001, 1.0);
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            assertThat(new ArrayList<>(h.getOutput())).hasSize(2).last().isEqualTo(WatermarkStatus.IDLE);
            element(h, "b", 1_000, 1.0);
            element(h, "b", 1_001, 1.0);
            h.prepareSnapshotPreBarrier(1);
            assertThat(values(h.getOutput())).hasSize(2);
            element(h, "c", 1_000, 1.0);
            element(h, "c", 1_001, 1.0);
            h.endInput();
            h.getOperator().finish();
            assertThat(values(h.getOutput())).hasSize(3).last().satisfies(g -> assertThat(g.key()).isEqualTo("c"));
        }
    }

    @Test
    void aFullCombinerFlushesAndOneThatAddsLittleUpStepsAsideForAWhile() throws Exception {
        try (var h = harness(4)) {
            for (int i = 0; i < 4; i++) { // four keys, one record each: full, and nothing added up
                element(h, "k" + i, 1_000, i);
            }
            assertThat(values(h.getOutput())).as("flushed when full").hasSize(4);
            for (int i = 0; i < 8 * 4; i++) { // the next 8 x capacity records go on alone
                element(h, "same", 1_000, i);
            }
            assertThat(values(h.getOutput())).hasSize(4 + 32).allSatisfy(g -> assertThat(g.partial()).isNull());
            element(h, "same", 1_000, 1);
            element(h, "same", 1_000, 1);
            assertThat(values(h.getOutput())).as("combining again").hasSize(36);
            h.processWatermark(new Watermark(0));
            assertThat(values(h.getOutput())).hasSize(37).last()
                    .satisfies(g -> assertThat(g.partial().count()).isEqualTo(2));
        }
    }

    @Test
    void groupsSurviveTheirSerializerAndItsByteCopy() throws IOException {
        Partial big = new Partial();
        big.add(Double.MAX_VALUE);
        big.add(-0x1p600);
        big.add(Double.MIN_VALUE);
        Partial one = new Partial();
        one.add(-0.0);
        List<SampleGroup> groups = List.of(SampleGroup.of("a", 1, 2.5), SampleGroup.of("ü-key", Long.MIN_VALUE, big),
                SampleGroup.of("", Long.MAX_VALUE, one));
        assertThat(groups.get(2).partial()).as("a partial of one value is the value").isNull();
        assertThat(groups.get(2).value()).isEqualTo(-0.0);
        SampleGroupSerializer serializer = SampleGroupSerializer.INSTANCE;
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (SampleGroup g : groups) {
            serializer.serialize(g, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        DataOutputSerializer copied = new DataOutputSerializer(64);
        for (int i = 0; i < groups.size(); i++) {
            serializer.copy(in, copied);
        }
        DataInputDeserializer again = new DataInputDeserializer(copied.getCopyOfBuffer());
        for (SampleGroup g : groups) {
            assertThat(serializer.deserialize(again)).isEqualTo(g);
        }
        assertThat(again.available()).isZero();
    }

    private static OneInputStreamOperatorTestHarness<Sample, SampleGroup> harness(int capacity) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new CombineSlices(ENGINE, capacity));
        h.open();
        return h;
    }

    private static void element(OneInputStreamOperatorTestHarness<Sample, SampleGroup> h, String key, long ts,
            double value) throws Exception {
        h.processElement(new StreamRecord<>(new Sample(key, ts, value), ts));
    }

    @SuppressWarnings("unchecked")
    private static List<SampleGroup> values(java.util.Collection<Object> output) {
        List<SampleGroup> values = new ArrayList<>();
        for (Object o : output) {
            if (o instanceof StreamRecord<?> r) {
                values.add(((StreamRecord<SampleGroup>) r).getValue());
            }
        }
        return values;
    }
}
