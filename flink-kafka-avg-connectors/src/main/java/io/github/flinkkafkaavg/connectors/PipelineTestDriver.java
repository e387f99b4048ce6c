package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.connectors.internal.SampleDeserializer;
import io.github.flinkkafkaavg.connectors.internal.SplitDeadLetters;
import io.github.flinkkafkaavg.connectors.internal.ToSample;
import io.github.flinkkafkaavg.connectors.internal.TypedExtractor;
import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.connectors.serde.SampleExtractor;
import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.testing.AveragesTestDriver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Runs a configured {@link SlidingAverage} pipeline on records a test hands it — results, dead letters and late
 * records in milliseconds, with no Kafka broker and no MiniCluster.
 *
 * <pre>{@code
 * SlidingAverage.Windowed<Trade> averages = SlidingAverage.of(Trade.class)
 *         .key(Trade::symbol).value(Trade::price).eventTime(Trade::ts)
 *         .window(Duration.ofSeconds(30)).slide(Duration.ofSeconds(10));
 * try (PipelineTestDriver<Trade, WindowAverage<String>> driver = PipelineTestDriver.of(averages)) {
 *     driver.sendValue("{\"symbol\":\"ACME\",\"price\":10,\"ts\":1000}")
 *           .sendValue("not JSON")                                        // a dead letter
 *           .endOfInput();
 *     assertEquals(3, driver.results().size());
 *     assertEquals(1, driver.deadLetters().size());
 * }
 * }</pre>
 *
 * <p>Two ways in, as in a job. {@link #sendValue} hands it a Kafka record's value, as {@code build(env)} reads it:
 * the pipeline's decoder, {@code maxValueBytes}, the event-time checks of a default topic, and dead letters with the
 * reason a job would write ({@code failOnError} and the dead-letter limits fail here as they fail the job).
 * {@link #send(Object, long)} hands it a record of the stream given to {@code apply(stream)}: the key and value
 * functions, invalid records to {@link #invalidRecords()}. Both go on to the operator a job runs, in Flink's test
 * harness ({@link AveragesTestDriver}): windows, lateness, re-fires and exact sums are the job's.
 *
 * <p>The test owns the clock: the watermark moves only with {@link #advanceWatermarkTo} and {@link #endOfInput} (the
 * pipeline's {@code maxOutOfOrderness} and idleness settings are the source's business and are not simulated), and
 * event-time checks against the processing clock ({@code maxFutureEventTime}) use the real clock, as a job does.
 * Needs Flink's test utilities ({@code org.apache.flink:flink-test-utils}) on the test class path.
 *
 * @param <T> the record type of the pipeline
 * @param <R> the result type: {@link WindowAverage} or {@link MovingAverage} of the key as text
 */
@PublicEvolving
public final class PipelineTestDriver<T, R> implements AutoCloseable {

    private static final String TOPIC = "test-driver-input";

    private final PipelineSettings<T> settings;
    private final SampleDeserializer deserializer;
    private final OneInputStreamOperatorTestHarness<Either<DeadLetter, Sample>, Sample> split;
    private final OutputTag<DeadLetter> deadLetterTag;
    private final AveragesTestDriver<Sample, String, R> averages;
    private OneInputStreamOperatorTestHarness<T, Sample> toSample;
    private OutputTag<T> invalidTag;
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final List<T> invalid = new ArrayList<>();
    private long offset;

    private PipelineTestDriver(PipelineSettings<T> settings, AveragesTestDriver<Sample, String, R> averages) {
        this.settings = settings;
        this.averages = averages;
        PipelineSettings<T> withInput = settings.copy();
        if (withInput.input == null) {
            withInput.input = KafkaIn.topic(TOPIC);
        }
        List<String> problems = new ArrayList<>();
        PipelineChecks.TimeBounds bounds = PipelineChecks.timeBounds(withInput,
                KafkaChecks.TopicTimestamps.KAFKA_DEFAULTS, "the output topic", problems);
        PipelineChecks.require(problems);
        SampleExtractor extractor = settings.presetExtractor != null ? settings.presetExtractor
                : new TypedExtractor<>(settings.decoder, settings.key, settings.value, settings.eventTime);
        deserializer = new SampleDeserializer(extractor, settings.maxValueBytes,
                PipelineAssembly.eventTimeLimits(settings, bounds), PipelineAssembly.keyCheck(settings, true));
        deserializer.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(PipelineTestDriver.class.getClassLoader());
            }
        });
        deadLetterTag = new OutputTag<>("dead-letters", SampleDeserializer.deadLetterType());
        ProcessFunction<Either<DeadLetter, Sample>, Sample> splitter = settings.failOnError
                ? new PipelineAssembly.FailOnDeadLetter()
                : new SplitDeadLetters(deadLetterTag, "test driver", settings.deadLetterFailRatio,
                        settings.deadLetterFailAfter);
        split = harness(splitter);
    }

    /**
     * A driver for a sliding-average pipeline: a {@code SlidingAverage} after {@code .window(...)} or
     * {@code .windows(...)}, with or without its Kafka settings (they are not used).
     *
     * @param pipeline the pipeline as configured for {@code build(env)} or {@code apply(stream)}
     * @param <T> the record type
     * @return a started driver
     * @throws IllegalArgumentException when the configuration is invalid, with the message {@code build} would give
     */
    public static <T> PipelineTestDriver<T, WindowAverage<String>> of(SlidingAverage.Windowed<T> pipeline) {
        PipelineSettings<T> s = checked(pipeline.settings);
        return new PipelineTestDriver<>(s, AveragesTestDriver.of(
                PipelineAssembly.slidingAverages(s, PipelineChecks.TimeBounds.NONE), Sample.class, Sample::key,
                Types.STRING, Sample::value));
    }

    /**
     * A driver for a count-based pipeline: a {@code SlidingAverage} after {@code .lastN(n)}.
     *
     * @param pipeline the pipeline as configured for {@code build(env)} or {@code apply(stream)}
     * @param <T> the record type
     * @return a started driver
     * @throws IllegalArgumentException when the configuration is invalid, with the message {@code build} would give
     */
    public static <T> PipelineTestDriver<T, MovingAverage<String>> of(SlidingAverage.LastN<T> pipeline) {
        PipelineSettings<T> s = checked(pipeline.settings);
        return new PipelineTestDriver<>(s, AveragesTestDriver.of(PipelineAssembly.movingAverages(s), Sample.class,
                Sample::key, Types.STRING, Sample::value));
    }

    private static <T> PipelineSettings<T> checked(PipelineSettings<T> settings) {
        List<String> problems = new ArrayList<>();
        PipelineChecks.averaging(settings, problems);
        PipelineChecks.require(problems);
        return settings;
    }

    /**
     * Hands the pipeline a Kafka record's value (UTF-8), with no key and no Kafka timestamp.
     *
     * @param value the record value, e.g. a JSON document
     * @return this driver
     */
    public PipelineTestDriver<T, R> sendValue(String value) {
        return sendRecord(null, value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                ConsumerRecord.NO_TIMESTAMP);
    }

    /**
     * Hands the pipeline a Kafka record's value (UTF-8) with the record's timestamp, which is the event time when the
     * pipeline has no {@code eventTime(...)} function.
     *
     * @param value the record value
     * @param kafkaTimestamp the Kafka record timestamp, epoch milliseconds
     * @return this driver
     */
    public PipelineTestDriver<T, R> sendValue(String value, long kafkaTimestamp) {
        return sendRecord(null, value == null ? null : value.getBytes(StandardCharsets.UTF_8), kafkaTimestamp);
    }

    /**
     * Hands the pipeline a Kafka record, byte for byte, as {@code build(env)} reads it from partition 0 of topic
     * {@value #TOPIC} at the next offset.
     *
     * @param key the record key, or null
     * @param value the record value, or null (a tombstone: a dead letter)
     * @param kafkaTimestamp the Kafka record timestamp, or {@code ConsumerRecord.NO_TIMESTAMP}
     * @return this driver
     */
    public PipelineTestDriver<T, R> sendRecord(byte[] key, byte[] value, long kafkaTimestamp) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(TOPIC, 0, offset++, kafkaTimestamp,
                TimestampType.CREATE_TIME, key == null ? -1 : key.length, value == null ? -1 : value.length, key,
                value, new RecordHeaders(), Optional.empty());
        List<Either<DeadLetter, Sample>> decoded = new ArrayList<>(1);
        deserializer.deserialize(record, new ListCollector<>(decoded));
        for (Either<DeadLetter, Sample> e : decoded) {
            // As the job's source does: the record's timestamp is the sample's event time.
            long timestamp = e.isRight() ? e.right().timestamp() : Math.max(0, kafkaTimestamp);
            process(split, e, timestamp, "record " + TOPIC + "-0@" + record.offset());
        }
        drain(split.getSideOutput(deadLetterTag), deadLetters);
        return forward(split);
    }

    /**
     * Hands the pipeline a record of the stream given to {@code apply(stream)}, with its timestamp.
     *
     * @param record the record
     * @param timestamp its event time, epoch milliseconds, as the stream's timestamp assigner would give it
     * @return this driver
     */
    public PipelineTestDriver<T, R> send(T record, long timestamp) {
        if (toSample == null) {
            @SuppressWarnings("unchecked")
            TypeInformation<T> type = (TypeInformation<T>) TypeInformation.of(record.getClass());
            invalidTag = new OutputTag<>("invalid", type);
            PipelineChecks.TimeBounds bounds = new PipelineChecks.TimeBounds(settings.maxFutureEventTime,
                    settings.maxPastEventTime);
            toSample = harness(new ToSample<>(settings.key, settings.value,
                    PipelineAssembly.eventTimeLimits(settings, bounds), PipelineAssembly.keyCheck(settings, false),
                    invalidTag));
        }
        process(toSample, record, timestamp, String.valueOf(record));
        drain(toSample.getSideOutput(invalidTag), invalid);
        return forward(toSample);
    }

    /**
     * Moves the event-time clock of the averaging: windows that end at or before the watermark fire.
     *
     * @param watermark epoch milliseconds
     * @return this driver
     */
    public PipelineTestDriver<T, R> advanceWatermarkTo(long watermark) {
        averages.advanceWatermarkTo(watermark);
        return this;
    }

    /**
     * Ends the input as a bounded Kafka input ends: every open window is emitted.
     *
     * @return this driver
     */
    public PipelineTestDriver<T, R> endOfInput() {
        averages.endOfInput();
        return this;
    }

    /**
     * The results so far, in order, as the output topic would receive them.
     *
     * @return the results, unmodifiable
     */
    public List<R> results() {
        return averages.results();
    }

    /**
     * The dead letters so far: records that cannot be averaged, with their bytes, source and reason.
     *
     * @return the dead letters, unmodifiable
     */
    public List<DeadLetter> deadLetters() {
        return Collections.unmodifiableList(new ArrayList<>(deadLetters));
    }

    /**
     * The records late for every window they belong to, as {@code lateRecords(KafkaOut)} would receive them.
     *
     * @return the late records, unmodifiable; empty for a {@code lastN} pipeline
     */
    public List<Sample> lateRecords() {
        return averages.lateRecords();
    }

    /**
     * The records given to {@link #send(Object, long)} that cannot be averaged, as {@code apply(stream)}'s
     * {@code invalidRecords()} stream would carry them.
     *
     * @return the invalid records, unmodifiable
     */
    public List<T> invalidRecords() {
        return Collections.unmodifiableList(new ArrayList<>(invalid));
    }

    @Override
    public void close() {
        try {
            split.close();
            if (toSample != null) {
                toSample.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the test harness: " + e, e);
        } finally {
            averages.close();
        }
    }

    private static <I> OneInputStreamOperatorTestHarness<I, Sample> harness(ProcessFunction<I, Sample> function) {
        try {
            return ProcessFunctionTestHarnesses.forProcessFunction(function);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start " + function.getClass().getSimpleName()
                    + " in Flink's test harness: " + e, e);
        }
    }

    private static <I> void process(OneInputStreamOperatorTestHarness<I, Sample> harness, I element, long timestamp,
            String what) {
        try {
            harness.processElement(element, timestamp);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the pipeline failed on " + what + ": " + e, e);
        }
    }

    private PipelineTestDriver<T, R> forward(OneInputStreamOperatorTestHarness<?, Sample> from) {
        Queue<Object> output = from.getOutput();
        for (Object o = output.poll(); o != null; o = output.poll()) {
            if (o instanceof StreamRecord<?> record) {
                averages.send((Sample) record.getValue(), record.getTimestamp());
            }
        }
        return this;
    }

    private static <X> void drain(Queue<StreamRecord<X>> side, List<X> into) {
        if (side != null) {
            for (StreamRecord<X> r = side.poll(); r != null; r = side.poll()) {
                into.add(r.getValue());
            }
        }
    }
}
