package io.github.flinkkafkaavg.core.typeutils;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Results whose sum lies beyond the double range travel with their average, in the width an ordinary result takes,
 * and ordinary results are written byte for byte as release 0.1 wrote them.
 */
class ResultSerializersTest {

    @Test
    void aWindowWhoseSumOverflowsKeepsItsAverage() throws IOException {
        WindowAverageSerializer<String> serializer = new WindowAverageSerializer<>(StringSerializer.INSTANCE);
        WindowAverage<String> wide = new WindowAverage<>("k", 0, 10, 2, Double.POSITIVE_INFINITY, Double.MAX_VALUE,
                Double.MAX_VALUE, Double.MAX_VALUE);
        WindowAverage<String> negative = new WindowAverage<>("k", 0, 10, 3, Double.NEGATIVE_INFINITY, -Double.MAX_VALUE,
                -1e308, -2 * (Double.MAX_VALUE / 3));
        WindowAverage<String> plain = new WindowAverage<>("k", 0, 10, 4, 10.0, 1.0, 4.0);
        for (WindowAverage<String> w : new WindowAverage[] {wide, negative, plain}) {
            assertThat(roundTrip(serializer, w)).isEqualTo(w);
            assertThat(bytes(serializer, w)).hasSize(bytes(serializer, plain).length);
        }
        assertThat(roundTrip(serializer, wide).average()).isEqualTo(Double.MAX_VALUE);
        // what release 0.1 wrote: key, start, end, count, sum, min, max
        DataOutputSerializer v1 = new DataOutputSerializer(64);
        StringSerializer.INSTANCE.serialize("k", v1);
        v1.writeLong(0);
        v1.writeLong(10);
        v1.writeLong(4);
        v1.writeDouble(10.0);
        v1.writeDouble(1.0);
        v1.writeDouble(4.0);
        assertThat(bytes(serializer, plain)).isEqualTo(v1.getCopyOfBuffer());
    }

    @Test
    void aMovingAverageWhoseSumOverflowsKeepsItsAverage() throws IOException {
        MovingAverageSerializer<String> serializer = new MovingAverageSerializer<>(StringSerializer.INSTANCE);
        MovingAverage<String> wide = new MovingAverage<>("k", 5, 2, Double.POSITIVE_INFINITY, Double.MAX_VALUE);
        MovingAverage<String> plain = new MovingAverage<>("k", 5, 2, 3.0);
        assertThat(roundTrip(serializer, wide)).isEqualTo(wide);
        assertThat(roundTrip(serializer, plain)).isEqualTo(plain);
        assertThat(plain.average()).isEqualTo(1.5);
        assertThat(bytes(serializer, wide)).hasSize(bytes(serializer, plain).length);
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        return serializer.deserialize(new DataInputDeserializer(bytes(serializer, value)));
    }

    private static <T> byte[] bytes(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }
}
