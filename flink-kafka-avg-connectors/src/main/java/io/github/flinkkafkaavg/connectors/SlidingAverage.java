package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.connectors.internal.LogDeadLetters;
import io.github.flinkkafkaavg.connectors.internal.SampleWatermarks;
import io.github.flinkkafkaavg.connectors.internal.SplitDeadLetters;
import io.github.flinkkafkaavg.connectors.internal.ToSample;
import io.github.flinkkafkaavg.connectors.internal.WithHeaders;
import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import io.github.flinkkafkaavg.connectors.serde.SampleExtractor;
import io.github.flinkkafkaavg.connectors.serde.TypedExtractor;
import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.MovingAverages;
import io.github.flinkkafkaavg.core.SlidingAverages;
import io.github.flinkkafkaavg.core.ValueFunction;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.engine.EventTimeLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

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
 * <p>Required: the key and value (unless the input format defines them, as {@link #ofJson(JsonSerde.Fields)} does),
 * a window ({@link #window}/{@link #windows}) or a count ({@link #lastN}), and for {@link #build} the Kafka input
 * and output. {@link #build} checks everything at once and fails with every problem it found, each naming the
 * setting, the bad value and the fix. {@link #apply(DataStream)} adds only the averaging to a stream you already
 * have.
 *
 * <p>Defaults, and CAUTION where they lose data:
 * <ul>
 *   <li>Event time: {@link #eventTime}, else the Kafka record timestamp.</li>
 *   <li>{@link #maxOutOfOrderness}: 5 s. A record more than this behind the newest one is late for the windows
 *       that have closed; with the default allowed lateness of 0 it is dropped from them — counted, and written
 *       to {@link #lateRecords} if you set a topic.</li>
 *   <li>{@link #idleAfter}: 30 s: a partition silent this long stops holding the watermark back.</li>
 *   <li>Dead letters: counted ({@code numDeadLetters}) and logged at most once a minute, unless
 *       {@link #deadLetters} names a topic or {@link #failOnError} makes them fatal. Their share is the gauge
 *       {@code deadLetterRatio}; a task whose first 100 records were at least half dead letters logs one ERROR with
 *       the most common reason ({@link #failWhenDeadLettersExceed} fails the job instead).</li>
 *   <li>Event times: records whose windows cannot be computed, before 1970, or further ahead of the processing
 *       clock than the output topic accepts ({@link #maxFutureEventTime}) are dead letters, decided before they
 *       can move a watermark.</li>
 *   <li>Output: exactly-once through Kafka transactions; the environment must checkpoint.</li>
 * </ul>
 *
 * <p>Immutable: every setter returns a new builder, so a shared base configuration can be specialised safely.
 * Keys become text ({@code String.valueOf}) on the way.
 *
 * @param <T> the decoded input type
 */
public final class SlidingAverage<T> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SlidingAverage.class);

    /** The broker's default {@code transaction.max.timeout.ms}. */
    public static final Duration DEFAULT_BROKER_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /** How long {@link #build} waits for Kafka when it checks servers, credentials and topics: 30 seconds. */
    public static final Duration DEFAULT_KAFKA_CHECK_TIMEOUT = Duration.ofSeconds(30);

    private final RecordDecoder<T> decoder;
    private final SampleExtractor presetExtractor;
    private KeyFunction<T> key;
    private ValueFunction<T> value;
    private TimestampFunction<T> eventTime;
    private Duration window;
    private Duration slide;
    private List<WindowSpec> windows;
    private int lastN;
    private boolean emitOnlyWhenFull;
    private Duration maxOutOfOrderness = Duration.ofSeconds(5);
    private Duration allowedLateness = Duration.ZERO;
    private Duration idleAfter = Duration.ofSeconds(30);
    private Duration closeWindowsWhenIdle;
    private KafkaIn input;
    private KafkaOut output;
    private KafkaOut deadLetterOutput;
    private KafkaOut lateOutput;
    private boolean failOnError;
    private double deadLetterFailRatio = Double.NaN;
    private long deadLetterFailAfter;
    private int maxValueBytes = SampleDeserializer.DEFAULT_MAX_VALUE_BYTES;
    private int deadLetterMaxValueBytes = DeadLetterSerializer.DEFAULT_MAX_VALUE_BYTES;
    private Duration forgetKeysAfter;
    private Duration maxFutureEventTime;
    private Duration maxPastEventTime;
    private Duration brokerMaxTransactionTimeout = DEFAULT_BROKER_MAX_TRANSACTION_TIMEOUT;
    private String name = "sliding-average";
    private Duration kafkaCheckTimeout = DEFAULT_KAFKA_CHECK_TIMEOUT;

    private SlidingAverage(RecordDecoder<T> decoder, SampleExtractor presetExtractor) {
        this.decoder = decoder;
        this.presetExtractor = presetExtractor;
    }

    /** Every setter works on a copy, so a half-configured builder can be shared and specialised safely. */
    private SlidingAverage<T> copy() {
        SlidingAverage<T> c = new SlidingAverage<>(decoder, presetExtractor);
        c.key = key;
        c.value = value;
        c.eventTime = eventTime;
        c.window = window;
        c.slide = slide;
        c.windows = windows;
        c.lastN = lastN;
        c.emitOnlyWhenFull = emitOnlyWhenFull;
        c.maxOutOfOrderness = maxOutOfOrderness;
        c.allowedLateness = allowedLateness;
        c.idleAfter = idleAfter;
        c.closeWindowsWhenIdle = closeWindowsWhenIdle;
        c.input = input;
        c.output = output;
        c.deadLetterOutput = deadLetterOutput;
        c.lateOutput = lateOutput;
        c.failOnError = failOnError;
        c.deadLetterFailRatio = deadLetterFailRatio;
        c.deadLetterFailAfter = deadLetterFailAfter;
        c.maxValueBytes = maxValueBytes;
        c.deadLetterMaxValueBytes = deadLetterMaxValueBytes;
        c.forgetKeysAfter = forgetKeysAfter;
        c.maxFutureEventTime = maxFutureEventTime;
        c.maxPastEventTime = maxPastEventTime;
        c.brokerMaxTransactionTimeout = brokerMaxTransactionTimeout;
        c.name = name;
        c.kafkaCheckTimeout = kafkaCheckTimeout;
        return c;
    }

    /**
     * Input records are JSON objects of this class (a Java record or a POJO): {@code JsonSerde.of(type)}.
     *
     * @param type the record class
     * @param <T> the record type
     * @return a builder
     */
    public static <T> SlidingAverage<T> of(Class<T> type) {
        return new SlidingAverage<>(JsonSerde.of(type), null);
    }

    /**
     * Input records are decoded by {@code decoder}, e.g. a format of your own.
     *
     * @param decoder turns record values into {@code T}
     * @param <T> the record type
     * @return a builder
     */
    public static <T> SlidingAverage<T> of(RecordDecoder<T> decoder) {
        return new SlidingAverage<>(Objects.requireNonNull(decoder, "decoder"), null);
    }

    /**
     * Input records are JSON of any shape; the paths say where key, value and event time are.
     *
     * @param fields e.g. {@code JsonSerde.fields("$.sensor.id", "$.reading.value").timestamp("$.ts")}
     * @return a builder; {@link #key}, {@link #value} and {@link #eventTime} are already set by the paths
     */
    public static SlidingAverage<Sample> ofJson(JsonSerde.Fields fields) {
        return new SlidingAverage<>(null, Objects.requireNonNull(fields, "fields"));
    }

    /**
     * Input records are decoded by an extractor that reads key, value and event time itself, e.g.
     * {@code TextSerde.csv(0, 2).timestampColumn(1)} or {@code TextSerde.number()}.
     *
     * @param extractor decodes and validates a record
     * @return a builder; {@link #key}, {@link #value} and {@link #eventTime} are already set by the extractor
     */
    public static SlidingAverage<Sample> of(SampleExtractor extractor) {
        return new SlidingAverage<>(null, Objects.requireNonNull(extractor, "extractor"));
    }

    /**
     * The key to average under; records with a null key are dead letters.
     *
     * @param key e.g. {@code SensorReading::sensorId}
     * @return a new builder
     */
    public SlidingAverage<T> key(KeyFunction<T> key) {
        requireTyped("key");
        SlidingAverage<T> c = copy();
        c.key = Objects.requireNonNull(key, "key");
        return c;
    }

    /**
     * The number to average; NaN and infinities make a record a dead letter.
     *
     * @param value e.g. {@code SensorReading::celsius}
     * @return a new builder
     */
    public SlidingAverage<T> value(ValueFunction<T> value) {
        requireTyped("value");
        SlidingAverage<T> c = copy();
        c.value = Objects.requireNonNull(value, "value");
        return c;
    }

    /**
     * The event time in epoch milliseconds; without it, the Kafka record timestamp.
     *
     * @param eventTime e.g. {@code r -> r.time().toEpochMilli()}
     * @return a new builder
     */
    public SlidingAverage<T> eventTime(TimestampFunction<T> eventTime) {
        requireTyped("eventTime");
        SlidingAverage<T> c = copy();
        c.eventTime = Objects.requireNonNull(eventTime, "eventTime");
        return c;
    }

    /**
     * Time-based windows of this size; with {@link #slide} they slide, without it they tumble.
     *
     * @param size the window size
     * @return a new builder
     */
    public SlidingAverage<T> window(Duration size) {
        SlidingAverage<T> c = copy();
        c.window = Objects.requireNonNull(size, "window");
        return c;
    }

    /**
     * How often a window starts; at most the window size.
     *
     * @param slide the slide
     * @return a new builder
     */
    public SlidingAverage<T> slide(Duration slide) {
        SlidingAverage<T> c = copy();
        c.slide = Objects.requireNonNull(slide, "slide");
        return c;
    }

    /**
     * Several window specs from one state per key, e.g. 1, 5 and 15 minutes each sliding by 10 s; instead of
     * {@link #window}/{@link #slide}. Sizes must differ: results are told apart by their window length.
     *
     * @param specs the specs
     * @return a new builder
     */
    public SlidingAverage<T> windows(WindowSpec... specs) {
        SlidingAverage<T> c = copy();
        c.windows = List.of(specs);
        return c;
    }

    /**
     * Count-based moving average over each key's last {@code n} values, one result per record; instead of windows.
     *
     * @param n the number of values, at least 1
     * @return a new builder
     */
    public SlidingAverage<T> lastN(int n) {
        SlidingAverage<T> c = copy();
        c.lastN = n;
        return c;
    }

    /**
     * With {@link #lastN}: no results for a key's first {@code n - 1} records.
     *
     * @return a new builder
     */
    public SlidingAverage<T> emitOnlyWhenFull() {
        SlidingAverage<T> c = copy();
        c.emitOnlyWhenFull = true;
        return c;
    }

    /**
     * How far behind the newest record a record may be and still count in every window; also how long after a
     * window's end its result waits. Default 5 s.
     *
     * @param bound zero or more
     * @return a new builder
     */
    public SlidingAverage<T> maxOutOfOrderness(Duration bound) {
        SlidingAverage<T> c = copy();
        c.maxOutOfOrderness = Objects.requireNonNull(bound, "maxOutOfOrderness");
        return c;
    }

    /**
     * How long after a window's end records still update it (each re-emits the window). Default 0.
     *
     * @param lateness zero or more
     * @return a new builder
     */
    public SlidingAverage<T> allowedLateness(Duration lateness) {
        SlidingAverage<T> c = copy();
        c.allowedLateness = Objects.requireNonNull(lateness, "allowedLateness");
        return c;
    }

    /**
     * A partition silent this long no longer holds back event time. Default 30 s; null turns it off.
     *
     * @param idle a positive duration, or null
     * @return a new builder
     */
    public SlidingAverage<T> idleAfter(Duration idle) {
        SlidingAverage<T> c = copy();
        c.idleAfter = idle;
        return c;
    }

    /**
     * Emits the last windows when the input goes quiet: once a partition has been silent this long (processing
     * time), event time there jumps past the end of every window holding its data. Without it, a stream that stops
     * leaves its last windows open until more records arrive. Replaces {@link #idleAfter}: a partition that never had
     * data is marked idle after the same silence.
     *
     * <p>CAUTION: records that arrive after such a jump are late for the windows it closed, and are handled by the
     * lateness settings (dropped and counted by default). Choose a silence longer than the usual gaps in the input.
     *
     * @param silence a positive duration
     * @return a new builder
     */
    public SlidingAverage<T> closeWindowsWhenIdle(Duration silence) {
        SlidingAverage<T> c = copy();
        c.closeWindowsWhenIdle = Objects.requireNonNull(silence, "closeWindowsWhenIdle");
        return c;
    }

    /**
     * Where the records come from.
     *
     * @param input the Kafka input
     * @return a new builder
     */
    public SlidingAverage<T> fromKafka(KafkaIn input) {
        SlidingAverage<T> c = copy();
        c.input = Objects.requireNonNull(input, "input");
        return c;
    }

    /**
     * Where the results go, as JSON keyed by the result's key ({@link WindowAverageJson}).
     *
     * @param output the Kafka output
     * @return a new builder
     */
    public SlidingAverage<T> toKafka(KafkaOut output) {
        SlidingAverage<T> c = copy();
        c.output = Objects.requireNonNull(output, "output");
        return c;
    }

    /**
     * Where records that cannot be averaged go, byte for byte with headers naming the reason and the source.
     *
     * @param deadLetters the dead-letter output
     * @return a new builder
     */
    public SlidingAverage<T> deadLetters(KafkaOut deadLetters) {
        SlidingAverage<T> c = copy();
        c.deadLetterOutput = Objects.requireNonNull(deadLetters, "deadLetters");
        return c;
    }

    /**
     * Where records late for every window go, as {@link Sample} JSON; by default they are dropped and counted.
     *
     * @param late the output for late records
     * @return a new builder
     */
    public SlidingAverage<T> lateRecords(KafkaOut late) {
        SlidingAverage<T> c = copy();
        c.lateOutput = Objects.requireNonNull(late, "lateRecords");
        return c;
    }

    /**
     * Strict mode: the first record that cannot be averaged fails the job (and, with restarts, fails it again).
     *
     * @return a new builder
     */
    public SlidingAverage<T> failOnError() {
        SlidingAverage<T> c = copy();
        c.failOnError = true;
        return c;
    }

    /**
     * Fails the job when, once a decoding task has read {@code afterRecords} records, more than {@code ratio} of
     * them were dead letters — for users who prefer a failed job to one that runs on while most of its input is set
     * aside (a field renamed upstream, a wrong format). Each source task judges its own records. Without it the job
     * goes on: the share is the gauge {@code deadLetterRatio}, and a task whose first 100 records (or whole, shorter
     * input) were at least half dead letters logs one ERROR with the most common reason.
     *
     * <p>CAUTION: with restarts enabled, a failed job is restarted and reads the same records again, and fails
     * again: this is a stop, to be fixed by hand.
     *
     * @param ratio the largest share of dead letters tolerated, at least 0 and less than 1
     * @param afterRecords how many records a task reads before it judges, at least 1
     * @return a new builder
     */
    public SlidingAverage<T> failWhenDeadLettersExceed(double ratio, long afterRecords) {
        SlidingAverage<T> c = copy();
        c.deadLetterFailRatio = ratio;
        c.deadLetterFailAfter = afterRecords;
        return c;
    }

    /**
     * The largest record value decoded; larger ones are dead letters. Default 1 MiB.
     *
     * @param bytes a positive size
     * @return a new builder
     */
    public SlidingAverage<T> maxValueBytes(int bytes) {
        SlidingAverage<T> c = copy();
        c.maxValueBytes = bytes;
        return c;
    }

    /**
     * How far ahead of the processing clock an event time may be; later records are dead letters, with the reason,
     * before they can move the watermark or reach state. A sensor whose clock runs fast, or a time in seconds or
     * microseconds read as milliseconds, would otherwise close every other key's windows early, and its results
     * would carry timestamps the output topic refuses — failing the job on every replay.
     *
     * <p>Default: as far ahead as the results topic accepts. {@link #build} reads the topic's
     * {@code message.timestamp.after.max.ms} (1 hour by default on Kafka 4) and keeps a margin for clock skew of a
     * tenth of it, at most 1 minute; when the input is bounded or {@link #closeWindowsWhenIdle} is set, windows are
     * also emitted early, with timestamps up to a window size after their records, so the widest window is taken off
     * too. A topic with {@code message.timestamp.type=LogAppendTime} checks nothing: then there is no default bound.
     * {@link #build} fails when a value set here lets through records whose results the topic would refuse.
     *
     * @param ahead zero or more
     * @return a new builder
     */
    public SlidingAverage<T> maxFutureEventTime(Duration ahead) {
        SlidingAverage<T> c = copy();
        c.maxFutureEventTime = Objects.requireNonNull(ahead, "maxFutureEventTime");
        return c;
    }

    /**
     * How far behind the processing clock an event time may be; older records are dead letters with the reason.
     * Default: no bound, unless the results topic refuses old timestamps ({@code message.timestamp.before.max.ms},
     * unbounded by default): then that, less the time a result may take to be emitted after its record is read
     * (the widest window, the out-of-orderness, the allowed lateness and 10 minutes, at most half of it).
     *
     * @param behind zero or more
     * @return a new builder
     */
    public SlidingAverage<T> maxPastEventTime(Duration behind) {
        SlidingAverage<T> c = copy();
        c.maxPastEventTime = Objects.requireNonNull(behind, "maxPastEventTime");
        return c;
    }

    /**
     * Count-based averages ({@link #lastN}) only: forget a key after this much processing time without a record, so
     * keys that stop sending do not keep their last values forever (Flink state TTL; changes the state format).
     * Time windows need no such setting: a key's state is dropped once its last window has fired.
     *
     * @param silence how long a silent key is kept
     * @return a new builder
     */
    public SlidingAverage<T> forgetKeysAfter(Duration silence) {
        SlidingAverage<T> c = copy();
        c.forgetKeysAfter = Objects.requireNonNull(silence, "forgetKeysAfter");
        return c;
    }

    /**
     * The longest value a dead letter carries whole; a longer original is cut to this length and marked with the
     * headers {@code dlq.truncated} and {@code dlq.original.size}, because a record the dead-letter topic refuses
     * would fail the job on every restart. Default 900 KiB, under Kafka's default 1 MiB limits; raise it only with
     * the dead-letter topic's {@code max.message.bytes} and the producer's {@code max.request.size}
     * ({@code KafkaOut.property}).
     *
     * @param bytes a positive size
     * @return a new builder
     */
    public SlidingAverage<T> deadLetterMaxValueBytes(int bytes) {
        SlidingAverage<T> c = copy();
        c.deadLetterMaxValueBytes = bytes;
        return c;
    }

    /**
     * The broker's {@code transaction.max.timeout.ms}, if it is not the default 15 minutes; {@link #build} checks
     * the output's transaction timeout against it.
     *
     * @param max the broker setting
     * @return a new builder
     */
    public SlidingAverage<T> brokerMaxTransactionTimeout(Duration max) {
        SlidingAverage<T> c = copy();
        c.brokerMaxTransactionTimeout = Objects.requireNonNull(max, "brokerMaxTransactionTimeout");
        return c;
    }

    /**
     * The name the operators' names and uids start with; give each pipeline in a job its own. Default
     * {@code sliding-average}.
     *
     * @param name a short name
     * @return a new builder
     */
    public SlidingAverage<T> name(String name) {
        SlidingAverage<T> c = copy();
        c.name = Objects.requireNonNull(name, "name");
        return c;
    }

    /**
     * How long {@link #build} may wait for Kafka while it checks, before adding anything to the job, that the
     * servers answer, the credentials and certificates are accepted, the input topics exist with at least as many
     * partitions as the source parallelism and the output topics exist (creating those marked
     * {@code createIfMissing}). Default 30 s; each failure is one sentence naming the servers, the topic and the fix.
     *
     * @param timeout a positive duration
     * @return a new builder
     */
    public SlidingAverage<T> checkKafkaWithin(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("checkKafkaWithin needs a positive timeout, but got " + timeout
                    + ": use skipKafkaChecks() to build without contacting Kafka");
        }
        SlidingAverage<T> c = copy();
        c.kafkaCheckTimeout = timeout;
        return c;
    }

    /**
     * Builds without contacting Kafka, e.g. where the job is assembled on a machine that cannot reach the brokers.
     * CAUTION: a wrong password, a missing topic or an unreachable server then shows only once the job runs, as
     * task failures and restarts.
     *
     * @return a new builder
     */
    public SlidingAverage<T> skipKafkaChecks() {
        SlidingAverage<T> c = copy();
        c.kafkaCheckTimeout = null;
        return c;
    }

    private void requireTyped(String setting) {
        if (presetExtractor != null) {
            throw new IllegalStateException(setting + "(...) cannot be set: the input format (" + presetExtractor
                    + ") already says where key, value and event time are");
        }
    }

    /** The streams a built pipeline exposes, for further processing or tests. */
    public static final class Pipeline {
        private final DataStream<?> results;
        private final DataStream<DeadLetter> deadLetters;
        private final DataStream<Sample> lateRecords;
        private final DataStream<?> invalidRecords;

        Pipeline(DataStream<?> results, DataStream<DeadLetter> deadLetters, DataStream<Sample> lateRecords,
                DataStream<?> invalidRecords) {
            this.results = results;
            this.deadLetters = deadLetters;
            this.lateRecords = lateRecords;
            this.invalidRecords = invalidRecords;
        }

        /**
         * The results: {@code WindowAverage<String>} for windows, {@code MovingAverage<String>} for {@code lastN}.
         *
         * @return the result stream
         */
        public DataStream<?> results() {
            return results;
        }

        /**
         * After {@link #build}: the Kafka records that could not be averaged; null after {@link #apply}.
         *
         * @return the dead-letter stream
         */
        public DataStream<DeadLetter> deadLetters() {
            return deadLetters;
        }

        /**
         * The records late for every window; null for count-based averages.
         *
         * @return the late-record stream
         */
        public DataStream<Sample> lateRecords() {
            return lateRecords;
        }

        /**
         * After {@link #apply}: the input records, unchanged, whose key was null, whose value was not finite, whose
         * functions threw, or which had no timestamp; null after {@link #build}.
         *
         * @return the invalid records
         */
        public DataStream<?> invalidRecords() {
            return invalidRecords;
        }
    }

    /**
     * Adds the whole pipeline to {@code env}: Kafka source, decoding with dead letters, watermarks, averaging and
     * Kafka sinks. First it checks the configuration, then asks Kafka (see {@link #checkKafkaWithin}) whether the
     * servers, credentials and topics work.
     *
     * @param env the environment; must checkpoint when the output is exactly-once
     * @return the pipeline's streams
     * @throws IllegalArgumentException listing every configuration problem, each with its fix
     * @throws IllegalStateException when Kafka cannot be reached, refuses the credentials or certificates, or a topic
     *     is missing or has too few partitions — naming the servers, the topic and the fix
     */
    public Pipeline build(StreamExecutionEnvironment env) {
        Objects.requireNonNull(env, "env");
        List<String> problems = new ArrayList<>();
        checkAveraging(problems);
        checkKafka(env, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("SlidingAverage is not configured correctly:\n  - "
                    + String.join("\n  - ", problems));
        }
        KafkaChecks.TopicTimestamps topic = kafkaCheckTimeout == null ? KafkaChecks.TopicTimestamps.KAFKA_DEFAULTS
                : KafkaChecks.verify(input, outputs(), env.getParallelism(), kafkaCheckTimeout);
        TimeBounds bounds = timeBounds(topic, this.output.topic, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("SlidingAverage is not configured correctly:\n  - "
                    + String.join("\n  - ", problems));
        }
        KafkaOut output = inherit(this.output);
        KafkaOut deadLetterOutput = this.deadLetterOutput == null ? null : inherit(this.deadLetterOutput);
        KafkaOut lateOutput = this.lateOutput == null ? null : inherit(this.lateOutput);
        SampleExtractor extractor = presetExtractor != null ? presetExtractor
                : new TypedExtractor<>(decoder, key, value, eventTime);
        KafkaSourceBuilder<Either<DeadLetter, Sample>> source = KafkaSource.<Either<DeadLetter, Sample>>builder()
                .setBootstrapServers(input.bootstrapServers)
                .setGroupId(input.groupId)
                .setDeserializer(new SampleDeserializer(extractor, maxValueBytes, eventTimeLimits(bounds)))
                .setStartingOffsets(startingOffsets(input));
        if (input.pattern != null) {
            source.setTopicPattern(input.pattern);
        } else {
            source.setTopics(input.topics);
        }
        if (input.bounded) {
            source.setBounded(OffsetsInitializer.latest());
        } else {
            source.setProperty("partition.discovery.interval.ms", "60000");
        }
        input.clientProperties().forEach(source::setProperty);

        DataStream<Either<DeadLetter, Sample>> raw = env
                .fromSource(source.build(), watermarks(), "kafka: " + input.describe())
                .uid(name + "-kafka-source");
        OutputTag<DeadLetter> deadLetterTag = new OutputTag<>("dead-letters", SampleDeserializer.deadLetterType());
        SingleOutputStreamOperator<Sample> samples = raw
                .process(failOnError ? new FailOnDeadLetter() : new SplitDeadLetters(deadLetterTag, "Kafka " + input.describe(),
                                deadLetterFailRatio, deadLetterFailAfter),
                        SampleDeserializer.sampleType())
                .name(name + ": decode").uid(name + "-decode");
        DataStream<DeadLetter> deadLetters = samples.getSideOutput(deadLetterTag);
        if (deadLetterOutput != null) {
            deadLetters.sinkTo(kafkaSink(deadLetterOutput, new DeadLetterSerializer(deadLetterOutput.topic, deadLetterMaxValueBytes), "dlq"))
                    .name("kafka: " + deadLetterOutput.topic).uid(name + "-dead-letter-sink");
        } else if (!failOnError) {
            deadLetters.process(new LogDeadLetters(), Types.VOID).name(name + ": log dead letters")
                    .uid(name + "-dead-letter-log").sinkTo(new DiscardingSink<>());
        }

        Pipeline pipeline = average(samples);
        if (lastN > 0) {
            @SuppressWarnings("unchecked")
            DataStream<MovingAverage<String>> results = (DataStream<MovingAverage<String>>) pipeline.results;
            results.sinkTo(kafkaSink(output, new MovingAverageKafkaSerializer<>(output.topic), "results"))
                    .name("kafka: " + output.topic).uid(name + "-sink");
        } else {
            @SuppressWarnings("unchecked")
            DataStream<WindowAverage<String>> results = (DataStream<WindowAverage<String>>) pipeline.results;
            results.sinkTo(kafkaSink(output, new WindowAverageKafkaSerializer<>(output.topic), "results"))
                    .name("kafka: " + output.topic).uid(name + "-sink");
            if (lateOutput != null) {
                pipeline.lateRecords.sinkTo(kafkaSink(lateOutput, new SampleKafkaSerializer(lateOutput.topic), "late"))
                        .name("kafka: " + lateOutput.topic).uid(name + "-late-sink");
            }
        }
        return new Pipeline(pipeline.results, deadLetters, pipeline.lateRecords, null);
    }

    /**
     * Adds only the averaging to a stream you already have. For windows its records must carry event-time
     * timestamps, e.g. from a source's {@code WatermarkStrategy}; {@link #eventTime} and the Kafka settings are not
     * used. Records whose key is null, whose value is not finite, whose functions throw or which have no timestamp
     * go, unchanged, to {@link Pipeline#invalidRecords()}.
     *
     * @param stream the records
     * @return the pipeline's streams
     * @throws IllegalArgumentException listing every configuration problem
     */
    public Pipeline apply(DataStream<T> stream) {
        Objects.requireNonNull(stream, "stream");
        List<String> problems = new ArrayList<>();
        if (presetExtractor != null) {
            problems.add("apply(stream) needs key(...) and value(...) functions; JSON field paths only apply to"
                    + " Kafka records: use SlidingAverage.of(YourType.class) for a DataStream<YourType>");
        }
        checkAveraging(problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("SlidingAverage is not configured correctly:\n  - "
                    + String.join("\n  - ", problems));
        }
        OutputTag<T> invalid = new OutputTag<>("invalid", stream.getType());
        TimeBounds bounds = new TimeBounds(maxFutureEventTime, maxPastEventTime);
        SingleOutputStreamOperator<Sample> samples = stream.process(new ToSample<>(key, value, eventTimeLimits(bounds),
                invalid), SampleDeserializer.sampleType()).name(name + ": key and value").uid(name + "-to-sample");
        Pipeline averaged = average(samples);
        return new Pipeline(averaged.results, null, averaged.lateRecords, samples.getSideOutput(invalid));
    }

    /**
     * The averaging of samples whose event times were checked on the way in (decoding, or {@code ToSample}): the
     * operator checks only what needs no clock again — a record that waited in a buffer must not turn invalid there.
     */
    private Pipeline average(SingleOutputStreamOperator<Sample> samples) {
        KeyedStream<Sample, String> keyed = samples.keyBy(Sample::key, Types.STRING);
        if (lastN > 0) {
            MovingAverages averages = MovingAverages.lastN(lastN);
            if (emitOnlyWhenFull) {
                averages = averages.emitOnlyWhenFull();
            }
            if (forgetKeysAfter != null) {
                averages = averages.forgetKeysAfter(forgetKeysAfter);
            }
            return new Pipeline(averages.apply(keyed, Sample::value).uid(name + "-average"), null, null, null);
        }
        OutputTag<Sample> lateTag = new OutputTag<>("late-records", SampleDeserializer.sampleType());
        SingleOutputStreamOperator<WindowAverage<String>> results = slidingAverages(TimeBounds.NONE)
                .lateRecords(lateTag)
                .apply(keyed, Sample::value)
                .uid(name + "-average");
        DataStream<Sample> late = results.getSideOutput(lateTag);
        if (lateOutput == null) {
            late.sinkTo(new DiscardingSink<>()).name(name + ": drop late records").uid(name + "-late-drop");
        }
        return new Pipeline(results, null, late, null);
    }

    private org.apache.flink.api.common.eventtime.WatermarkStrategy<Either<DeadLetter, Sample>> watermarks() {
        if (closeWindowsWhenIdle == null) {
            return SampleWatermarks.of(maxOutOfOrderness, idleAfter);
        }
        long widest = lastN > 0 ? 0 : specs().stream().mapToLong(WindowSpec::sizeMillis).max().orElse(0);
        return SampleWatermarks.closingWhenIdle(maxOutOfOrderness, closeWindowsWhenIdle, widest);
    }

    private List<WindowSpec> specs() {
        if (windows != null) {
            return windows;
        }
        return List.of(WindowSpec.ofSizeAndSlide(window, slide == null ? window : slide));
    }

    private void checkAveraging(List<String> problems) {
        if (presetExtractor == null) {
            if (key == null) {
                problems.add("key(...) is not set: say which field to average under, e.g. .key(SensorReading::sensorId)");
            }
            if (value == null) {
                problems.add("value(...) is not set: say which number to average, e.g. .value(SensorReading::celsius)");
            }
        }
        boolean timeBased = window != null || windows != null;
        if (timeBased && lastN != 0) {
            problems.add("window(...) and lastN(" + lastN + ") are mutually exclusive: choose time-based windows or a"
                    + " count-based moving average");
        } else if (!timeBased && lastN == 0) {
            problems.add("no window: call .window(size).slide(slide) for time-based averages, or .lastN(n) for a"
                    + " moving average over the last n values");
        }
        if (window != null && windows != null) {
            problems.add("window(...) and windows(...) are mutually exclusive: use windows(...) alone for several horizons");
        }
        if (slide != null && window == null) {
            problems.add("slide(" + slide + ") needs window(...): the slide is how often a window of that size starts");
        }
        if (lastN < 0) {
            problems.add("lastN must be at least 1, but was " + lastN);
        }
        if (emitOnlyWhenFull && lastN == 0) {
            problems.add("emitOnlyWhenFull() applies to lastN(n) only");
        }
        if (window != null && windows == null) {
            try {
                WindowSpec.ofSizeAndSlide(window, slide == null ? window : slide);
            } catch (IllegalArgumentException e) {
                problems.add("window(" + window + ")/slide(" + slide + "): " + e.getMessage());
            }
        }
        if (windows != null) {
            try {
                SlidingAverages.over(windows.toArray(new WindowSpec[0]));
            } catch (IllegalArgumentException e) {
                problems.add("windows(...): " + e.getMessage());
            }
        }
        if (maxOutOfOrderness.isNegative()) {
            problems.add("maxOutOfOrderness must be 0 or more, but was " + maxOutOfOrderness);
        }
        if (allowedLateness.isNegative()) {
            problems.add("allowedLateness must be 0 or more, but was " + allowedLateness);
        }
        if (idleAfter != null && (idleAfter.isNegative() || idleAfter.isZero())) {
            problems.add("idleAfter must be positive (or null to turn idleness off), but was " + idleAfter);
        }
        if (closeWindowsWhenIdle != null && (closeWindowsWhenIdle.isNegative() || closeWindowsWhenIdle.isZero())) {
            problems.add("closeWindowsWhenIdle must be positive, but was " + closeWindowsWhenIdle);
        }
        if (forgetKeysAfter != null && (forgetKeysAfter.isZero() || forgetKeysAfter.isNegative())) {
            problems.add("forgetKeysAfter must be positive, but was " + forgetKeysAfter);
        }
        if (forgetKeysAfter != null && lastN == 0) {
            problems.add("forgetKeysAfter(" + forgetKeysAfter + ") applies to count-based averages (lastN): time"
                    + " windows drop a key's state by themselves once its last window has fired; remove it");
        }
        if (deadLetterMaxValueBytes < 1) {
            problems.add("deadLetterMaxValueBytes must be positive, but was " + deadLetterMaxValueBytes
                    + ": it is the longest dead-letter value written whole (default 900 KiB)");
        }
        if (maxValueBytes < 1) {
            problems.add("maxValueBytes must be positive, but was " + maxValueBytes);
        }
        if (!Double.isNaN(deadLetterFailRatio)) {
            if (!(deadLetterFailRatio >= 0 && deadLetterFailRatio < 1) || deadLetterFailAfter < 1) {
                problems.add("failWhenDeadLettersExceed(" + deadLetterFailRatio + ", " + deadLetterFailAfter + "): the"
                        + " ratio must be at least 0 and less than 1 and the number of records at least 1, e.g."
                        + " failWhenDeadLettersExceed(0.5, 1000)");
            }
            if (failOnError) {
                problems.add("failOnError() and failWhenDeadLettersExceed(" + deadLetterFailRatio + ", "
                        + deadLetterFailAfter + ") are mutually exclusive: failOnError() already fails at the first"
                        + " dead letter; keep one");
            }
        }
        if (maxFutureEventTime != null && maxFutureEventTime.isNegative()) {
            problems.add("maxFutureEventTime must be 0 or more, but was " + maxFutureEventTime);
        }
        if (maxPastEventTime != null && maxPastEventTime.isNegative()) {
            problems.add("maxPastEventTime must be 0 or more, but was " + maxPastEventTime);
        }
    }

    /**
     * How far from the processing clock an event time may be, for results the topic accepts: the settings, or their
     * defaults from what the topic accepts. Settings that let through refused results are added to
     * {@code problems}; a configuration that can still produce them with the defaults is logged.
     */
    private TimeBounds timeBounds(KafkaChecks.TopicTimestamps topic, String topicName, List<String> problems) {
        if (topic == null || topic.logAppendTime()) {
            return new TimeBounds(maxFutureEventTime, maxPastEventTime);
        }
        long widest = lastN > 0 ? 0 : specs().stream().mapToLong(WindowSpec::sizeMillis).max().orElse(0);
        boolean earlyFires = lastN == 0 && (input.bounded || closeWindowsWhenIdle != null);
        long ahead = topic.afterMaxMs() - (earlyFires ? widest : 0);
        String refuses = "topic " + topicName + " refuses record timestamps more than "
                + Duration.ofMillis(topic.afterMaxMs()) + " ahead of the broker's clock (message.timestamp.after.max.ms,"
                + " from " + topic.source() + ")";
        String why = earlyFires ? ", and " + (input.bounded ? "when the bounded input ends" : "when the input goes idle")
                + " windows are emitted at once, with timestamps up to the window size (" + Duration.ofMillis(widest)
                + ") after their records" : "";
        Duration future = maxFutureEventTime;
        if (future == null) {
            long margin = Math.min(60_000, topic.afterMaxMs() / 10);
            if (ahead - margin < 0) {
                LOG.warn("{}{}: results of records from the last {} before the processing clock may be refused,"
                        + " failing the job. Raise message.timestamp.after.max.ms on the topic, set"
                        + " message.timestamp.type=LogAppendTime, or use shorter windows", refuses, why,
                        Duration.ofMillis(-ahead + margin));
            }
            future = Duration.ofMillis(Math.max(0, ahead - margin));
        } else if (future.toMillis() > ahead) {
            problems.add("maxFutureEventTime(" + future + ") lets through records whose results the output refuses: "
                    + refuses + why + ". Lower it to at most " + Duration.ofMillis(Math.max(0, ahead)) + ", or raise"
                    + " message.timestamp.after.max.ms on the topic");
        }
        Duration past = maxPastEventTime;
        if (topic.beforeMaxMs() != Long.MAX_VALUE) {
            long before = topic.beforeMaxMs();
            if (past == null) {
                long emitted = widest + maxOutOfOrderness.toMillis() + allowedLateness.toMillis() + 600_000;
                long margin = Math.min(before / 2, emitted);
                past = Duration.ofMillis(before - margin);
                LOG.warn("topic {} refuses record timestamps more than {} behind the broker's clock"
                        + " (message.timestamp.before.max.ms): records more than {} old are dead letters, and a result"
                        + " emitted more than {} after its record was read is still refused", topicName,
                        Duration.ofMillis(before), past, Duration.ofMillis(margin));
            } else if (past.toMillis() > before) {
                problems.add("maxPastEventTime(" + past + ") lets through records whose results topic " + topicName
                        + " refuses: it accepts timestamps at most " + Duration.ofMillis(before) + " behind the broker's"
                        + " clock (message.timestamp.before.max.ms). Lower it to at most " + Duration.ofMillis(before));
            }
        }
        return new TimeBounds(future, past);
    }

    /** How far ahead of and behind the processing clock an event time may be; null for no bound. */
    private record TimeBounds(Duration ahead, Duration behind) {
        static final TimeBounds NONE = new TimeBounds(null, null);
    }

    /**
     * The event times the pipeline averages: those its windows can be computed for and whose results Kafka accepts
     * (none before 1970), within {@code bounds} of the processing clock.
     */
    private EventTimeLimits eventTimeLimits(TimeBounds bounds) {
        if (lastN > 0) {
            return EventTimeLimits.none().atLeast(0, "its result would carry this timestamp, and Kafka refuses negative"
                    + " timestamps; check the clock or the field the event time is read from")
                    .maxAhead(bounds.ahead()).maxBehind(bounds.behind());
        }
        return slidingAverages(bounds).eventTimeLimits();
    }

    private SlidingAverages slidingAverages(TimeBounds bounds) {
        SlidingAverages averages = SlidingAverages.over(specs().toArray(new WindowSpec[0]))
                .allowedLateness(allowedLateness)
                .rejectPreEpochEventTimes();
        if (bounds.ahead() != null) {
            averages = averages.maxFutureEventTime(bounds.ahead());
        }
        if (bounds.behind() != null) {
            averages = averages.maxPastEventTime(bounds.behind());
        }
        return averages;
    }

    private void checkKafka(StreamExecutionEnvironment env, List<String> problems) {
        if (input == null) {
            problems.add("fromKafka(...) is not set: build(env) reads from Kafka, e.g."
                    + " .fromKafka(KafkaIn.topic(\"readings\").bootstrapServers(\"broker:9092\")); use apply(stream)"
                    + " for a DataStream you already have");
        } else if (input.bootstrapServers == null || input.bootstrapServers.isBlank()) {
            problems.add("fromKafka: bootstrapServers is not set: KafkaIn.topic(\"" + input.describe()
                    + "\").bootstrapServers(\"host:9092\")");
        }
        if (input != null) {
            try {
                input.clientProperties();
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (output == null) {
            problems.add("toKafka(...) is not set: build(env) writes results to Kafka, e.g."
                    + " .toKafka(KafkaOut.topic(\"averages\")); use apply(stream) to get them as a DataStream");
            return;
        }
        for (KafkaOut out : outputs()) {
            checkOutput(env, out, problems);
        }
    }

    private List<KafkaOut> outputs() {
        List<KafkaOut> outs = new ArrayList<>();
        outs.add(inherit(output));
        if (deadLetterOutput != null) {
            outs.add(inherit(deadLetterOutput));
        }
        if (lateOutput != null) {
            outs.add(inherit(lateOutput));
        }
        return outs;
    }

    /** An output without servers writes to the input's cluster, and then also with the input's security. */
    private KafkaOut inherit(KafkaOut out) {
        if (out.bootstrapServers != null || input == null || input.bootstrapServers == null) {
            return out;
        }
        KafkaOut same = out.bootstrapServers(input.bootstrapServers);
        return out.security == null && input.security != null ? same.security(input.security) : same;
    }

    private void checkOutput(StreamExecutionEnvironment env, KafkaOut out, List<String> problems) {
        String where = "toKafka(" + out.topic + ")";
        if (out.bootstrapServers == null || out.bootstrapServers.isBlank()) {
            problems.add(where + ": bootstrapServers is not set and there is no input to take it from");
        }
        try {
            out.clientProperties();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (out.guarantee != DeliveryGuarantee.EXACTLY_ONCE) {
            return;
        }
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            problems.add(where + ": EXACTLY_ONCE delivery commits Kafka transactions when a checkpoint completes, but"
                    + " checkpointing is off: call env.enableCheckpointing(10_000) (every 10 s) before build(env),"
                    + " or choose KafkaOut.topic(\"" + out.topic + "\").atLeastOnce()");
            return;
        }
        long interval = env.getCheckpointConfig().getCheckpointInterval();
        long timeout = out.transactionTimeout.toMillis();
        if (timeout > brokerMaxTransactionTimeout.toMillis()) {
            problems.add(where + ": transactionTimeout " + out.transactionTimeout + " exceeds the broker's"
                    + " transaction.max.timeout.ms (" + brokerMaxTransactionTimeout + "); the broker would refuse"
                    + " every transaction: lower it, or raise the broker setting and call brokerMaxTransactionTimeout(...)");
        }
        if (timeout <= interval) {
            problems.add(where + ": transactionTimeout " + out.transactionTimeout + " is not longer than the"
                    + " checkpoint interval (" + Duration.ofMillis(interval) + "); a transaction stays open from one"
                    + " checkpoint to the next and would be aborted: raise it above the interval (default 10 min)");
        }
    }

    private <R> KafkaSink<R> kafkaSink(KafkaOut out, KafkaRecordSerializationSchema<R> serializer, String role) {
        // Distinct per pipeline, role and output, so two pipelines of one job never share transactional ids.
        return out.sink(serializer, "flink-kafka-avg-" + name + "-" + role + "-" + out.topic);
    }

    private static OffsetsInitializer startingOffsets(KafkaIn in) {
        return switch (in.start) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case COMMITTED_OR_LATEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
            case TIMESTAMP -> OffsetsInitializer.timestamp(in.startTimestamp);
        };
    }

    /** Strict mode: a dead letter fails the job with its reason and source. */
    private static final class FailOnDeadLetter
            extends org.apache.flink.streaming.api.functions.ProcessFunction<Either<DeadLetter, Sample>, Sample> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(Either<DeadLetter, Sample> value, Context ctx,
                org.apache.flink.util.Collector<Sample> out) {
            if (value.isLeft()) {
                DeadLetter d = value.left();
                throw new IllegalStateException("record " + d.sourceTopic + "-" + d.sourcePartition + "@"
                        + d.sourceOffset + " cannot be averaged (" + d.reason + ") and failOnError() is set");
            }
            out.collect(value.right());
        }
    }
}
