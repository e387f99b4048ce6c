package io.github.flinkkafkaavg.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class KafkaOutTest {

    @Test
    void aSinkWithoutBootstrapServersNamesTheTopicAndTheFix() {
        assertThatThrownBy(() -> KafkaOut.topic("alerts").jsonSink(Reading::sensorId))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KafkaOut(alerts)")
                .hasMessageContaining(".bootstrapServers(");
    }

    @Test
    void jsonSinksAreBuiltForEveryGuarantee() {
        KafkaOut out = KafkaOut.topic("alerts").bootstrapServers("127.0.0.1:9092");
        assertThat(out.jsonSink(Reading::sensorId)).isNotNull();
        assertThat(out.atLeastOnce().jsonSink(Reading::sensorId)).isNotNull();
        assertThat(out.noGuarantee().header("h", "v").jsonSink(Reading::sensorId)).isNotNull();
    }

    @Test
    void theJsonEncoderWritesWhatTheJsonDecoderReadsAndSurvivesJavaSerialization() throws Exception {
        JsonSerde.Encoder<Reading> encoder = InstantiationUtil.clone(JsonSerde.<Reading>encoder());
        Reading reading = new Reading("s-1", -12.25, Instant.ofEpochMilli(1_764_000_000_123L));
        byte[] json = encoder.encode(reading);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"time\":1764000000123");
        var decoder = JsonSerde.of(Reading.class);
        decoder.open();
        assertThat(decoder.decode(json)).isEqualTo(reading);
    }
}
