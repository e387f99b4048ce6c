package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.connectors.internal.SecretConfigProvider;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A password for {@link KafkaSecurity}: given as a value, or — better — named by an environment variable or a file
 * that is read where the Kafka client runs.
 *
 * <pre>{@code
 * Secret.fromEnv("KAFKA_PASSWORD")                        // read on the JobManager and every TaskManager
 * Secret.fromFile(Path.of("/run/secrets/kafka-password")) // e.g. a mounted Kubernetes secret
 * Secret.of(password)                                     // tests and tools
 * }</pre>
 *
 * <p>Environment variables and files are resolved by the Kafka client itself, through a Kafka {@code ConfigProvider}
 * ({@link SecretConfigProvider}), so the job graph, Flink's configuration and web UI only ever hold the variable's
 * name or the file's path. A value given with {@link #of(String)} cannot be kept out of the job graph: Flink ships
 * it to the TaskManagers inside the serialized Kafka source and sink, as it does for any client property. Whatever
 * the kind, {@link #toString()} never shows the password, and neither do this library's log lines and messages.
 */
@PublicEvolving
public final class Secret implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    enum Kind { VALUE, ENV, FILE }

    private final Kind kind;
    private final String value;

    private Secret(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    /**
     * A password given as it is. CAUTION: it travels in the job graph (Java-serialized inside the Kafka source and
     * sink) to every TaskManager; prefer {@link #fromEnv} or {@link #fromFile} in production.
     *
     * @param password the password, not empty
     * @return the secret
     */
    public static Secret of(String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the password must not be empty");
        }
        return new Secret(Kind.VALUE, password);
    }

    /**
     * A password read from an environment variable where the Kafka client runs: on the JobManager (the source's
     * partition discovery) and on every TaskManager. A variable that is not set there fails the client with a message
     * naming it.
     *
     * @param variable the variable's name, e.g. {@code KAFKA_PASSWORD}
     * @return the secret
     */
    public static Secret fromEnv(String variable) {
        if (variable == null || !variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("environment variable names are letters, digits and '_' (not starting"
                    + " with a digit), but got " + variable);
        }
        return new Secret(Kind.ENV, variable);
    }

    /**
     * A password read from a file where the Kafka client runs (the whole file, without one trailing line break), e.g.
     * a mounted Kubernetes or Docker secret. The file must exist at this path on the JobManager and every TaskManager.
     *
     * @param file an absolute path, or one relative to the working directory of the process that builds the job
     * @return the secret
     */
    public static Secret fromFile(Path file) {
        String path = Objects.requireNonNull(file, "file").toAbsolutePath().normalize().toString();
        if (path.contains("}")) {
            throw new IllegalArgumentException("the secret file's path must not contain '}', but was " + path);
        }
        return new Secret(Kind.FILE, path);
    }

    Kind kind() {
        return kind;
    }

    /**
     * The text that goes into a Kafka client property: the value itself, or a placeholder that the client resolves.
     *
     * @param insideJaas whether the text sits between double quotes in {@code sasl.jaas.config}, where quotes and
     *     backslashes must be escaped
     */
    String reference(boolean insideJaas) {
        return switch (kind) {
            case VALUE -> insideJaas ? SecretConfigProvider.escapeForJaas(value) : value;
            case ENV -> SecretConfigProvider.placeholder(insideJaas ? "jaas-env" : "env", value);
            case FILE -> SecretConfigProvider.placeholder(insideJaas ? "jaas-file" : "file", value);
        };
    }

    /**
     * The password itself, read now from the variable or the file: for clients that take a password as a value
     * (JDBC). Called where the connection is made, so an environment variable or a file is read on that machine.
     *
     * @throws IllegalStateException naming the variable or the file when it cannot be read
     */
    String resolve() {
        return switch (kind) {
            case VALUE -> value;
            case ENV -> {
                String v = System.getenv(value);
                if (v == null) {
                    throw new IllegalStateException("the environment variable " + value + " with the password is not"
                            + " set on this machine");
                }
                yield v;
            }
            case FILE -> {
                try {
                    String v = java.nio.file.Files.readString(Path.of(value));
                    yield v.endsWith("\r\n") ? v.substring(0, v.length() - 2)
                            : v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("cannot read the password file " + value + ": " + e, e);
                }
            }
        };
    }

    /**
     * Where the password comes from, never the password.
     *
     * @return e.g. {@code Secret(env KAFKA_PASSWORD)} or {@code Secret(value hidden)}
     */
    @Override
    public String toString() {
        return switch (kind) {
            case VALUE -> "Secret(value hidden)";
            case ENV -> "Secret(env " + value + ")";
            case FILE -> "Secret(file " + value + ")";
        };
    }
}
