package io.github.flinkkafkaavg.testkit;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic from the beginning, the way a downstream application would, for assertions in tests.
 *
 * <pre>{@code
 * List<ConsumerRecord<byte[], byte[]>> out = TopicReader.readAll(kafka.bootstrapServers(), "averages", true);
 * }</pre>
 *
 * <p>With {@code readCommitted} the consumer uses {@code isolation.level=read_committed}, so it sees only records
 * of committed transactions: what a reader of an exactly-once sink sees. Reading stops at the end offsets taken
 * when the call starts (for read_committed, the last stable offsets), so it is bounded and ends by itself. A commit
 * is complete for readers only once the broker has written its markers, which it does after the producer's
 * {@code commitTransaction()} returned: so before taking the end offsets, a read_committed call waits (up to 60 s)
 * until no transaction on the topic is between prepare and complete. Open transactions are not waited for: their
 * records stay invisible, as they would to any reader.
 */
@PublicEvolving
public final class TopicReader {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private TopicReader() {}

    /**
     * Reads every record of the topic up to its current end, in partition order.
     *
     * @param bootstrapServers where the topic lives
     * @param topic the topic name
     * @param readCommitted read only committed transactional records
     * @return the records, partition by partition, each in offset order
     * @throws IllegalStateException when the end is not reached within 60 s
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, boolean readCommitted) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                (readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED).toString());
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, DEFAULT_TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            if (readCommitted) {
                awaitCommitsWritten(bootstrapServers, topic);
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, DEFAULT_TIMEOUT);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("did not reach the end offsets " + end + " of topic " + topic
                            + " within " + DEFAULT_TIMEOUT.toSeconds() + " s; read " + records.size() + " records");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            records.sort((a, b) -> a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
            return records;
        }
    }

    /**
     * Waits until no transaction that wrote to {@code topic} is committing or aborting (its markers not all written
     * yet): otherwise the last stable offset, and with it what this call reads, would stop short of records that
     * are already committed — the race a test reading right after its job finished would lose now and then.
     */
    private static void awaitCommitsWritten(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                List<String> finishing = admin.listTransactions(new ListTransactionsOptions().filterStates(
                                List.of(TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT)))
                        .all().get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                        .map(TransactionListing::transactionalId).collect(Collectors.toList());
                boolean onTopic = !finishing.isEmpty() && admin.describeTransactions(finishing).all()
                        .get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values().stream()
                        .anyMatch(t -> t.topicPartitions().stream().anyMatch(p -> p.topic().equals(topic)));
                if (!onTopic) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("transactions on topic " + topic + " did not finish committing"
                            + " within " + DEFAULT_TIMEOUT.toSeconds() + " s: " + finishing);
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for commits on topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the transactions of the cluster at " + bootstrapServers
                    + " (read_committed needs the finished ones): " + e.getCause(), e);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), DEFAULT_TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
