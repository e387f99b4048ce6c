package io.github.flinkkafkaavg.examples;

import io.github.flinkkafkaavg.connectors.DatabaseOut;
import io.github.flinkkafkaavg.connectors.KafkaIn;
import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.connectors.KafkaSecurity;
import io.github.flinkkafkaavg.connectors.Secret;
import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Sensor sliding average: JSON {@link SensorReading}s from Kafka → per-sensor sliding average → JSON
 * {@link WindowAverage}s to Kafka, exactly once, and with {@code --jdbc-url} to a PostgreSQL table as well.
 *
 * <pre>
 * flink run flink-kafka-avg-examples-VERSION-sensor-job.jar \
 *     --bootstrap-servers broker:9092 --input-topic readings --output-topic averages --window 60s --slide 5s
 * </pre>
 *
 * <p>Built with the library's {@link SlidingAverage} builder: malformed readings are counted and logged (not fatal),
 * the averaging is the slice-based operator — the same windows and results as Flink's
 * {@code SlidingEventTimeWindows}, at a per-record cost independent of window/slide.
 */
public final class SensorAverageJob {

    static final String HELP = JobOptions.help(
            "Sensor sliding average: JSON readings from Kafka -> per-sensor sliding average -> Kafka, exactly once.",
            new String[] {"readings", "topic of JSON readings {\"sensorId\",\"value\",\"timestamp\"}"},
            new String[] {"averages", "topic the JSON averages go to"},
            "  --window DURATION           window size, e.g. 60s (default 60s)",
            "  --slide DURATION            how often a window starts, e.g. 5s (default 5s)",
            "  --max-out-of-orderness D    how late a reading may arrive and still count (default 2s)",
            "  --late-topic NAME           topic for readings too late for every window (default: count and drop)",
            "  --jdbc-url URL              also write every window to PostgreSQL, e.g. jdbc:postgresql://db:5432/metrics",
            "                              (one row per sensor and window, upserted; the table is created if missing)",
            "  --jdbc-table NAME           the table (default sensor_averages)",
            "  --jdbc-user NAME            the database user",
            "  --jdbc-password-env VAR     the environment variable holding its password (read on every TaskManager)");

    static final Set<String> OPTIONS = JobOptions.options("window", "slide", "max-out-of-orderness", "late-topic",
            "jdbc-url", "jdbc-table", "jdbc-user", "jdbc-password-env");
    static final Set<String> FLAGS = JobOptions.FLAGS;

    private SensorAverageJob() {}

