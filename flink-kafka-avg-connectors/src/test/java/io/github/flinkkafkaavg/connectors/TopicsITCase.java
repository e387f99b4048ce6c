package io.github.flinkkafkaavg.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
                        + " the 4 needed: add partitions (kafka-topics.sh --alter --topic " + topic + " --partitions 4) or"
                        + " lower the parallelism");
    }

    /**
     * Writes from many partitions at once right after creation, as a job does after createIfMissing: without the wait
     * for every partition's leader, a batch sent before the broker applied the topic can be dropped (KAFKA-15591).
     */
    @Test
    void aCreatedTopicTakesWritesAtOnceWithoutLosingAny() throws Exception {
        String topic = "t-" + UUID.randomUUID();
        assertThat(Topics.on(KAFKA.bootstrapServers()).createIfMissing(topic, 8, (short) 1, Map.of())).isTrue();
        Properties props = KAFKA.cluster().clientProperties();
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        props.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 4_000; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, i % 8, null, new byte[] {(byte) i})));
            }
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(); // a dropped batch fails its records here
        }
        assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), topic, false)).hasSize(4_000);
    }

    @Test
    void aMissingTopicIsNamedWithTheFix() {
        assertThatThrownBy(() -> Topics.on(KAFKA.bootstrapServers()).requirePartitions("nope", 1))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("topic nope does not exist on Kafka at " + KAFKA.bootstrapServers() + ": create it"
                        + " (kafka-topics.sh --create --topic nope), or let the job create it with Topics.on(\""
                        + KAFKA.bootstrapServers() + "\").createIfMissing(\"nope\", partitions, replicas, configs)");
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
