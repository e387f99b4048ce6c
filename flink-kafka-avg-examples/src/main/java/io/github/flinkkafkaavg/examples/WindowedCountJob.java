package io.github.flinkkafkaavg.examples;

import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.connectors.serde.InvalidRecordException;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Windowed counts: the article's {@code keyBy(value) → 10 s window → count}, written for Flink 2.x. Each Kafka record
 * is one word; the job counts each word per tumbling window (a sliding window whose slide equals its size) on the
 * Kafka record timestamp, and writes one JSON result per word and window — its {@code count} field is the count.
 *
 * <pre>
 * flink run -c io.github.flinkkafkaavg.examples.WindowedCountJob flink-kafka-avg-examples-VERSION-jobs.jar \
 *     --bootstrap-servers broker:9092 --input-topic words --output-topic word-counts --window 10s
 * </pre>
 *
 * <p>Where the Flink 1.x sample used {@code timeWindow(Time.seconds(10))} (removed in 2.0) and processing time, this
 * job uses event time, so a replay of the topic gives the same counts; a blank or non-UTF-8 record is a dead letter.
 */
public final class WindowedCountJob {

    static final String NAME = "word-counts";
    static final String HELP = JobOptions.help(
            "Windowed counts: one word per Kafka record -> count per word in tumbling windows -> Kafka, exactly once.",
            new String[] {"words", "topic of words, one per record (UTF-8; case and surrounding blanks ignored)"},
            new String[] {"word-counts", "topic of JSON results per word and window; \"count\" is the count"},
            "  --window DURATION           window size, e.g. 10s (default 10s)",
            "  --slide DURATION            how often a window starts (default: the window size, i.e. tumbling)",
            "  --max-out-of-orderness D    how far behind the newest record timestamp a record may be (default 2s)");

    private WindowedCountJob() {}

    /**
     * Runs the job with the given command line; {@code --help} prints the options.
     *
     * @param args the command line
     * @throws Exception when the job fails
     */
    public static void main(String[] args) throws Exception {
        Args parsed = Args.parse(args, JobOptions.options("window", "slide", "max-out-of-orderness"), JobOptions.FLAGS);
        if (parsed.has("help")) {
            System.out.println(HELP);
            return;
        }
        Duration window = JobOptions.positive("window", parsed.getDuration("window", Duration.ofSeconds(10)));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, JobOptions.from(parsed, "words", "word-counts", "flink-kafka-avg-word-counts"), window,
                JobOptions.positive("slide", parsed.getDuration("slide", window)),
                parsed.getDuration("max-out-of-orderness", Duration.ofSeconds(2)));
        env.execute("flink-kafka-avg windowed counts");
    }

    /**
     * Adds the job to {@code env}.
     *
     * @param env the environment
     * @param options the shared options
     * @param window the window size
     * @param slide how often a window starts; the window size for tumbling windows
     * @param maxOutOfOrderness how far behind the newest record timestamp a record may be and still count
     */
    static void build(StreamExecutionEnvironment env, JobOptions options, Duration window, Duration slide,
            Duration maxOutOfOrderness) {
        options.configure(env);
        // Counting is averaging the constant 1: the result's count is the number of words in the window.
        options.wire(SlidingAverage.of(new WordDecoder()).key(word -> word).value(word -> 1.0)
                .window(window).slide(slide).maxOutOfOrderness(maxOutOfOrderness), NAME).build(env);
    }

    /** A record's value as one lower-case word. */
    static final class WordDecoder implements RecordDecoder<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String decode(byte[] value) throws InvalidRecordException {
            if (value == null) {
                throw new InvalidRecordException("the record has no value");
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            } catch (CharacterCodingException e) {
                throw new InvalidRecordException("the value is not UTF-8 text", e);
            }
            String word = text.strip().toLowerCase(Locale.ROOT);
            if (word.isEmpty()) {
                throw new InvalidRecordException("the value is blank");
            }
            return word;
        }
    }
}
