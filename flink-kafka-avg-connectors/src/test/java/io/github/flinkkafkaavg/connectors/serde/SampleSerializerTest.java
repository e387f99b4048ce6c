package io.github.flinkkafkaavg.connectors.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.serde.Sample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

class SampleSerializerTest {

    private static final List<Sample> SAMPLES = List.of(new Sample("sensor-1", 1_764_000_000_123L, 21.5),
            new Sample("", Long.MIN_VALUE, -0.0), new Sample("ünï©ødé " + "k".repeat(70_000), Long.MAX_VALUE,
                    Double.MIN_VALUE), new Sample("x", 0, Double.MAX_VALUE));

    @Test
    void everySampleSurvivesTheRoundTripAndTheByteCopy() throws IOException {
        SampleSerializer serializer = SampleSerializer.INSTANCE;
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (Sample s : SAMPLES) {
            serializer.serialize(s, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        DataOutputSerializer copied = new DataOutputSerializer(64);
        for (int i = 0; i < SAMPLES.size(); i++) {
            serializer.copy(in, copied);
        }
        DataInputDeserializer again = new DataInputDeserializer(copied.getCopyOfBuffer());
        for (Sample s : SAMPLES) {
            assertThat(serializer.deserialize(again)).isEqualTo(s);
        }
        assertThat(again.available()).isZero();
    }

    @Test
    void keysAreReadAsFlinksStringValueReadsThem() throws IOException {
        // Flink's format: length + 1 and every char in 7-bit groups; the reader has its own Latin-1 fast path.
        List<String> keys = new ArrayList<>(List.of("", "a", "\u007f", "\u0080", "\u00ff", "\u0100",
                "\u3fff", "\u4000", "\uffff", "é-first", "last-€", "mid\ud83d\ude00dle", "\ud800", "\u0000"));
        for (int length : new int[] {126, 127, 128, 16_382, 16_383, 16_384}) {
            keys.add("k".repeat(length));
            keys.add("k".repeat(length - 1) + "ж");
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (String key : keys) {
            StringValue.writeString(key, out);
        }
        StringValue.writeString(null, out);
        DataInputDeserializer ours = new DataInputDeserializer(out.getCopyOfBuffer());
        DataInputDeserializer flinks = new DataInputDeserializer(out.getCopyOfBuffer());
        for (String key : keys) {
            String read = SampleSerializer.readKey(ours);
            assertThat(read).isEqualTo(StringValue.readString(flinks)).isEqualTo(key);
        }
        assertThat(SampleSerializer.readKey(ours)).isNull();
        assertThat(ours.available()).isZero();
    }

    @Test
    void samplesAreImmutableSoChainedOperatorsShareThemInsteadOfCopying() {
        Sample s = SAMPLES.get(0);
        assertThat(SampleSerializer.INSTANCE.copy(s)).isSameAs(s);
        assertThat(SampleSerializer.INSTANCE.isImmutableType()).isTrue();
    }

    @Test
    void flinkFindsTheTypeThroughTheAnnotationAndTheSnapshotRestoresIt() throws IOException {
        assertThat(TypeInformation.of(Sample.class)).isSameAs(SampleTypeInfo.INSTANCE);
        TypeSerializerSnapshot<Sample> snapshot = SampleSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<Sample> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        TypeSerializer<Sample> serializer = restored.restoreSerializer();
        assertThat(serializer).isSameAs(SampleSerializer.INSTANCE);
        TypeSerializerSchemaCompatibility<Sample> compatibility =
                SampleSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }
}
