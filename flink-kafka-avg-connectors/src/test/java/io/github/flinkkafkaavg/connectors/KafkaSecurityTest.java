package io.github.flinkkafkaavg.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.connectors.KafkaSecurity.SaslMechanism;
import io.github.flinkkafkaavg.connectors.internal.SecretConfigProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSecurityTest {

    /** Set by the build (surefire's environmentVariables), with a quote and a backslash JAAS must escape. */
    private static final String ENV = "FKA_TEST_KAFKA_PASSWORD";
    private static final String ENV_PASSWORD = "env-Secret\"with\\quote-4711";

    @Test
    void theBuildSetsTheTestVariable() {
        assertThat(System.getenv(ENV)).isEqualTo(ENV_PASSWORD);
    }

    @Test
    void saslOverTlsBecomesClientPropertiesWithPlaceholdersForEnvironmentAndFileSecrets(@TempDir Path dir) {
        Path trust = dir.resolve("ca.p12");
        Path pw = dir.resolve("trust-password");
        Map<String, String> props = KafkaSecurity.saslOverTls(SaslMechanism.SCRAM_SHA_512, "averages", Secret.fromEnv(ENV))
                .trustStore(trust, Secret.fromFile(pw)).clientProperties();
        assertThat(props).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"averages\" password=\"${fka-secret:jaas-env:" + ENV + "}\";")
                .containsEntry("ssl.truststore.location", trust.toString())
                .containsEntry("ssl.truststore.type", "PKCS12")
                .containsEntry("ssl.truststore.password", "${fka-secret:file:" + pw + "}")
                .containsEntry("config.providers", "fka-secret")
                .containsEntry("config.providers.fka-secret.class", SecretConfigProvider.class.getName());
    }

    @Test
    void theKafkaClientResolvesThePlaceholdersWhereItRunsAndJaasParsesTheEscapedPassword(@TempDir Path dir)
            throws Exception {
        Path pw = dir.resolve("trust-password");
        Files.writeString(pw, "file-Secret-99\n", StandardCharsets.UTF_8); // the trailing newline is not the password
        Map<String, String> props = new java.util.HashMap<>(KafkaSecurity.saslOverTls(SaslMechanism.SCRAM_SHA_256,
                "u", Secret.fromEnv(ENV)).trustStore(dir.resolve("ca.jks"), Secret.fromFile(pw)).clientProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        ConsumerConfig config = new ConsumerConfig(new java.util.HashMap<String, Object>(props));
        assertThat(config.getPassword("ssl.truststore.password").value()).isEqualTo("file-Secret-99");
        assertThat(config.getString("ssl.truststore.type")).isEqualTo("JKS");
        Password jaas = config.getPassword("sasl.jaas.config");
        // What the SCRAM login module will see, after JAAS has undone the escaping.
        Map<String, ?> options = JaasContext.loadClientContext(Map.of("sasl.jaas.config", jaas))
                .configurationEntries().get(0).getOptions();
        assertThat(options.get("username")).isEqualTo("u");
        assertThat(options.get("password")).isEqualTo(ENV_PASSWORD);
        // Kafka logs the values of PASSWORD-type settings as [hidden].
        assertThat(jaas.toString()).isEqualTo("[hidden]");
    }

    @Test
    void aValueSecretIsQuotedForJaasAndNeedsNoConfigProvider() {
        Map<String, String> props = KafkaSecurity.saslPlaintext(SaslMechanism.PLAIN, "al\"ice", Secret.of("p\"w\\1"))
                .clientProperties();
        assertThat(props.get("sasl.jaas.config")).isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required username=\"al\\\"ice\" password=\"p\\\"w\\\\1\";");
        assertThat(props).doesNotContainKey("config.providers");
        Map<String, ?> options = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password(props.get("sasl.jaas.config")))).configurationEntries().get(0).getOptions();
        assertThat(options.get("password")).isEqualTo("p\"w\\1");
    }

    @Test
    void aMissingVariableOrFileIsNamedNotSentAsThePassword(@TempDir Path dir) {
        SecretConfigProvider provider = new SecretConfigProvider();
        assertThatThrownBy(() -> provider.get("env", Set.of("FKA_NOT_SET_ANYWHERE")))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessage("environment variable FKA_NOT_SET_ANYWHERE is not set on this machine;"
                        + " Secret.fromEnv(\"FKA_NOT_SET_ANYWHERE\") reads the Kafka password from it wherever a Kafka"
                        + " client runs (the JobManager and every TaskManager)");
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> provider.get("file", Set.of(missing.toString())))
                .hasMessageStartingWith("secret file " + missing + " does not exist on this machine");
        assertThat(provider.get("jaas-env", Set.of(ENV)).data()).containsEntry(ENV, "env-Secret\\\"with\\\\quote-4711");
    }

    @Test
    void toStringAndDescribeNameWhereSecretsComeFromButNeverTheirValues() {
        KafkaSecurity security = KafkaSecurity.saslOverTls(SaslMechanism.SCRAM_SHA_512, "averages",
                Secret.of("Top-Secret-123")).trustStore(Path.of("/etc/kafka/ca.p12"), Secret.of("Store-Secret-456"))
                .keyStore(Path.of("/etc/kafka/me.p12"), Secret.of("Key-Secret-789"), null);
        assertThat(security.toString()).isEqualTo("KafkaSecurity{SASL_SSL, SCRAM-SHA-512 as user averages, trust store"
                + " /etc/kafka/ca.p12, key store /etc/kafka/me.p12}");
        assertThat(Secret.of("Top-Secret-123")).hasToString("Secret(value hidden)");
        assertThat(Secret.fromEnv("KAFKA_PASSWORD")).hasToString("Secret(env KAFKA_PASSWORD)");
        KafkaIn in = KafkaIn.topic("t").bootstrapServers("b:9093").security(security).property("client.id", "x");
        KafkaOut out = KafkaOut.topic("o").security(security);
        Topics topics = Topics.on("b:9093").security(security);
        for (Object o : new Object[] {security, in, out, topics, in.toString() + out}) {
            assertThat(o.toString()).doesNotContain("Secret-");
        }
        assertThat(in.toString()).contains("security=SASL_SSL, SCRAM-SHA-512 as user averages");
    }

    @Test
    void tlsSettingsNeedTlsAndStoresNeedTheirPasswords() {
        KafkaSecurity plain = KafkaSecurity.saslPlaintext(SaslMechanism.SCRAM_SHA_256, "u", Secret.of("p"));
        assertThatThrownBy(() -> plain.trustStore(Path.of("/ca.p12"), Secret.of("p")))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("trustStore(...) configures TLS, but this is SASL_PLAINTEXT: start from KafkaSecurity.tls()"
                        + " or KafkaSecurity.saslOverTls(...)");
        assertThatThrownBy(() -> KafkaSecurity.tls().trustStore(Path.of("/ca.p12"), null))
                .hasMessage("trustStore(/ca.p12, null): a PKCS12 store needs its password (only PEM files may come"
                        + " without one)");
        assertThat(KafkaSecurity.tls().trustStore(Path.of("/ca.pem"), null).clientProperties())
                .containsEntry("ssl.truststore.type", "PEM").doesNotContainKey("ssl.truststore.password");
        assertThat(KafkaSecurity.tls().withoutHostnameVerification().clientProperties())
                .containsEntry("ssl.endpoint.identification.algorithm", "");
        assertThatThrownBy(() -> Secret.fromEnv("1-bad")).hasMessageContaining("but got 1-bad");
        assertThatThrownBy(() -> Secret.of("")).hasMessage("the password must not be empty");
    }

    @Test
    void rawPropertiesMayNotContradictTheSecuritySettingButJoinConfigProviders() {
        KafkaSecurity scram = KafkaSecurity.saslOverTls(SaslMechanism.SCRAM_SHA_256, "u", Secret.fromEnv(ENV));
        assertThatThrownBy(() -> KafkaIn.topic("t").security(scram).property("sasl.mechanism", "PLAIN").clientProperties())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("fromKafka(t): property(\"sasl.mechanism\", ...) and security(KafkaSecurity{SASL_SSL,"
                        + " SCRAM-SHA-256 as user u}) both set sasl.mechanism: keep one of them");
        assertThat(KafkaIn.topic("t").security(scram).property("config.providers", "vault")
                .property("config.providers.vault.class", "com.example.Vault").clientProperties())
                .containsEntry("config.providers", "vault,fka-secret");
        assertThat(KafkaOut.topic("o").security(KafkaSecurity.none()).clientProperties())
                .containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
    }
}
