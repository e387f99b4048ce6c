package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.internal.SampleDeserializer;
import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.connectors.serde.TextSerde;
import io.github.flinkkafkaavg.connectors.internal.TypedExtractor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Every deserializer of the library against hostile bytes: random bytes, valid JSON cut or mutated at random, deep
 * nesting, huge numbers, long strings, invalid UTF-8. Whatever comes in, decoding returns — never throws into the job
 * — and every record is accounted for: a sample, or a dead letter carrying the original bytes and a reason that the
 * decoder itself gave (not the catch-all for unexpected exceptions).
 */
class DeserializerFuzzTest {

    private static final int LIMIT = 64 * 1024;
    private static final List<SampleDeserializer> ALL = List.of(
            new SampleDeserializer(new TypedExtractor<>(JsonSerde.of(Reading.class), Reading::sensorId, Reading::celsius,
                    r -> r.time().toEpochMilli()), LIMIT),
            new SampleDeserializer(JsonSerde.fields("$.sensor.id", "$.reading['value']").timestamp("$.ts"), LIMIT),
            new SampleDeserializer(TextSerde.number(), LIMIT),
            new SampleDeserializer(TextSerde.csv(0, 1), LIMIT));
    private static final String VALID =
            "{\"sensorId\":\"s1\",\"celsius\":21.5,\"time\":1764072000000,\"sensor\":{\"id\":\"s1\"},"
                    + "\"reading\":{\"value\":21.5},\"ts\":1764072000000}";

    @Property(tries = 3_000)
    void randomBytesAreSamplesOrDeadLetters(@ForAll @Size(max = 300) byte[] value) {
        assertAccountedFor(value);
    }

    @Property(tries = 2_000)
    void validJsonCutAnywhereIsASampleOrADeadLetter(@ForAll("cut") String json) {
        assertAccountedFor(json.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 2_000)
    void validJsonWithACharacterChangedIsASampleOrADeadLetter(@ForAll("mutated") String json) {
        assertAccountedFor(json.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 500)
    void numbersOfAnySizeAreSamplesOrDeadLetters(@ForAll("numbers") String number) {
        assertAccountedFor(number.getBytes(StandardCharsets.UTF_8));
        assertAccountedFor(VALID.replace("21.5", number).getBytes(StandardCharsets.UTF_8));
        assertAccountedFor(("s1," + number).getBytes(StandardCharsets.UTF_8));
    }

    @Example
    void hostileShapesAreDeadLettersNotCrashes() {
        String deep = "[".repeat(50_000) + "]".repeat(50_000);
        String deepObject = "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000);
        String longString = "{\"sensorId\":\"" + "x".repeat(LIMIT - 100) + "\",\"celsius\":1,\"time\":1}";
        byte[] invalidUtf8 = {'{', '"', 's', 'e', 'n', 's', 'o', 'r', 'I', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28,
            '"', '}'};
        for (byte[] value : List.of(deep.getBytes(StandardCharsets.UTF_8), deepObject.getBytes(StandardCharsets.UTF_8),
                longString.getBytes(StandardCharsets.UTF_8), invalidUtf8, new byte[LIMIT + 1], new byte[0],
                "1e999999999".getBytes(StandardCharsets.UTF_8), "NaN".getBytes(StandardCharsets.UTF_8),
                "-Infinity".getBytes(StandardCharsets.UTF_8), "\u0000\uFFFF".getBytes(StandardCharsets.UTF_8))) {
            assertAccountedFor(value);
        }
        assertAccountedFor(null);
    }

    @Provide
    Arbitrary<String> cut() {
        return Arbitraries.integers().between(0, VALID.length()).map(n -> VALID.substring(0, n));
    }

    @Provide
    Arbitrary<String> mutated() {
        return Arbitraries.integers().between(0, VALID.length() - 1).flatMap(i -> Arbitraries.chars()
                .map(c -> VALID.substring(0, i) + c + VALID.substring(i + 1)));
    }

    @Provide
    Arbitrary<String> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(400),
                Arbitraries.integers().between(-400, 400).map(e -> "1e" + e),
                Arbitraries.strings().withChars("0123456789.eE+-").ofMinLength(1).ofMaxLength(30),
                Arbitraries.doubles().map(String::valueOf));
    }

    private static void assertAccountedFor(byte[] value) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("readings", 0, 7L, 1_000L, TimestampType.CREATE_TIME,
                -1, -1, null, value, new RecordHeaders(), Optional.empty());
        for (SampleDeserializer deserializer : ALL) {
            Either<DeadLetter, Sample> result = deserializer.decode(record);
            assertThat(result).isNotNull();
            if (result.isLeft()) {
                assertThat(result.left().value).isEqualTo(value);
                // The decoders themselves name the problem: nothing reaches the safety net for unexpected exceptions.
                assertThat(result.left().reason).isNotBlank().doesNotStartWith("unexpected");
                assertThat(result.left().sourceOffset).isEqualTo(7L);
            } else {
                assertThat(Double.isFinite(result.right().value())).isTrue();
                assertThat(result.right().key()).isNotNull();
            }
        }
    }
}
