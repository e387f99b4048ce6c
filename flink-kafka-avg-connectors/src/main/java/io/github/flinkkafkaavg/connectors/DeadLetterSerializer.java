package io.github.flinkkafkaavg.connectors;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes {@link DeadLetter}s to a dead-letter topic: the original key and value bytes unchanged, the original
 * headers, and headers saying why and where from —
 * {@value #REASON}, {@value #SOURCE_TOPIC}, {@value #SOURCE_PARTITION}, {@value #SOURCE_OFFSET} (UTF-8 text).
 * The record timestamp is the original one, so a replay keeps event time.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    /** Header: why the record was rejected. */
    public static final String REASON = "dlq.reason";
    /** Header: the topic it was read from. */
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    /** Header: its partition. */
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    /** Header: its offset. */
    public static final String SOURCE_OFFSET = "dlq.source.offset";

    private final String topic;

    /**
     * A serializer for one dead-letter topic.
     *
     * @param topic the dead-letter topic
     */
    public DeadLetterSerializer(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < letter.headerKeys.length; i++) {
            headers.add(letter.headerKeys[i], letter.headerValues[i]);
        }
        headers.add(REASON, utf8(letter.reason));
        headers.add(SOURCE_TOPIC, utf8(letter.sourceTopic));
        headers.add(SOURCE_PARTITION, utf8(String.valueOf(letter.sourcePartition)));
        headers.add(SOURCE_OFFSET, utf8(String.valueOf(letter.sourceOffset)));
        Long ts = letter.sourceTimestamp >= 0 ? letter.sourceTimestamp : null;
        return new ProducerRecord<>(topic, null, ts, letter.key, letter.value, headers);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
