package io.github.flinkkafkaavg.examples;

import io.github.flinkkafkaavg.connectors.SlidingAverage;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Moving average: JSON {@link SensorReading}s → per sensor, the mean of its last {@code n} values after every
 * reading ({@code r_i = (v_{i-n+1} + … + v_i) / n}) → JSON to Kafka, exactly once. Count-based, so event time plays
 * no part: a sensor's readings are averaged in the order of its Kafka partition (key your input by sensor).
 *
 * <pre>
 * flink run -c io.github.flinkkafkaavg.examples.MovingAverageJob flink-kafka-avg-examples-VERSION-jobs.jar \
 *     --bootstrap-servers broker:9092 --input-topic readings --output-topic moving-averages --last-n 10
 * </pre>
 */
public final class MovingAverageJob {

    static final String NAME = "moving-average";
    static final String HELP = JobOptions.help(
            "Moving average: JSON readings -> per sensor, the mean of its last N values after each reading -> Kafka.",
            new String[] {"readings", "topic of JSON readings {\"sensorId\",\"value\",\"timestamp\"}, keyed by sensor"},
            new String[] {"moving-averages", "topic of JSON results {\"key\",\"timestamp\",\"average\",\"count\",\"sum\"}"},
            "  --last-n N                  how many of a sensor's latest values to average (default 10)",
            "  --emit-only-when-full       no results until a sensor has N values (default: from its first)");

    private MovingAverageJob() {}

    /**
     * Runs the job with the given command line; {@code --help} prints the options.
     *
     * @param args the command line
     * @throws Exception when the job fails
     */
    public static void main(String[] args) throws Exception {
        java.util.Set<String> flags = new java.util.HashSet<>(JobOptions.FLAGS);
        flags.add("emit-only-when-full");
        Args parsed = Args.parse(args, JobOptions.options("last-n"), flags);
        if (parsed.has("help")) {
            System.out.println(HELP);
            return;
        }
        int lastN = parsed.getInt("last-n", 10);
        if (lastN < 1) {
            throw new IllegalArgumentException("--last-n must be at least 1, but was " + lastN);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, JobOptions.from(parsed, "readings", "moving-averages", "flink-kafka-avg-moving-average"), lastN,
                parsed.has("emit-only-when-full"));
        env.execute("flink-kafka-avg moving average");
    }

    /**
     * Adds the job to {@code env}.
     *
     * @param env the environment
     * @param options the shared options
     * @param lastN how many of a sensor's latest values to average
     * @param emitOnlyWhenFull whether to wait until a sensor has {@code lastN} values
     */
    static void build(StreamExecutionEnvironment env, JobOptions options, int lastN, boolean emitOnlyWhenFull) {
        options.configure(env);
        SlidingAverage.LastN<SensorReading> averaging = SlidingAverage.of(SensorReading.class)
                .key(SensorReading::sensorId).value(SensorReading::value).eventTime(SensorReading::timestamp)
                .lastN(lastN);
        options.wire(emitOnlyWhenFull ? averaging.emitOnlyWhenFull() : averaging, NAME).build(env);
    }
}
