package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.Sample;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes late {@link Sample}s as JSON {@code {"key":"s1","timestamp":1764000000000,"value":21.5}}, keyed by the
 * sample's key, with the sample's event time as the record timestamp.
 */
public final class SampleKafkaSerializer implements KafkaRecordSerializationSchema<Sample> {

    private static final long serialVersionUID = 1L;
    private final String topic;

    /**
     * A serializer for one topic.
     *
     * @param topic the topic
     */
    public SampleKafkaSerializer(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Sample sample, KafkaSinkContext context, Long timestamp) {
        String json = String.format(Locale.ROOT, "{\"key\":\"%s\",\"timestamp\":%d,\"value\":%s}",
                sample.key().replace("\\", "\\\\").replace("\"", "\\\""), sample.timestamp(), Double.toString(sample.value()));
        return new ProducerRecord<>(topic, null, sample.timestamp(), sample.key().getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }
}
