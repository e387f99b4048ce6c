package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.connectors.serde.SampleTypeInfo;

import io.github.flinkkafkaavg.connectors.serde.DecodeErrors;
import io.github.flinkkafkaavg.connectors.serde.InvalidRecordException;
import io.github.flinkkafkaavg.connectors.serde.SampleExtractor;
import io.github.flinkkafkaavg.core.engine.EventTimeLimits;
import java.util.Objects;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The Kafka source side of the pipeline: every record becomes either a {@link Sample} (right) or a
 * {@link DeadLetter} (left) carrying its original bytes and the reason — nothing thrown, nothing lost, so one bad
 * record never restarts the job.
 *
 * <pre>{@code
 * KafkaSource<Either<DeadLetter, Sample>> source = KafkaSource.<Either<DeadLetter, Sample>>builder()
 *         .setDeserializer(new SampleDeserializer(JsonSerde.fields("$.id", "$.value")))
 *         ...
 * }</pre>
 *
 * <p>Rejected before decoding: null values (tombstones), empty values, values over {@code maxValueBytes}. Then the
 * extractor decides, and last the {@link EventTimeLimits}: an event time whose windows cannot be computed or whose
 * results the output topic would refuse is a dead letter here, before it can move a watermark or reach any state.
 * Counted in the source's metrics: {@code numRecordsRead} every record, {@code numDeadLetters} those set aside.
 */
public final class SampleDeserializer implements KafkaRecordDeserializationSchema<Either<DeadLetter, Sample>> {

    private static final long serialVersionUID = 1L;

    /** The default largest value accepted: 1 MiB, Kafka's default {@code max.message.bytes}. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;

    private final SampleExtractor extractor;
    private final int maxValueBytes;
    private final EventTimeLimits limits;
    private final KeyCheck keys;
    private transient Counter deadLetters;
    private transient Counter read;

    /**
     * A deserializer with the default size limit.
     *
     * @param extractor decodes and validates a record
     */
    public SampleDeserializer(SampleExtractor extractor) {
        this(extractor, DEFAULT_MAX_VALUE_BYTES);
    }

    /**
     * A deserializer with a size limit.
     *
     * @param extractor decodes and validates a record
     * @param maxValueBytes the largest value decoded; larger ones are dead letters
     */
    public SampleDeserializer(SampleExtractor extractor, int maxValueBytes) {
        this(extractor, maxValueBytes, EventTimeLimits.none());
    }

    /**
     * A deserializer with a size limit and limits on event times.
     *
     * @param extractor decodes and validates a record
     * @param maxValueBytes the largest value decoded; larger ones are dead letters
     * @param limits the event times accepted; others are dead letters with the reason
     */
    public SampleDeserializer(SampleExtractor extractor, int maxValueBytes, EventTimeLimits limits) {
        this(extractor, maxValueBytes, limits, KeyCheck.ANY);
    }

    /**
     * A deserializer with a size limit, limits on event times and a check of keys.
     *
     * @param extractor decodes and validates a record
     * @param maxValueBytes the largest value decoded; larger ones are dead letters
     * @param limits the event times accepted; others are dead letters with the reason
     * @param keys the keys the destinations can hold; others are dead letters with the reason
     */
    public SampleDeserializer(SampleExtractor extractor, int maxValueBytes, EventTimeLimits limits, KeyCheck keys) {
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.keys = Objects.requireNonNull(keys, "keys");
        if (maxValueBytes < 1) {
            throw new IllegalArgumentException("maxValueBytes must be positive, but was " + maxValueBytes);
        }
        this.maxValueBytes = maxValueBytes;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        extractor.open();
        deadLetters = context.getMetricGroup().counter("numDeadLetters");
        read = context.getMetricGroup().counter("numRecordsRead");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, Sample>> out) {
        out.collect(decode(record));
    }

    /**
     * Decodes one record; never throws.
     *
     * @param record the Kafka record
     * @return the sample, or the dead letter with the reason
     */
    Either<DeadLetter, Sample> decode(ConsumerRecord<byte[], byte[]> record) {
        if (read != null) {
            read.inc();
        }
        String reason;
        byte[] value = record.value();
        String detail = null;
        if (value == null) {
            reason = "the record value is null (a tombstone); expected a record to average";
        } else if (value.length == 0) {
            reason = "the record value is empty; expected a record to average";
        } else if (value.length > maxValueBytes) {
            reason = "the record value is " + value.length + " bytes, over the limit; expected at most " + maxValueBytes
                    + " bytes (maxValueBytes)";
        } else {
            try {
                Sample sample = extractor.extract(record.key(), value, record.timestamp());
                reason = limits.check(sample.timestamp(), limits.needsClock() ? System.currentTimeMillis() : 0);
                if (reason == null) {
                    reason = keys.check(sample.key());
                }
                if (reason == null) {
                    return Either.Right(sample);
                }
            } catch (InvalidRecordException e) {
                reason = e.getMessage();
                detail = e.getCause() == null ? null : DecodeErrors.detail(e.getCause());
            } catch (RuntimeException | StackOverflowError e) {
                reason = "unexpected " + e.getClass().getSimpleName() + " while decoding: "
                        + DecodeErrors.escape(String.valueOf(e.getMessage()));
                detail = DecodeErrors.detail(e);
            }
        }
        if (deadLetters != null) {
            deadLetters.inc();
        }
        DeadLetter letter = deadLetter(record, reason);
        letter.detail = detail;
        return Either.Left(letter);
    }

    static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
        DeadLetter letter = new DeadLetter();
        letter.sourceTopic = record.topic();
        letter.sourcePartition = record.partition();
        letter.sourceOffset = record.offset();
        letter.sourceTimestamp = record.timestamp();
        letter.key = record.key();
        letter.value = record.value();
        Header[] headers = record.headers().toArray();
        letter.headerKeys = new String[headers.length];
        letter.headerValues = new byte[headers.length][];
        for (int i = 0; i < headers.length; i++) {
            letter.headerKeys[i] = headers[i].key();
            letter.headerValues[i] = headers[i].value();
        }
        letter.reason = reason;
        return letter;
    }

    @Override
    public TypeInformation<Either<DeadLetter, Sample>> getProducedType() {
        return new EitherTypeInfo<>(deadLetterType(), sampleType());
    }

    /**
     * Flink's POJO type information for {@link DeadLetter}.
     *
     * @return the type information
     */
    public static PojoTypeInfo<DeadLetter> deadLetterType() {
        return (PojoTypeInfo<DeadLetter>) TypeExtractor.createTypeInfo(DeadLetter.class);
    }

    /**
     * Flink's type information for {@link Sample}: {@link SampleTypeInfo}.
     *
     * @return the type information
     */
    public static TypeInformation<Sample> sampleType() {
        return SampleTypeInfo.INSTANCE;
    }
}
