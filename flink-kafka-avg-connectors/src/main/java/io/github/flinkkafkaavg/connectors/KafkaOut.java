package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.connectors.serde.KeyFunction;
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
 * 10 minutes — above typical checkpoint intervals, below the broker's default cap of 15 minutes; the input's
 * {@link KafkaSecurity} when the servers are the input's; the topic must exist (see {@link #createIfMissing}).
 */
@PublicEvolving
public final class KafkaOut {

    /** The default transaction timeout: 10 minutes. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    // Never changed after construction: each setter changes a fresh copy.
    final String topic;
    Endpoint endpoint = Endpoint.NONE;
    DeliveryGuarantee guarantee = DeliveryGuarantee.EXACTLY_ONCE;
    String transactionalIdPrefix;
    Duration transactionTimeout = DEFAULT_TRANSACTION_TIMEOUT;
    Map<String, String> headers = Map.of();

    private KafkaOut(String topic) {
        this.topic = topic;
    }

    private KafkaOut copy() {
        KafkaOut c = new KafkaOut(topic);
        c.endpoint = endpoint;
        c.guarantee = guarantee;
        c.transactionalIdPrefix = transactionalIdPrefix;
        c.transactionTimeout = transactionTimeout;
        c.headers = headers;
        return c;
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
        return new KafkaOut(topic);
    }

    /**
     * Bootstrap servers of the output cluster, when it is not the input's.
     *
     * @param servers host:port pairs
     * @return a new output
     */
    public KafkaOut bootstrapServers(String servers) {
        KafkaOut c = copy();
        c.endpoint = endpoint.withServers(servers);
        return c;
    }

    /**
     * Kafka transactions committed with each checkpoint: readers with {@code isolation.level=read_committed} see
     * every result exactly once, when the checkpoint completes. The default.
     *
     * @return a new output
     */
    public KafkaOut exactlyOnce() {
        return withGuarantee(DeliveryGuarantee.EXACTLY_ONCE);
    }

    /**
     * Flushed on checkpoints, no transactions: results are visible at once but may be repeated after a failure.
     *
     * @return a new output
     */
    public KafkaOut atLeastOnce() {
        return withGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    /**
     * Fire and forget: results may be lost or repeated after a failure.
     *
     * @return a new output
     */
    public KafkaOut noGuarantee() {
        return withGuarantee(DeliveryGuarantee.NONE);
    }

    private KafkaOut withGuarantee(DeliveryGuarantee newGuarantee) {
        KafkaOut c = copy();
        c.guarantee = newGuarantee;
        return c;
    }

    /**
     * The prefix of the Kafka transactional ids; it must be unique among all jobs writing to the cluster and stable
     * across restarts of this one, so that a restarted job can abort its own unfinished transactions.
     *
     * @param prefix the prefix
     * @return a new output
     */
    public KafkaOut transactionalIdPrefix(String prefix) {
        KafkaOut c = copy();
        c.transactionalIdPrefix = prefix;
        return c;
    }

    /**
     * {@code transaction.timeout.ms}: longer than the checkpoint interval (a transaction stays open from one
     * checkpoint to the next) and at most the broker's {@code transaction.max.timeout.ms}.
     *
     * @param timeout the timeout
     * @return a new output
     */
    public KafkaOut transactionTimeout(Duration timeout) {
        KafkaOut c = copy();
        c.transactionTimeout = Objects.requireNonNull(timeout, "transaction timeout");
        return c;
    }

    /**
     * Passes a producer property through (security settings included).
     *
     * @param key the property name
     * @param value its value
     * @return a new output
     */
    public KafkaOut property(String key, String value) {
        KafkaOut c = copy();
        c.endpoint = endpoint.withProperty(key, value);
        return c;
    }

    /**
     * Authentication and encryption towards the output cluster. Without it an output uses the input's security
     * when it also uses the input's servers; use {@code KafkaSecurity.none()} for a plaintext output cluster.
     *
     * @param security the setting
     * @return a new output
     */
    public KafkaOut security(KafkaSecurity security) {
        KafkaOut c = copy();
        c.endpoint = endpoint.withSecurity(security);
        return c;
    }

    /**
     * Creates the topic when the pipeline is built if it does not exist yet; an existing topic is left as it is.
     * Off by default, so that a misspelt name fails instead of starting a new topic.
     *
     * @param partitions partitions of a created topic
     * @param replicationFactor replicas of a created topic (3 in production, so that a broker can fail)
     * @return a new output
     */
    public KafkaOut createIfMissing(int partitions, short replicationFactor) {
        KafkaOut c = copy();
        c.endpoint = endpoint.creatingIfMissing(partitions, replicationFactor);
        return c;
    }

    /** The producer properties: security first, raw properties over them. */
    Map<String, String> clientProperties() {
        return endpoint.clientProperties("toKafka(" + topic + ")");
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
        KafkaOut c = copy();
        c.headers = Collections.unmodifiableMap(copy);
        return c;
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
        if (!endpoint.hasServers()) {
            throw new IllegalStateException("KafkaOut(" + topic + "): bootstrapServers is not set: call"
                    + " .bootstrapServers(\"host:9092\") before sink(...)");
        }
        KafkaSinkBuilder<R> sink = KafkaSink.<R>builder()
                .setBootstrapServers(endpoint.bootstrapServers())
                .setRecordSerializer(headers.isEmpty() ? serializer : new WithHeaders<>(serializer, headers))
                .setDeliveryGuarantee(guarantee)
                .setProperty("transaction.timeout.ms", String.valueOf(transactionTimeout.toMillis()));
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            // Stable across restarts (so a restarted job aborts its own leftovers), distinct per output.
            sink.setTransactionalIdPrefix(transactionalIdPrefix != null ? transactionalIdPrefix
                    : defaultTransactionalIdPrefix);
        }
        clientProperties().forEach(sink::setProperty);
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
        return "KafkaOut{topic=" + topic + ", " + endpoint.describe() + ", guarantee=" + guarantee
                + ", transactionalIdPrefix=" + transactionalIdPrefix + ", transactionTimeout=" + transactionTimeout + '}';
    }
}
