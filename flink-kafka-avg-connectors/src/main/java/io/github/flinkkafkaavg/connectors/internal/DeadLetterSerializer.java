package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import io.github.flinkkafkaavg.connectors.serde.DecodeErrors;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes {@link DeadLetter}s to a dead-letter topic: the original key and value bytes unchanged, the original
 * headers, and headers saying why and where from —
 * {@value #REASON}, {@value #SOURCE_TOPIC}, {@value #SOURCE_PARTITION}, {@value #SOURCE_OFFSET} (UTF-8 text), and
 * {@value #DETAIL} with the decoder's own message where there is one. Control characters, unpaired surrogates and
 * the marks of invalid UTF-8 that reasons quote from the input are escaped as a backslash, u and four hex digits.
 * The record timestamp is the original one, so a replay keeps event time.
 *
 * <p>A value longer than the limit ({@value #DEFAULT_MAX_VALUE_BYTES} bytes by default: room for key and headers
 * under the 1 MiB that producers ({@code max.request.size}) and topics ({@code max.message.bytes}) accept by default)
 * is truncated to it, with the headers {@value #TRUNCATED} ({@code true}) and {@value #ORIGINAL_SIZE} (its length):
 * a dead letter that Kafka would refuse would fail the job and bring the poison record back on every restart.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    /** Header: why the record was rejected. */
    public static final String REASON = "dlq.reason";
    /** Header: the decoder's own message behind the reason, when there is one (e.g. Jackson's), for debugging. */
    public static final String DETAIL = "dlq.detail";
    /** Header: the topic it was read from. */
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    /** Header: its partition. */
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    /** Header: its offset. */
    public static final String SOURCE_OFFSET = "dlq.source.offset";

    /** Header: present ({@code true}) when the value was cut to the limit. */
    public static final String TRUNCATED = "dlq.truncated";
    /** Header: the original value's length in bytes, when it was cut. */
    public static final String ORIGINAL_SIZE = "dlq.original.size";
    /** The default limit of a dead letter's value: 900 KiB. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 900 * 1024;

    private final String topic;
    private final int maxValueBytes;

    /**
     * A serializer for one dead-letter topic, cutting values to {@value #DEFAULT_MAX_VALUE_BYTES} bytes.
     *
     * @param topic the dead-letter topic
     */
    public DeadLetterSerializer(String topic) {
        this(topic, DEFAULT_MAX_VALUE_BYTES);
    }

    /**
     * A serializer for one dead-letter topic whose records may be larger (or must be smaller) than the default.
     *
     * @param topic the dead-letter topic
     * @param maxValueBytes the longest value written whole; longer ones are cut to it and marked
     */
    public DeadLetterSerializer(String topic, int maxValueBytes) {
        if (maxValueBytes < 1) {
            throw new IllegalArgumentException("maxValueBytes must be positive, but was " + maxValueBytes);
        }
        this.topic = Objects.requireNonNull(topic, "topic");
        this.maxValueBytes = maxValueBytes;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < letter.headerKeys.length; i++) {
            headers.add(letter.headerKeys[i], letter.headerValues[i]);
        }
        // Reasons quote the input; a control character or invalid UTF-8 from it must not reach the header raw.
        headers.add(REASON, utf8(DecodeErrors.escape(letter.reason)));
        if (letter.detail != null) {
            headers.add(DETAIL, utf8(DecodeErrors.escape(letter.detail)));
        }
        headers.add(SOURCE_TOPIC, utf8(letter.sourceTopic));
        headers.add(SOURCE_PARTITION, utf8(String.valueOf(letter.sourcePartition)));
        headers.add(SOURCE_OFFSET, utf8(String.valueOf(letter.sourceOffset)));
        byte[] value = letter.value;
        if (value != null && value.length > maxValueBytes) {
            headers.add(TRUNCATED, utf8("true"));
            headers.add(ORIGINAL_SIZE, utf8(String.valueOf(value.length)));
            value = java.util.Arrays.copyOf(value, maxValueBytes);
        }
        Long ts = letter.sourceTimestamp >= 0 ? letter.sourceTimestamp : null;
        return new ProducerRecord<>(topic, null, ts, letter.key, value, headers);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
