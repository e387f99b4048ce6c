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
        private final char[] digits = new char[SHORT_DECIMAL_CHARS];
        private JsonGenerator json;

        byte[] encode(WindowAverage<?> result) {
            try {
                if (json == null) {
                    json = FACTORY.createGenerator(out);
                    json.setRootValueSeparator(null); // results follow each other as separate documents
                }
                write(json, result, digits);
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

    private static void write(JsonGenerator json, WindowAverage<?> result, char[] digits) throws IOException {
        json.writeStartObject();
        Object key = result.key();
        if (key instanceof Integer || key instanceof Long || key instanceof Short || key instanceof Byte) {
            json.writeNumberField("key", ((Number) key).longValue());
        } else if (key instanceof Number number) {
            writeDouble(json, "key", number.doubleValue(), digits);
        } else if (key instanceof Boolean bool) {
            json.writeBooleanField("key", bool);
        } else {
            json.writeStringField("key", String.valueOf(key));
        }
        json.writeNumberField("windowStart", result.windowStart());
        json.writeNumberField("windowEnd", result.windowEnd());
        writeDouble(json, "average", result.average(), digits);
        json.writeNumberField("count", result.count());
        writeDouble(json, "sum", result.sum(), digits);
        writeDouble(json, "min", result.min(), digits);
        writeDouble(json, "max", result.max(), digits);
        json.writeEndObject();
    }

    private static void writeDouble(JsonGenerator json, String field, double value, char[] digits)
            throws IOException {
        int length = shortDecimal(value, digits);
        if (length < 0) {
            json.writeNumberField(field, value);
        } else {
            json.writeFieldName(field);
            json.writeNumber(digits, 0, length);
        }
    }

    /** Exact powers of ten, as doubles and as longs, up to the most fraction digits {@link #shortDecimal} tries. */
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
    private static final long[] POW10_LONG = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L};
    static final int SHORT_DECIMAL_CHARS = 32;

    /**
     * Writes {@code value} into {@code out} as Schubfach (and so {@code Double.toString} from JDK 19 on) would — the
     * shortest decimal that reads back as {@code value}, in plain notation — when that decimal has few digits and is
     * the only one of its length that reads back as {@code value}; otherwise returns -1 and the caller writes it the
     * general way. Why: readings and their sums, minima and maxima are mostly such short decimals (21.5, 86.25), for
     * which the general algorithm spends most of its time taking off trailing zeros one division at a time — a tenth
     * of the task in profiles of a job writing millions of results.
     *
     * <p>Why it is exact: for {@code k} fraction digits it takes {@code m}, the integer nearest {@code |value|·10^k},
     * and checks that {@code m / 10^k} (a correctly rounded division of two exact doubles, so the double that parsing
     * the decimal gives) is {@code |value|}. The first {@code k} that passes gives the fewest fraction digits and so,
     * as plain notation keeps the leading digit in place, the fewest significant digits. The search stops, and the
     * general way takes over, unless one unit in the last place of {@code value} times {@code 10^(k+1)} is below
     * one half: then at most one decimal of {@code k} — or {@code k+1} — fraction digits reads back as
     * {@code value}, so there is no closer one of the same length to choose instead, and the product is far enough
     * from a half that rounding it cannot pick the wrong {@code m}. Plain notation is what Schubfach uses from
     * 10^-3 up to but excluding 10^7; the products stay below 2^40, so their rounding errors are below 2^-13.
     *
     * @param value any double
     * @param out at least {@link #SHORT_DECIMAL_CHARS} chars
     * @return the number of chars written, or -1
     */
    static int shortDecimal(double value, char[] out) {
        double a = Math.abs(value);
        if (!(a >= 1e-3 && a < 1e7)) {
            return -1;
        }
        double ulp = Math.ulp(a);
        for (int k = 0; k < POW10.length; k++) {
            double p = POW10[k];
            double scaled = a * p;
            if (ulp * p * 10 >= 0.5 || scaled >= 0x1p40) {
                return -1;
            }
            double m = Math.rint(scaled);
            if (m / p == a) {
                return format(value < 0, (long) m, k, out);
            }
        }
        return -1;
    }

    private static int format(boolean negative, long m, int k, char[] out) {
        int at = 0;
        if (negative) {
            out[at++] = '-';
        }
        long whole = m / POW10_LONG[k];
        long fraction = m % POW10_LONG[k];
        at = appendDigits(whole, out, at);
        out[at++] = '.';
        if (k == 0) {
            out[at++] = '0';
            return at;
        }
        for (int d = k - 1; d >= 0; d--) { // leading zeros of the fraction included
            out[at + d] = (char) ('0' + fraction % 10);
            fraction /= 10;
        }
        return at + k;
    }

    private static int appendDigits(long v, char[] out, int at) {
        int n = 1;
        for (long rest = v; rest >= 10; rest /= 10) {
            n++;
        }
        for (int d = n - 1; d >= 0; d--) {
            out[at + d] = (char) ('0' + v % 10);
            v /= 10;
        }
        return at + n;
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
