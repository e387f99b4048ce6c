package io.github.flinkkafkaavg.connectors;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.connector.base.DeliveryGuarantee;

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

    @Override
    public String toString() {
        return "KafkaOut{topic=" + topic + ", bootstrapServers=" + bootstrapServers + ", guarantee=" + guarantee
                + ", transactionalIdPrefix=" + transactionalIdPrefix + ", transactionTimeout=" + transactionTimeout
                + ", properties=" + properties.keySet() + '}';
    }
}
