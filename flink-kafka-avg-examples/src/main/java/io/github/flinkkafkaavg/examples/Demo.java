package io.github.flinkkafkaavg.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.flinkkafkaavg.connectors.Secret;
import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.testkit.EmbeddedKafka;
import io.github.flinkkafkaavg.testkit.EmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The README's first command: an embedded Kafka broker, a sensor data generator, the sensor sliding-average job on
 * a local Flink, and the averages printed as they arrive on the output topic ({@code read_committed}, as any
 * downstream reader of an exactly-once job would read them); with {@code --database} also an embedded PostgreSQL
 * that the job upserts every window into, its row count and a sample query shown under the live table.
 *
 * <p>Runs until Ctrl-C, or for {@code --duration}; either way it cancels the job and stops the broker, leaving no
 * process or temporary folder behind. Flink and Kafka run in this JVM and one child JVM, for a demo only: this
 * class is not part of the sensor job JAR.
 */
public final class Demo {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    static final String HELP = String.join("\n",
            "flink-kafka-avg demo: embedded Kafka + data generator + sliding-average job on a local Flink.",
            "",
            "Options (all optional):",
            "  --duration D     stop after this long, e.g. 90s; 0 runs until Ctrl-C (default 0)",
            "  --rate N         readings per second (default 200)",
            "  --sensors N      number of sensors (default 5)",
            "  --window D       window size (default 10s)",
            "  --slide D        window slide (default 2s)",
            "  --sql            compute the averages with the SQL script sql/sensor-averages.sql (SLIDING_AVERAGE,",
            "                   upsert-kafka) instead of the DataStream job",
            "  --database       also write every window to an embedded PostgreSQL (one row per sensor and window,",
            "                   upserted) and show the table's row count and a query next to the live view",
            "  --help           print this help");

    private static final String READINGS = "readings";
    private static final String AVERAGES = "averages";
    private static final String DEAD_LETTERS = "readings-dlq";
    private static final String LATE = "readings-late";
    private static final String TABLE = "sensor_averages";
    /** The query the live view shows with --database: what a dashboard would ask the table. */
    static final String SAMPLE_QUERY = "SELECT key AS sensor, to_timestamp(window_end / 1000.0)::time AS window_end,"
            + " count, round(average::numeric, 3) AS average FROM " + TABLE
            + " ORDER BY window_end DESC, key LIMIT 3";
    private static final ObjectMapper ROWS = new ObjectMapper();

    private Demo() {}

