package io.github.flinkkafkaavg.connectors.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Test;

/**
 * The fast path must never give a second opinion: wherever {@link RecordBinder} returns a record, Jackson's data
 * binding with {@link JsonSerde}'s mapper returns an equal one from the same bytes (records compare doubles bit by
 * bit, so -0.0 and rounding count). Everything else it must hand back (null or an exception), which the property
 * checks by decoding generated JSON — every token kind in every field, missing, repeated and unknown fields,
 * trailing tokens — both ways.
 */
class RecordBinderTest {

    /** Every component type the binder reads, boxed and primitive. */
    public record Wide(String s, double d, Double dd, float f, Float ff, long l, Long ll, int i, Integer ii,
            boolean b, Boolean bb, Instant t) {}

    /** Every type the byte scanner reads (it leaves records with a float to the streaming binder). */
    public record Scannable(String s, double d, Double dd, long l, Long ll, int i, Integer ii, boolean b, Boolean bb,
            Instant t) {}

    /** The benchmark's and the README's shape. */
    public record Plain(String sensorId, double value, long timestamp) {}

    /** A record whose constructor refuses some values. */
    public record Checked(String id, double value) {
        public Checked {
            if (value < 0) {
                throw new IllegalArgumentException("negative value " + value);
            }
        }
    }

    /** Renamed by an annotation: the binder must leave it to data binding. */
    public record Renamed(@JsonProperty("sensor") String sensorId, double value) {}

    /** A component type the binder does not read. */
    public record WithList(String id, List<Double> values) {}

    private static final ObjectMapper MAPPER = JsonSerde.mapper();
    private static final String[] WIDE_FIELDS = {"s", "d", "dd", "f", "ff", "l", "ll", "i", "ii", "b", "bb", "t"};
    private static int bound;
    private static int handedBack;
    private static int scannedCount;
    private static final java.util.Map<String, Integer> scannedByType = new java.util.concurrent.ConcurrentHashMap<>();

    @Property(tries = 5_000)
    void whateverTheBinderReturnsDataBindingReturnsToo(@ForAll("objects") String json) throws Exception {
        compare(Wide.class, json);
    }

    @Property(tries = 12_000)
    void theSameForEveryTypeTheScannerReads(@ForAll("scannableObjects") String json) throws Exception {
        compare(Scannable.class, json);
    }

    @Property(tries = 2_000)
    void theSameForTheCommonShape(@ForAll("plainObjects") String json) throws Exception {
        compare(Plain.class, json);
    }

    @AfterContainer
    static void bothPathsWereExercised() {
        System.out.printf("[binder] bound %d, handed back %d, scanned %s%n", bound, handedBack, scannedByType);
        // A generator that only ever produced fallbacks (or only plain objects) would prove nothing.
        assertThat(bound).as("records the binder decoded").isGreaterThan(500);
        assertThat(handedBack).as("inputs the binder handed back").isGreaterThan(500);
        assertThat(scannedByType.getOrDefault("Plain", 0)).as("Plain records the scanner decoded").isGreaterThan(100);
        assertThat(scannedByType.getOrDefault("Scannable", 0)).as("Scannable records the scanner decoded").isGreaterThan(100);
    }

    private static <T> void compare(Class<T> type, String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        RecordBinder<T> binder = RecordBinder.forType(type);
        assertThat(binder).isNotNull();
        T scanned;
        try {
            scanned = binder.scan(bytes);
        } catch (Exception e) {
            scanned = null;
        }
        T fast;
        try (JsonParser parser = MAPPER.createParser(bytes)) {
            fast = binder.bind(parser);
        } catch (Exception e) {
            fast = null;
        }
        if (scanned != null) {
            scannedCount++;
            scannedByType.merge(type.getSimpleName(), 1, Integer::sum);
            assertThat(scanned).as("scanned %s", json).isEqualTo(MAPPER.readValue(bytes, type));
        }
        if (fast == null) {
            handedBack++;
            return;
        }
        bound++;
        T reference = MAPPER.readValue(bytes, type);
        assertThat(fast).as(json).isEqualTo(reference);
    }

    @Test
    void recordsOfPlainFieldsGetABinderAndOthersDoNot() {
        assertThat(RecordBinder.forType(Reading.class)).isNotNull();
        assertThat(RecordBinder.forType(Plain.class)).isNotNull();
        assertThat(RecordBinder.forType(Renamed.class)).isNull();
        assertThat(RecordBinder.forType(WithList.class)).isNull();
        assertThat(RecordBinder.forType(String.class)).isNull();
    }

    @Test
    void theTypicalRecordIsBoundByTheFastPathInAnyFieldOrder() throws Exception {
        Plain expected = new Plain("s-1", 21.5, 1764072000000L);
        for (String json : List.of(
                "{\"sensorId\":\"s-1\",\"extra\":{\"a\":[1,{\"b\":2}]},\"value\":21.5,\"timestamp\":1764072000000}",
                "{\"sensorId\":\"s-1\",\"value\":21.5,\"timestamp\":1764072000000,\"extra\":[{}],\"more\":1}",
                "{\"timestamp\":1764072000000,\"value\":21.5,\"sensorId\":\"s-1\"}",
                "{\"value\":21.5,\"other\":\"x\",\"sensorId\":\"s-1\",\"timestamp\":1764072000000}")) {
            try (JsonParser parser = MAPPER.createParser(json.getBytes(StandardCharsets.UTF_8))) {
                assertThat(RecordBinder.forType(Plain.class).bind(parser)).as(json).isEqualTo(expected);
            }
        }
    }

