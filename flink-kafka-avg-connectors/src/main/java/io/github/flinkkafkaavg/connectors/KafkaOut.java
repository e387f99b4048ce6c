package io.github.flinkkafkaavg.connectors;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import io.github.flinkkafkaavg.connectors.internal.WithHeaders;
import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where results (or dead letters) go. An immutable value; each setter returns a new one.
 *
 * <pre>{@code
 * KafkaOut.topic("averages").exactlyOnce().transactionalIdPrefix("sensor-averages")
 * }</pre>
 *
 * <p>Defaults: the input's bootstrap servers; exactly-once delivery (Kafka transactions committed on checkpoints),
 * so the job must checkpoint; a transactional id prefix derived from the topic; {@code transaction.timeout.ms} of
 * 10 minutes — above typical checkpoint intervals, below the broker's default cap of 15 minutes.
 */
public final class KafkaOut {

    /** The default transaction timeout: 10 minutes. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    final String topic;
    final String bootstrapServers;
    final DeliveryGuarantee guarantee;
    final String transactionalIdPrefix;
    final Duration transactionTimeout;
    final Map<String, String> properties;
    final Map<String, String> headers;

    private KafkaOut(String topic, String bootstrapServers, DeliveryGuarantee guarantee, String transactionalIdPrefix,
            Duration transactionTimeout, Map<String, String> properties, Map<String, String> headers) {
        this.headers = headers;
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.guarantee = guarantee;
        this.transactionalIdPrefix = transactionalIdPrefix;
        this.transactionTimeout = transactionTimeout;
        this.properties = properties;
    }

    /**
     * Writes to one topic.
     *
     * @param topic the topic name
     * @return the output, exactly-once
     */
    public static KafkaOut topic(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("the output topic must not be blank, but was " + topic);
        }
        return new KafkaOut(topic, null, DeliveryGuarantee.EXACTLY_ONCE, null, DEFAULT_TRANSACTION_TIMEOUT, Map.of(), Map.of());
    }

    /**
     * Bootstrap servers of the output cluster, when it is not the input's.
     *
     * @param servers host:port pairs
     * @return a new output
     */
    public KafkaOut bootstrapServers(String servers) {
        return new KafkaOut(topic, servers, guarantee, transactionalIdPrefix, transactionTimeout, properties, headers);
    }

    /**
     * Kafka transactions committed with each checkpoint: readers with {@code isolation.level=read_committed} see
     * every result exactly once, when the checkpoint completes. The default.
     *
     * @return a new output
     */
    public KafkaOut exactlyOnce() {
        return new KafkaOut(topic, bootstrapServers, DeliveryGuarantee.EXACTLY_ONCE, transactionalIdPrefix,
                transactionTimeout, properties, headers);
    }

    /**
     * Flushed on checkpoints, no transactions: results are visible at once but may be repeated after a failure.
     *
     * @return a new output
     */
    public KafkaOut atLeastOnce() {
        return new KafkaOut(topic, bootstrapServers, DeliveryGuarantee.AT_LEAST_ONCE, transactionalIdPrefix,
                transactionTimeout, properties, headers);
    }

    /**
     * Fire and forget: results may be lost or repeated after a failure.
     *
     * @return a new output
     */
    public KafkaOut noGuarantee() {
        return new KafkaOut(topic, bootstrapServers, DeliveryGuarantee.NONE, transactionalIdPrefix, transactionTimeout,
                properties, headers);
    }

    /**
     * The prefix of the Kafka transactional ids; it must be unique among all jobs writing to the cluster and stable
     * across restarts of this one, so that a restarted job can abort its own unfinished transactions.
     *
     * @param prefix the prefix
     * @return a new output
     */
    public KafkaOut transactionalIdPrefix(String prefix) {
        return new KafkaOut(topic, bootstrapServers, guarantee, prefix, transactionTimeout, properties, headers);
    }

    /**
     * {@code transaction.timeout.ms}: longer than the checkpoint interval (a transaction stays open from one
     * checkpoint to the next) and at most the broker's {@code transaction.max.timeout.ms}.
     *
     * @param timeout the timeout
     * @return a new output
     */
    public KafkaOut transactionTimeout(Duration timeout) {
        return new KafkaOut(topic, bootstrapServers, guarantee, transactionalIdPrefix,
                Objects.requireNonNull(timeout, "transaction timeout"), properties, headers);
    }

    /**
     * Passes a producer property through (security settings included).
     *
     * @param key the property name
     * @param value its value
     * @return a new output
     */
    public KafkaOut property(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new KafkaOut(topic, bootstrapServers, guarantee, transactionalIdPrefix, transactionTimeout,
                Collections.unmodifiableMap(copy), headers);
    }

    /**
     * Adds a fixed header to every record written, e.g. {@code header("producer", "sensor-averages")}.
     *
     * @param key the header name
     * @param value its value, written as UTF-8
     * @return a new output
     */
    public KafkaOut header(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new KafkaOut(topic, bootstrapServers, guarantee, transactionalIdPrefix, transactionTimeout, properties,
                Collections.unmodifiableMap(copy));
    }

    /**
     * A {@code KafkaSink} for any other stream of the job with this output's settings — delivery guarantee,
     * transactional id prefix (default {@code flink-kafka-avg-<topic>}), transaction timeout, headers and properties
     * — so derived streams (alerts, prices, counts) reach Kafka with the same guarantees as the averages. With
     * exactly-once the job must checkpoint, and the transaction timeout must exceed the checkpoint interval.
     *
     * @param serializer turns a value into a Kafka record for this topic
     * @param <R> the value type
     * @return the sink, for {@code stream.sinkTo(...)}
     * @throws IllegalStateException when the bootstrap servers are not set
     */
    public <R> KafkaSink<R> sink(KafkaRecordSerializationSchema<R> serializer) {
        return sink(serializer, "flink-kafka-avg-" + topic);
    }

    /**
     * A sink writing each value as JSON ({@link JsonSerde#encoder()}), keyed by {@code key} as UTF-8 text, with the
     * element's timestamp as the record timestamp; otherwise as {@link #sink(KafkaRecordSerializationSchema)}.
     *
     * @param key the record key of a value, e.g. {@code Alert::zone}
     * @param <R> the value type
     * @return the sink
     * @throws IllegalStateException when the bootstrap servers are not set
     */
    public <R> KafkaSink<R> jsonSink(KeyFunction<R> key) {
        Objects.requireNonNull(key, "key");
        return sink(new JsonRecords<>(topic, key));
    }

    <R> KafkaSink<R> sink(KafkaRecordSerializationSchema<R> serializer, String defaultTransactionalIdPrefix) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalStateException("KafkaOut(" + topic + "): bootstrapServers is not set: call"
                    + " .bootstrapServers(\"host:9092\") before sink(...)");
        }
        KafkaSinkBuilder<R> sink = KafkaSink.<R>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(headers.isEmpty() ? serializer : new WithHeaders<>(serializer, headers))
                .setDeliveryGuarantee(guarantee)
                .setProperty("transaction.timeout.ms", String.valueOf(transactionTimeout.toMillis()));
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            // Stable across restarts (so a restarted job aborts its own leftovers), distinct per output.
            sink.setTransactionalIdPrefix(transactionalIdPrefix != null ? transactionalIdPrefix
                    : defaultTransactionalIdPrefix);
        }
        properties.forEach(sink::setProperty);
        return sink.build();
    }

    /** Values as JSON, keys as text, the element's timestamp as the record's. */
    private static final class JsonRecords<R> implements KafkaRecordSerializationSchema<R> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final KeyFunction<R> key;
        private final JsonSerde.Encoder<R> encoder = JsonSerde.encoder();

        JsonRecords(String topic, KeyFunction<R> key) {
            this.topic = topic;
            this.key = key;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(R value, KafkaSinkContext context, Long timestamp) {
            Object k;
            try {
                k = key.key(value);
            } catch (Exception e) {
                throw new IllegalArgumentException("the key function of output " + topic + " failed on " + value, e);
            }
            return new ProducerRecord<>(topic, null, timestamp,
                    k == null ? null : String.valueOf(k).getBytes(StandardCharsets.UTF_8), encoder.encode(value));
        }
    }

    @Override
    public String toString() {
        return "KafkaOut{topic=" + topic + ", bootstrapServers=" + bootstrapServers + ", guarantee=" + guarantee
                + ", transactionalIdPrefix=" + transactionalIdPrefix + ", transactionTimeout=" + transactionTimeout
                + ", properties=" + properties.keySet() + '}';
    }
}
