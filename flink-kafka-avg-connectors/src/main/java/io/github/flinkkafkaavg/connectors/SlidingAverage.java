package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import io.github.flinkkafkaavg.connectors.serde.SampleExtractor;
import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The whole job in one statement: Kafka → decode (bad records to dead letters) → event time → keyed sliding (or
 * count-based) average → Kafka, exactly once.
 *
 * <pre>{@code
 * env.enableCheckpointing(10_000);                                         // every 10 s
 * SlidingAverage.of(SensorReading.class)                                   // JSON, typed
 *         .key(SensorReading::sensorId).value(SensorReading::celsius).eventTime(SensorReading::timestamp)
 *         .window(Duration.ofMinutes(1)).slide(Duration.ofSeconds(5))
 *         .fromKafka(KafkaIn.topic("readings").bootstrapServers("broker:9092"))
 *         .toKafka(KafkaOut.topic("averages"))
 *         .deadLetters(KafkaOut.topic("readings-dlq"))
 *         .build(env);
 * }</pre>
 *
 * <p>A staged builder: {@link #window}/{@link #windows} lead to {@link Windowed} (time windows, results
 * {@code WindowAverage<String>}), {@link #lastN} to {@link LastN} (the last n values, results
 * {@code MovingAverage<String>}); each stage has only the settings that apply to it, and only those two can
 * {@code build}. The settings of {@link AverageBuilder} — input, key, value, event time, outputs, dead letters —
 * may come before or after. Required: the key and value (unless the input format defines them, as
 * {@link #ofJson(JsonSerde.Fields)} does) and for {@code build(env)} the Kafka input and output. {@code build(env)}
 * checks everything at once and fails with every problem it found, each naming the setting, the bad value and the
 * fix. {@code apply(stream)} adds only the averaging to a stream you already have.
 *
 * <p>Defaults, and CAUTION where they lose data:
 * <ul>
 *   <li>Event time: {@link AverageBuilder#eventTime}, else the Kafka record timestamp.</li>
 *   <li>{@link AverageBuilder#maxOutOfOrderness}: 5 s. A record more than this behind the newest one is late for
 *       the windows that have closed; with the default allowed lateness of 0 it is dropped from them — counted, and
 *       written to {@link Windowed#lateRecords} if you set a topic.</li>
 *   <li>{@link AverageBuilder#idleAfter}: 30 s: a partition silent this long stops holding the watermark back.</li>
 *   <li>Dead letters: counted ({@code numDeadLetters}) and logged at most once a minute, unless
 *       {@link AverageBuilder#deadLetters} names a topic or {@link AverageBuilder#failOnError} makes them fatal.
 *       Their share is the gauge {@code deadLetterRatio}; a task whose first 100 records were at least half dead
 *       letters logs one ERROR with the most common reason ({@link AverageBuilder#failWhenDeadLettersExceed} fails
 *       the job instead).</li>
 *   <li>Event times: records whose windows cannot be computed, before 1970, or further ahead of the processing
 *       clock than the output topic accepts ({@link AverageBuilder#maxFutureEventTime}) are dead letters, decided
 *       before they can move a watermark.</li>
 *   <li>Output: exactly-once through Kafka transactions; the environment must checkpoint.</li>
 * </ul>
 *
 * <p>Immutable: every setter returns a new builder, so a shared base configuration can be specialised safely.
 * Keys become text ({@code String.valueOf}) on the way, so results are keyed by {@code String}.
 *
 * @param <T> the decoded input type
 */
@PublicEvolving
public final class SlidingAverage<T> extends AverageBuilder<T, SlidingAverage<T>> {

    /** The broker's default {@code transaction.max.timeout.ms}. */
    public static final Duration DEFAULT_BROKER_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /** How long {@code build} waits for Kafka when it checks servers, credentials and topics: 30 seconds. */
    public static final Duration DEFAULT_KAFKA_CHECK_TIMEOUT = Duration.ofSeconds(30);

    private SlidingAverage(PipelineSettings<T> settings) {
        super(settings);
    }

    @Override
    SlidingAverage<T> with(PipelineSettings<T> settings) {
        return new SlidingAverage<>(settings);
    }

    /**
     * Input records are JSON objects of this class (a Java record or a POJO): {@code JsonSerde.of(type)}.
     *
     * @param type the record class
     * @param <T> the record type
     * @return a builder
     */
    public static <T> SlidingAverage<T> of(Class<T> type) {
        return new SlidingAverage<>(new PipelineSettings<>(JsonSerde.of(type), null));
    }

    /**
     * Input records are decoded by {@code decoder}, e.g. a format of your own.
     *
     * @param decoder turns record values into {@code T}
     * @param <T> the record type
     * @return a builder
     */
    public static <T> SlidingAverage<T> of(RecordDecoder<T> decoder) {
        return new SlidingAverage<>(new PipelineSettings<>(Objects.requireNonNull(decoder, "decoder"), null));
    }

    /**
     * Input records are JSON of any shape; the paths say where key, value and event time are.
     *
     * @param fields e.g. {@code JsonSerde.fields("$.sensor.id", "$.reading.value").timestamp("$.ts")}
     * @return a builder; {@code key}, {@code value} and {@code eventTime} are already set by the paths
     */
    public static SlidingAverage<Sample> ofJson(JsonSerde.Fields fields) {
        return new SlidingAverage<>(new PipelineSettings<>(null, Objects.requireNonNull(fields, "fields")));
    }

    /**
     * Input records are decoded by an extractor that reads key, value and event time itself, e.g.
     * {@code TextSerde.csv(0, 2).timestampColumn(1)} or {@code TextSerde.number()}.
     *
     * @param extractor decodes and validates a record
     * @return a builder; {@code key}, {@code value} and {@code eventTime} are already set by the extractor
     */
    public static SlidingAverage<Sample> of(SampleExtractor extractor) {
        return new SlidingAverage<>(new PipelineSettings<>(null, Objects.requireNonNull(extractor, "extractor")));
    }

    /**
     * Time-based windows of this size; with {@link Windowed#slide} they slide, without it they tumble.
     *
     * @param size the window size
     * @return the time-windowed stage
     */
    public Windowed<T> window(Duration size) {
        Objects.requireNonNull(size, "window");
        PipelineSettings<T> c = settings.copy();
        c.kind = PipelineSettings.Kind.TIME_WINDOWS;
        c.window = size;
        return new Windowed<>(c);
    }

    /**
     * Several window specs from one state per key, e.g. 1, 5 and 15 minutes each sliding by 10 s; instead of
     * {@link #window}/{@link Windowed#slide}. Sizes must differ: results are told apart by their window length.
     *
     * @param specs the specs
     * @return the time-windowed stage
     */
    public Windowed<T> windows(WindowSpec... specs) {
        PipelineSettings<T> c = settings.copy();
        c.kind = PipelineSettings.Kind.TIME_WINDOWS;
        c.windows = List.of(specs);
        return new Windowed<>(c);
    }

    /**
     * Count-based moving average over each key's last {@code n} values, one result per record; instead of windows.
     *
     * @param n the number of values, at least 1
     * @return the count-based stage
     */
    public LastN<T> lastN(int n) {
        PipelineSettings<T> c = settings.copy();
        c.kind = PipelineSettings.Kind.LAST_N;
        c.lastN = n;
        return new LastN<>(c);
    }

    /**
     * Time-windowed averages: each window {@code [start, end)} of each key once the watermark passes its end, as
     * {@code WindowAverage<String>}, plus a re-fire per record within the allowed lateness.
     *
     * @param <T> the decoded input type
     */
    public static final class Windowed<T> extends AverageBuilder<T, Windowed<T>> {

        Windowed(PipelineSettings<T> settings) {
            super(settings);
        }

        @Override
        Windowed<T> with(PipelineSettings<T> settings) {
            return new Windowed<>(settings);
        }

        /**
         * How often a window starts; at most the window size.
         *
         * @param slide the slide
         * @return a new builder at this stage
         */
        public Windowed<T> slide(Duration slide) {
            Objects.requireNonNull(slide, "slide");
            return change(c -> c.slide = slide);
        }

        /**
         * How long after a window's end records still update it (each re-emits the window). Default 0.
         *
         * @param lateness zero or more
         * @return a new builder at this stage
         */
        public Windowed<T> allowedLateness(Duration lateness) {
            Objects.requireNonNull(lateness, "allowedLateness");
            return change(c -> c.allowedLateness = lateness);
        }

        /**
         * Emits the last windows when the input goes quiet: once a partition has been silent this long (processing
         * time), event time there jumps past the end of every window holding its data. Without it, a stream that stops
         * leaves its last windows open until more records arrive. It also marks a partition that never had data
         * idle after the same silence, so it cannot be combined with {@code idleAfter}.
         *
         * <p>CAUTION: records that arrive after such a jump are late for the windows it closed, and are handled by the
         * lateness settings (dropped and counted by default). Choose a silence longer than the usual gaps in the input.
         *
         * @param silence a positive duration
         * @return a new builder at this stage
         */
        public Windowed<T> closeWindowsWhenIdle(Duration silence) {
            Objects.requireNonNull(silence, "closeWindowsWhenIdle");
            return change(c -> c.closeWindowsWhenIdle = silence);
        }

        /**
         * Where records late for every window go, as {@link Sample} JSON; by default they are dropped and counted.
         *
         * @param late the output for late records
         * @return a new builder at this stage
         */
        public Windowed<T> lateRecords(KafkaOut late) {
            Objects.requireNonNull(late, "lateRecords");
            return change(c -> c.lateOutput = late);
        }

        /**
         * Also writes every result to a PostgreSQL table, one row per window (or per key), with an idempotent upsert:
         * see {@link DatabaseOut}. {@code build} and {@code apply} first check that the table is there with the right
         * columns and key (or create it, on request) and fail naming the fix when it is not.
         *
         * @param database the table
         * @return a new builder at this stage
         */
        public Windowed<T> toDatabase(DatabaseOut database) {
            Objects.requireNonNull(database, "toDatabase");
            return change(c -> c.databaseOutput = database);
        }

        /**
         * Adds the whole pipeline to {@code env}: Kafka source, decoding with dead letters, watermarks, averaging and
         * Kafka sinks. First it checks the configuration, then asks Kafka (see
         * {@link AverageBuilder#checkKafkaWithin}) whether the servers, credentials and topics work.
         *
         * @param env the environment; must checkpoint when the output is exactly-once
         * @return the pipeline's streams
         * @throws IllegalArgumentException listing every configuration problem, each with its fix
         * @throws IllegalStateException when Kafka cannot be reached, refuses the credentials or certificates, or a topic
         *     is missing or has too few partitions — naming the servers, the topic and the fix
         */
        public Pipeline<T, WindowAverage<String>> build(StreamExecutionEnvironment env) {
            return PipelineAssembly.build(env, settings);
        }

        /**
         * Adds only the averaging to a stream you already have. Its records must carry event-time timestamps, e.g.
         * from a source's {@code WatermarkStrategy}; {@link AverageBuilder#eventTime} and the Kafka settings are not
         * used. Records whose key is null, whose value is not finite, whose functions throw or which have no timestamp
         * go, unchanged, to {@link Pipeline#invalidRecords()}.
         *
         * @param stream the records
         * @return the pipeline's streams
         * @throws IllegalArgumentException listing every configuration problem
         */
        public Pipeline<T, WindowAverage<String>> apply(DataStream<T> stream) {
            return PipelineAssembly.apply(stream, settings);
        }
    }

    /**
     * Count-based moving averages: per key, in arrival order, one result per record — the mean of the key's last n
     * values — as {@code MovingAverage<String>}.
     *
     * @param <T> the decoded input type
     */
    public static final class LastN<T> extends AverageBuilder<T, LastN<T>> {

        LastN(PipelineSettings<T> settings) {
            super(settings);
        }

        @Override
        LastN<T> with(PipelineSettings<T> settings) {
            return new LastN<>(settings);
        }

        /**
         * No results for a key's first {@code n - 1} records.
         *
         * @return a new builder at this stage
         */
        public LastN<T> emitOnlyWhenFull() {
            return change(c -> c.emitOnlyWhenFull = true);
        }

        /**
         * Forgets a key after this much processing time without a record, so keys that stop sending do not keep
         * their last values forever (Flink state TTL; changes the state format).
         * Time windows need no such setting: a key's state is dropped once its last window has fired.
         *
         * @param silence how long a silent key is kept
         * @return a new builder at this stage
         */
        public LastN<T> forgetKeysAfter(Duration silence) {
            Objects.requireNonNull(silence, "forgetKeysAfter");
            return change(c -> c.forgetKeysAfter = silence);
        }

        /**
         * Adds the whole pipeline to {@code env}, checked first, as {@link Windowed#build} does; the results are one
         * moving average per record.
         *
         * @param env the environment; must checkpoint when the output is exactly-once
         * @return the pipeline's streams
         */
        public Pipeline<T, MovingAverage<String>> build(StreamExecutionEnvironment env) {
            return PipelineAssembly.build(env, settings);
        }

        /**
         * Adds only the averaging to a stream you already have, as {@link Windowed#apply} does; the results are one
         * moving average per record.
         *
         * @param stream the records
         * @return the pipeline's streams
         */
        public Pipeline<T, MovingAverage<String>> apply(DataStream<T> stream) {
            return PipelineAssembly.apply(stream, settings);
        }
    }

    /**
     * The streams a built pipeline exposes, for further processing or tests.
     *
     * @param <T> the decoded input type
     * @param <R> the result type: {@code WindowAverage<String>} or {@code MovingAverage<String>}
     */
    public static final class Pipeline<T, R> {
        private final DataStream<R> results;
        private final DataStream<DeadLetter> deadLetters;
        private final DataStream<Sample> lateRecords;
        private final DataStream<T> invalidRecords;

        Pipeline(DataStream<R> results, DataStream<DeadLetter> deadLetters, DataStream<Sample> lateRecords,
                DataStream<T> invalidRecords) {
            this.results = results;
            this.deadLetters = deadLetters;
            this.lateRecords = lateRecords;
            this.invalidRecords = invalidRecords;
        }

        /**
         * The results, one per window and key (or per record for {@code lastN}).
         *
         * @return the result stream
         */
        public DataStream<R> results() {
            return results;
        }

        /**
         * After {@code build}: the Kafka records that could not be averaged; null after {@code apply}.
         *
         * @return the dead-letter stream
         */
        public DataStream<DeadLetter> deadLetters() {
            return deadLetters;
        }

        /**
         * The records late for every window; null for count-based averages. Without allowed lateness and without a
         * late-records topic the pipeline adds up records per key and slice before its {@code keyBy}: a group that
         * turns out late only there (its source was behind the others, or the job had just restarted) is counted as
         * its records ({@code numLateRecords}) but is not in this stream.
         *
         * @return the late-record stream
         */
        public DataStream<Sample> lateRecords() {
            return lateRecords;
        }

        /**
         * After {@code apply}: the input records, unchanged, whose key was null, whose value was not finite, whose
         * functions threw, or which had no timestamp; null after {@code build}.
         *
         * @return the invalid records
         */
        public DataStream<T> invalidRecords() {
            return invalidRecords;
        }
    }
}