    @Test
    void jsonSerdeDecodesAnnotatedRecordsThroughDataBinding() throws Exception {
        RecordDecoder<Renamed> decoder = JsonSerde.of(Renamed.class);
        decoder.open();
        assertThat(decoder.decode("{\"sensor\":\"s\",\"value\":2}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Renamed("s", 2.0));
    }

    @Test
    void aConstructorThatRefusesIsReportedInDataBindingsWords() throws Exception {
        RecordDecoder<Checked> decoder = JsonSerde.of(Checked.class);
        decoder.open();
        assertThat(decoder.decode("{\"id\":\"a\",\"value\":1}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Checked("a", 1.0));
        assertThatThrownBy(() -> decoder.decode("{\"id\":\"a\",\"value\":-1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("negative value -1.0");
    }

    @Provide
    Arbitrary<String> objects() {
        return object(WIDE_FIELDS);
    }

    @Provide
    Arbitrary<String> scannableObjects() {
        return object("s", "d", "dd", "l", "ll", "i", "ii", "b", "bb", "t");
    }

    @Provide
    Arbitrary<String> plainObjects() {
        return object("sensorId", "value", "timestamp");
    }

    private static Arbitrary<String> object(String... fields) {
        // Mostly every field once with a value of a random kind; sometimes one missing, repeated or unknown.
        Arbitrary<List<String>> members = Arbitraries.integers().between(0, 9).list().ofSize(fields.length)
                .flatMap(kinds -> {
                    List<Arbitrary<String>> parts = new ArrayList<>();
                    for (int f = 0; f < fields.length; f++) {
                        String name = fields[f];
                        parts.add(value(kinds.get(f) < 9 ? name : "")
                                .map(v -> "\"" + name + "\":" + v));
                    }
                    return Combinators.combine(parts).as(list -> list);
                });
        Arbitrary<String> unknown = value("").map(v -> "\"other\":" + v);
        return Combinators.combine(members, Arbitraries.integers().between(0, 19), unknown,
                        Arbitraries.of("", "", "", "", "", " ", " 1", " {}", " x", "]"), Arbitraries.randoms())
                .as((list, change, extra, trailing, random) -> {
                    List<String> out = new ArrayList<>(list);
                    Collections.shuffle(out, random);
                    if (change == 0 && !out.isEmpty()) {
                        out.remove(0);
                    } else if (change == 1 && !out.isEmpty()) {
                        out.add(out.get(0));
                    } else if (change < 6) {
                        out.add(random.nextInt(out.size() + 1), extra);
                    }
                    String[] spaces = {"", "", " ", "\n", "\t ", "\r\n"};
                    StringBuilder json = new StringBuilder(spaces[random.nextInt(spaces.length)]).append('{');
                    for (int m = 0; m < out.size(); m++) {
                        if (m > 0) {
                            json.append(spaces[random.nextInt(spaces.length)]).append(',');
                        }
                        String member = out.get(m);
                        int colon = member.indexOf("\":") + 1;
                        json.append(spaces[random.nextInt(spaces.length)]).append(member, 0, colon)
                                .append(spaces[random.nextInt(spaces.length)]).append(':')
                                .append(spaces[random.nextInt(spaces.length)]).append(member.substring(colon + 1));
                    }
                    return json.append(spaces[random.nextInt(spaces.length)]).append('}').append(trailing).toString();
                });
    }

    /** A JSON value; for a known field name, mostly one of the right kind for its type. */
    private static Arbitrary<String> value(String field) {
        Arbitrary<String> ints = Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.integers().between(-1000, 1000).map(String::valueOf),
                Arbitraries.of("0", "-0", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
                        "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
                        "1764072000000"));
        Arbitrary<String> floats = Arbitraries.oneOf(
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("1.5", "-0.0", "0.1", "1e400", "-1e400", "1E-5", "4.9e-325", "2.5e+3",
                        "0.30000000000000004", "3.4028235E38", "1e39", "21.50", "100.0"));
        Arbitrary<String> strings = Arbitraries.of("\"s1\"", "\"\"", "\"42\"", "\"1.5\"", "\"NaN\"", "\"true\"",
                "\"caf\\u00e9\"", "\"a\\\"b\"", "\"2025-11-25T12:00:00Z\"", "\"line\\nbreak\"", "\"\u00fc\u00f1\u00ee\"");
        Arbitrary<String> others = Arbitraries.of("true", "false", "null", "{}", "[]", "[1,2]", "{\"a\":{\"b\":[1]}}");
        Arbitrary<String> any = Arbitraries.oneOf(ints, floats, strings, others);
        switch (field) {
            case "s", "sensorId":
                return Arbitraries.frequencyOf(Tuple.of(12, strings), Tuple.of(1, any));
            case "d", "dd", "f", "ff", "value":
                return Arbitraries.frequencyOf(Tuple.of(6, floats), Tuple.of(6, ints),
                        Tuple.of(1, any));
            case "i", "ii":
                return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.integers().map(String::valueOf)),
                        Tuple.of(6, ints), Tuple.of(1, any));
            case "l", "ll", "t", "timestamp":
                return Arbitraries.frequencyOf(Tuple.of(12, ints), Tuple.of(1, any));
            case "b", "bb":
                return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.of("true", "false")),
                        Tuple.of(1, any));
            default:
                return any;
        }
    }
}
