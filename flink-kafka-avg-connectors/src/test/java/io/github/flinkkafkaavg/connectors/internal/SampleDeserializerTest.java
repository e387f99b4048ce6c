package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.connectors.internal.TypedExtractor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampleDeserializerTest {

    private static final SampleDeserializer TYPED = new SampleDeserializer(new TypedExtractor<>(
            JsonSerde.of(Reading.class), Reading::sensorId, Reading::celsius, r -> r.time().toEpochMilli()), 4_096);
    private static final SampleDeserializer PATHS = new SampleDeserializer(
            JsonSerde.fields("$.sensor.id", "$.reading['value']").timestamp("$.ts"), 4_096);

    private static ConsumerRecord<byte[], byte[]> record(String value) {
        return record(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader("trace", "t-1".getBytes(StandardCharsets.UTF_8)));
        return new ConsumerRecord<>("readings", 3, 42L, 1_000L, TimestampType.CREATE_TIME, -1, -1,
                "k".getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"sensorId\":\"s1\",\"celsius\":21.5,\"time\":\"2025-11-25T12:00:00Z\"}|s1|21.5|1764072000000",
        "{\"sensorId\":\"s1\",\"celsius\":\"21.5\",\"time\":1764072000000}|s1|21.5|1764072000000",
        "{\"sensorId\":\"s1\",\"celsius\":21,\"time\":1764072000000,\"extra\":[1,2]}|s1|21.0|1764072000000",
        "{\"sensorId\":7,\"celsius\":9007199254740993,\"time\":1764072000000}|7|9.007199254740992E15|1764072000000"})
    void typedJsonAcceptsNumbersAsNumbersOrStringsAndJavaTime(String json, String key, double value, long ts) {
        Either<DeadLetter, Sample> out = TYPED.decode(record(json));
        assertThat(out.isRight()).as("%s", out).isTrue();
        assertThat(out.right()).isEqualTo(new Sample(key, ts, value));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"sensor\":{\"id\":\"s1\"},\"reading\":{\"value\":21.5},\"ts\":1764072000000}|s1|21.5|1764072000000",
        "{\"sensor\":{\"id\":12},\"reading\":{\"value\":\"-3\"},\"ts\":\"2025-11-25T12:00:00.250Z\"}|12|-3.0|1764072000250",
        "{\"sensor\":{\"id\":\"s1\"},\"reading\":{\"value\":5},\"ts\":\"1764072000000\"}|s1|5.0|1764072000000"})
    void fieldPathsReadAnyShape(String json, String key, double value, long ts) {
        Either<DeadLetter, Sample> out = PATHS.decode(record(json));
        assertThat(out.isRight()).as("%s", out).isTrue();
        assertThat(out.right()).isEqualTo(new Sample(key, ts, value));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed JSON|{\"sensorId\":\"s1\",\"celsius\":|malformed JSON at line 1, column 28: Unexpected end-of-input",
        "trailing garbage|{\"sensorId\":\"s1\",\"celsius\":1,\"time\":1} x|malformed JSON at line 1",
        "wrong type|{\"sensorId\":\"s1\",\"celsius\":{\"c\":1},\"time\":1}|field \"celsius\" is an object; expected a number",
        "not a number|{\"sensorId\":\"s1\",\"celsius\":\"warm\",\"time\":1}|field \"celsius\" is the string \"warm\"; expected a number",
        "missing field|{\"sensorId\":\"s1\",\"time\":1}|field \"celsius\" is missing; expected a number",
        "null field|{\"sensorId\":\"s1\",\"celsius\":null,\"time\":1}|field \"celsius\" is null; expected a number",
        "null key|{\"sensorId\":null,\"celsius\":1,\"time\":1}|field \"sensorId\" is null; expected a string",
        "NaN|{\"sensorId\":\"s1\",\"celsius\":\"NaN\",\"time\":1}|expected a finite number",
        "Infinity|{\"sensorId\":\"s1\",\"celsius\":\"-Infinity\",\"time\":1}|expected a finite number",
        "huge number|{\"sensorId\":\"s1\",\"celsius\":1e400,\"time\":1}|expected a finite number",
        "JSON null|null|the JSON is null; expected an object with the fields \"sensorId\", \"celsius\", \"time\"",
        "an array|[1,2,3]|the JSON is an array; expected an object with the fields"})
    void everyKindOfBadTypedRecordBecomesADeadLetterWithItsBytes(String kind, String json, String reason) {
        Either<DeadLetter, Sample> out = TYPED.decode(record(json));
        assertThat(out.isLeft()).as(kind).isTrue();
        DeadLetter letter = out.left();
        assertThat(letter.reason).as(kind).contains(reason);
        assertThat(letter.value).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
        assertThat(letter.key).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
        assertThat(letter.sourceTopic).isEqualTo("readings");
        assertThat(letter.sourcePartition).isEqualTo(3);
        assertThat(letter.sourceOffset).isEqualTo(42L);
        assertThat(letter.headerKeys).containsExactly("trace");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing key|{\"reading\":{\"value\":1},\"ts\":1}|field \"$.sensor.id\" is missing; expected a string or a number",
        "object key|{\"sensor\":{\"id\":{}},\"reading\":{\"value\":1},\"ts\":1}|field \"$.sensor.id\" is an object; expected a string or a number",
        "boolean value|{\"sensor\":{\"id\":\"s\"},\"reading\":{\"value\":true},\"ts\":1}|field \"$.reading['value']\" is true; expected a number",
        "text value|{\"sensor\":{\"id\":\"s\"},\"reading\":{\"value\":\"x\"},\"ts\":1}|is the string \"x\"; expected a number",
        "bad time|{\"sensor\":{\"id\":\"s\"},\"reading\":{\"value\":1},\"ts\":\"yesterday\"}|is the string \"yesterday\"; expected a time (epoch milliseconds, or ISO-8601 text",
        "scalar JSON|42|the JSON is the number 42; expected an object or an array",
        "malformed|{{|malformed JSON"})
    void everyKindOfBadUntypedRecordBecomesADeadLetter(String kind, String json, String reason) {
        Either<DeadLetter, Sample> out = PATHS.decode(record(json));
        assertThat(out.isLeft()).as(kind).isTrue();
        assertThat(out.left().reason).as(kind).contains(reason);
    }

    @Test
    void nullEmptyAndOversizedValuesAreDeadLettersBeforeDecoding() {
        assertThat(TYPED.decode(record((byte[]) null)).left().reason).isEqualTo("the record value is null (a tombstone); expected a record to average");
        assertThat(TYPED.decode(record(new byte[0])).left().reason).isEqualTo("the record value is empty; expected a record to average");
        byte[] big = new byte[5_000];
        Arrays.fill(big, (byte) ' ');
        assertThat(TYPED.decode(record(big)).left().reason)
                .isEqualTo("the record value is 5000 bytes, over the limit; expected at most 4096 bytes (maxValueBytes)");
    }

    @Test
    void deeplyNestedJsonIsRefusedNotAStackOverflow() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThat(new SampleDeserializer(JsonSerde.fields("$.a", "$.b"), 100_000).decode(record(deep)).left().reason)
                .contains("malformed JSON");
    }

    @Test
    void aKeyFunctionThatThrowsOrReturnsNullIsADeadLetter() {
        SampleDeserializer throwing = new SampleDeserializer(new TypedExtractor<Reading>(JsonSerde.of(Reading.class),
                r -> { throw new IllegalStateException("no key today"); }, Reading::celsius, null));
        String json = "{\"sensorId\":\"s1\",\"celsius\":1,\"time\":1}";
        assertThat(throwing.decode(record(json)).left().reason)
                .isEqualTo("the key function threw java.lang.IllegalStateException: no key today");
        SampleDeserializer nullKey = new SampleDeserializer(new TypedExtractor<Reading>(JsonSerde.of(Reading.class),
                r -> null, Reading::celsius, null));
        assertThat(nullKey.decode(record(json)).left().reason).isEqualTo("the key is null (read by key(...)); expected the key to average under");
    }

    @Test
    void withoutATimestampFunctionTheKafkaTimestampIsTheEventTime() {
        SampleDeserializer kafkaTime = new SampleDeserializer(new TypedExtractor<>(JsonSerde.of(Reading.class),
                Reading::sensorId, Reading::celsius, null));
        assertThat(kafkaTime.decode(record("{\"sensorId\":\"s1\",\"celsius\":1,\"time\":5}")).right().timestamp())
                .isEqualTo(1_000L);
    }

    @Test
    void producedTypeNeedsNoKryo() {
        TypeInformation<Either<DeadLetter, Sample>> type = TYPED.getProducedType();
        assertThat(type.toString()).doesNotContain("GenericType");
        assertThat(SampleDeserializer.deadLetterType().getTotalFields()).isEqualTo(10);
        assertThat(SampleDeserializer.sampleType()).isNotInstanceOf(GenericTypeInfo.class);
    }

    @Test
    void badPathsFailAtOnceNamingThePath() {
        assertThatThrownBy(() -> JsonSerde.fields("sensor.id", "$.v"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("key path must look like $.field or $.a.b[0].c, but was sensor.id");
        assertThatThrownBy(() -> JsonSerde.fields("$.id", "$.v..x"))
                .hasMessageStartingWith("value path must look like $.field or $.a.b[0].c, but was $.v..x");
    }

    /** With a database output, a key PostgreSQL text cannot hold, e.g. from a JSON escape, is a dead letter. */
    @Test
    void keysADestinationCannotHoldAreDeadLettersWithTheReason() {
        SampleDeserializer toDatabase = new SampleDeserializer(new TypedExtractor<>(JsonSerde.of(Reading.class),
                Reading::sensorId, Reading::celsius, r -> r.time().toEpochMilli()), 4_096,
                io.github.flinkkafkaavg.core.engine.EventTimeLimits.none(), KeyCheck.POSTGRES_TEXT);
        String nul = "{\"sensorId\":\"s\\u00001\",\"celsius\":1.5,\"time\":1764072000000}";
        String lone = "{\"sensorId\":\"s\\ud8001\",\"celsius\":1.5,\"time\":1764072000000}";
        assertThat(toDatabase.decode(record(nul)).left().reason).contains("U+0000");
        assertThat(toDatabase.decode(record(lone)).left().reason).contains("unpaired surrogate U+D800");
        assertThat(TYPED.decode(record(nul)).right().key()).isEqualTo("s\u00001");
        assertThat(toDatabase.decode(record("{\"sensorId\":\"s\\ud83d\\ude001\",\"celsius\":1.5,\"time\":1764072000000}"))
                .right().key()).isEqualTo("s\uD83D\uDE001");
    }
}
