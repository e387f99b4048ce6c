package io.github.flinkkafkaavg.connectors.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.flinkkafkaavg.connectors.KafkaIn;
import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.connectors.KafkaSecurity;
import io.github.flinkkafkaavg.connectors.KafkaSecurity.SaslMechanism;
import io.github.flinkkafkaavg.connectors.Secret;
import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.connectors.Topics;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.connectors.testutils.CapturedLogs;
import io.github.flinkkafkaavg.testkit.CapturingMetricReporter;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.ExpectedWindows;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a broker that demands SASL (PLAIN, SCRAM-SHA-256/512) and TLS, with a CA made at test time: right
 * credentials run end to end, wrong ones and missing trust fail the build fast and in words, and no password reaches
 * the logs, the job graph, exceptions or metrics.
 */
class SecureKafkaITCase {

    /** Set by the build (failsafe's environmentVariables); the broker's SCRAM user gets the same password. */
    private static final String ENV = "FKA_TEST_KAFKA_PASSWORD";
    private static final String SCRAM_PASSWORD = System.getenv(ENV);
    private static final String PLAIN_PASSWORD = "Plain-Secret-321";
    private static final long WINDOW = 10_000;
    private static final long SLIDE = 2_000;
    private static final long BASE = 1_764_000_000_000L;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(b -> b
            .scramUser("averages", System.getenv(ENV)).saslPlainUser("plain-user", PLAIN_PASSWORD).tlsClientAuth());

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(reporting()).build());

    private static Configuration reporting() {
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.capture.factory.class", CapturingMetricReporter.class.getName());
        return conf;
    }

    @TempDir
    Path dir;

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        return env;
    }

    private static final SlidingAverage.Windowed<Reading> AVERAGE = SlidingAverage.of(Reading.class)
            .key(Reading::sensorId).value(Reading::celsius).eventTime(r -> r.time().toEpochMilli())
            .window(Duration.ofMillis(WINDOW)).slide(Duration.ofMillis(SLIDE)).maxOutOfOrderness(Duration.ofSeconds(1));

    @Test
    void theBuildSetsTheTestVariable() {
        assertThat(SCRAM_PASSWORD).as(ENV + " must be set by failsafe's configuration").startsWith("env-Secret");
    }

    @Test
    void scramOverTlsWithPasswordsFromEnvironmentAndFileRunsEndToEndAndLeaksNoSecret() throws Exception {
        Path trustPassword = dir.resolve("truststore-password");
        Files.writeString(trustPassword, KAFKA.cluster().tlsTrustStorePassword() + "\n");
        KafkaSecurity security = KafkaSecurity.saslOverTls(SaslMechanism.SCRAM_SHA_512, "averages", Secret.fromEnv(ENV))
                .trustStore(KAFKA.cluster().tlsTrustStore(), Secret.fromFile(trustPassword));
        String in = "secure-in-" + UUID.randomUUID();
        String out = "secure-out-" + UUID.randomUUID();
        String dlq = "secure-dlq-" + UUID.randomUUID();
        ExpectedWindows expected = new ExpectedWindows(WINDOW, SLIDE);

        byte[] graph;
        try (CapturedLogs logs = CapturedLogs.capture()) {
            // The job creates its topics over the secured listener: the admin calls authenticate too.
            StreamExecutionEnvironment env = env();
            AVERAGE.fromKafka(KafkaIn.topic(in).bootstrapServers(KAFKA.cluster().saslSslBootstrapServers())
                            .security(security).createIfMissing(2, (short) 1).startingAtEarliest().bounded())
                    .toKafka(KafkaOut.topic(out).createIfMissing(2, (short) 1))
                    .deadLetters(KafkaOut.topic(dlq).createIfMissing(1, (short) 1))
                    .build(env);
            produce(in, expected, 600, 3);
            StreamGraph streamGraph = env.getStreamGraph();
            graph = InstantiationUtil.serializeObject(streamGraph.getJobGraph());
            env.execute(streamGraph);

            assertThat(logs.lines()).as("captured log lines").hasSizeGreaterThan(500);
            assertNoSecretIn(logs.containing(SCRAM_PASSWORD.substring(0, 10)), "logs");
            assertNoSecretIn(logs.containing(KAFKA.cluster().tlsTrustStorePassword()), "logs");
        }
        String graphText = new String(graph, StandardCharsets.ISO_8859_1);
        assertThat(graphText).as("job graph").contains("${fka-secret:jaas-env:" + ENV + "}")
                .doesNotContain(SCRAM_PASSWORD.substring(0, 10)).doesNotContain(KAFKA.cluster().tlsTrustStorePassword());
        assertThat(CapturingMetricReporter.SEEN).as("metrics").isNotEmpty()
                .noneMatch(m -> m.contains(SCRAM_PASSWORD.substring(0, 10)) || m.contains("trust-store-pw"));

        readResults(out, expected);
        expected.assertExactlyOnce();
        assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), dlq, true)).hasSize(3);
    }

    @Test
    void plainWithAPasswordValueRunsEndToEndAndKeepsItOutOfTheLogs() throws Exception {
        String in = "plain-in-" + UUID.randomUUID();
        String out = "plain-out-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(in, 2);
        KAFKA.cluster().createTopic(out, 2);
        ExpectedWindows expected = new ExpectedWindows(WINDOW, SLIDE);
        produce(in, expected, 300, 0);
        byte[] graph;
        try (CapturedLogs logs = CapturedLogs.capture()) {
            StreamExecutionEnvironment env = env();
            AVERAGE.fromKafka(KafkaIn.topic(in).bootstrapServers(KAFKA.cluster().saslPlaintextBootstrapServers())
                            .security(KafkaSecurity.saslPlaintext(SaslMechanism.PLAIN, "plain-user", Secret.of(PLAIN_PASSWORD)))
                            .startingAtEarliest().bounded())
                    .toKafka(KafkaOut.topic(out))
                    .build(env);
            StreamGraph streamGraph = env.getStreamGraph();
            JobGraph jobGraph = streamGraph.getJobGraph();
            graph = InstantiationUtil.serializeObject(jobGraph);
            // What Flink's web UI shows of a job's configuration: the job configuration and the execution config.
            ExecutionConfig config = jobGraph.getSerializedExecutionConfig().deserializeValue(getClass().getClassLoader());
            assertThat(jobGraph.getJobConfiguration().toMap().toString() + config + config.getGlobalJobParameters().toMap())
                    .as("job configuration").doesNotContain(PLAIN_PASSWORD);
            env.execute(streamGraph);
            assertNoSecretIn(logs.containing(PLAIN_PASSWORD), "logs");
        }
        assertThat(CapturingMetricReporter.SEEN).as("metrics").noneMatch(m -> m.contains(PLAIN_PASSWORD));
        // The documented limit of Secret.of, and proof that the job-graph search above can find a password at all.
        assertThat(new String(graph, StandardCharsets.ISO_8859_1)).contains(PLAIN_PASSWORD);
        readResults(out, expected);
        expected.assertExactlyOnce();
    }

    @Test
    void aWrongPasswordFailsTheBuildFastNamingTheServersAndUserButNotThePassword() {
        String in = "t-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(in, 2);
        long start = System.nanoTime();
        Throwable thrown = buildFailure(KafkaIn.topic(in).bootstrapServers(KAFKA.cluster().saslPlaintextBootstrapServers())
                .security(KafkaSecurity.saslPlaintext(SaslMechanism.SCRAM_SHA_256, "averages", Secret.of("Wrong-Secret-000"))));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(thrown).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot describe topic " + in + " on Kafka at "
                        + KAFKA.cluster().saslPlaintextBootstrapServers() + " (SASL_PLAINTEXT, SCRAM-SHA-256 as user"
                        + " averages): SASL authentication failed (")
                .hasMessageContaining("Check the user name, the password and the mechanism");
        assertShortAndSecretFree(thrown, "Wrong-Secret-000");
    }

    @Test
    void withoutTheCaTheTlsHandshakeFailsFastAndSaysWhichTrustIsMissing() {
        String in = "t-" + UUID.randomUUID();
        KAFKA.cluster().createTopic(in, 2);
        long start = System.nanoTime();
        Throwable thrown = buildFailure(KafkaIn.topic(in).bootstrapServers(KAFKA.cluster().saslSslBootstrapServers())
                .security(KafkaSecurity.saslOverTls(SaslMechanism.SCRAM_SHA_512, "averages", Secret.fromEnv(ENV))));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(thrown).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot describe topic " + in + " on Kafka at "
                        + KAFKA.cluster().saslSslBootstrapServers() + " (SASL_SSL, SCRAM-SHA-512 as user averages):"
                        + " the TLS handshake failed (")
                .hasMessageContaining("(unable to find valid certification path to requested target)")
                .hasMessageEndingWith("The brokers' certificate is not signed by a CA this client trusts: give that CA"
                        + " with KafkaSecurity.trustStore(path, password)");
        assertShortAndSecretFree(thrown, SCRAM_PASSWORD.substring(0, 10));
    }

    @Test
    void aVariableThatIsNotSetIsNamedInsteadOfSentAsThePassword() {
        Throwable thrown = buildFailure(KafkaIn.topic("any").bootstrapServers(KAFKA.cluster().saslPlaintextBootstrapServers())
                .security(KafkaSecurity.saslPlaintext(SaslMechanism.SCRAM_SHA_512, "averages", Secret.fromEnv("FKA_NOT_SET_ANYWHERE"))));
        assertThat(thrown).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("environment variable FKA_NOT_SET_ANYWHERE is not set on this machine");
    }

    @Test
    void scramSha256AndMutualTlsWithAPemCaAndAClientKeyStoreWorkForTheTopicHelperToo() {
        String topic = "t-" + UUID.randomUUID();
        KafkaSecurity scram = KafkaSecurity.saslPlaintext(SaslMechanism.SCRAM_SHA_256, "averages", Secret.fromEnv(ENV));
        assertThat(Topics.on(KAFKA.cluster().saslPlaintextBootstrapServers()).security(scram)
                .createIfMissing(topic, 3, (short) 1, java.util.Map.of())).isTrue();
        // The SSL listener requires a client certificate signed by the test CA.
        KafkaSecurity tls = KafkaSecurity.tls().trustStore(KAFKA.cluster().tlsCaPem(), null);
        Secret keyPassword = Secret.of(KAFKA.cluster().tlsClientKeyStorePassword());
        KafkaSecurity mutual = tls.keyStore(KAFKA.cluster().tlsClientKeyStore(), keyPassword, keyPassword);
        assertThat(Topics.on(KAFKA.cluster().sslBootstrapServers()).security(mutual).requirePartitions(topic, 3)).isEqualTo(3);
        long start = System.nanoTime();
        assertThatThrownBy(() -> Topics.on(KAFKA.cluster().sslBootstrapServers()).security(tls)
                .withTimeout(Duration.ofSeconds(10)).requirePartitions(topic, 3))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot describe topic " + topic + " on Kafka at "
                        + KAFKA.cluster().sslBootstrapServers() + " (SSL, trust store " + KAFKA.cluster().tlsCaPem() + "): ")
                .hasMessageContaining("the TLS handshake failed (Received fatal alert: bad_certificate)")
                .hasMessageEndingWith("The brokers require a client certificate they trust: give one with"
                        + " KafkaSecurity.keyStore(path, storePassword, keyPassword)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    private static Throwable buildFailure(KafkaIn input) {
        StreamExecutionEnvironment env = env();
        try {
            AVERAGE.checkKafkaWithin(Duration.ofSeconds(10)).fromKafka(input).toKafka(KafkaOut.topic("out")).build(env);
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("build(env) accepted " + input);
    }

    private static void assertShortAndSecretFree(Throwable thrown, String secret) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(secret);
        // What a user sees of it: the frames of the test harness (JUnit, reflection) are not the library's doing.
        long lines = trace.toString().lines().filter(l -> !l.startsWith("\tat org.junit") && !l.startsWith("\tat java.base/")
                && !l.startsWith("\tat org.apache.maven") && !l.startsWith("\t...")).count();
        assertThat(lines).as("stack trace lines:\n" + trace).isLessThan(40);
        assertThat(thrown.getMessage().lines().count()).isEqualTo(1);
    }

    private static void assertNoSecretIn(List<String> lines, String where) {
        assertThat(lines).as("secret found in " + where).isEmpty();
    }

    /** Valid readings (into the oracle) and some malformed records, over the PLAINTEXT listener. */
    private static void produce(String topic, ExpectedWindows expected, int valid, int malformed) {
        Random random = new Random(topic.hashCode());
        Properties props = KAFKA.cluster().clientProperties();
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < valid; i++) {
                String key = "sensor-" + random.nextInt(4);
                long ts = BASE + i * 20L - random.nextInt(500);
                double celsius = Math.round((20 + random.nextGaussian() * 4) * 1000) / 1000.0;
                expected.add(key, ts, new BigDecimal(celsius));
                String json = String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"celsius\":%s,\"time\":\"%s\"}", key,
                        Double.toString(celsius), Instant.ofEpochMilli(ts));
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < malformed; i++) {
                producer.send(new ProducerRecord<>(topic, null, ("{broken " + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static void readResults(String topic, ExpectedWindows expected) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(KAFKA.bootstrapServers(), topic, true);
        List<JsonNode> nodes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            nodes.add(json.readTree(r.value()));
        }
        for (JsonNode n : nodes) {
            expected.observe(n.get("key").asText(), n.get("windowStart").asLong(), n.get("windowEnd").asLong(),
                    n.get("count").asLong(), n.get("average").asDouble());
        }
    }
}
