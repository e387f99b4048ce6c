package io.github.flinkkafkaavg.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.engine.EventTimeLimits;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.testkit.EmbeddedPostgresExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import io.github.flinkkafkaavg.core.WindowAverage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@code toDatabase} checks before a job exists, against a real PostgreSQL: every problem names its fix. */
class DatabaseOutChecksITCase {

    @RegisterExtension
    static final EmbeddedPostgresExtension POSTGRES = new EmbeddedPostgresExtension(b -> b.user("app", "right"));

    private static DatabaseOut table(String table) {
        return DatabaseOut.postgres(POSTGRES.database().jdbcUrl()).table(table).user("app").password(Secret.of("right"));
    }

    private static void apply(DatabaseOut out) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<Reading> readings = env.fromData(new Reading("s1", 1.0, Instant.ofEpochMilli(1_000)))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Reading>forMonotonousTimestamps()
                        .withTimestampAssigner((r, t) -> r.time().toEpochMilli()));
        SlidingAverage.of(Reading.class).key(Reading::sensorId).value(Reading::celsius)
                .eventTime(r -> r.time().toEpochMilli())
                .window(Duration.ofSeconds(10)).slide(Duration.ofSeconds(5))
                .toDatabase(out)
                .apply(readings);
    }

    private static String name() {
        return "t_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void aMissingTableIsNamedWithTheStatementThatCreatesIt() {
        String t = name();
        assertThatThrownBy(() -> apply(table(t)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the table " + t + " does not exist")
                .hasMessageContaining("CREATE TABLE IF NOT EXISTS " + t + " (key text NOT NULL, window_start bigint NOT NULL")
                .hasMessageContaining("PRIMARY KEY (key, window_start, window_end)")
                .hasMessageContaining(".createTableIfMissing()");
    }

    @Test
    void createTableIfMissingCreatesItWithTheKeyOfTheMode() {
        String perWindow = name();
        String latest = name();
        apply(table(perWindow).createTableIfMissing());
        apply(table(latest).latestPerKey().createTableIfMissing());
        assertThat(POSTGRES.database().query("SELECT a.attname AS c FROM pg_index i JOIN pg_attribute a ON"
                + " a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND i.indrelid = '"
                + latest + "'::regclass")).extracting(r -> r.get("c")).containsExactly("key");
        assertThat(POSTGRES.database().query("SELECT count(*) AS n FROM " + perWindow)).extracting(r -> r.get("n"))
                .containsExactly(0L);
        apply(table(perWindow));   // and then it fits as it is
    }

    @Test
    void aColumnOfAnotherTypeOrAMissingKeyIsNamed() {
        String t = name();
        POSTGRES.database().execute("CREATE TABLE " + t + " (key text, window_start timestamptz, window_end bigint,"
                + " count bigint, average double precision, sum double precision, min double precision)");
        POSTGRES.database().execute("GRANT ALL ON " + t + " TO app");
        assertThatThrownBy(() -> apply(table(t)))
                .hasMessageContaining("the table " + t + " does not fit the results: window_start is timestamptz, not"
                        + " bigint; max double precision is missing");

        String noKey = name();
        POSTGRES.database().execute("CREATE TABLE " + noKey + " (key text, window_start bigint, window_end bigint,"
                + " count bigint, average double precision, sum double precision, min double precision,"
                + " max double precision)");
        POSTGRES.database().execute("GRANT ALL ON " + noKey + " TO app");
        assertThatThrownBy(() -> apply(table(noKey)))
                .hasMessageContaining("has no primary key or unique index on (key, window_start, window_end)")
                .hasMessageContaining("ALTER TABLE " + noKey + " ADD PRIMARY KEY (key, window_start, window_end)");
    }

    /**
     * An unqualified name is the table PostgreSQL will write to, the first of that name on the search path: a table
     * of the same name in another schema neither stands in for a missing one nor mixes its columns into the check.
     */
    @Test
    void anUnqualifiedNameIsCheckedAsTheSearchPathResolvesIt() {
        String t = name();
        String columns = " (key text, window_start bigint, window_end bigint, count bigint, average double precision,"
                + " sum double precision, min double precision, max double precision,"
                + " PRIMARY KEY (key, window_start, window_end))";
        POSTGRES.database().execute("CREATE SCHEMA IF NOT EXISTS elsewhere");
        POSTGRES.database().execute("GRANT USAGE ON SCHEMA elsewhere TO app");
        POSTGRES.database().execute("CREATE TABLE elsewhere." + t + columns);
        POSTGRES.database().execute("GRANT ALL ON elsewhere." + t + " TO app");
        assertThatThrownBy(() -> apply(table(t))).hasMessageContaining("the table " + t + " does not exist");
        apply(table("elsewhere." + t));

        String other = name();
        POSTGRES.database().execute("CREATE TABLE " + other + columns);
        POSTGRES.database().execute("GRANT ALL ON " + other + " TO app");
        POSTGRES.database().execute("CREATE TABLE elsewhere." + other + " (key bigint, window_start timestamptz)");
        POSTGRES.database().execute("GRANT ALL ON elsewhere." + other + " TO app");
        apply(table(other));
        assertThatThrownBy(() -> apply(table("elsewhere." + other)))
                .hasMessageContaining("window_start is timestamptz, not bigint");
    }

    @Test
    void aWrongPasswordOrAnUnsetVariableIsNamedWithoutThePassword() {
        assertThatThrownBy(() -> apply(table(name()).password(Secret.of("wrong"))))
                .hasMessageContaining("as user app")
                .hasMessageContaining("password authentication failed")
                .hasMessageContaining("check .user(...) and .password(...)")
                .hasMessageNotContaining("wrong");
        assertThatThrownBy(() -> apply(table(name()).password(Secret.fromEnv("FKA_NO_SUCH_PASSWORD_VARIABLE"))))
                .hasMessageContaining("the environment variable FKA_NO_SUCH_PASSWORD_VARIABLE with the password is not set");
    }

    /**
     * The table holds exactly what the job emitted, bit for bit, at the ends of the double range too, and its bigint
     * columns hold windows at the last event time the engine can window (ending near {@code Long.MAX_VALUE}) and
     * windows starting before 1970. (Earlier times are dead letters before any sink: the builder refuses results
     * with a negative timestamp, see docs/concepts.md.)
     */
    @Test
    void extremeValuesAndTimesArriveExactly() throws Exception {
        String t = name();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        EventTimeLimits limits = new SlidingWindowEngine(List.of(WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10),
                Duration.ofSeconds(5))), 0).windowableTimes();
        List<Reading> input = new ArrayList<>();
        double[] values = {Double.MAX_VALUE, -Double.MAX_VALUE, 1.7e308, 1.7e308, Double.MIN_VALUE, -Double.MIN_NORMAL / 3};
        String[] keys = {"max", "-max", "overflow", "overflow", "subnormal", "-subnormal"};
        for (int i = 0; i < values.length; i++) {
            input.add(new Reading(keys[i], values[i], Instant.ofEpochMilli(1_000 + i)));
        }
        input.add(new Reading("last-windowable", 7.0, Instant.ofEpochMilli(limits.latest())));
        DataStream<Reading> readings = env.fromData(input)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Reading>forMonotonousTimestamps()
                        .withTimestampAssigner((r, ts) -> r.time().toEpochMilli()));
        List<WindowAverage<String>> emitted = new ArrayList<>();
        try (CloseableIterator<WindowAverage<String>> results = SlidingAverage.of(Reading.class)
                .key(Reading::sensorId).value(Reading::celsius).eventTime(r -> r.time().toEpochMilli())
                .window(Duration.ofSeconds(10)).slide(Duration.ofSeconds(5))
                .toDatabase(table(t).createTableIfMissing())
                .apply(readings).results().executeAndCollect()) {
            results.forEachRemaining(emitted::add);
        }
        assertThat(emitted).hasSize(12)
                .anyMatch(r -> r.windowStart() < 0).anyMatch(r -> r.windowEnd() > Long.MAX_VALUE / 2)
                .anyMatch(r -> r.sum() == Double.POSITIVE_INFINITY && r.average() == 1.7e308);
        List<String> expected = emitted.stream().map(r -> row(r.key(), r.windowStart(), r.windowEnd(), r.count(),
                r.average(), r.sum(), r.min(), r.max())).toList();
        List<String> stored = POSTGRES.database().query("SELECT * FROM " + t).stream().map(r -> row(
                (String) r.get("key"), (Long) r.get("window_start"), (Long) r.get("window_end"), (Long) r.get("count"),
                (Double) r.get("average"), (Double) r.get("sum"), (Double) r.get("min"), (Double) r.get("max")))
                .toList();
        assertThat(stored).containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * PostgreSQL's text cannot hold U+0000, and the driver turns an unpaired surrogate into '?' (two such keys would
     * share one row): with a database output such keys are invalid records with the reason, decided on the way in —
     * the sink would otherwise fail every batch that holds one, in a restart loop, or mix keys silently.
     */
    @Test
    void keysATextColumnCannotHoldAreInvalidRecordsNotARestartLoop() throws Exception {
        String t = name();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        String longest = incompressible(2_048);
        String tooLong = incompressible(2_049);
        List<Reading> input = List.of(new Reading("ok", 1.0, Instant.ofEpochMilli(1_000)),
                new Reading("nul\u0000key", 2.0, Instant.ofEpochMilli(1_001)),
                new Reading("lone\uD800", 3.0, Instant.ofEpochMilli(1_002)),
                new Reading("lone\uDC00", 4.0, Instant.ofEpochMilli(1_003)),
                new Reading("pair\uD83D\uDE00", 5.0, Instant.ofEpochMilli(1_004)),
                new Reading(longest, 6.0, Instant.ofEpochMilli(1_005)),
                new Reading(tooLong, 7.0, Instant.ofEpochMilli(1_006)));
        DataStream<Reading> readings = env.fromData(input)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Reading>forMonotonousTimestamps()
                        .withTimestampAssigner((r, ts) -> r.time().toEpochMilli()));
        SlidingAverage.Pipeline<Reading, WindowAverage<String>> pipeline = SlidingAverage.of(Reading.class)
                .key(Reading::sensorId).value(Reading::celsius).eventTime(r -> r.time().toEpochMilli())
                .window(Duration.ofSeconds(10)).slide(Duration.ofSeconds(5))
                .toDatabase(table(t).createTableIfMissing())
                .apply(readings);
        List<String> invalid = new ArrayList<>();
        pipeline.invalidRecords().map(Reading::sensorId).executeAndCollect().forEachRemaining(invalid::add);
        assertThat(invalid).containsExactlyInAnyOrder("nul\u0000key", "lone\uD800", "lone\uDC00", tooLong);
        assertThat(POSTGRES.database().query("SELECT DISTINCT key FROM " + t)).extracting(r -> r.get("key"))
                .containsExactlyInAnyOrder("ok", "pair\uD83D\uDE00", longest);
        // Why there is a limit: PostgreSQL itself refuses a longer key in the primary key.
        assertThatThrownBy(() -> POSTGRES.database().execute("INSERT INTO " + t + " VALUES ('" + incompressible(3_000)
                + "', 0, 10000, 1, 1, 1, 1, 1)")).hasStackTraceContaining("index row");
    }

    /** ASCII letters that PostgreSQL's compression cannot shrink, as a hash or an encoded id would be. */
    private static String incompressible(int length) {
        java.util.Random random = new java.util.Random(length);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    private static String row(String key, long start, long end, long count, double... doubles) {
        StringBuilder b = new StringBuilder(key + " [" + start + ", " + end + ") " + count);
        for (double d : doubles) {
            b.append(' ').append(Long.toHexString(Double.doubleToRawLongBits(d)));
        }
        return b.toString();
    }

    @Test
    void aUrlOfAnotherDatabaseOrWithAPasswordIsRefusedAtOnce() {
        assertThatThrownBy(() -> DatabaseOut.postgres("jdbc:mysql://db/x"))
                .hasMessageContaining("must start with jdbc:postgresql:");
        assertThatThrownBy(() -> DatabaseOut.postgres("jdbc:postgresql://db/x?user=a&password=b"))
                .hasMessageContaining("the URL carries a password")
                .hasMessageContaining("Secret.fromEnv");
        assertThatThrownBy(() -> DatabaseOut.postgres("jdbc:postgresql://db/x").table("averages; drop"))
                .hasMessageContaining("table must be a name or schema.name");
    }
}