    /**
     * Runs the demo. Options are checked before anything starts: a bad one ends it with one line on standard error
     * and exit code 2, not a stack trace after Kafka came up.
     *
     * @param args {@code --duration}, {@code --rate}, {@code --sensors}, {@code --window}, {@code --slide}
     * @throws Exception when the broker or the job cannot start
     */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(HELP);
            return;
        }
        run(options);
    }

    /** The demo's options, each checked; {@code parse} returns null for {@code --help}. */
    record Options(Duration duration, int rate, int sensors, Duration window, Duration slide, boolean sql,
            boolean database) {
        static Options parse(String[] args) {
            Args parsed = Args.parse(args, Set.of("duration", "rate", "sensors", "window", "slide"),
                    Set.of("help", "sql", "database"));
            if (parsed.has("help")) {
                return null;
            }
            Options options = new Options(parsed.getDuration("duration", Duration.ZERO), parsed.getInt("rate", 200),
                    parsed.getInt("sensors", 5), parsed.getDuration("window", Duration.ofSeconds(10)),
                    parsed.getDuration("slide", Duration.ofSeconds(2)), parsed.has("sql"), parsed.has("database"));
            if (options.sql() && options.database()) {
                throw new IllegalArgumentException("--database writes the DataStream job's windows to PostgreSQL;"
                        + " it does not combine with --sql");
            }
            if (options.rate() < 1 || options.sensors() < 1) {
                throw new IllegalArgumentException("--rate and --sensors must be at least 1, but were "
                        + options.rate() + " and " + options.sensors());
            }
            try {
                WindowSpec.ofSizeAndSlide(options.window(), options.slide());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--window " + TimeUtils.formatWithHighestUnit(options.window())
                        + " --slide " + TimeUtils.formatWithHighestUnit(options.slide()) + ": " + e.getMessage(), e);
            }
            return options;
        }
    }

    private static void run(Options options) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopped.countDown();
            try {
                done.await(60, TimeUnit.SECONDS); // let main() cancel the job and stop the broker first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown"));

        if (options.database()) {
            System.out.println("Starting an embedded PostgreSQL (server binaries from a Maven artifact) ...");
        }
        try (EmbeddedPostgres postgres = options.database() ? EmbeddedPostgres.builder().build().start() : null) {
            if (postgres != null) {
                System.out.printf("PostgreSQL is up: %s, user %s.%n", postgres.jdbcUrl(), postgres.user());
            }
            run(options, postgres, stopped);
        } finally {
            done.countDown();
        }
    }

    private static void run(Options options, EmbeddedPostgres postgres, CountDownLatch stopped) throws Exception {
        Duration duration = options.duration();
        int rate = options.rate();
        int sensors = options.sensors();
        Duration window = options.window();
        Duration slide = options.slide();
        System.out.println("Starting an embedded Kafka broker (KRaft, child JVM) ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();
            for (String topic : List.of(READINGS, AVERAGES, DEAD_LETTERS, LATE)) {
                kafka.createTopic(topic, 2);
            }
            System.out.printf("Kafka is up on %s; topics %s created.%n", bootstrap, List.of(READINGS, AVERAGES, DEAD_LETTERS, LATE));

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            JobClient job;
            if (options.sql()) {
                job = SqlAverageJob.run(env, new SqlAverageJob.Settings(bootstrap, READINGS, AVERAGES, DEAD_LETTERS,
                        LATE, "demo-" + UUID.randomUUID(), window, slide, Duration.ofSeconds(2), Duration.ofMinutes(59),
                        Duration.ofSeconds(2), 2, false, SqlAverageJob.bundledScript())).getJobClient().orElseThrow();
                System.out.printf("Flink job %s running the SQL script %s: SLIDING_AVERAGE over %s windows sliding"
                        + " every %s, one row per sensor and window to the upsert-kafka topic '%s'.%n", job.getJobID(),
                        SqlAverageJob.SCRIPT, TimeUtils.formatWithHighestUnit(window), TimeUtils.formatWithHighestUnit(slide),
                        AVERAGES);
            } else {
                SensorAverageJob.build(env, new SensorAverageJob.Settings(bootstrap, READINGS, AVERAGES,
                        "demo-" + UUID.randomUUID(), window, slide, Duration.ofSeconds(2), Duration.ofSeconds(2), 2,
                        false, DEAD_LETTERS, LATE, null, postgres == null ? null : new SensorAverageJob.Database(
                                postgres.jdbcUrl(), TABLE, postgres.user(), Secret.of(postgres.password()))));
                job = env.executeAsync("flink-kafka-avg demo");
                System.out.printf("Flink job %s running: %s windows sliding every %s, exactly-once to '%s'%s.%n",
                        job.getJobID(), TimeUtils.formatWithHighestUnit(window), TimeUtils.formatWithHighestUnit(slide),
                        AVERAGES, postgres == null ? "" : " and upserted into the PostgreSQL table " + TABLE);
            }

            try (SensorDataGenerator generator = new SensorDataGenerator(bootstrap, READINGS, sensors, rate, 7).start();
                    KafkaConsumer<byte[], byte[]> results = committedReader(bootstrap)) {
                System.out.printf("Generating %d readings/s for %d sensors. First averages after one window plus a"
                        + " checkpoint (about %d s). %s%n", rate, sensors, window.toSeconds() + 4,
                        duration.isZero() ? "Ctrl-C stops." : "Stopping after " + duration.toSeconds() + " s.");
                LiveView view = new LiveView(System.console() != null, options.sql(), postgres);
                long deadline = duration.isZero() ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
                while (stopped.getCount() > 0 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : results.poll(Duration.ofMillis(250))) {
                        view.accept(record);
                    }
                    view.render(generator.sent());
                    if (job.getJobStatus().get().isGloballyTerminalState()) {
                        System.out.println("The job ended unexpectedly: " + job.getJobStatus().get());
                        break;
                    }
                }
                System.out.printf("%nStopping: %d readings sent, %d averages, %d dead letters, %d late readings"
                        + " received.%n", generator.sent(), view.averages, view.deadLetters, view.late);
            } finally {
                try {
                    job.cancel().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // already finished or failed; nothing more to cancel
                }
            }
        } finally {
            System.out.println("Stopped the job and the broker" + (postgres == null ? "." : "; stopping PostgreSQL."));
        }
    }

    /**
     * The console view: the latest average per sensor and a status line, redrawn in place once a second on a
     * terminal; on a pipe or file, the same table every five seconds.
     */
    private static final class LiveView {
        private final boolean terminal;
        private final boolean sql;
        private final EmbeddedPostgres postgres;
        private final Map<String, WindowAverage<String>> latest = new TreeMap<>();
        private final long started = System.nanoTime();
        private long lastRender;
        private long lastSent;
        private long lastSentAt = System.nanoTime();
        private double ratePerSecond;
        long averages;
        long deadLetters;
        long late;

        LiveView(boolean terminal, boolean sql, EmbeddedPostgres postgres) {
            this.terminal = terminal;
            this.sql = sql;
            this.postgres = postgres;
        }

        void accept(ConsumerRecord<byte[], byte[]> record) {
            switch (record.topic()) {
                case AVERAGES -> {
                    averages++;
                    WindowAverage<String> r = sql ? fromSqlRow(record.value()) : WindowAverageJson.fromJson(record.value());
                    WindowAverage<String> previous = latest.get(r.key());
                    if (previous == null || previous.windowEnd() <= r.windowEnd()) {
                        latest.put(r.key(), r);
                    }
                }
                case DEAD_LETTERS -> deadLetters++;
                case LATE -> late++;
                default -> { }
            }
        }

        void render(long sent) {
            long now = System.nanoTime();
            if (now - lastRender < (terminal ? 1_000_000_000L : 5_000_000_000L)) {
                return;
            }
            ratePerSecond = (sent - lastSent) * 1e9 / Math.max(1, now - lastSentAt);
            lastSent = sent;
            lastSentAt = now;
            lastRender = now;
            StringBuilder out = new StringBuilder();
            if (terminal) {
                out.append("\033[H\033[2J"); // home and clear: redraw in place
            }
            out.append(String.format(Locale.ROOT, "flink-kafka-avg demo — %d s — latest window per sensor (Ctrl-C stops)%n%n",
                    (now - started) / 1_000_000_000L));
            out.append(String.format(Locale.ROOT, "  %-10s %-21s %9s %7s %8s %8s%n", "sensor", "window (event time)",
                    "average", "count", "min", "max"));
            for (WindowAverage<String> r : latest.values()) {
                out.append(String.format(Locale.ROOT, "  %-10s [%s, %s) %9.3f %7d %8.3f %8.3f%n", r.key(),
                        CLOCK.format(Instant.ofEpochMilli(r.windowStart())), CLOCK.format(Instant.ofEpochMilli(r.windowEnd())),
                        r.average(), r.count(), r.min(), r.max()));
            }
            if (latest.isEmpty()) {
                out.append("  (waiting for the first window to close and its checkpoint to commit)\n");
            }
            out.append(String.format(Locale.ROOT, "%nin: %,d readings (%.0f/s)   windows emitted: %,d   late: %,d   dead letters: %,d%n",
                    sent, ratePerSecond, averages, late, deadLetters));
            if (postgres != null) {
                out.append(database());
            }
            System.out.print(out);
            System.out.flush();
        }

        /** The table's row count and the sample query's rows, as a dashboard would see them. */
        private String database() {
            StringBuilder out = new StringBuilder();
            try {
                Object rows = postgres.query("SELECT count(*) AS n FROM " + TABLE).get(0).get("n");
                out.append(String.format(Locale.ROOT, "%nPostgreSQL %s: %,d rows (one per sensor and window)%n  %s%n",
                        TABLE, (Long) rows, SAMPLE_QUERY));
                for (Map<String, Object> row : postgres.query(SAMPLE_QUERY)) {
                    out.append("    ").append(row).append('\n');
                }
            } catch (RuntimeException e) {
                out.append("\nPostgreSQL: ").append(e.getMessage()).append('\n');
            }
            return out.toString();
        }
    }

    /** A row of the SQL script's upsert-kafka table, as JSON, as a {@link WindowAverage}. */
    static WindowAverage<String> fromSqlRow(byte[] json) {
        try {
            JsonNode row = ROWS.readTree(json);
            return new WindowAverage<>(row.get("sensorId").asText(),
                    Instant.parse(row.get("window_start").asText()).toEpochMilli(),
                    Instant.parse(row.get("window_end").asText()).toEpochMilli(), row.get("cnt").asLong(),
                    row.get("sum").asDouble(), row.get("min").asDouble(), row.get("max").asDouble());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("not a row of the SQL script's output: "
                    + new String(json, java.nio.charset.StandardCharsets.UTF_8), e);
        }
    }

    private static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // Assigned, not subscribed: no consumer group, so closing never waits for a coordinator — the broker may
        // already be gone when Ctrl-C or a closed terminal stops the demo.
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(AVERAGES, DEAD_LETTERS, LATE)) {
            for (int p = 0; p < 2; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

}
