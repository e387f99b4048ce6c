package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON form of a {@link WindowAverage}, as written to Kafka, and its parser for downstream readers.
 *
 * <pre>{@code
 * {"key":"sensor-7","windowStart":1700000000000,"windowEnd":1700000010000,
 *  "average":21.5,"count":4,"sum":86.0,"min":20.0,"max":23.0}
 * }</pre>
 *
 * <p>The schema is stable: fields may be added in later releases, never renamed or removed. Times are epoch
 * milliseconds, the window is {@code [windowStart, windowEnd)}. A key that is a {@link Number} or {@link Boolean}
 * is written as a JSON number or boolean, any other key as its {@code toString()}. A sum beyond the double range
 * (values near ±1.8e308) is written as the string {@code "Infinity"} or {@code "-Infinity"}; the average is always a
 * finite number. Doubles are written as the shortest decimal that reads back as the same double, the same text on
 * every JDK.
 */
@PublicEvolving
public final class WindowAverageJson {

    // Schubfach for doubles (Raffaello Giulietti's algorithm, which Double.toString uses from JDK 19 on): the shortest
    // decimal that reads back as the same double, so the text does not depend on the JDK — and on JDK 17 cheaper
    // than FloatingDecimal, whose per-call thread-local lookups showed in profiles of jobs emitting many results.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private WindowAverageJson() {}

    /**
     * Encodes one result as UTF-8 JSON.
     *
     * @param result the result
     * @return the JSON bytes
     */
    public static byte[] toJson(WindowAverage<?> result) {
        return new Encoder().encode(result);
    }

    /**
     * One generator for many results, for a writer that encodes result after result on one thread: creating a
     * generator per result (its buffers from a thread-local pool) cost as much as writing the fields. Not thread-safe.
     */
    static final class Encoder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        private JsonGenerator json;

        byte[] encode(WindowAverage<?> result) {
            try {
                if (json == null) {
                    json = FACTORY.createGenerator(out);
                    json.setRootValueSeparator(null); // results follow each other as separate documents
                }
                write(json, result);
                json.flush();
                return out.toByteArray();
            } catch (IOException e) {
                json = null; // a generator that failed half-way through an object cannot go on
                throw new UncheckedIOException("cannot encode " + result, e);
            } catch (RuntimeException e) {
                json = null;
                throw e;
            } finally {
                out.reset();
            }
        }
    }

    private static void write(JsonGenerator json, WindowAverage<?> result) throws IOException {
        json.writeStartObject();
        Object key = result.key();
        if (key instanceof Integer || key instanceof Long || key instanceof Short || key instanceof Byte) {
            json.writeNumberField("key", ((Number) key).longValue());
        } else if (key instanceof Number number) {
            json.writeNumberField("key", number.doubleValue());
        } else if (key instanceof Boolean bool) {
            json.writeBooleanField("key", bool);
        } else {
            json.writeStringField("key", String.valueOf(key));
        }
        json.writeNumberField("windowStart", result.windowStart());
        json.writeNumberField("windowEnd", result.windowEnd());
        json.writeNumberField("average", result.average());
        json.writeNumberField("count", result.count());
        json.writeNumberField("sum", result.sum());
        json.writeNumberField("min", result.min());
        json.writeNumberField("max", result.max());
        json.writeEndObject();
    }

    /**
     * Parses the JSON written by {@link #toJson(WindowAverage)}; the key comes back as its JSON text.
     *
     * @param json UTF-8 JSON bytes
     * @return the result, with a {@code String} key
     * @throws IllegalArgumentException when the bytes are not such a JSON object
     */
    public static WindowAverage<String> fromJson(byte[] json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            return new WindowAverage<>(
                    node.required("key").asText(),
                    node.required("windowStart").asLong(),
                    node.required("windowEnd").asLong(),
                    node.required("count").asLong(),
                    number(node.required("sum")),
                    node.required("min").asDouble(),
                    node.required("max").asDouble(),
                    node.required("average").asDouble());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a WindowAverage JSON object: " + e.getMessage(), e);
        }
    }

    /** A number, or the text {@code "Infinity"}/{@code "-Infinity"} that a sum beyond the double range is written as. */
    private static double number(JsonNode node) {
        return node.isTextual() ? Double.parseDouble(node.asText()) : node.asDouble();
    }
}
