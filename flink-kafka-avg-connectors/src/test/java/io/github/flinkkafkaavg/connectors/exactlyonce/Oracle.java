package io.github.flinkkafkaavg.connectors.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.testkit.ExpectedWindows;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The fixed input of the exactly-once tests and its expected output, computed independently with BigDecimal: every
 * window [k·S, k·S + W) of every key, its count and exact sum. Disorder stays within the watermark bound, so no
 * record is late and the expected output does not depend on timing.
 */
final class Oracle {

    static final long WINDOW = 10_000;
    static final long SLIDE = 2_000;
    static final long MAX_DISORDER = 1_000;
    static final long BASE = 1_764_000_000_000L;

    final List<Reading> readings = new ArrayList<>();
    /** How many windows the input has. */
    final int windows;

    Oracle(long seed, int records, int keys) {
        Random random = new Random(seed);
        for (int i = 0; i < records; i++) {
            long ts = BASE + i * 5L - random.nextInt((int) MAX_DISORDER);
            double value = Math.round(random.nextGaussian() * 1e7) / 1e4;
            readings.add(new Reading("key-" + random.nextInt(keys), value, Instant.ofEpochMilli(ts)));
        }
        windows = expected().size();
    }

    ExpectedWindows expected() {
        ExpectedWindows expected = new ExpectedWindows(WINDOW, SLIDE);
        for (Reading r : readings) {
            expected.add(r.sensorId(), r.time().toEpochMilli(), new BigDecimal(r.celsius()));
        }
        return expected;
    }

    static byte[] json(Reading r) {
        return String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"celsius\":%s,\"time\":%d}", escape(r.sensorId()),
                Double.toString(r.celsius()), r.time().toEpochMilli()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The key as the text of a JSON string: control characters, quotes, backslashes and surrogates as {@code \\uXXXX}
     * escapes, so that a key with U+0000 or an unpaired surrogate reaches the decoder as itself (raw, the first is
     * invalid JSON and the second cannot be written as UTF-8).
     */
    private static String escape(String key) {
        StringBuilder b = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A complete output compared with the expected windows: wrong, duplicated and missing ones, not yet judged. */
    ExpectedWindows compare(List<ConsumerRecord<byte[], byte[]>> output) {
        ExpectedWindows expected = expected();
        for (ConsumerRecord<byte[], byte[]> record : output) {
            WindowAverage<String> a = WindowAverageJson.fromJson(record.value());
            expected.observe(a.key(), a.windowStart(), a.windowEnd(), a.count(), a.average());
        }
        return expected;
    }

    /** Each expected window exactly once, nothing else, counts exact and averages within 1e-12 of BigDecimal. */
    void assertExactlyOnce(List<ConsumerRecord<byte[], byte[]>> output) {
        compare(output).assertExactlyOnce();
        assertThat(output).hasSize(windows);
    }
}
