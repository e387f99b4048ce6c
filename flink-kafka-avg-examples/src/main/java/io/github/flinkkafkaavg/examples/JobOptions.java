package io.github.flinkkafkaavg.examples;

import io.github.flinkkafkaavg.connectors.KafkaIn;
import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.connectors.KafkaSecurity;
import io.github.flinkkafkaavg.connectors.Secret;
import io.github.flinkkafkaavg.connectors.AverageBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The options every example job shares — Kafka servers, topics and security, group id, checkpointing,
 * parallelism, dead letters, bounded mode — with their help text, so each job only adds what is its own.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param inputTopic the topic the job reads
 * @param outputTopic the topic the job's main results go to
 * @param groupId the consumer group id
 * @param checkpointInterval the checkpoint interval, which is also when results become visible
 * @param parallelism the job parallelism, or -1 for the environment's
 * @param bounded stop at the end offsets the input has when the job starts
 * @param deadLetterTopic where unreadable records go, byte for byte; null to count and log them
 * @param security authentication and encryption towards Kafka; null for plaintext
 */
record JobOptions(
        String bootstrapServers,
        String inputTopic,
        String outputTopic,
        String groupId,
        Duration checkpointInterval,
        int parallelism,
        boolean bounded,
        String deadLetterTopic,
        KafkaSecurity security) {

    static final Set<String> FLAGS = Set.of("bounded", "help");
    private static final Set<String> OPTIONS = Set.of("bootstrap-servers", "input-topic", "output-topic", "group-id",
            "checkpoint-interval", "parallelism", "dead-letter-topic", "security-protocol", "sasl-mechanism",
            "sasl-user", "sasl-password-env", "sasl-password-file", "truststore", "truststore-password-env",
            "truststore-password-file");

    /** The help lines of the security options, shared with jobs that parse their own settings. */
    static final String[] SECURITY_HELP = {
            "  --security-protocol P       PLAINTEXT (default), SSL, SASL_SSL or SASL_PLAINTEXT",
            "  --sasl-mechanism M          PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (default SCRAM-SHA-512)",
            "  --sasl-user NAME            SASL user name",
            "  --sasl-password-env VAR     read the SASL password from this environment variable (on every Flink node)",
            "  --sasl-password-file PATH   or from this file (on every Flink node); never on the command line",
            "  --truststore PATH           the brokers' CA: .p12, .jks or .pem (default: the JVM's CAs)",
            "  --truststore-password-env VAR / --truststore-password-file PATH   the trust store's password"};

    /** The shared options plus a job's own. */
    static Set<String> options(String... own) {
        Set<String> all = new HashSet<>(OPTIONS);
        all.addAll(List.of(own));
        return all;
    }

    /**
     * The help text: the job's summary, its input and output, the shared options, then its own option lines.
     *
     * @param summary what the job does, one line
     * @param input the input topic's default and what it holds
     * @param output the output topic's default and what it gets
     * @param own the job's own option lines, already formatted like the shared ones
     */
    static String help(String summary, String[] input, String[] output, String... own) {
        List<String> lines = new ArrayList<>(List.of(summary, "", "Options (all optional):",
                "  --bootstrap-servers HOSTS   Kafka bootstrap servers (default localhost:9092)",
                "  --input-topic NAME          " + input[1] + " (default " + input[0] + ")",
                "  --output-topic NAME         " + output[1] + " (default " + output[0] + ")",
                "  --group-id NAME             consumer group id (default: derived from the job)"));
        lines.addAll(List.of(own));
        lines.addAll(List.of(
                "  --checkpoint-interval D     checkpoint interval; results become visible when a checkpoint completes (default 10s)",
                "  --parallelism N             job parallelism (default: the cluster's)",
                "  --dead-letter-topic NAME    topic for records that cannot be read, byte for byte (default: count and log)",
                "  --bounded                   stop at the input's end offsets as of the start (backfills and tests)"));
        lines.addAll(List.of(SECURITY_HELP));
        lines.add("  --help                      print this help");
        return String.join("\n", lines);
    }

    static JobOptions from(Args args, String defaultInput, String defaultOutput, String defaultGroup) {
        return new JobOptions(
                args.get("bootstrap-servers", "localhost:9092"),
                args.get("input-topic", defaultInput),
                args.get("output-topic", defaultOutput),
                args.get("group-id", defaultGroup),
                args.getDuration("checkpoint-interval", Duration.ofSeconds(10)),
                args.getInt("parallelism", -1),
                args.has("bounded"),
                args.get("dead-letter-topic", null),
                security(args));
    }

    /**
     * The security options as a {@link KafkaSecurity}, or null for plaintext. Passwords come only from environment
     * variables or files: a command line is visible to every user of the machine and in Flink's web UI.
     */
    static KafkaSecurity security(Args args) {
        String protocol = args.get("security-protocol", "PLAINTEXT").toUpperCase(java.util.Locale.ROOT);
        boolean sasl = protocol.startsWith("SASL_");
        if (!sasl && (args.has("sasl-user") || args.has("sasl-password-env") || args.has("sasl-password-file"))) {
            throw new IllegalArgumentException("--sasl-user and --sasl-password-* need --security-protocol SASL_SSL or"
                    + " SASL_PLAINTEXT, but it is " + protocol);
        }
        KafkaSecurity security = switch (protocol) {
            case "PLAINTEXT" -> null;
            case "SSL" -> KafkaSecurity.tls();
            case "SASL_SSL", "SASL_PLAINTEXT" -> {
                String user = args.get("sasl-user", null);
                if (user == null) {
                    throw new IllegalArgumentException("--security-protocol " + protocol + " needs --sasl-user");
                }
                Secret password = secret(args, "sasl-password");
                if (password == null) {
                    throw new IllegalArgumentException("--security-protocol " + protocol + " needs --sasl-password-env"
                            + " VAR or --sasl-password-file PATH (passwords are never taken on the command line)");
                }
                KafkaSecurity.SaslMechanism mechanism = mechanism(args.get("sasl-mechanism", "SCRAM-SHA-512"));
                yield protocol.equals("SASL_SSL") ? KafkaSecurity.saslOverTls(mechanism, user, password)
                        : KafkaSecurity.saslPlaintext(mechanism, user, password);
            }
            default -> throw new IllegalArgumentException("--security-protocol must be PLAINTEXT, SSL, SASL_SSL or"
                    + " SASL_PLAINTEXT, but was " + protocol);
        };
        String trustStore = args.get("truststore", null);
        if (trustStore != null) {
            if (security == null || !security.usesTls()) {
                throw new IllegalArgumentException("--truststore needs --security-protocol SSL or SASL_SSL");
            }
            security = security.trustStore(Path.of(trustStore), secret(args, "truststore-password"));
        }
        return security;
    }

    private static Secret secret(Args args, String option) {
        String env = args.get(option + "-env", null);
        String file = args.get(option + "-file", null);
        if (env != null && file != null) {
            throw new IllegalArgumentException("--" + option + "-env and --" + option + "-file are mutually exclusive:"
                    + " give one");
        }
        return env != null ? Secret.fromEnv(env) : file != null ? Secret.fromFile(Path.of(file)) : null;
    }

    private static KafkaSecurity.SaslMechanism mechanism(String name) {
        for (KafkaSecurity.SaslMechanism m : KafkaSecurity.SaslMechanism.values()) {
            if (m.kafkaName().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--sasl-mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, but was "
                + name);
    }

    /** Parallelism and checkpointing (the exactly-once sinks commit on checkpoints). */
    void configure(StreamExecutionEnvironment env) {
        if (parallelism > 0) {
            env.setParallelism(parallelism);
        }
        env.enableCheckpointing(checkpointInterval.toMillis());
    }

    KafkaIn input() {
        KafkaIn in = KafkaIn.topic(inputTopic).bootstrapServers(bootstrapServers).groupId(groupId);
        if (security != null) {
            in = in.security(security);
        }
        return bounded ? in.startingAtEarliest().bounded() : in;
    }

    /** An exactly-once output on the job's cluster, with a transactional id prefix unique to the job and topic. */
    KafkaOut output(String job, String topic) {
        KafkaOut out = KafkaOut.topic(topic).bootstrapServers(bootstrapServers).transactionalIdPrefix(job + "-" + topic);
        return security == null ? out : out.security(security);
    }

    /** Input, main output and dead letters of a builder. */
    <T, B extends AverageBuilder<T, B>> B wire(B averaging, String job) {
        return wire(averaging, job, outputTopic);
    }

    /** Input and dead letters of a builder; its averages go to {@code resultTopic}. */
    <T, B extends AverageBuilder<T, B>> B wire(B averaging, String job, String resultTopic) {
        B wired = averaging.fromKafka(input()).toKafka(output(job, resultTopic)).name(job);
        return deadLetterTopic == null ? wired : wired.deadLetters(output(job, deadLetterTopic));
    }

    /** Fails with the option's name when a duration is zero or negative. */
    static Duration positive(String option, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("--" + option + " must be positive, but was " + value);
        }
        return value;
    }
}
