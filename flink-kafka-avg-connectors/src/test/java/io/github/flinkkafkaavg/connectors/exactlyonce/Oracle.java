package io.github.flinkkafkaavg.connectors.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.WindowAverageJson;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    final Map<String, BigDecimal[]> expected = new HashMap<>(); // "key@start" -> {count, sum}

    Oracle(long seed, int records, int keys) {
        Random random = new Random(seed);
        for (int i = 0; i < records; i++) {
            long ts = BASE + i * 5L - random.nextInt((int) MAX_DISORDER);
            double value = Math.round(random.nextGaussian() * 1e7) / 1e4;
            readings.add(new Reading("key-" + random.nextInt(keys), value, Instant.ofEpochMilli(ts)));
        }
        for (Reading r : readings) {
            long ts = r.time().toEpochMilli();
            for (long start = Math.floorDiv(ts, SLIDE) * SLIDE; start > ts - WINDOW; start -= SLIDE) {
                BigDecimal[] e = expected.computeIfAbsent(r.sensorId() + "@" + start,
                        k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
                e[0] = e[0].add(BigDecimal.ONE);
                e[1] = e[1].add(new BigDecimal(r.celsius()));
            }
        }
    }

    static byte[] json(Reading r) {
        return String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"celsius\":%s,\"time\":%d}", r.sensorId(),
                Double.toString(r.celsius()), r.time().toEpochMilli()).getBytes(StandardCharsets.UTF_8);
    }

    /** How an output differs from the oracle: results with wrong values, windows seen twice or more, windows absent. */
    record Comparison(List<String> unexpected, List<String> duplicated, List<String> missing) {}

    /** Compares a complete output with the expected windows, without judging it. */
    Comparison compare(List<ConsumerRecord<byte[], byte[]>> output) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : output) {
            WindowAverage<String> a = WindowAverageJson.fromJson(record.value());
            String id = a.key() + "@" + a.windowStart();
            seen.merge(id, 1, Integer::sum);
            BigDecimal[] e = expected.get(id);
            if (e == null || a.windowEnd() - a.windowStart() != WINDOW || a.count() != e[0].longValue()
                    || relativeError(a.average(), e[1].divide(e[0], MathContext.DECIMAL128)) > 1e-12) {
                unexpected.add(a.toString());
            }
        }
        List<String> duplicated = seen.entrySet().stream().filter(x -> x.getValue() > 1).map(Map.Entry::getKey).toList();
        List<String> missing = expected.keySet().stream().filter(id -> !seen.containsKey(id)).toList();
        return new Comparison(unexpected, duplicated, missing);
    }

    /** Each expected window exactly once, nothing else, counts exact and averages within 1e-12 of BigDecimal. */
    void assertExactlyOnce(List<ConsumerRecord<byte[], byte[]>> output) {
        Comparison c = compare(output);
        assertThat(c.unexpected()).as("results that differ from the oracle").isEmpty();
        assertThat(c.duplicated()).as("windows emitted more than once").isEmpty();
        assertThat(c.missing()).as("windows never emitted").isEmpty();
        assertThat(output).hasSize(expected.size());
    }

    private static double relativeError(double actual, BigDecimal exact) {
        BigDecimal diff = new BigDecimal(actual).subtract(exact).abs();
        return exact.signum() == 0 ? diff.doubleValue() : diff.divide(exact.abs(), MathContext.DECIMAL64).doubleValue();
    }
}
