package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.flinkkafkaavg.core.MovingAverage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@link MovingAverage} results as JSON, keyed by the result's key:
 * {@code {"key":"sensor-7","timestamp":1764000000000,"average":21.5,"count":100,"sum":2150.0}}. The schema only ever
 * gains fields. The Kafka record timestamp is the input record's event time (when it had one).
 *
 * @param <K> the key type
 */
@PublicEvolving
public final class MovingAverageKafkaSerializer<K> implements KafkaRecordSerializationSchema<MovingAverage<K>> {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory FACTORY = new JsonFactory();

    private final String topic;

    /**
     * A serializer for one topic.
     *
     * @param topic the output topic
     */
    public MovingAverageKafkaSerializer(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(MovingAverage<K> result, KafkaSinkContext context, Long timestamp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("key", String.valueOf(result.key()));
            json.writeNumberField("timestamp", result.timestamp());
            json.writeNumberField("average", result.average());
            json.writeNumberField("count", result.count());
            json.writeNumberField("sum", result.sum());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Long ts = result.timestamp() == Long.MIN_VALUE ? null : result.timestamp();
        return new ProducerRecord<>(topic, null, ts, String.valueOf(result.key()).getBytes(StandardCharsets.UTF_8),
                out.toByteArray());
    }
}
