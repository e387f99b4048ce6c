package io.github.flinkkafkaavg.connectors.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.DatabaseOut;
import io.github.flinkkafkaavg.connectors.KafkaIn;
import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.connectors.Secret;
import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.EmbeddedPostgresExtension;
import io.github.flinkkafkaavg.testkit.ExpectedWindows;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results into a real PostgreSQL through {@code toDatabase}: 200,000 records of 120 keys and a late tail that
 * re-fires windows (allowed lateness), task failures between checkpoints (at-least-once replays), and the table's
 * final content checked row by row against a BigDecimal oracle.
 *
 * <p>The tail is written only after the job's results show that the watermark has passed the end of the main
 * input, so every tail record is late, whatever order the source read its partitions in: the watermark is the
 * minimum over all splits, and with the tail already in the topic one partition could be read to its end (tail
 * included) while another still held the watermark at the start, leaving no window to re-fire.
 */
class DatabaseOutputITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final EmbeddedPostgresExtension POSTGRES = new EmbeddedPostgresExtension(b -> b.user("averages", "pg'pass"));

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /**
     * Keys whose records stop after the first 20 s of a 1,000 s input: their newest window fires (and is written)
     * long before the end, so that the late tail's re-fire of an older window of theirs comes after it — what a
     * latest-per-key table must not let through.
     */
    private static final List<Reading> EARLY = early();
    /**
     * Late records, one per key, in the first windows, written once the watermark has passed the main input: each
     * re-fires its windows (within the allowed lateness of 20 minutes).
     */
    private static final List<Reading> TAIL = tail();
    private static final Duration LATENESS = Duration.ofMinutes(20);
    /**
     * Keys a PostgreSQL text column cannot hold — U+0000, and an unpaired surrogate the driver would write as '?' —
     * in the main input: dead letters on the way in, never a batch the server refuses on every restart.
     */
    private static final List<Reading> HOSTILE = List.of(
            new Reading("nul\u0000key", 1.0, Instant.ofEpochMilli(Oracle.BASE + 30_000)),
            new Reading("lone\uD800", 2.0, Instant.ofEpochMilli(Oracle.BASE + 30_001)));

    private static List<Reading> early() {
        List<Reading> early = new ArrayList<>();
        for (int j = 0; j < 40; j++) {
            for (int k = 0; k < 10; k++) {
                early.add(new Reading("early-" + k, j - 3.25 * k, Instant.ofEpochMilli(Oracle.BASE + 2_000 + 500L * j + k)));
            }
        }
        return early;
    }

    private static List<Reading> tail() {
        List<Reading> tail = new ArrayList<>();
        for (int k = 0; k < ExactlyOnceHarness.KEYS; k++) {
            tail.add(new Reading("key-" + k, 100.0 + k / 8.0, Instant.ofEpochMilli(Oracle.BASE + 1_000 + 7L * k)));
        }
        for (int k = 0; k < 10; k++) {
            tail.add(new Reading("early-" + k, -50.5 * k, Instant.ofEpochMilli(Oracle.BASE + 1_500 + k)));
        }
        return tail;
    }

    /** The input before the tail: the oracle's readings with the early and hostile keys among them, in time order. */
    private static List<Reading> main() {
        List<Reading> all = new ArrayList<>(ExactlyOnceHarness.ORACLE.readings);
        // The oracle's record i has about BASE + 5 i as its time; put each early record where its time falls.
        List<Reading> inserted = new ArrayList<>(EARLY);
        inserted.addAll(HOSTILE);
        inserted.sort(java.util.Comparator.comparing(Reading::time));
        for (int e = inserted.size() - 1; e >= 0; e--) {
            Reading r = inserted.get(e);
            all.add((int) ((r.time().toEpochMilli() - Oracle.BASE) / 5), r);
        }
        return all;
    }

    /** The main input the table holds: all of it but the hostile keys. */
    private static List<Reading> good() {
        List<Reading> good = main();
        good.removeAll(HOSTILE);
        return good;
    }

    /** Every record the table holds, the good main input and then the tail. */
    private static List<Reading> input() {
        List<Reading> all = good();
        all.addAll(TAIL);
        return all;
    }

    /** Every window of the whole input, late tail included: what the final table must hold. */
    private static ExpectedWindows expected() {
        ExpectedWindows expected = new ExpectedWindows(Oracle.WINDOW, Oracle.SLIDE);
        input().forEach(r -> expected.add(r.sensorId(), r.time().toEpochMilli(), new BigDecimal(r.celsius())));
        return expected;
    }

    @BeforeEach
    void resetFailures() {
        FailingDecoder.reset();
    }

    @Test
    void oneRowPerWindowTheLatestReFireWinsAndReplaysLeaveNoDuplicates(@TempDir Path savepoints) throws Exception {
        String table = "per_window_" + UUID.randomUUID().toString().replace("-", "");
        String topic = run(DatabaseOut.postgres(POSTGRES.database().jdbcUrl()).table(table), Set.of(60_000L, 140_000L), savepoints);

        assertThat(FailingDecoder.FAILURES.get()).as("injected failures").isEqualTo(2);
        List<Map<String, Object>> rows = POSTGRES.database().query(
                "SELECT key, window_start, window_end, count, average FROM " + table);
        ExpectedWindows expected = expected();
        rows.forEach(r -> expected.observe((String) r.get("key"), (Long) r.get("window_start"),
                (Long) r.get("window_end"), (Long) r.get("count"), (Double) r.get("average")));
        expected.assertExactlyOnce();
        assertThat(rows).hasSize(expected.size());

        // The hostile keys are dead letters with the reason (each at least once: a replay may write one again).
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : TopicReader.readAll(KAFKA.bootstrapServers(), topic + "-dead", true)) {
            reasons.put(new String(letter.value(), java.nio.charset.StandardCharsets.UTF_8), new String(
                    letter.headers().lastHeader("dlq.reason").value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(reasons).hasSize(HOSTILE.size());
        assertThat(reasons.values()).anyMatch(r -> r.contains("U+0000")).anyMatch(r -> r.contains("unpaired surrogate"));

        // The same results in Kafka show each tail record's window emitted twice: before the tail, and re-fired.
        Map<String, Set<Long>> counts = countsPerWindow(topic);
        for (Reading r : TAIL) {
            assertThat(counts.get(lastWindowOf(r))).as("counts emitted for %s", lastWindowOf(r)).hasSize(2);
        }
    }

    @Test
    void latestPerKeyKeepsEachKeysNewestWindow(@TempDir Path savepoints) throws Exception {
        String table = "latest_" + UUID.randomUUID().toString().replace("-", "");
        run(DatabaseOut.postgres(POSTGRES.database().jdbcUrl()).table(table).latestPerKey(), Set.of(90_000L), savepoints);

        assertThat(FailingDecoder.FAILURES.get()).as("injected failures").isEqualTo(1);
        Map<String, Long> lastTime = new HashMap<>();
        for (Reading r : good()) {
            lastTime.merge(r.sensorId(), r.time().toEpochMilli(), Math::max);
        }
        List<Map<String, Object>> rows = POSTGRES.database().query(
                "SELECT key, window_start, window_end, count, average FROM " + table);
        assertThat(rows).hasSize(lastTime.size());
        ExpectedWindows expected = expected();
        for (Map<String, Object> r : rows) {
            String key = (String) r.get("key");
            long newestStart = Math.floorDiv(lastTime.get(key), Oracle.SLIDE) * Oracle.SLIDE;
            assertThat((Long) r.get("window_start")).as("window of %s", key).isEqualTo(newestStart);
            expected.observe(key, (Long) r.get("window_start"), (Long) r.get("window_end"), (Long) r.get("count"),
                    (Double) r.get("average"));
        }
        assertThat(expected.wrong()).isEmpty();
        assertThat(expected.duplicated()).isEmpty();
    }

    /**
     * Runs the pipeline over a new input topic, results to a new topic and to {@code out}; returns the topic. The
     * main input first; once a result shows that the watermark has passed its end (both injected failures are
     * behind by then: only the attempt after them reads that far), the tail; once the tail's re-fires are out, a
     * stop with drain closes the last windows as the end of a bounded input would.
     */
    private static String run(DatabaseOut out, Set<Long> failAt, Path savepoints) throws Exception {
        List<Reading> main = main();
        String input = ExactlyOnceHarness.writeInput(KAFKA.cluster(), main);
        String topic = "db-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(topic, 3);
        KAFKA.cluster().createTopic(topic + "-dead", 1);
        StreamExecutionEnvironment env = ExactlyOnceHarness.env(2);
        SlidingAverage.of(new FailingDecoder(failAt))
                .key(Reading::sensorId).value(Reading::celsius).eventTime(r -> r.time().toEpochMilli())
                .window(Duration.ofMillis(Oracle.WINDOW)).slide(Duration.ofMillis(Oracle.SLIDE))
                // the input's own disorder (up to 1 s) passes the watermark bound; the tail needs the lateness
                .maxOutOfOrderness(Duration.ofMillis(2 * Oracle.MAX_DISORDER)).allowedLateness(LATENESS)
                .fromKafka(KafkaIn.topic(input).bootstrapServers(KAFKA.bootstrapServers())
                        .groupId("db-" + UUID.randomUUID()).startingAtEarliest())
                .deadLetters(KafkaOut.topic(topic + "-dead").atLeastOnce())
                .toKafka(KafkaOut.topic(topic).atLeastOnce())
                .toDatabase(out.user("averages").password(Secret.of("pg'pass")).createTableIfMissing())
                .build(env);
        JobClient job = env.executeAsync("results into PostgreSQL");
        try {
            long mainEnd = main.stream().mapToLong(r -> r.time().toEpochMilli()).max().orElseThrow();
            awaitOutput(topic, "a window ending within 10 s of the main input's end",
                    counts -> counts.keySet().stream().anyMatch(w -> windowEnd(w) >= mainEnd - 10_000));
            ExactlyOnceHarness.appendInput(KAFKA.cluster(), input, TAIL);
            awaitOutput(topic, "each tail record's window re-fired",
                    counts -> TAIL.stream().allMatch(r -> counts.getOrDefault(lastWindowOf(r), Set.of()).size() > 1));
            ExactlyOnceHarness.stopWithSavepoint(job, savepoints, true);
            job.getJobExecutionResult().get(2, TimeUnit.MINUTES);
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get(1, TimeUnit.MINUTES);
            }
        }
        return topic;
    }

    /** Reads the results in {@code topic} until {@code done} holds for the counts per window, bounded. */
    private static void awaitOutput(String topic, String what, Predicate<Map<String, Set<Long>>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!done.test(countsPerWindow(topic))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the results in " + topic + " did not show " + what + " within 3 minutes");
            }
            Thread.sleep(250);
        }
    }

    /** The counts each window was emitted with, by "key@start@end". */
    private static Map<String, Set<Long>> countsPerWindow(String topic) {
        Map<String, Set<Long>> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(KAFKA.bootstrapServers(), topic, true)) {
            WindowAverage<String> a = WindowAverageJson.fromJson(record.value());
            counts.computeIfAbsent(a.key() + "@" + a.windowStart() + "@" + a.windowEnd(), k -> new HashSet<>())
                    .add(a.count());
        }
        return counts;
    }

    /** The newest window holding {@code r}, as {@link #countsPerWindow} names it. */
    private static String lastWindowOf(Reading r) {
        long start = Math.floorDiv(r.time().toEpochMilli(), Oracle.SLIDE) * Oracle.SLIDE;
        return r.sensorId() + "@" + start + "@" + (start + Oracle.WINDOW);
    }

    private static long windowEnd(String window) {
        return Long.parseLong(window.substring(window.lastIndexOf('@') + 1));
    }
}
