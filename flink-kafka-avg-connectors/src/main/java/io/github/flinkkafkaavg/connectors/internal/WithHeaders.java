package io.github.flinkkafkaavg.connectors.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Adds fixed headers (UTF-8 values) to every record another serializer produces, e.g. the producing job's name for
 * lineage.
 *
 * @param <T> the element type
 */
public final class WithHeaders<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;
    private final KafkaRecordSerializationSchema<T> delegate;
    private final Map<String, String> headers;

    /**
     * A wrapper.
     *
     * @param delegate the serializer
     * @param headers the headers to add, in order
     */
    public WithHeaders(KafkaRecordSerializationSchema<T> delegate, Map<String, String> headers) {
        this.delegate = delegate;
        this.headers = headers;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        delegate.open(context, sinkContext);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = delegate.serialize(element, context, timestamp);
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        return record;
    }
}
