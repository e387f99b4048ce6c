package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.Tick;
import io.github.flinkkafkaavg.connectors.internal.DeadLetterSerializer;
import io.github.flinkkafkaavg.connectors.internal.SampleDeserializer;
import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.TextSerde;
import io.github.flinkkafkaavg.connectors.internal.TypedExtractor;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reason a dead letter carries is written for the person reading the dead-letter topic, in one vocabulary
 * across the typed, JSON-path and CSV inputs — which field, what was found, what was expected — and never with
 * internals a user cannot act on. Each row pins a reason whole.
 */
class DeadLetterReasonsTest {

    private static final SampleDeserializer TYPED = new SampleDeserializer(new TypedExtractor<>(
            JsonSerde.of(Tick.class), Tick::id, Tick::value, Tick::ts), 4_096);
    private static final SampleDeserializer PATHS = new SampleDeserializer(
            JsonSerde.fields("$.sensor.id", "$.v").timestamp("$.ts"), 4_096);
    private static final SampleDeserializer CSV = new SampleDeserializer(TextSerde.csv(0, 2).timestampColumn(1), 4_096);

    static String reason(SampleDeserializer deserializer, byte[] value) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("in", 0, 7L, 1_000L, TimestampType.CREATE_TIME, -1,
                -1, null, value, new RecordHeaders(), Optional.empty());
        return deserializer.decode(record).left().reason;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "typed: malformed JSON|typed|{\"id\":\"a\",\"value\":|`malformed JSON at line 1, column 19: Unexpected end-of-input within/between Object entries`",
        "typed: missing field|typed|{\"id\":\"a\",\"value\":1.5}|`field \"ts\" is missing; expected a whole number`",
        "typed: null field|typed|{\"id\":\"a\",\"value\":null,\"ts\":1}|`field \"value\" is null; expected a number`",
        "typed: text for a number|typed|{\"id\":\"a\",\"value\":\"warm\",\"ts\":1}|`field \"value\" is the string \"warm\"; expected a number`",
        "typed: array for a number|typed|{\"id\":\"a\",\"value\":[1],\"ts\":1}|`field \"value\" is an array; expected a number`",
        "typed: NaN token|typed|{\"id\":\"a\",\"value\":NaN,\"ts\":1}|`malformed JSON at line 1, column 22: NaN is not a JSON value (JSON has no NaN or Infinity)`",
        "typed: NaN text|typed|{\"id\":\"a\",\"value\":\"NaN\",\"ts\":1}|`the value is NaN (read by value(...)); expected a finite number`",
        "typed: number too large|typed|{\"id\":\"a\",\"value\":1e999,\"ts\":1}|`the value is Infinity (read by value(...)); expected a finite number`",
        "typed: an array|typed|[1,2]|`the JSON is an array; expected an object with the fields \"id\", \"value\", \"ts\"`",
        "typed: a number|typed|5|`the JSON is a number; expected an object with the fields \"id\", \"value\", \"ts\"`",
        "typed: JSON null|typed|null|`the JSON is null; expected an object with the fields \"id\", \"value\", \"ts\"`",
        "typed: trailing tokens|typed|{\"id\":\"a\",\"value\":1,\"ts\":1}{\"id\":\"b\"}|`the JSON goes on after the first value at line 1, column 28; expected one JSON object per record`",
        "typed: null key|typed|{\"id\":null,\"value\":1,\"ts\":1}|`field \"id\" is null; expected a string`",
        "typed: text for a time|typed|{\"id\":\"a\",\"value\":1,\"ts\":\"soon\"}|`field \"ts\" is the string \"soon\"; expected a whole number`",
        "typed: object for a string|typed|{\"id\":{\"x\":1},\"value\":1,\"ts\":1}|`field \"id\" is an object; expected a string`",
        "typed: control characters|typed|{\"id\":\"a\",\"value\":\"b\\u0001a\\u0007d\",\"ts\":1}|`field \"value\" is the string \"b\\u0001a\\u0007d\"; expected a number`",
        "paths: missing field|paths|{\"sensor\":{\"id\":\"a\"},\"ts\":1}|`field \"$.v\" is missing; expected a number`",
        "paths: null field|paths|{\"sensor\":{\"id\":\"a\"},\"v\":null,\"ts\":1}|`field \"$.v\" is null; expected a number`",
        "paths: object for a number|paths|{\"sensor\":{\"id\":\"a\"},\"v\":{},\"ts\":1}|`field \"$.v\" is an object; expected a number`",
        "paths: text for a number|paths|{\"sensor\":{\"id\":\"a\"},\"v\":\"warm\",\"ts\":1}|`field \"$.v\" is the string \"warm\"; expected a number`",
        "paths: bad time|paths|{\"sensor\":{\"id\":\"a\"},\"v\":1,\"ts\":\"soon\"}|`field \"$.ts\" is the string \"soon\"; expected a time (epoch milliseconds, or ISO-8601 text such as \"2026-11-25T12:00:00Z\")`",
        "paths: malformed|paths|{{|`malformed JSON at line 1, column 2: Unexpected character ('{' (code 123)): was expecting double-quote to start field name`",
        "csv: text for a number|csv|a,1,warm|`column 2 is \"warm\"; expected a number`",
        "csv: too few columns|csv|a,1|`the line \"a,1\" has 2 columns; expected at least 3`",
        "csv: bad time|csv|a,soon,1|`column 1 is \"soon\"; expected a time in epoch milliseconds`"})
    void reasons(String kind, String input, String json, String expected) {
        SampleDeserializer d = switch (input) {
            case "typed" -> TYPED;
            case "paths" -> PATHS;
            default -> CSV;
        };
        String reason = reason(d, json.getBytes(StandardCharsets.UTF_8));
        System.out.println("[reason] " + kind + " => " + reason);
        assertThat(reason).as(kind).isEqualTo(expected)
                .doesNotContain("Feature", "Creator", "Source:", "com.fasterxml", "io.github.flinkkafkaavg", "`");
    }

    /** Invalid UTF-8 and control characters from the input reach the header escaped; Jackson's words the detail. */
    @Test
    void theHeaderEscapesWhatTheInputCarriesAndKeepsJacksonsMessageApart() {
        byte[] json = "{\"id\":\"a\",\"value\":\"1\\u0002x\",\"ts\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] broken = new byte[json.length + 2];
        System.arraycopy(json, 0, broken, 0, 8);
        broken[8] = (byte) 0xFF;
        broken[9] = (byte) 0xFE;
        System.arraycopy(json, 8, broken, 10, json.length - 8);
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("in", 0, 7L, 1_000L, TimestampType.CREATE_TIME, -1,
                -1, null, json, new RecordHeaders(), Optional.empty());
        DeadLetter letter = TYPED.decode(record).left();
        ProducerRecord<byte[], byte[]> out = new DeadLetterSerializer("dlq").serialize(letter, null, null);
        String reason = new String(out.headers().lastHeader(DeadLetterSerializer.REASON).value(), StandardCharsets.UTF_8);
        assertThat(reason).isEqualTo("field \"value\" is the string \"1\\u0002x\"; expected a number");
        String detail = new String(out.headers().lastHeader(DeadLetterSerializer.DETAIL).value(), StandardCharsets.UTF_8);
        assertThat(detail).startsWith("com.fasterxml.jackson.databind.exc.InvalidFormatException: Cannot deserialize"
                + " value of type `double` from String \"1\\u0002x\"");
        assertThat(reason + detail).doesNotContainPattern("[\\x00-\\x1F\\x7F\\uFFFD]");

        assertThat(reason(TYPED, "{\"id\":\"a\u0003\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("malformed JSON at line 1, column 9: Illegal unquoted character ((CTRL-CHAR, code 3)): has to be"
                        + " escaped using backslash to be included in string value");
        String invalid = reason(TYPED, broken);
        assertThat(invalid).isEqualTo("malformed JSON at line 1, column 10: Invalid UTF-8 start byte 0xff");
        letter.reason = "the string \"\uFFFD\uD800\" came in"; // as a reason quoting decoded invalid bytes would
        String escaped = new String(new DeadLetterSerializer("dlq").serialize(letter, null, null).headers()
                .lastHeader(DeadLetterSerializer.REASON).value(), StandardCharsets.UTF_8);
        assertThat(escaped).isEqualTo("the string \"\\uFFFD\\uD800\" came in");
    }
}
