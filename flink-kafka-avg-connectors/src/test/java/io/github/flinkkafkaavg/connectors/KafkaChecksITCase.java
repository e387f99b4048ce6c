package io.github.flinkkafkaavg.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile set-ups through the builder: each ends, within a bounded wait, in one sentence naming the servers or the
 * topic and the fix — or, where the user asked for it, in the topic being created.
 */
class KafkaChecksITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final SlidingAverage.Windowed<Reading> AVERAGE = SlidingAverage.of(Reading.class)
            .key(Reading::sensorId).value(Reading::celsius).eventTime(r -> r.time().toEpochMilli())
            .window(Duration.ofSeconds(10)).slide(Duration.ofSeconds(2));

    private static StreamExecutionEnvironment env(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
        env.enableCheckpointing(1_000);
        return env;
    }

    private static String topic() {
        return "t-" + UUID.randomUUID();
    }

    @Test
    void aBoundedInputCountsWhatItWillReadAndSaysSoWhenThatIsNothing() throws Exception {
        String topic = topic();
        KAFKA.cluster().createTopic(topic, 2);
        KafkaIn fromEarliest = KafkaIn.topic(topic).bootstrapServers(KAFKA.bootstrapServers()).startingAtEarliest()
                .bounded();
        String group = "group-" + topic;
        Duration timeout = Duration.ofSeconds(10);
        try (Admin admin = KAFKA.cluster().admin()) {
            assertThat(KafkaChecks.readable(admin, fromEarliest, group, timeout)).isZero();

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.cluster().clientProperties(),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(topic, i < 3 ? 0 : 1, "k", "{}")).get();
                }
            }
            assertThat(KafkaChecks.readable(admin, fromEarliest, group, timeout)).isEqualTo(5);
            assertThat(KafkaChecks.readable(admin, fromEarliest.startingAtLatest(), group, timeout)).isZero();

            KafkaIn fromCommitted = KafkaIn.topic(topic).bootstrapServers(KAFKA.bootstrapServers()).bounded();
            assertThat(KafkaChecks.readable(admin, fromCommitted, group, timeout)).isEqualTo(5);   // none: earliest
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1)))
                    .all().get(10, TimeUnit.SECONDS);
            assertThat(KafkaChecks.readable(admin, fromCommitted, group, timeout)).isEqualTo(2 + 2);
            assertThat(KafkaChecks.readable(admin, fromCommitted.startingAtCommittedOrLatest(), group, timeout))
                    .isEqualTo(2);                                                       // partition 1 from its end
        }
        assertThat(KafkaChecks.nothingToRead(fromEarliest.startingAtLatest(), group)).isEqualTo("fromKafka(" + topic
                + "): bounded, and there is nothing to read: from the latest offsets (startingAtLatest) to the end of"
                + " every partition on " + KAFKA.bootstrapServers() + " there is no record, so the job will finish"
                + " without results. Write the records before building the job, or read from earlier"
                + " (KafkaIn.startingAtEarliest(), or another groupId)");
    }

    @Test
    void unreachableServersFailWithinTheTimeoutNamingThem() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String servers = "127.0.0.1:" + closedPort;
        long start = System.nanoTime();
        assertThatThrownBy(() -> AVERAGE.checkKafkaWithin(Duration.ofSeconds(3))
                .fromKafka(KafkaIn.topic("readings").bootstrapServers(servers)).toKafka(KafkaOut.topic("averages"))
                .build(env(1)))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("cannot describe topic readings on Kafka at " + servers + " (PLAINTEXT): no answer within 3 s."
                        + " Is Kafka running there, and reachable from this machine? A listener that expects TLS or"
                        + " SASL does not answer a client that speaks another protocol: check KafkaIn.security(...)"
                        + " against the listener's security.protocol");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aMissingInputTopicIsNamedWithBothFixes() {
        String in = topic();
        KAFKA.cluster().createTopic("out-" + in, 1);
        assertThatThrownBy(() -> AVERAGE.fromKafka(KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers()))
                .toKafka(KafkaOut.topic("out-" + in)).build(env(1)))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("topic " + in + " does not exist on Kafka at " + KAFKA.bootstrapServers() + ": create it"
                        + " (kafka-topics.sh --create --topic " + in + "), or let the job create it with"
                        + " KafkaIn.topic(\"" + in + "\").createIfMissing(partitions, replicationFactor)");
    }

    @Test
    void aMissingOutputOrDeadLetterTopicIsNamedToo() {
        String in = topic();
        String out = "out-" + in;
        KAFKA.cluster().createTopic(in, 2);
        KafkaIn input = KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers());
        assertThatThrownBy(() -> AVERAGE.fromKafka(input).toKafka(KafkaOut.topic(out)).build(env(2)))
                .hasMessage("topic " + out + " does not exist on Kafka at " + KAFKA.bootstrapServers() + ": create it"
                        + " (kafka-topics.sh --create --topic " + out + "), or let the job create it with"
                        + " KafkaOut.topic(\"" + out + "\").createIfMissing(partitions, replicationFactor)");
        KAFKA.cluster().createTopic(out, 1);
        assertThatThrownBy(() -> AVERAGE.fromKafka(input).toKafka(KafkaOut.topic(out))
                .deadLetters(KafkaOut.topic("dlq-" + in)).build(env(2)))
                .hasMessageStartingWith("topic dlq-" + in + " does not exist on Kafka at " + KAFKA.bootstrapServers());
    }

    @Test
    void anInputWithFewerPartitionsThanTheParallelismIsRefusedWithTheNumbers() {
        String in = topic();
        KAFKA.cluster().createTopic(in, 2);
        KAFKA.cluster().createTopic("out-" + in, 1);
        assertThatThrownBy(() -> AVERAGE.fromKafka(KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers()))
                .toKafka(KafkaOut.topic("out-" + in)).build(env(3)))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("input topic " + in + " on " + KAFKA.bootstrapServers() + " has 2 partition(s), fewer than"
                        + " the source parallelism 3: 1 reader(s) would idle. Add partitions (kafka-topics.sh --alter"
                        + " --topic " + in + " --partitions 3) or lower the parallelism to 2");
        // the same topic at parallelism 2 is fine
        AVERAGE.fromKafka(KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers()))
                .toKafka(KafkaOut.topic("out-" + in)).build(env(2));
    }

    @Test
    void createIfMissingCreatesInputAndOutputsOnceAndLeavesExistingTopicsAlone() throws Exception {
        String in = topic();
        String out = "out-" + in;
        String dlq = "dlq-" + in;
        KAFKA.cluster().createTopic(dlq, 1);
        SlidingAverage.Windowed<Reading> pipeline = AVERAGE
                .fromKafka(KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers()).createIfMissing(4, (short) 1))
                .toKafka(KafkaOut.topic(out).createIfMissing(3, (short) 1))
                .deadLetters(KafkaOut.topic(dlq).createIfMissing(5, (short) 1));
        pipeline.build(env(2));
        pipeline.build(env(2)); // a second build finds them all
        try (Admin admin = KAFKA.cluster().admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(in, out, dlq)).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertThat(topics.get(in).partitions()).hasSize(4);
            assertThat(topics.get(out).partitions()).hasSize(3);
            assertThat(topics.get(dlq).partitions()).as("existing topic left alone").hasSize(1);
        }
    }

    @Test
    void skipKafkaChecksBuildsWithoutContactingKafka() {
        StreamExecutionEnvironment env = env(1);
        AVERAGE.skipKafkaChecks().fromKafka(KafkaIn.topic("readings").bootstrapServers("127.0.0.1:1"))
                .toKafka(KafkaOut.topic("averages")).build(env);
        assertThat(env.getStreamGraph().getStreamNodes()).isNotEmpty();
        assertThatThrownBy(() -> AVERAGE.checkKafkaWithin(Duration.ZERO))
                .hasMessage("checkKafkaWithin needs a positive timeout, but got PT0S: use skipKafkaChecks() to build"
                        + " without contacting Kafka");
    }

    /** build(env) reads what the results topic accepts as timestamps, and refuses a future bound beyond it. */
    @Test
    void theFutureBoundIsCheckedAgainstTheResultTopicsOwnTimestampLimit() {
        String in = topic();
        String out = "out-" + in;
        KAFKA.cluster().createTopic(in, 1);
        KAFKA.cluster().createTopic(out, 1, (short) 1, Map.of("message.timestamp.after.max.ms", "600000"));
        KafkaIn input = KafkaIn.topic(in).bootstrapServers(KAFKA.bootstrapServers());
        assertThatThrownBy(() -> AVERAGE.maxFutureEventTime(Duration.ofMinutes(30)).fromKafka(input)
                .toKafka(KafkaOut.topic(out)).build(env(1)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("SlidingAverage is not configured correctly:\n  - maxFutureEventTime(PT30M) lets through"
                        + " records whose results the output refuses: topic " + out + " refuses record timestamps more"
                        + " than PT10M ahead of the broker's clock (message.timestamp.after.max.ms, from topic " + out
                        + " on " + KAFKA.bootstrapServers() + "). Lower it to at most PT10M, or raise"
                        + " message.timestamp.after.max.ms on the topic");
        AVERAGE.maxFutureEventTime(Duration.ofMinutes(10)).fromKafka(input).toKafka(KafkaOut.topic(out)).build(env(1));
        // a topic that stamps records itself checks nothing: any bound goes
        String stamped = "stamped-" + in;
        KAFKA.cluster().createTopic(stamped, 1, (short) 1, Map.of("message.timestamp.type", "LogAppendTime"));
        AVERAGE.maxFutureEventTime(Duration.ofDays(3)).fromKafka(input).toKafka(KafkaOut.topic(stamped)).build(env(1));
    }
}
