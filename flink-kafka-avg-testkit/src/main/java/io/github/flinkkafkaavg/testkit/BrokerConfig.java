package io.github.flinkkafkaavg.testkit;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What each node of an {@link EmbeddedKafka} cluster runs with: its {@code server.properties}, made from the
 * cluster's settings and the node's ports as a pure function, so that the configuration is tested on its own
 * ({@code BrokerConfigTest}) and the process and the cluster only use it. Immutable.
 */
final class BrokerConfig {

    /**
     * The ports of one node; {@code -1} for a listener it does not have.
     *
     * @param id the node id, from 1
     * @param port PLAINTEXT
     * @param controllerPort the KRaft controller listener
     * @param saslPort SASL_PLAINTEXT
     * @param sslPort SSL
     * @param saslSslPort SASL_SSL
     */
    record Ports(int id, int port, int controllerPort, int saslPort, int sslPort, int saslSslPort) {}

    private final int nodeCount;
    private final Map<String, String> brokerProperties;
    private final Map<String, String> saslUsers;
    private final boolean tlsClientAuth;

    BrokerConfig(int nodeCount, Map<String, String> brokerProperties, Map<String, String> saslUsers,
            boolean tlsClientAuth) {
        this.nodeCount = nodeCount;
        this.brokerProperties = Map.copyOf(brokerProperties);
        this.saslUsers = Map.copyOf(saslUsers);
        this.tlsClientAuth = tlsClientAuth;
    }

    /** The KRaft voters of a cluster of these nodes: {@code id@127.0.0.1:controllerPort,...}. */
    static String voters(List<Ports> nodes) {
        return nodes.stream().map(n -> n.id() + "@127.0.0.1:" + n.controllerPort()).collect(Collectors.joining(","));
    }

    /**
     * One node's broker settings: the cluster's defaults (see {@link EmbeddedKafka}), the node's listeners, and the
     * user's broker properties over them.
     *
     * @param node the node's ports
     * @param voters {@link #voters} of the cluster
     * @param dataDir the node's log directory
     * @param tlsDir where the test CA's stores are, when the node has TLS listeners
     */
    Map<String, String> serverProperties(Ports node, String voters, Path dataDir, Path tlsDir) {
        int replicas = Math.min(3, nodeCount);
        int minIsr = Math.min(2, nodeCount);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(node.id()));
        config.put("controller.quorum.voters", voters);
        String listeners = "PLAINTEXT://127.0.0.1:" + node.port() + ",CONTROLLER://127.0.0.1:" + node.controllerPort();
        String advertised = "PLAINTEXT://127.0.0.1:" + node.port();
        if (node.saslPort() > 0) {
            listeners += ",SASL_PLAINTEXT://127.0.0.1:" + node.saslPort();
            advertised += ",SASL_PLAINTEXT://127.0.0.1:" + node.saslPort();
            config.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
            saslJaas(config, "sasl_plaintext");
        }
        if (node.sslPort() > 0) {
            listeners += ",SSL://127.0.0.1:" + node.sslPort();
            advertised += ",SSL://127.0.0.1:" + node.sslPort();
            config.put("ssl.keystore.location", tlsDir.resolve(TestCertificates.BROKER_STORE).toString());
            config.put("ssl.keystore.type", "PKCS12");
            config.put("ssl.keystore.password", TestCertificates.BROKER_STORE_PASSWORD);
            config.put("ssl.key.password", TestCertificates.BROKER_STORE_PASSWORD);
            // The SSL listener only: SASL_SSL clients authenticate by SASL.
            config.put("listener.name.ssl.ssl.client.auth", tlsClientAuth ? "required" : "none");
            config.put("ssl.truststore.location", tlsDir.resolve(TestCertificates.TRUST_STORE).toString());
            config.put("ssl.truststore.type", "PKCS12");
            config.put("ssl.truststore.password", TestCertificates.TRUST_STORE_PASSWORD);
        }
        if (node.saslSslPort() > 0) {
            listeners += ",SASL_SSL://127.0.0.1:" + node.saslSslPort();
            advertised += ",SASL_SSL://127.0.0.1:" + node.saslSslPort();
            saslJaas(config, "sasl_ssl");
        }
        config.put("listeners", listeners);
        config.put("advertised.listeners", advertised);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
                + "SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", dataDir.toString());
        config.put("auto.create.topics.enable", "false");
        config.put("num.partitions", "1");
        config.put("default.replication.factor", String.valueOf(replicas));
        // Fewer internal partitions than the production defaults (50) keep start-up in seconds.
        config.put("offsets.topic.num.partitions", "5");
        config.put("offsets.topic.replication.factor", String.valueOf(replicas));
        config.put("transaction.state.log.num.partitions", "5");
        config.put("transaction.state.log.replication.factor", String.valueOf(replicas));
        config.put("transaction.state.log.min.isr", String.valueOf(minIsr));
        config.put("share.coordinator.state.topic.replication.factor", String.valueOf(replicas));
        config.put("share.coordinator.state.topic.min.isr", String.valueOf(minIsr));
        config.put("group.initial.rebalance.delay.ms", "0");
        // Keep every record: tests write event-time timestamps from the past (results carry windowEnd - 1), and
        // the default 7-day time-based retention would delete such segments 30 s after start, mid-test.
        config.put("log.retention.ms", "-1");
        // Fence a dead node within seconds (production default: 9 s) so failover tests stay short.
        config.put("broker.heartbeat.interval.ms", "500");
        config.put("broker.session.timeout.ms", "3000");
        config.putAll(brokerProperties);
        return config;
    }

    private void saslJaas(Map<String, String> config, String listener) {
        String prefix = "listener.name." + listener + ".";
        config.put(prefix + "plain.sasl.jaas.config", plainJaasConfig());
        String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
        config.put(prefix + "scram-sha-256.sasl.jaas.config", scram);
        config.put(prefix + "scram-sha-512.sasl.jaas.config", scram);
    }

    private String plainJaasConfig() {
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        saslUsers.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        return jaas.append(';').toString();
    }
}
