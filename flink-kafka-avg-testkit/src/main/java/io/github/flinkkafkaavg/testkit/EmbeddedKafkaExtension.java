package io.github.flinkkafkaavg.testkit;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that runs one {@link EmbeddedKafka} cluster per test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
 *
 * @Test
 * void writesToKafka() {
 *     String topic = "t-" + UUID.randomUUID();
 *     KAFKA.cluster().createTopic(topic, 2);
 *     ...
 * }
 * }</pre>
 *
 * <p>Register it on a {@code static} field: the cluster starts before the first test of the class and stops, with
 * its temporary folder deleted, after the last. Tests share the cluster, so give each test its own topic names.
 */
@PublicEvolving
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {

    private final UnaryOperator<EmbeddedKafka.Builder> customizer;
    private EmbeddedKafka cluster;

    /** An extension for a one-node cluster with default settings. */
    public EmbeddedKafkaExtension() {
        this(UnaryOperator.identity());
    }

    /**
     * An extension whose cluster is described by the given function, e.g. {@code b -> b.nodes(3)}.
     *
     * @param customizer adjusts the default {@link EmbeddedKafka.Builder}
     */
    public EmbeddedKafkaExtension(UnaryOperator<EmbeddedKafka.Builder> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = customizer.apply(EmbeddedKafka.builder()).build().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    /**
     * The running cluster.
     *
     * @return the cluster of the current test class
     * @throws IllegalStateException outside a test, or when the extension is not on a static field
     */
    public EmbeddedKafka cluster() {
        if (cluster == null) {
            throw new IllegalStateException(
                    "EmbeddedKafka is not running: register EmbeddedKafkaExtension on a static field with @RegisterExtension");
        }
        return cluster;
    }

    /**
     * Shortcut for {@code cluster().bootstrapServers()}.
     *
     * @return comma-separated host:port pairs
     */
    public String bootstrapServers() {
        return cluster().bootstrapServers();
    }
}
