package io.github.flinkkafkaavg.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Sliding averages in Flink SQL: runs a SQL script — by default {@code sql/sensor-averages.sql}, which reads JSON
 * {@link SensorReading}s from Kafka, calls {@code SLIDING_AVERAGE}, writes one row per sensor and window to an
 * {@code upsert-kafka} topic, late readings to a topic of their own and every record that is not a reading to a
 * dead-letter topic — statement by statement, as Flink's SQL client would, after filling in its
 * {@code ${name}} variables from the options. A script of one's own ({@code --script}) may use the same variables.
 *
 * <pre>
 * java -cp ... io.github.flinkkafkaavg.examples.SqlAverageJob --bootstrap-servers broker:9092 \
 *     --input-topic readings --output-topic sensor-averages --window 60s --slide 5s
 * </pre>
 */
public final class SqlAverageJob {

    static final String SCRIPT = "sql/sensor-averages.sql";
    static final String HELP = String.join("\n",
            "Sliding averages in Flink SQL: runs " + SCRIPT + " (or --script FILE) with SLIDING_AVERAGE.",
            "",
            "Options (all optional); each also fills the script's ${variable} of the same name with - as _:",
            "  --bootstrap-servers HOSTS   Kafka bootstrap servers (default localhost:9092)",
            "  --input-topic NAME          topic of JSON readings {\"sensorId\",\"value\",\"timestamp\"} (default readings)",
            "  --output-topic NAME         upsert-kafka topic of one row per sensor and window (default sensor-averages)",
            "  --dead-letter-topic NAME    where records that are not readings go, as they came (default readings-dlq)",
            "  --late-topic NAME           where readings behind the watermark go, as they came (default readings-late)",
            "  --group-id NAME             consumer group id (default flink-kafka-avg-sql)",
            "  --window D                  window size (default 60s)",
            "  --slide D                   how often a window starts (default 5s)",
            "  --max-disorder D            how far behind the newest reading a reading may arrive (default 2s)",
            "  --max-future D              how far ahead of this machine's clock a reading may be (default 59min)",
            "  --checkpoint-interval D     checkpoint interval; the sink flushes on checkpoints (default 10s)",
            "  --parallelism N             job parallelism (default: the cluster's)",
            "  --bounded                   stop at the input's end offsets as of the start (backfills and tests)",
            "  --script FILE               the SQL script to run instead of the bundled one",
            "  --help                      print this help");

    private SqlAverageJob() {}

    /**
     * What the job runs with.
     *
     * @param bootstrapServers Kafka bootstrap servers
     * @param inputTopic the readings topic
     * @param outputTopic the upsert-kafka topic of averages
     * @param deadLetterTopic the topic of records that are not readings
     * @param lateTopic the topic of readings behind the watermark
     * @param groupId the consumer group id
     * @param window the window size
     * @param slide how often a window starts
     * @param maxDisorder the watermark's delay behind the newest reading
     * @param maxFuture how far ahead of the processing clock a reading's time may be
     * @param checkpointInterval the checkpoint interval
     * @param parallelism the parallelism, or -1 for the environment's
     * @param bounded whether to stop at the input's end offsets as of the start
     * @param script the script's text
     */
    record Settings(String bootstrapServers, String inputTopic, String outputTopic, String deadLetterTopic,
            String lateTopic, String groupId, Duration window, Duration slide, Duration maxDisorder,
            Duration maxFuture, Duration checkpointInterval, int parallelism, boolean bounded, String script) {

        /** The script's variables. */
        Map<String, String> variables() {
            return Map.ofEntries(Map.entry("bootstrap_servers", bootstrapServers), Map.entry("input_topic", inputTopic),
                    Map.entry("output_topic", outputTopic), Map.entry("dead_letter_topic", deadLetterTopic),
                    Map.entry("late_topic", lateTopic), Map.entry("group_id", groupId),
                    Map.entry("window", window.toMillis() + " ms"), Map.entry("slide", slide.toMillis() + " ms"),
                    Map.entry("max_disorder_seconds", String.format(Locale.ROOT, "%.3f", maxDisorder.toMillis() / 1000.0)),
                    Map.entry("max_future_ms", Long.toString(maxFuture.toMillis())),
                    Map.entry("bounded_mode", bounded ? "latest-offset" : "unbounded"));
        }
    }

    /**
     * Runs the script with the given command line; {@code --help} prints the options. Returns when the job ends,
     * which without {@code --bounded} is when it is cancelled.
     *
     * @param args the command line
     * @throws Exception when the script or the job fails
     */
    public static void main(String[] args) throws Exception {
        Set<String> flags = new HashSet<>(Set.of("bounded", "help"));
        Args parsed = Args.parse(args, Set.of("bootstrap-servers", "input-topic", "output-topic", "dead-letter-topic",
                "late-topic", "group-id", "window", "slide", "max-disorder", "max-future", "checkpoint-interval",
                "parallelism", "script"), flags);
        if (parsed.has("help")) {
            System.out.println(HELP);
            return;
        }
        String scriptFile = parsed.get("script", null);
        Settings settings = new Settings(parsed.get("bootstrap-servers", "localhost:9092"),
                parsed.get("input-topic", "readings"), parsed.get("output-topic", "sensor-averages"),
                parsed.get("dead-letter-topic", "readings-dlq"), parsed.get("late-topic", "readings-late"),
                parsed.get("group-id", "flink-kafka-avg-sql"),
                JobOptions.positive("window", parsed.getDuration("window", Duration.ofSeconds(60))),
                JobOptions.positive("slide", parsed.getDuration("slide", Duration.ofSeconds(5))),
                parsed.getDuration("max-disorder", Duration.ofSeconds(2)),
                JobOptions.positive("max-future", parsed.getDuration("max-future", Duration.ofMinutes(59))),
                JobOptions.positive("checkpoint-interval", parsed.getDuration("checkpoint-interval", Duration.ofSeconds(10))),
                parsed.getInt("parallelism", -1), parsed.has("bounded"),
                scriptFile == null ? bundledScript() : Files.readString(Path.of(scriptFile)));
        TableResult result = run(StreamExecutionEnvironment.getExecutionEnvironment(), settings);
        result.await();
    }

    /**
     * Runs the script's statements in order on {@code env}; an {@code INSERT} submits its job.
     *
     * @param env the environment
     * @param settings the settings
     * @return the result of the last statement, the INSERT's job for the bundled script
     */
    static TableResult run(StreamExecutionEnvironment env, Settings settings) {
        if (settings.parallelism() > 0) {
            env.setParallelism(settings.parallelism());
        }
        env.enableCheckpointing(settings.checkpointInterval().toMillis());
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        List<String> statements = SqlScript.statements(settings.script(), settings.variables());
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("the script has no statement");
        }
        TableResult last = null;
        for (String statement : statements) {
            last = tables.executeSql(statement);
        }
        return last;
    }

    /** The script bundled with the examples. */
    static String bundledScript() throws IOException {
        try (InputStream in = SqlAverageJob.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException(SCRIPT + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
