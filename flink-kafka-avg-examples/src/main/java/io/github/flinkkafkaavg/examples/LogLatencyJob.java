package io.github.flinkkafkaavg.examples;

import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import io.github.flinkkafkaavg.connectors.serde.InvalidRecordException;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * Log latency: plain-text access-log lines (nginx/Apache "combined" format with the request time in seconds at the
 * end, nginx's {@code $request_time}) → average latency per endpoint over a sliding window (1 min, every 10 s) →
 * JSON results to Kafka and, through Flink's {@code FileSink}, to files on any Flink file system (a local path,
 * {@code hdfs://}, {@code s3://}), both exactly once.
 *
 * <pre>
 * flink run -c io.github.flinkkafkaavg.examples.LogLatencyJob flink-kafka-avg-examples-VERSION-jobs.jar \
 *     --bootstrap-servers broker:9092 --input-topic access-log --output-topic endpoint-latency \
 *     --output-path s3://bucket/latency
 * </pre>
 *
 * <p>An endpoint is the method and the path without its query string ({@code GET /api/orders}). Lines that do not
 * parse are dead letters. Files roll on every checkpoint, so a file becomes visible (loses its leading dot and
 * {@code .inprogress}) exactly when the Kafka results of the same checkpoint are committed; they are bucketed by the
 * hour they were written ({@code yyyy-MM-dd--HH}).
 */
public final class LogLatencyJob {

    static final String NAME = "log-latency";
    static final String HELP = JobOptions.help(
            "Log latency: access-log lines -> average latency per endpoint over a sliding window -> Kafka and files.",
            new String[] {"access-log", "topic of access-log lines (combined format + request time in seconds)"},
            new String[] {"endpoint-latency", "topic of JSON averages per endpoint and window (milliseconds)"},
            "  --output-path URI           where the results are also written as JSON lines: a local path, hdfs://..."
                    + " or s3://... (default /tmp/flink-kafka-avg/latency)",
            "  --window DURATION           window size (default 1min)",
            "  --slide DURATION            how often a window starts (default 10s)",
            "  --max-out-of-orderness D    how late a line may arrive and still count (default 5s)");

    private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile(
            "^(\\S+) \\S+ \\S+ \\[([^\\]]+)\\] \"([A-Z]+) (\\S+)[^\"]*\" (\\d{3}) (\\S+)(?: \"[^\"]*\" \"[^\"]*\")?"
                    + " (\\d{1,9}(?:\\.\\d{1,9})?)$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    private LogLatencyJob() {}

    /**
     * One request of the log.
     *
     * @param endpoint method and path, without the query string
     * @param latencyMillis the request time in milliseconds
     * @param timestamp when it was logged, epoch milliseconds (the event time)
     */
    public record Request(String endpoint, double latencyMillis, long timestamp) {}

    /**
     * Runs the job with the given command line; {@code --help} prints the options.
     *
     * @param args the command line
     * @throws Exception when the job fails
     */
    public static void main(String[] args) throws Exception {
        Args parsed = Args.parse(args, JobOptions.options("output-path", "window", "slide", "max-out-of-orderness"),
                JobOptions.FLAGS);
        if (parsed.has("help")) {
            System.out.println(HELP);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, JobOptions.from(parsed, "access-log", "endpoint-latency", "flink-kafka-avg-log-latency"),
                parsed.get("output-path", "/tmp/flink-kafka-avg/latency"),
                JobOptions.positive("window", parsed.getDuration("window", Duration.ofMinutes(1))),
                JobOptions.positive("slide", parsed.getDuration("slide", Duration.ofSeconds(10))),
                parsed.getDuration("max-out-of-orderness", Duration.ofSeconds(5)));
        env.execute("flink-kafka-avg log latency");
    }

    /**
     * Adds the job to {@code env}.
     *
     * @param env the environment
     * @param options the shared options
     * @param outputPath the directory (any Flink file system URI) of the JSON-lines files
     * @param window the window size
     * @param slide how often a window starts
     * @param maxOutOfOrderness how late a line may arrive and still count
     */
    static void build(StreamExecutionEnvironment env, JobOptions options, String outputPath, Duration window,
            Duration slide, Duration maxOutOfOrderness) {
        options.configure(env);
        DataStream<WindowAverage<String>> results = options.wire(SlidingAverage.of(new AccessLogDecoder())
                .key(Request::endpoint).value(Request::latencyMillis).eventTime(Request::timestamp)
                .window(window).slide(slide).maxOutOfOrderness(maxOutOfOrderness), NAME).build(env).results();
        results.map(r -> new String(WindowAverageJson.toJson(r), StandardCharsets.UTF_8), Types.STRING)
                .name("as JSON lines").uid(NAME + "-json-lines")
                .sinkTo(FileSink.forRowFormat(new Path(outputPath), new SimpleStringEncoder<String>("UTF-8"))
                        .withRollingPolicy(OnCheckpointRollingPolicy.build())
                        .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("latency")
                                .withPartSuffix(".jsonl").build())
                        .build())
                .name("files: " + outputPath).uid(NAME + "-file-sink");
    }

    /**
     * Parses one access-log line.
     *
     * @param line the line
     * @return the request
     * @throws InvalidRecordException saying what does not parse
     */
    static Request parse(String line) throws InvalidRecordException {
        Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            throw new InvalidRecordException("not an access-log line in combined format with a request time at the end");
        }
        long timestamp;
        try {
            timestamp = OffsetDateTime.parse(m.group(2), TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException("bad time '" + m.group(2) + "': expected like 25/Nov/2026:14:00:00 +0000");
        }
        String path = m.group(4);
        int query = path.indexOf('?');
        String endpoint = m.group(3) + " " + (query < 0 ? path : path.substring(0, query));
        // Seconds to milliseconds in decimal, so "0.123" is 123 ms exactly and not 122.99999999999999.
        double latencyMillis = new BigDecimal(m.group(7)).movePointRight(3).doubleValue();
        return new Request(endpoint, latencyMillis, timestamp);
    }

    /** UTF-8 access-log lines. */
    static final class AccessLogDecoder implements RecordDecoder<Request> {
        private static final long serialVersionUID = 1L;

        @Override
        public Request decode(byte[] value) throws InvalidRecordException {
            if (value == null) {
                throw new InvalidRecordException("the record has no value");
            }
            return parse(new String(value, StandardCharsets.UTF_8));
        }
    }
}
