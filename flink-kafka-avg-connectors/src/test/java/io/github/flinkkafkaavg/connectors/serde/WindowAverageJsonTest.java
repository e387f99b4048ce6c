package io.github.flinkkafkaavg.connectors.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
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
