package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@link WindowAverage} results to one Kafka topic as {@link WindowAverageJson JSON}.
 *
 * <pre>{@code
 * KafkaSink.<WindowAverage<String>>builder()
 *     .setRecordSerializer(new WindowAverageKafkaSerializer<>("averages"))
 *     ...
 * }</pre>
 *
 * <p>The Kafka record key is the result's key as UTF-8 text, so all results of one key land in one partition, in
 * the order they were produced. The Kafka record timestamp is {@code windowEnd - 1}, the result's event time. Like
 * Flink's serialization schemas, an instance serves one writer thread: it keeps its JSON generator between results.
 *
 * @param <K> the key type
 */
@PublicEvolving
public final class WindowAverageKafkaSerializer<K> implements KafkaRecordSerializationSchema<WindowAverage<K>> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient WindowAverageJson.Encoder encoder;

    /**
     * A serializer for one output topic.
     *
     * @param topic the topic the results go to
     */
    public WindowAverageKafkaSerializer(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(WindowAverage<K> result, KafkaSinkContext context, Long timestamp) {
        byte[] key = String.valueOf(result.key()).getBytes(StandardCharsets.UTF_8);
        if (encoder == null) {
            encoder = new WindowAverageJson.Encoder(); // one per writer: Flink calls serialize from one thread
        }
        return new ProducerRecord<>(topic, null, result.windowEnd() - 1, key, encoder.encode(result));
    }
}
