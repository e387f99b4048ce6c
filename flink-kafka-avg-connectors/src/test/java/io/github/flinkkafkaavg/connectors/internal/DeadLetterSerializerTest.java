package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterSerializerTest {

    private static DeadLetter letter(int valueBytes) {
        DeadLetter d = new DeadLetter();
        d.sourceTopic = "readings";
        d.sourcePartition = 3;
        d.sourceOffset = 42;
        d.sourceTimestamp = 1_764_000_000_000L;
        d.key = "k".getBytes(StandardCharsets.UTF_8);
        d.value = new byte[valueBytes];
        d.headerKeys = new String[] {"trace"};
        d.headerValues = new byte[][] {"t-1".getBytes(StandardCharsets.UTF_8)};
        d.reason = "not JSON";
        return d;
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aValueWithinTheLimitIsWrittenWholeWithItsOriginAndHeaders() {
        ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq", 100).serialize(letter(100), null, null);
        assertThat(r.topic()).isEqualTo("dlq");
        assertThat(r.value()).hasSize(100);
        assertThat(r.timestamp()).isEqualTo(1_764_000_000_000L);
        assertThat(header(r, "trace")).isEqualTo("t-1");
        assertThat(header(r, DeadLetterSerializer.REASON)).isEqualTo("not JSON");
        assertThat(header(r, DeadLetterSerializer.SOURCE_OFFSET)).isEqualTo("42");
        assertThat(header(r, DeadLetterSerializer.TRUNCATED)).isNull();
    }

    @Test
    void aLongerValueIsCutToTheLimitAndSaysSo() {
        DeadLetter d = letter(101);
        d.value[99] = 7;
        d.value[100] = 9;
        ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq", 100).serialize(d, null, null);
        assertThat(r.value()).hasSize(100);
        assertThat(r.value()[99]).isEqualTo((byte) 7);
        assertThat(header(r, DeadLetterSerializer.TRUNCATED)).isEqualTo("true");
        assertThat(header(r, DeadLetterSerializer.ORIGINAL_SIZE)).isEqualTo("101");
        assertThat(d.value).hasSize(101); // the dead letter itself is untouched
    }

    @Test
    void theDefaultLimitLeavesRoomUnderKafkasOneMebibyteDefaults() {
        assertThat(DeadLetterSerializer.DEFAULT_MAX_VALUE_BYTES).isLessThan(1 << 20);
        assertThat(new DeadLetterSerializer("dlq").serialize(letter(1 << 20), null, null).value())
                .hasSize(DeadLetterSerializer.DEFAULT_MAX_VALUE_BYTES);
        assertThatThrownBy(() -> new DeadLetterSerializer("dlq", 0)).hasMessageContaining("maxValueBytes");
    }
}
