package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * JSON input, typed or by field paths.
 *
 * <pre>{@code
 * RecordDecoder<SensorReading> typed = JsonSerde.of(SensorReading.class);        // records and POJOs, java.time
 * SampleExtractor untyped = JsonSerde.fields("$.sensor.id", "$.reading.value")   // any JSON shape
 *         .timestamp("$.ts");                                                    // else the Kafka timestamp
 * }</pre>
 *
 * <p>Both accept numbers written as JSON numbers or as strings ({@code 42}, {@code 42.5}, {@code "42.5"}), ignore
 * unknown fields, and refuse what would silently distort an average: a missing or null field of a Java record
 * (rather than reading it as 0), NaN and infinities, nesting deeper than 64 levels, strings over 1 MiB. Timestamps
 * are epoch milliseconds (a number or a numeric string) or ISO-8601 instants ({@code "2026-11-25T12:00:00Z"}).
 */
@PublicEvolving
public final class JsonSerde {

    static final int MAX_NESTING_DEPTH = 64;
    static final int MAX_STRING_LENGTH = 1 << 20;

    private JsonSerde() {}

    /**
     * A decoder for JSON objects of one class: a Java record or a POJO with a default constructor.
     *
     * @param type the class
     * @param <T> the type
     * @return the decoder
     */
    public static <T> RecordDecoder<T> of(Class<T> type) {
        return new Typed<>(Objects.requireNonNull(type, "type"));
    }

    /**
     * Reads key and value from JSON by paths such as {@code $.sensor.id} or {@code $.readings[0].value}.
     *
     * @param keyPath where the key is: a string or a number
     * @param valuePath where the value is: a number, or a string holding one
     * @return an extractor; {@link Fields#timestamp(String)} adds an event-time path
     * @throws IllegalArgumentException naming the path when it is not of the form {@code $.a.b[0].c}
     */
    public static Fields fields(String keyPath, String valuePath) {
        return new Fields(JsonPath.parse("key path", keyPath), JsonPath.parse("value path", valuePath), null);
    }

    /**
     * Encodes values of any Jackson-bindable type (records, POJOs, maps) as JSON, with {@code java.time} instants
     * as epoch milliseconds, so that {@link #of(Class)} reads them back. Serializable; the mapper is made on first use.
     *
     * @param <T> the value type
     * @return an encoder
     */
    public static <T> Encoder<T> encoder() {
        return new Encoder<>();
    }

    /**
     * Writes values as JSON bytes; see {@link #encoder()}.
     *
     * @param <T> the value type
     */
    public static final class Encoder<T> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private transient ObjectMapper mapper;

        private Encoder() {}

