package io.github.flinkkafkaavg.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaITCase {

    @Test
    void transactionsAreVisibleToReadCommittedOnlyAfterCommitAndNothingOutlivesClose() throws Exception {
        Path root;
        List<Long> pids;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            root = kafka.rootDirectory();
            pids = kafka.pids();
            String topic = "tx-" + UUID.randomUUID();
            kafka.createTopic(topic, 3);
            assertThat(kafka.topics()).contains(topic);

            try (KafkaProducer<String, String> producer = transactionalProducer(kafka.bootstrapServers())) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + (i % 7), "v" + i));
                }
                producer.flush(); // abortTransaction discards unsent records; these must reach the log, aborted
                producer.abortTransaction();
                producer.beginTransaction();
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + (i % 7), "c" + i));
                }
                producer.flush();
                // An open transaction holds back the last stable offset: read_committed sees nothing yet.
                assertThat(TopicReader.readAll(kafka.bootstrapServers(), topic, true)).isEmpty();
                producer.commitTransaction();
            }

            List<ConsumerRecord<byte[], byte[]>> committed = TopicReader.readAll(kafka.bootstrapServers(), topic, true);
            assertThat(committed).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "c" + i).toList());
            assertThat(TopicReader.readAll(kafka.bootstrapServers(), topic, false)).hasSize(50);
        }
        assertThat(root).doesNotExist();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
        }
    }

    @Test
    void aStoppedNodeRestartsOnTheSamePortWithItsData() {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String topic = "restart-" + UUID.randomUUID();
            kafka.createTopic(topic, 1);
            String bootstrap = kafka.bootstrapServers();
            produce(bootstrap, topic, 10);
            kafka.stopNode(1);
            assertThat(kafka.pids()).isEmpty();
            kafka.startNode(1);
            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            produce(bootstrap, topic, 5);
            assertThat(TopicReader.readAll(bootstrap, topic, true)).hasSize(15);
        }
    }

    @Test
    void securedListenersAcceptKnownUsersAndTrustedClientsAndRejectTheRest() {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().saslPlainUser("alice", "alice-secret")
                .scramUser("bob", "bob-secret").tls().build().start()) {
            assertNodes(sasl(kafka.saslPlaintextBootstrapServers(), "PLAIN", "alice", "alice-secret"));
            assertNodes(sasl(kafka.saslPlaintextBootstrapServers(), "SCRAM-SHA-256", "bob", "bob-secret"));
            Properties scramOverTls = trusting(kafka, sasl(kafka.saslSslBootstrapServers(), "SCRAM-SHA-512", "bob", "bob-secret"));
            scramOverTls.setProperty("security.protocol", "SASL_SSL");
            assertNodes(scramOverTls);
            Properties tls = trusting(kafka, sasl(kafka.sslBootstrapServers(), null, null, null));
            tls.setProperty("security.protocol", "SSL");
            assertNodes(tls);

            assertRefused(sasl(kafka.saslPlaintextBootstrapServers(), "PLAIN", "alice", "wrong"), SaslAuthenticationException.class);
            assertRefused(sasl(kafka.saslPlaintextBootstrapServers(), "SCRAM-SHA-512", "bob", "wrong"), SaslAuthenticationException.class);
            Properties untrusting = sasl(kafka.sslBootstrapServers(), null, null, null);
            untrusting.setProperty("security.protocol", "SSL");
            assertRefused(untrusting, SslAuthenticationException.class);
        }
    }

    private static void assertNodes(Properties props) {
        try (Admin admin = Admin.create(props)) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(props.getProperty("security.protocol") + " " + props.getProperty("sasl.mechanism"), e);
        }
    }

    private static void assertRefused(Properties props, Class<? extends Throwable> why) {
        try (Admin admin = Admin.create(props)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get()).hasCauseInstanceOf(why);
        }
    }

    private static Properties trusting(EmbeddedKafka kafka, Properties props) {
        props.setProperty("ssl.truststore.location", kafka.tlsTrustStore().toString());
        props.setProperty("ssl.truststore.type", "PKCS12");
        props.setProperty("ssl.truststore.password", kafka.tlsTrustStorePassword());
        return props;
    }

    @Test
    void threeNodesFormOneClusterAndSurviveTheLossOfOne() {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().nodes(3).build().start()) {
            String topic = "replicated-" + UUID.randomUUID();
            kafka.createTopic(topic, 2, (short) 3, java.util.Map.of("min.insync.replicas", "2"));
            produce(kafka.bootstrapServers(), topic, 10);
            kafka.killNode(2);
            produce(kafka.bootstrapServers(), topic, 10);
            assertThat(TopicReader.readAll(kafka.bootstrapServers(), topic, true)).hasSize(20);
            kafka.startNode(2);
            assertThat(kafka.pids()).hasSize(3);
        }
    }

    @Test
    void aBadBrokerSettingFailsStartWithTheBrokerLog() {
        EmbeddedKafka kafka = EmbeddedKafka.builder()
                .brokerProperty("num.partitions", "not-a-number")
                .startTimeout(Duration.ofSeconds(60))
                .build();
        Path root = kafka.rootDirectory();
        assertThatThrownBy(kafka::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("num.partitions");
        assertThat(Files.exists(root)).isFalse();
    }

    private static void produce(String bootstrap, String topic, int count) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID());
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static Properties sasl(String bootstrap, String mechanism, String user, String password) {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (mechanism != null) {
            props.setProperty("security.protocol", "SASL_PLAINTEXT");
            props.setProperty("sasl.mechanism", mechanism);
            String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            props.setProperty("sasl.jaas.config", module + " required username=\"" + user + "\" password=\""
                    + password + "\";");
        }
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return props;
    }
}
