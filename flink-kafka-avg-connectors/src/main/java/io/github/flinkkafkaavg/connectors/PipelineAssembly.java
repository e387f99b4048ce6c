package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.connectors.internal.DeadLetterSerializer;
import io.github.flinkkafkaavg.connectors.serde.MovingAverageKafkaSerializer;
import io.github.flinkkafkaavg.connectors.internal.CombineSlices;
import io.github.flinkkafkaavg.connectors.internal.KeyCheck;
import io.github.flinkkafkaavg.connectors.internal.SampleGroup;
import io.github.flinkkafkaavg.connectors.internal.SampleGroupTypeInfo;
import io.github.flinkkafkaavg.connectors.internal.SampleDeserializer;
import io.github.flinkkafkaavg.connectors.internal.SampleKafkaSerializer;
import io.github.flinkkafkaavg.connectors.serde.WindowAverageKafkaSerializer;
import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.connectors.internal.LogDeadLetters;
import io.github.flinkkafkaavg.connectors.internal.SampleWatermarks;
import io.github.flinkkafkaavg.connectors.internal.SplitDeadLetters;
import io.github.flinkkafkaavg.connectors.internal.ToSample;
import io.github.flinkkafkaavg.connectors.serde.SampleExtractor;
import io.github.flinkkafkaavg.connectors.internal.TypedExtractor;
import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.datastream.MovingAverages;
import io.github.flinkkafkaavg.core.datastream.SlidingAverages;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.engine.EventTimeLimits;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Turns checked {@link PipelineSettings} into Flink operators: the Kafka source with decoding and dead letters, the
 * watermarks, the averaging, and the Kafka sinks ({@link #build}); or the averaging alone on a stream
 * ({@link #apply}).
 */
final class PipelineAssembly {

    private PipelineAssembly() {}

    /** The whole job; see {@code SlidingAverage.Windowed#build}. */
    static <T, R> SlidingAverage.Pipeline<T, R> build(StreamExecutionEnvironment env, PipelineSettings<T> s) {
        Objects.requireNonNull(env, "env");
        List<String> problems = new ArrayList<>();
        PipelineChecks.averaging(s, problems);
        PipelineChecks.kafka(env, s, problems);
        PipelineChecks.require(problems);
        KafkaChecks.TopicTimestamps topic = s.kafkaCheckTimeout == null ? KafkaChecks.TopicTimestamps.KAFKA_DEFAULTS
                : KafkaChecks.verify(s.input, groupId(s), PipelineChecks.outputs(s), env.getParallelism(), s.kafkaCheckTimeout);
        PipelineChecks.TimeBounds bounds = PipelineChecks.timeBounds(s, topic, s.output.topic, problems);
        PipelineChecks.require(problems);
        if (s.databaseOutput != null) {
            DatabaseSink.verify(s.databaseOutput, problems);
            PipelineChecks.require(problems);
        }
        KafkaIn input = s.input;
        KafkaOut output = PipelineChecks.inherit(s, s.output);
        KafkaOut deadLetterOutput = s.deadLetterOutput == null ? null : PipelineChecks.inherit(s, s.deadLetterOutput);
        KafkaOut lateOutput = s.lateOutput == null ? null : PipelineChecks.inherit(s, s.lateOutput);
        SampleExtractor extractor = s.presetExtractor != null ? s.presetExtractor
                : new TypedExtractor<>(s.decoder, s.key, s.value, s.eventTime);
        KafkaSourceBuilder<Either<DeadLetter, Sample>> source = KafkaSource.<Either<DeadLetter, Sample>>builder()
                .setBootstrapServers(input.endpoint.bootstrapServers())
                .setGroupId(groupId(s))
                .setDeserializer(new SampleDeserializer(extractor, s.maxValueBytes, eventTimeLimits(s, bounds),
                        keyCheck(s, true)))
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

        String name = s.name;
        DataStream<Either<DeadLetter, Sample>> raw = env
                .fromSource(source.build(), watermarks(s), "kafka: " + input.describe())
                .uid(name + "-kafka-source");
        OutputTag<DeadLetter> deadLetterTag = new OutputTag<>("dead-letters", SampleDeserializer.deadLetterType());
        SingleOutputStreamOperator<Sample> samples = raw
                .process(s.failOnError ? new FailOnDeadLetter() : new SplitDeadLetters(deadLetterTag,
                                "Kafka " + input.describe(), s.deadLetterFailRatio, s.deadLetterFailAfter),
                        SampleDeserializer.sampleType())
                .name(name + ": decode").uid(name + "-decode");
        DataStream<DeadLetter> deadLetters = samples.getSideOutput(deadLetterTag);
        if (deadLetterOutput != null) {
            deadLetters.sinkTo(kafkaSink(s, deadLetterOutput,
                            new DeadLetterSerializer(deadLetterOutput.topic, s.deadLetterMaxValueBytes), "dlq"))
                    .name("kafka: " + deadLetterOutput.topic).uid(name + "-dead-letter-sink");
        } else if (!s.failOnError) {
            deadLetters.process(new LogDeadLetters(), Types.VOID).name(name + ": log dead letters")
                    .uid(name + "-dead-letter-log").sinkTo(new DiscardingSink<>());
        }

        SlidingAverage.Pipeline<T, R> pipeline = average(s, samples);
        if (s.kind == PipelineSettings.Kind.LAST_N) {
            @SuppressWarnings("unchecked")
            DataStream<MovingAverage<String>> results = (DataStream<MovingAverage<String>>) pipeline.results();
            results.sinkTo(kafkaSink(s, output, new MovingAverageKafkaSerializer<>(output.topic), "results"))
                    .name("kafka: " + output.topic).uid(name + "-sink");
        } else {
            @SuppressWarnings("unchecked")
            DataStream<WindowAverage<String>> results = (DataStream<WindowAverage<String>>) pipeline.results();
            results.sinkTo(kafkaSink(s, output, new WindowAverageKafkaSerializer<>(output.topic), "results"))
                    .name("kafka: " + output.topic).uid(name + "-sink");
            if (lateOutput != null) {
                pipeline.lateRecords().sinkTo(kafkaSink(s, lateOutput, new SampleKafkaSerializer(lateOutput.topic), "late"))
                        .name("kafka: " + lateOutput.topic).uid(name + "-late-sink");
            }
        }
        return new SlidingAverage.Pipeline<>(pipeline.results(), deadLetters, pipeline.lateRecords(), null);
    }

    /** The averaging alone; see {@code SlidingAverage.Windowed#apply}. */
    static <T, R> SlidingAverage.Pipeline<T, R> apply(DataStream<T> stream, PipelineSettings<T> s) {
        Objects.requireNonNull(stream, "stream");
        List<String> problems = new ArrayList<>();
        if (s.presetExtractor != null) {
            problems.add("apply(stream) needs key(...) and value(...) functions; JSON field paths only apply to"
                    + " Kafka records: use SlidingAverage.of(YourType.class) for a DataStream<YourType>");
        }
        PipelineChecks.averaging(s, problems);
        PipelineChecks.require(problems);
        if (s.databaseOutput != null) {
            DatabaseSink.verify(s.databaseOutput, problems);
            PipelineChecks.require(problems);
        }
        OutputTag<T> invalid = new OutputTag<>("invalid", stream.getType());
        PipelineChecks.TimeBounds bounds = new PipelineChecks.TimeBounds(s.maxFutureEventTime, s.maxPastEventTime);
        SingleOutputStreamOperator<Sample> samples = stream.process(new ToSample<>(s.key, s.value,
                eventTimeLimits(s, bounds), keyCheck(s, false), invalid), SampleDeserializer.sampleType())
                .name(s.name + ": key and value").uid(s.name + "-to-sample");
        SlidingAverage.Pipeline<T, R> averaged = average(s, samples);
        return new SlidingAverage.Pipeline<>(averaged.results(), null, averaged.lateRecords(),
                samples.getSideOutput(invalid));
    }

    /**
     * The averaging of samples whose event times were checked on the way in (decoding, or {@code ToSample}): the
     * operator checks only what needs no clock again — a record that waited in a buffer must not turn invalid there.
     */
    @SuppressWarnings("unchecked")
    private static <T, R> SlidingAverage.Pipeline<T, R> average(PipelineSettings<T> s,
            SingleOutputStreamOperator<Sample> samples) {
        if (s.kind == PipelineSettings.Kind.LAST_N) {
            DataStream<R> results = (DataStream<R>) (DataStream<?>) movingAverages(s)
                    .apply(samples.keyBy(Sample::key, Types.STRING), Sample::value)
                    .uid(s.name + "-average");
            return new SlidingAverage.Pipeline<>(results, null, null, null);
        }
        SingleOutputStreamOperator<WindowAverage<String>> windows;
        DataStream<Sample> late;
        if (combinesBeforeKeyBy(s)) {
            SlidingWindowEngine engine = new SlidingWindowEngine(s.specs(), 0);
            KeyedStream<SampleGroup, String> groups = samples
                    .transform(s.name + ": add up per key and slice", SampleGroupTypeInfo.INSTANCE,
                            new CombineSlices(engine, COMBINED_PARTIALS))
                    .uid(s.name + "-combine")
                    .keyBy(SampleGroup::key, Types.STRING);
            OutputTag<SampleGroup> lateTag = new OutputTag<>("late-records", SampleGroupTypeInfo.INSTANCE);
            windows = slidingAverages(s, PipelineChecks.TimeBounds.NONE)
                    .lateRecords(lateTag)
                    .apply(groups, SampleGroup::value)
                    .uid(s.name + "-average");
            // Only groups of one reach the late records: the averaging drops a late group of several (it counts them).
            late = windows.getSideOutput(lateTag).map(SampleGroup::toSample, SampleDeserializer.sampleType())
                    .name(s.name + ": late records").uid(s.name + "-late-records");
        } else {
            OutputTag<Sample> lateTag = new OutputTag<>("late-records", SampleDeserializer.sampleType());
            windows = slidingAverages(s, PipelineChecks.TimeBounds.NONE)
                    .lateRecords(lateTag)
                    .apply(samples.keyBy(Sample::key, Types.STRING), Sample::value)
                    .uid(s.name + "-average");
            late = windows.getSideOutput(lateTag);
        }
        if (s.lateOutput == null) {
            late.sinkTo(new DiscardingSink<>()).name(s.name + ": drop late records").uid(s.name + "-late-drop");
        }
        if (s.databaseOutput != null) {
            windows.sinkTo(DatabaseSink.sink(s.databaseOutput)).name("postgres: " + s.databaseOutput.table)
                    .uid(s.name + "-database-sink");
        }
        return new SlidingAverage.Pipeline<>((DataStream<R>) (DataStream<?>) windows, null, late, null);
    }

    /** The most partials the combiner before the {@code keyBy} holds: a few megabytes of heap at most. */
    static final int COMBINED_PARTIALS = 16_384;

    /**
     * Whether records are added up per key and slice before the {@code keyBy} ({@link CombineSlices}): for sliding
     * averages without allowed lateness and without a late-records topic, where a group of records gives exactly
     * what its records would. With lateness a late record re-fires its windows once per record, and a late topic
     * must get every late record as itself; neither survives adding them up.
     */
    static boolean combinesBeforeKeyBy(PipelineSettings<?> s) {
        return s.kind != PipelineSettings.Kind.LAST_N && s.allowedLateness.isZero() && s.lateOutput == null;
    }

    /**
     * The input's group id, or one of this pipeline's own: a shared default made every pipeline on a topic after the
     * first start from the first one's committed offsets — and, on a topic that gets no new records, read nothing.
     */
    static String groupId(PipelineSettings<?> s) {
        return s.input.groupId != null ? s.input.groupId : "flink-kafka-avg-" + s.name + "-" + s.input.describe();
    }

    private static WatermarkStrategy<Either<DeadLetter, Sample>> watermarks(PipelineSettings<?> s) {
        if (s.closeWindowsWhenIdle == null) {
            return SampleWatermarks.of(s.maxOutOfOrderness, s.idleAfter);
        }
        return SampleWatermarks.closingWhenIdle(s.maxOutOfOrderness, s.closeWindowsWhenIdle, s.widestWindowMillis());
    }

    /**
     * The event times the pipeline averages: those its windows can be computed for and whose results Kafka accepts
     * (none before 1970), within {@code bounds} of the processing clock.
     */
    /** The count-based averaging the settings describe, for {@link #average} and the test driver. */
    static MovingAverages movingAverages(PipelineSettings<?> s) {
        MovingAverages averages = MovingAverages.lastN(s.lastN);
        if (s.emitOnlyWhenFull) {
            averages = averages.emitOnlyWhenFull();
        }
        if (s.forgetKeysAfter != null) {
            averages = averages.forgetKeysAfter(s.forgetKeysAfter);
        }
        return averages;
    }

    /**
     * The keys every destination of {@code s} can hold: PostgreSQL's when results go there too, else valid Unicode
     * when they go to Kafka ({@code build}), else any ({@code apply}: the caller's own stream).
     */
    static KeyCheck keyCheck(PipelineSettings<?> s, boolean toKafka) {
        return s.databaseOutput != null ? KeyCheck.POSTGRES_TEXT : toKafka ? KeyCheck.UNICODE : KeyCheck.ANY;
    }

    static EventTimeLimits eventTimeLimits(PipelineSettings<?> s, PipelineChecks.TimeBounds bounds) {
        if (s.kind == PipelineSettings.Kind.LAST_N) {
            return EventTimeLimits.none().atLeast(0, "its result would carry this timestamp, and Kafka refuses negative"
                    + " timestamps; check the clock or the field the event time is read from")
                    .maxAhead(bounds.ahead()).maxBehind(bounds.behind());
        }
        return slidingAverages(s, bounds).eventTimeLimits();
    }

    static SlidingAverages slidingAverages(PipelineSettings<?> s, PipelineChecks.TimeBounds bounds) {
        SlidingAverages averages = SlidingAverages.over(s.specs().toArray(new WindowSpec[0]))
                .allowedLateness(s.allowedLateness)
                .rejectPreEpochEventTimes();
        if (bounds.ahead() != null) {
            averages = averages.maxFutureEventTime(bounds.ahead());
        }
        if (bounds.behind() != null) {
            averages = averages.maxPastEventTime(bounds.behind());
        }
        return averages;
    }

    private static <R> KafkaSink<R> kafkaSink(PipelineSettings<?> s, KafkaOut out,
            KafkaRecordSerializationSchema<R> serializer, String role) {
        // Distinct per pipeline, role and output, so two pipelines of one job never share transactional ids.
        return out.sink(serializer, "flink-kafka-avg-" + s.name + "-" + role + "-" + out.topic);
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
    static final class FailOnDeadLetter extends ProcessFunction<Either<DeadLetter, Sample>, Sample> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(Either<DeadLetter, Sample> value, Context ctx, Collector<Sample> out) {
            if (value.isLeft()) {
                DeadLetter d = value.left();
                throw new IllegalStateException("record " + d.sourceTopic + "-" + d.sourcePartition + "@"
                        + d.sourceOffset + " cannot be averaged (" + d.reason + ") and failOnError() is set");
            }
            out.collect(value.right());
        }
    }
}