    /**
     * Runs the job with the given command line; {@code --help} prints the options.
     *
     * @param args the command line
     * @throws Exception when the job fails
     */
    public static void main(String[] args) throws Exception {
        Args parsed = Args.parse(args, OPTIONS, FLAGS);
        if (parsed.has("help")) {
            System.out.println(HELP);
            return;
        }
        Settings settings = Settings.from(parsed);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, settings);
        env.execute("flink-kafka-avg sensor sliding average");
    }

    /**
     * What one run of the job reads, computes and writes; {@code --help} describes each setting.
     *
     * @param bootstrapServers Kafka bootstrap servers
     * @param inputTopic the topic of JSON readings
     * @param outputTopic the topic the JSON averages go to
     * @param groupId the consumer group id
     * @param window the window size
     * @param slide how often a window starts; at most {@code window}
     * @param maxOutOfOrderness how far behind the newest reading a reading may be and still count
     * @param checkpointInterval the checkpoint interval, which is also when results become visible
     * @param parallelism the job parallelism, or -1 for the environment's
     * @param bounded stop at the end offsets the input has when the job starts
     * @param deadLetterTopic where unreadable readings go, byte for byte; null to count and log them
     * @param lateTopic where readings too late for every window go; null to count and drop them
     * @param security authentication and encryption towards Kafka; null for plaintext
     * @param database the PostgreSQL table the windows also go to; null for Kafka only
     */
    public record Settings(
            String bootstrapServers,
            String inputTopic,
            String outputTopic,
            String groupId,
            Duration window,
            Duration slide,
            Duration maxOutOfOrderness,
            Duration checkpointInterval,
            int parallelism,
            boolean bounded,
            String deadLetterTopic,
            String lateTopic,
            KafkaSecurity security,
            Database database) {

        /** The settings without a database. */
        public Settings(String bootstrapServers, String inputTopic, String outputTopic, String groupId, Duration window,
                Duration slide, Duration maxOutOfOrderness, Duration checkpointInterval, int parallelism,
                boolean bounded, String deadLetterTopic, String lateTopic, KafkaSecurity security) {
            this(bootstrapServers, inputTopic, outputTopic, groupId, window, slide, maxOutOfOrderness,
                    checkpointInterval, parallelism, bounded, deadLetterTopic, lateTopic, security, null);
        }

        static Settings from(Args args) {
            JobOptions shared = JobOptions.from(args, "readings", "averages", "flink-kafka-avg-sensor");
            Settings settings = new Settings(
                    shared.bootstrapServers(),
                    shared.inputTopic(),
                    shared.outputTopic(),
                    shared.groupId(),
                    args.getDuration("window", Duration.ofSeconds(60)),
                    args.getDuration("slide", Duration.ofSeconds(5)),
                    args.getDuration("max-out-of-orderness", Duration.ofSeconds(2)),
                    shared.checkpointInterval(),
                    shared.parallelism(),
                    shared.bounded(),
                    shared.deadLetterTopic(),
                    args.get("late-topic", null),
                    shared.security(),
                    Database.from(args));
            try {
                WindowSpec.ofSizeAndSlide(settings.window, settings.slide); // the rule's one home, and its words
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--window " + settings.window + " --slide " + settings.slide + ": "
                        + e.getMessage(), e);
            }
            return settings;
        }
    }

    /**
     * A PostgreSQL table for the windows, one row per sensor and window.
     *
     * @param url the JDBC URL
     * @param table the table, created if missing
     * @param user the user, or null
     * @param password its password, or null
     */
    public record Database(String url, String table, String user, Secret password) {

        static Database from(Args args) {
            String url = args.get("jdbc-url", null);
            if (url == null) {
                for (String option : List.of("jdbc-table", "jdbc-user", "jdbc-password-env")) {
                    if (args.get(option, null) != null) {
                        throw new IllegalArgumentException("--" + option + " needs --jdbc-url");
                    }
                }
                return null;
            }
            String passwordEnv = args.get("jdbc-password-env", null);
            return new Database(url, args.get("jdbc-table", "sensor_averages"), args.get("jdbc-user", null),
                    passwordEnv == null ? null : Secret.fromEnv(passwordEnv));
        }

        DatabaseOut out() {
            DatabaseOut out = DatabaseOut.postgres(url).table(table).createTableIfMissing();
            if (user != null) {
                out = out.user(user);
            }
            return password == null ? out : out.password(password);
        }
    }

    /**
     * Adds the whole pipeline — Kafka source, watermarks, sliding average, exactly-once Kafka sink — to {@code env}
     * and enables checkpointing at the configured interval.
     *
     * @param env the environment to add the pipeline to
     * @param s the settings
     */
    public static void build(StreamExecutionEnvironment env, Settings s) {
        if (s.parallelism > 0) {
            env.setParallelism(s.parallelism);
        }
        env.enableCheckpointing(s.checkpointInterval.toMillis());
        KafkaIn input = KafkaIn.topic(s.inputTopic).bootstrapServers(s.bootstrapServers).groupId(s.groupId);
        if (s.bounded) {
            input = input.startingAtEarliest().bounded();
        }
        if (s.security != null) {
            input = input.security(s.security); // the outputs take it from the input
        }
        SlidingAverage.Windowed<SensorReading> job = SlidingAverage.of(SensorReading.class)
                .key(SensorReading::sensorId).value(SensorReading::value).eventTime(SensorReading::timestamp)
                .window(s.window).slide(s.slide)
                .maxOutOfOrderness(s.maxOutOfOrderness)
                .fromKafka(input)
                .toKafka(KafkaOut.topic(s.outputTopic).transactionalIdPrefix("flink-kafka-avg-sensor-" + s.outputTopic))
                .name("sensor-average");
        if (s.deadLetterTopic != null) {
            job = job.deadLetters(KafkaOut.topic(s.deadLetterTopic));
        }
        if (s.lateTopic != null) {
            job = job.lateRecords(KafkaOut.topic(s.lateTopic));
        }
        if (s.database != null) {
            job = job.toDatabase(s.database.out());
        }
        job.build(env);
    }
}