        /**
         * The JSON of one value.
         *
         * @param value the value
         * @return its UTF-8 JSON
         * @throws IllegalArgumentException when Jackson cannot write the type
         */
        public byte[] encode(T value) {
            if (mapper == null) {
                mapper = ((JsonMapper) mapper()).rebuild()
                        .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS)
                        .build();
            }
            try {
                return mapper.writeValueAsBytes(value);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: "
                        + e.getOriginalMessage(), e);
            }
        }
    }

    /** The mapper every JSON decoder of this library uses: strict about values, lenient about extra fields. */
    static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .build())
                .build();
        return JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS)
                .build();
    }

    /**
     * Decodes one class with Jackson data binding, records of plain fields through {@link RecordBinder} first (the
     * same result, without data binding's per-call set-up): its byte scanner for flat objects of plain values, then
     * its streaming-parser binding for the rest.
     */
    private static final class Typed<T> implements RecordDecoder<T> {
        private static final long serialVersionUID = 1L;
        private final Class<T> type;
        private transient ObjectMapper mapper;
        private transient RecordBinder<T> binder;

        Typed(Class<T> type) {
            this.type = type;
        }

        @Override
        public void open() {
            mapper = mapper();
            binder = RecordBinder.forType(type);
        }

        @Override
        public T decode(byte[] value) throws InvalidRecordException {
            if (mapper == null) {
                open();
            }
            if (binder != null) {
                T fast = binder.decode(value, mapper);
                if (fast != null) {
                    return fast;
                }
            }
            T decoded;
            try {
                decoded = mapper.readValue(value, type);
            } catch (IOException | RuntimeException e) {
                throw new InvalidRecordException(DecodeErrors.reason(e, type), e);
            }
            if (decoded == null) {
                throw new InvalidRecordException("the JSON is null; expected " + DecodeErrors.expected(type));
            }
            return decoded;
        }

        @Override
        public String toString() {
            return "JsonSerde.of(" + type.getName() + ")";
        }
    }

    /**
     * Key, value and optionally event time read from JSON by paths; see {@link JsonSerde#fields(String, String)}.
     * Immutable.
     */
    public static final class Fields implements SampleExtractor {
        private static final long serialVersionUID = 1L;
        private final JsonPath key;
        private final JsonPath value;
        private final JsonPath timestamp;
        private transient ObjectMapper mapper;

        private Fields(JsonPath key, JsonPath value, JsonPath timestamp) {
            this.key = key;
            this.value = value;
            this.timestamp = timestamp;
        }

        /**
         * Reads the event time from this path instead of taking the Kafka record timestamp.
         *
         * @param timestampPath where the event time is: epoch milliseconds or an ISO-8601 instant
         * @return a new extractor
         */
        public Fields timestamp(String timestampPath) {
            return new Fields(key, value, JsonPath.parse("timestamp path", timestampPath));
        }

        @Override
        public void open() {
            mapper = mapper();
        }

        @Override
        public Sample extract(byte[] keyBytes, byte[] valueBytes, long kafkaTimestamp) throws InvalidRecordException {
            if (mapper == null) {
                open();
            }
            JsonNode root;
            try {
                root = mapper.readTree(valueBytes);
            } catch (IOException e) {
                throw new InvalidRecordException(DecodeErrors.reason(e, null), e);
            }
            if (root == null || !root.isContainerNode()) {
                throw new InvalidRecordException("the JSON is " + kind(root) + "; expected an object or an array");
            }
            String k = text(key, root.at(key.pointer()));
            double v = number(value, root.at(value.pointer()));
            long ts = timestamp == null ? kafkaTimestamp : time(timestamp, root.at(timestamp.pointer()));
            return new Sample(k, ts, v);
        }

        private static String text(JsonPath path, JsonNode node) throws InvalidRecordException {
            if (node.isMissingNode() || node.isNull() || !node.isValueNode()) {
                throw new InvalidRecordException(field(path) + " is " + kind(node) + "; expected a string or a number");
            }
            return node.asText();
        }

        private static double number(JsonPath path, JsonNode node) throws InvalidRecordException {
            if (node.isTextual()) {
                return TextSerde.parse(field(path), "the string ", node.textValue());
            }
            if (!node.isNumber()) {
                throw new InvalidRecordException(field(path) + " is " + kind(node) + "; expected a number");
            }
            double v = node.doubleValue();
            if (!Double.isFinite(v)) {
                throw new InvalidRecordException(field(path) + " is " + node.asText() + ", beyond the double range;"
                        + " expected a finite number");
            }
            return v;
        }

        private static long time(JsonPath path, JsonNode node) throws InvalidRecordException {
            if (node.isMissingNode() || node.isNull()) {
                throw new InvalidRecordException(field(path) + " is " + kind(node) + "; expected " + TIME);
            }
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return node.longValue();
            }
            if (node.isTextual()) {
                String text = node.textValue().trim();
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException notEpoch) {
                    try {
                        return Instant.parse(text).toEpochMilli();
                    } catch (DateTimeParseException | ArithmeticException e) {
                        throw new InvalidRecordException(field(path) + " is the string \""
                                + DecodeErrors.escape(abbreviate(text)) + "\"; expected " + TIME);
                    }
                }
            }
            throw new InvalidRecordException(field(path) + " is " + kind(node) + "; expected " + TIME);
        }

        private static final String TIME = "a time (epoch milliseconds, or ISO-8601 text such as"
                + " \"2026-11-25T12:00:00Z\")";

        private static String field(JsonPath path) {
            return "field \"" + path + "\"";
        }

        /** What a JSON node is, as the reasons say it: missing, null, an object, the string "x", the number 5. */
        private static String kind(JsonNode node) {
            if (node.isMissingNode()) {
                return "missing";
            }
            if (node.isNull()) {
                return "null";
            }
            if (node.isObject()) {
                return "an object";
            }
            if (node.isArray()) {
                return "an array";
            }
            if (node.isBoolean()) {
                return node.asText();
            }
            if (node.isTextual()) {
                return "the string \"" + DecodeErrors.escape(abbreviate(node.textValue())) + "\"";
            }
            return "the number " + abbreviate(node.asText());
        }

        @Override
        public String toString() {
            return "JsonSerde.fields(" + key + ", " + value + (timestamp == null ? "" : ", timestamp " + timestamp) + ")";
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return abbreviate(newline < 0 ? message : message.substring(0, newline));
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
