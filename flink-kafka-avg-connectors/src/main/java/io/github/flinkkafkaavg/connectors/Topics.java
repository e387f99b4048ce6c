package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Creates and checks the job's topics before it starts, with errors in words instead of a job that hangs.
 *
 * <pre>{@code
 * Topics topics = Topics.on("broker:9092");
 * topics.createIfMissing("readings", 6, (short) 3, Map.of("retention.ms", "604800000"));
 * topics.requirePartitions("averages", 2);
 * }</pre>
 *
 * <p>Every call waits at most the timeout (default 30 s) and then fails with a message naming the bootstrap servers
 * and the topic. {@link #security(KafkaSecurity)} authenticates and encrypts as the job does;
 * {@link #property(String, String)} passes other admin-client properties through. Immutable and cheap: each call opens and closes its own admin client.
 */
@PublicEvolving
public final class Topics {

    private final String bootstrapServers;
    private final Duration timeout;
    private final Map<String, String> properties;
    private final KafkaSecurity security;

    private Topics(String bootstrapServers, Duration timeout, Map<String, String> properties, KafkaSecurity security) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        this.properties = properties;
        this.security = security;
    }

    /**
     * Topics of the cluster behind these servers.
     *
     * @param bootstrapServers host:port pairs
     * @return the helper, with a 30 s timeout
     */
    public static Topics on(String bootstrapServers) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must not be blank, but were " + bootstrapServers);
        }
        return new Topics(bootstrapServers, Duration.ofSeconds(30), Map.of(), null);
    }

    /**
     * How long each call may wait for the cluster.
     *
     * @param timeout a positive duration
     * @return a new helper
     */
    public Topics withTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
        }
        return new Topics(bootstrapServers, timeout, properties, security);
    }

    /**
     * Passes an admin-client property through.
     *
     * @param key the property name
     * @param value its value
     * @return a new helper
     */
    public Topics property(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new Topics(bootstrapServers, timeout, Collections.unmodifiableMap(copy), security);
    }

    /**
     * Authentication and encryption, as for {@link KafkaIn#security(KafkaSecurity)}.
     *
     * @param security the setting
     * @return a new helper
     */
    public Topics security(KafkaSecurity security) {
        return new Topics(bootstrapServers, timeout, properties, Objects.requireNonNull(security, "security"));
    }

    /**
     * Creates a topic unless it exists; an existing topic is left as it is (see {@link #requirePartitions}). A topic
     * it creates is returned only once the leader of every partition serves it, so that a producer may write at once.
     *
     * @param topic the name
     * @param partitions partitions when created
     * @param replicationFactor replicas when created
     * @param configs topic configs when created, e.g. {@code min.insync.replicas}
     * @return true when this call created it
     */
    public boolean createIfMissing(String topic, int partitions, short replicationFactor, Map<String, String> configs) {
        try (Admin admin = admin()) {
            return KafkaChecks.create(admin, topic, partitions, replicationFactor, configs, timeout, bootstrapServers,
                    security);
        }
    }

    /**
     * Fails unless the topic exists with at least this many partitions (a job whose source parallelism exceeds the
     * partition count leaves readers idle; one whose input is missing waits for nothing).
     *
     * @param topic the name
     * @param minPartitions the fewest partitions accepted
     * @return the partition count
     */
    public int requirePartitions(String topic, int minPartitions) {
        TopicDescription description;
        try (Admin admin = admin()) {
            description = KafkaChecks.describe(admin, topic, timeout, bootstrapServers, security);
        } catch (KafkaChecks.MissingTopic missing) {
            throw KafkaChecks.missingTopic(topic, bootstrapServers, "Topics.on(\"" + bootstrapServers
                    + "\").createIfMissing(\"" + topic + "\", partitions, replicas, configs)");
        }
        int partitions = description.partitions().size();
        if (partitions < minPartitions) {
            throw new IllegalStateException("topic " + topic + " on " + bootstrapServers + " has " + partitions
                    + " partition(s), fewer than the " + minPartitions + " needed: add partitions"
                    + " (kafka-topics.sh --alter --topic " + topic + " --partitions " + minPartitions
                    + ") or lower the parallelism");
        }
        return partitions;
    }

    private Admin admin() {
        return KafkaChecks.admin(bootstrapServers, KafkaSecurity.merge(security, properties,
                "Topics.on(" + bootstrapServers + ")"), timeout, "connect", security);
    }
}
