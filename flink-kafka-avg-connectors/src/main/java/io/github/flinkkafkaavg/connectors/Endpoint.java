package io.github.flinkkafkaavg.connectors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a Kafka input or output connects and how — servers, client properties, security, and the topic to create
 * when it is missing: the settings {@link KafkaIn} and {@link KafkaOut} share, kept once. Immutable.
 *
 * @param bootstrapServers host:port pairs, or null when not set
 * @param properties client properties passed through
 * @param security authentication and encryption, or null when not set
 * @param createPartitions partitions of a topic created when missing; 0 to never create one
 * @param createReplicationFactor replicas of such a topic
 */
record Endpoint(String bootstrapServers, Map<String, String> properties, KafkaSecurity security, int createPartitions,
        short createReplicationFactor) {

    /** Nothing set. */
    static final Endpoint NONE = new Endpoint(null, Map.of(), null, 0, (short) 0);

    Endpoint withServers(String servers) {
        return new Endpoint(servers, properties, security, createPartitions, createReplicationFactor);
    }

    Endpoint withProperty(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new Endpoint(bootstrapServers, Collections.unmodifiableMap(copy), security, createPartitions,
                createReplicationFactor);
    }

    Endpoint withSecurity(KafkaSecurity security) {
        return new Endpoint(bootstrapServers, properties, Objects.requireNonNull(security, "security"),
                createPartitions, createReplicationFactor);
    }

    Endpoint creatingIfMissing(int partitions, short replicationFactor) {
        KafkaChecks.requireCreatable(partitions, replicationFactor);
        return new Endpoint(bootstrapServers, properties, security, partitions, replicationFactor);
    }

    boolean hasServers() {
        return bootstrapServers != null && !bootstrapServers.isBlank();
    }

    /** The client properties: security first, raw properties over them; {@code where} names the setting in errors. */
    Map<String, String> clientProperties(String where) {
        return KafkaSecurity.merge(security, properties, where);
    }

    /** For toString: property values may hold secrets, so the names only. */
    String describe() {
        return "bootstrapServers=" + bootstrapServers + (security == null ? "" : ", security=" + security.describe())
                + ", properties=" + properties.keySet();
    }
}
