package io.github.flinkkafkaavg.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicsITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void createsOnceAndVerifiesPartitions() {
        Topics topics = Topics.on(KAFKA.bootstrapServers());
        String topic = "t-" + UUID.randomUUID();
        assertThat(topics.createIfMissing(topic, 3, (short) 1, Map.of("retention.ms", "600000"))).isTrue();
        assertThat(topics.createIfMissing(topic, 5, (short) 1, Map.of())).isFalse();
        assertThat(topics.requirePartitions(topic, 2)).isEqualTo(3);
        assertThatThrownBy(() -> topics.requirePartitions(topic, 4))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("topic " + topic + " on " + KAFKA.bootstrapServers() + " has 3 partition(s), fewer than"
                        + " the 4 needed: add partitions (kafka-topics --alter --partitions 4) or lower the parallelism");
    }

    @Test
    void aMissingTopicIsNamedWithTheFix() {
        assertThatThrownBy(() -> Topics.on(KAFKA.bootstrapServers()).requirePartitions("nope", 1))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("topic nope does not exist on " + KAFKA.bootstrapServers() + ": create it, or call"
                        + " Topics.createIfMissing(\"nope\", partitions, replicas, configs)");
    }

    @Test
    void anUnreachableClusterFailsWithinTheTimeoutNamingTheServers() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Topics.on("127.0.0.1:1").withTimeout(Duration.ofSeconds(3)).requirePartitions("x", 1))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot describe topic x on Kafka at 127.0.0.1:1 (PLAINTEXT): no answer within 3 s.");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
}
