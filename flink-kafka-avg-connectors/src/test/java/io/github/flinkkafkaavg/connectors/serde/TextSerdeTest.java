package io.github.flinkkafkaavg.connectors.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.connectors.serde.Sample;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextSerdeTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void plainNumbersTakeKeyAndTimeFromTheKafkaRecord() throws Exception {
        assertThat(TextSerde.number().extract(utf8("s1"), utf8(" 42.5\n"), 7L)).isEqualTo(new Sample("s1", 7L, 42.5));
        assertThatThrownBy(() -> TextSerde.number().extract(utf8("s1"), utf8("forty"), 7L))
                .isExactlyInstanceOf(InvalidRecordException.class).hasMessage("the value is \"forty\"; expected a number");
        assertThatThrownBy(() -> TextSerde.number().extract(utf8("s1"), utf8("NaN"), 7L))
                .hasMessage("the value is NaN; expected a finite number");
        assertThatThrownBy(() -> TextSerde.number().extract(null, utf8("1"), 7L))
                .hasMessage("the Kafka record key is null; expected the key to average under");
    }

    @Test
    void csvReadsColumnsWithAnyDelimiter() throws Exception {
        SampleExtractor csv = TextSerde.csv(0, 2).timestampColumn(1);
        assertThat(csv.extract(null, utf8("sensor-7,1764000000000,21.5"), 0)).isEqualTo(new Sample("sensor-7", 1_764_000_000_000L, 21.5));
        assertThat(TextSerde.csv(1, 0).delimiter(';').extract(null, utf8("3;k"), 9)).isEqualTo(new Sample("k", 9, 3.0));
        assertThatThrownBy(() -> csv.extract(null, utf8("sensor-7,1764000000000"), 0))
                .hasMessage("the line \"sensor-7,1764000000000\" has 2 columns; expected at least 3");
        assertThatThrownBy(() -> csv.extract(null, utf8(",1,2"), 0)).hasMessage("column 0 (the key) is empty; expected the key to average under");
        assertThatThrownBy(() -> csv.extract(null, utf8("a,yesterday,2"), 0))
                .hasMessage("column 1 is \"yesterday\"; expected a time in epoch milliseconds");
        assertThatThrownBy(() -> TextSerde.csv(-1, 0)).isExactlyInstanceOf(IllegalArgumentException.class);
    }
}
