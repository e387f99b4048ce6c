package io.github.flinkkafkaavg.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node's server.properties as a value: no broker is started here. */
class BrokerConfigTest {

    private static final Path DATA = Path.of("/data");
    private static final Path TLS = Path.of("/tls");

    @Test
    void aSingleNodeHasPlaintextAndControllerListenersAndReplicationForOne() {
        BrokerConfig.Ports node = new BrokerConfig.Ports(1, 9092, 9093, -1, -1, -1);
        Map<String, String> p = new BrokerConfig(1, Map.of(), Map.of(), false)
                .serverProperties(node, BrokerConfig.voters(List.of(node)), DATA, TLS);
        assertThat(p).containsEntry("node.id", "1")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
                .containsEntry("log.dirs", "/data")
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("default.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("log.retention.ms", "-1")
                .doesNotContainKeys("sasl.enabled.mechanisms", "ssl.keystore.location");
    }

    @Test
    void threeNodesReplicateInternalTopicsThreeTimesWithTwoInSync() {
        List<BrokerConfig.Ports> nodes = List.of(new BrokerConfig.Ports(1, 1, 2, -1, -1, -1),
                new BrokerConfig.Ports(2, 3, 4, -1, -1, -1), new BrokerConfig.Ports(3, 5, 6, -1, -1, -1));
        Map<String, String> p = new BrokerConfig(3, Map.of(), Map.of(), false)
                .serverProperties(nodes.get(1), BrokerConfig.voters(nodes), DATA, TLS);
        assertThat(p).containsEntry("controller.quorum.voters", "1@127.0.0.1:2,2@127.0.0.1:4,3@127.0.0.1:6")
                .containsEntry("node.id", "2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2");
    }

    @Test
    void saslAndTlsListenersWithTheirUsersAndStores() {
        BrokerConfig.Ports node = new BrokerConfig.Ports(1, 10, 11, 12, 13, 14);
        Map<String, String> p = new BrokerConfig(1, Map.of(), Map.of("alice", "pw"), true)
                .serverProperties(node, "1@127.0.0.1:11", DATA, TLS);
        assertThat(p.get("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:10,CONTROLLER://127.0.0.1:11,"
                + "SASL_PLAINTEXT://127.0.0.1:12,SSL://127.0.0.1:13,SASL_SSL://127.0.0.1:14");
        assertThat(p.get("advertised.listeners")).doesNotContain("CONTROLLER");
        assertThat(p.get("listener.name.sasl_plaintext.plain.sasl.jaas.config"))
                .isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"pw\";");
        assertThat(p).containsKey("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config")
                .containsEntry("listener.name.ssl.ssl.client.auth", "required")
                .containsEntry("ssl.keystore.location", TLS.resolve(TestCertificates.BROKER_STORE).toString());
    }

    @Test
    void theUsersBrokerPropertiesWinOverTheDefaults() {
        BrokerConfig.Ports node = new BrokerConfig.Ports(1, 9092, 9093, -1, -1, -1);
        Map<String, String> p = new BrokerConfig(1, Map.of("log.retention.ms", "60000", "message.max.bytes", "2000000"),
                Map.of(), false).serverProperties(node, "1@127.0.0.1:9093", DATA, TLS);
        assertThat(p).containsEntry("log.retention.ms", "60000").containsEntry("message.max.bytes", "2000000");
    }
}
