package io.github.flinkkafkaavg.connectors.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The JSON results are written in: the documented text, every key type, sums beyond the double range, and doubles
 * across the whole range written so that they read back as the same bits — by the reused encoder of the Kafka
 * serializer exactly as by {@link WindowAverageJson#toJson}.
 */
class WindowAverageJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void writesTheDocumentedText() {
        WindowAverage<String> r = new WindowAverage<>("sensor-7", 1_700_000_000_000L, 1_700_000_010_000L, 4, 86.0,
                20.0, 23.0);
        assertThat(new String(WindowAverageJson.toJson(r), StandardCharsets.UTF_8)).isEqualTo(
                "{\"key\":\"sensor-7\",\"windowStart\":1700000000000,\"windowEnd\":1700000010000,"
                        + "\"average\":21.5,\"count\":4,\"sum\":86.0,\"min\":20.0,\"max\":23.0}");
    }

    @Test
    void writesTheShortestDecimalOnEveryJdk() {
        // JDK 17's Double.toString gives 2.82879384806159008E17 for this double (JDK-4511638), JDK 19 on the shortest
        WindowAverage<String> r = new WindowAverage<>("k", 0, 10, 1, 2.82879384806159E17, 1.0E23, 2.0E-3, 1.0E-5);
        assertThat(new String(WindowAverageJson.toJson(r), StandardCharsets.UTF_8)).isEqualTo(
                "{\"key\":\"k\",\"windowStart\":0,\"windowEnd\":10,\"average\":1.0E-5,\"count\":1,"
                        + "\"sum\":2.82879384806159E17,\"min\":1.0E23,\"max\":0.002}");
    }

    @Test
    void keysOfEveryKindAndSumsBeyondTheDoubleRange() throws Exception {
        WindowAverageKafkaSerializer<Object> serializer = new WindowAverageKafkaSerializer<>("out");
        String odd = "a\"b\\c\n\u0001é☃";
        List<Object> keys = List.of(7L, 7, 2.5, true, odd);
        List<String> expected = List.of("7", "7", "2.5", "true", odd);
        for (int i = 0; i < keys.size(); i++) {
            WindowAverage<Object> r = new WindowAverage<>(keys.get(i), 0, 10, 2, Double.POSITIVE_INFINITY,
                    Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE);
            byte[] json = serializer.serialize(r, null, null).value();
            assertThat(json).isEqualTo(WindowAverageJson.toJson(r));
            JsonNode node = MAPPER.readTree(json);
            assertThat(node.get("key").asText()).isEqualTo(expected.get(i));
            assertThat(node.get("sum").isTextual()).isTrue();
            WindowAverage<String> back = WindowAverageJson.fromJson(json);
            assertThat(back.key()).isEqualTo(expected.get(i));
            assertThat(back.sum()).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(back.average()).isEqualTo(Double.MAX_VALUE);
        }
    }

    @Test
    void everyDoubleReadsBackAsTheSameBitsAndNoLongerThanDoubleToString() throws Exception {
        WindowAverageKafkaSerializer<String> serializer = new WindowAverageKafkaSerializer<>("out");
        Random random = new Random(42);
        double[] edges = {Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE,
            -0.0, 0.0, 1e23, 2e-3, 1e7, 9_999_999.999999998, 0.1 + 0.2, 5e-324, 4.9e-324, 2.2250738585072009e-308};
        for (int i = 0; i < 20_000; i++) {
            double[] v = new double[4];
            for (int f = 0; f < 4; f++) {
                v[f] = i < edges.length ? edges[(i + f) % edges.length] : switch (random.nextInt(3)) {
                    case 0 -> Double.longBitsToDouble(random.nextLong());                     // anywhere, NaN aside
                    case 1 -> Double.longBitsToDouble(random.nextLong() & 0x000F_FFFF_FFFF_FFFFL); // subnormal
                    default -> Math.round(random.nextDouble() * 1e6) / 1e3;                   // a reading
                };
                if (Double.isNaN(v[f])) {
                    v[f] = 1.5;
                }
            }
            WindowAverage<String> r = new WindowAverage<>("k" + i, i, i + 10L, 1 + i, v[0], v[1], v[2], v[3]);
            ProducerRecord<byte[], byte[]> record = serializer.serialize(r, null, null);
            assertThat(record.value()).as("reused encoder, result %d", i).isEqualTo(WindowAverageJson.toJson(r));
            Map<String, String> raw = rawFields(record.value());
            String[] fields = {"sum", "min", "max", "average"};
            for (int f = 0; f < 4; f++) {
                String text = raw.get(fields[f]);
                assertThat(Double.doubleToRawLongBits(Double.parseDouble(text)))
                        .as("%s of %s", fields[f], v[f]).isEqualTo(Double.doubleToRawLongBits(v[f]));
                assertThat(text.length()).as("%s of %s", fields[f], v[f])
                        .isLessThanOrEqualTo(Double.toString(v[f]).length());
            }
            assertThat(raw.get("count")).isEqualTo(Long.toString(1 + i));
        }
    }

    @Test
    void shortDecimalsAreWhatSchubfachWritesAndAreTakenForReadings() {
        Random random = new Random(7);
        char[] out = new char[WindowAverageJson.SHORT_DECIMAL_CHARS];
        long taken = 0;
        long decimals = 0;
        for (int i = 0; i < 3_000_000; i++) {
            double v;
            boolean decimal = false;
            switch (i % 4) {
                case 0 -> { // a decimal: up to 16 digits, up to 12 of them after the point
                    int k = random.nextInt(13);
                    double p = Double.parseDouble("1e" + k);                    // exact
                    long m = (long) (random.nextDouble() * Double.parseDouble("1e" + (1 + random.nextInt(16))));
                    v = m / p;                                                  // the double nearest m / 10^k
                    // where the fast path promises to answer: see WindowAverageJson.shortDecimal
                    decimal = v >= 1e-3 && v < 1e7 && Math.ulp(v) * p * 10 < 0.5 && v * p < 0x1p40;
                }
                case 1 -> { // a sum of readings with three decimals, as the workloads write them
                    v = 0;
                    for (int n = 1 + random.nextInt(20); n > 0; n--) {
                        v += (15_000 + random.nextInt(10_000)) / 1_000.0;
                    }
                }
                case 2 -> v = i % 8 == 2 ? Double.longBitsToDouble(random.nextLong())  // anywhere
                        : Math.scalb(1 + random.nextDouble(), random.nextInt(-10, 24)); // all digits, plain range
                default -> { // near the edges of plain notation and of powers of ten
                    double[] edges = {1e-3, 1e7, 1, 10, 100, 0.1, 0.01};
                    v = edges[random.nextInt(edges.length)];
                    for (int steps = random.nextInt(5) - 2; steps != 0; steps += steps > 0 ? -1 : 1) {
                        v = steps > 0 ? Math.nextUp(v) : Math.nextDown(v);
                    }
                }
            }
            if (Double.isNaN(v)) {
                continue;
            }
            v = random.nextBoolean() ? v : -v;
            int n = WindowAverageJson.shortDecimal(v, out);
            if (n >= 0) {
                taken++;
                assertThat(new String(out, 0, n)).as("%s", v).isEqualTo(NumberOutput.toString(v, true));
            } else if (decimal) {
                decimals++; // a short decimal the fast path left to Schubfach
            }
        }
        assertThat(taken).as("values written the short way").isGreaterThan(700_000);
        assertThat(decimals).as("short decimals left to the general way").isZero();
    }

    /** Each field's text as written: a tree would hold the doubles, and print them its own way. */
    private static Map<String, String> rawFields(byte[] json) throws Exception {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = MAPPER.getFactory().createParser(json)) {
            while (parser.nextToken() != null) {
                if (parser.currentToken().isScalarValue()) {
                    fields.put(parser.currentName(), parser.getText());
                }
            }
        }
        return fields;
    }
}
