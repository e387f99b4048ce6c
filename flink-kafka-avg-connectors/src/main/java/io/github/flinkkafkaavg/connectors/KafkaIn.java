package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the input comes from: topics (or a pattern), servers, group and starting position. An immutable value; each
 * setter returns a new one.
 *
 * <pre>{@code
 * KafkaIn.topic("readings").bootstrapServers("broker:9092").groupId("averages-job").startingAtEarliest()
 * }</pre>
 *
 * <p>Defaults: start from the group's committed offsets, or the earliest offset when it has none; unbounded with
 * partition discovery every minute; group id {@code flink-kafka-avg}; no authentication or encryption (see
 * {@link #security(KafkaSecurity)}); topics must exist (see {@link #createIfMissing}).
 * {@link #property(String, String)} passes any other consumer property through.
 */
@PublicEvolving
public final class KafkaIn {

    /** Where a job without committed offsets starts reading. */
    public enum Start { EARLIEST, LATEST, COMMITTED_OR_EARLIEST, COMMITTED_OR_LATEST, TIMESTAMP }

    // Never changed after construction: each setter changes a fresh copy.
    List<String> topics;
    Pattern pattern;
    Endpoint endpoint = Endpoint.NONE;
    String groupId;
    Start start;
    long startTimestamp;
    boolean bounded;

    private KafkaIn(List<String> topics, Pattern pattern) {
        this.topics = topics;
        this.pattern = pattern;
        this.start = Start.COMMITTED_OR_EARLIEST;
    }

    private KafkaIn copy() {
        KafkaIn c = new KafkaIn(topics, pattern);
        c.endpoint = endpoint;
        c.groupId = groupId;
        c.start = start;
        c.startTimestamp = startTimestamp;
        c.bounded = bounded;
        return c;
    }

    /**
     * Reads one or more topics.
     *
     * @param topics topic names, at least one
     * @return the input
     */
    public static KafkaIn topic(String... topics) {
        Objects.requireNonNull(topics, "topics");
        for (String t : topics) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("topic names must not be blank, but got " + java.util.Arrays.toString(topics));
            }
        }
        return new KafkaIn(List.of(topics), null);
    }

    /**
     * Reads every topic whose name matches, including topics created later (found by partition discovery).
     *
     * @param pattern a regular expression over topic names
     * @return the input
     */
    public static KafkaIn topicPattern(Pattern pattern) {
        return new KafkaIn(List.of(), Objects.requireNonNull(pattern, "pattern"));
    }

    /**
     * The Kafka bootstrap servers.
     *
     * @param servers e.g. {@code broker1:9092,broker2:9092}
     * @return a new input
     */
    public KafkaIn bootstrapServers(String servers) {
        KafkaIn c = copy();
        c.endpoint = endpoint.withServers(servers);
        return c;
    }

    /**
     * The consumer group id, under which offsets are committed on checkpoints (for monitoring, and where a job
     * without a checkpoint starts: {@link #startingAtCommittedOrLatest()} and the default). Default: derived from the
     * pipeline's name and this input's topics, {@code flink-kafka-avg-<name>-<topics>} — stable across restarts,
     * and different for every pipeline, so a second job or test on the same topic does not start from the first
     * one's committed offsets and read nothing.
     *
     * @param groupId the group id
     * @return a new input
     */
    public KafkaIn groupId(String groupId) {
        KafkaIn c = copy();
        c.groupId = groupId;
        return c;
    }

    /**
     * Starts from the earliest offset, ignoring committed ones.
     *
     * @return a new input
     */
    public KafkaIn startingAtEarliest() {
        return withStart(Start.EARLIEST, 0);
    }

    /**
     * Starts from the latest offset, ignoring committed ones: only new records.
     *
     * @return a new input
     */
    public KafkaIn startingAtLatest() {
        return withStart(Start.LATEST, 0);
    }

    /**
     * Starts from the group's committed offsets; where there are none, from the latest offset.
     *
     * @return a new input
     */
    public KafkaIn startingAtCommittedOrLatest() {
        return withStart(Start.COMMITTED_OR_LATEST, 0);
    }

    /**
     * Starts from the first record at or after a time, e.g. for a backfill.
     *
     * @param time the Kafka record timestamp to start from
     * @return a new input
     */
    public KafkaIn startingAt(Instant time) {
        return withStart(Start.TIMESTAMP, Objects.requireNonNull(time, "time").toEpochMilli());
    }

    private KafkaIn withStart(Start newStart, long timestamp) {
        KafkaIn c = copy();
        c.start = newStart;
        c.startTimestamp = timestamp;
        return c;
    }

    /**
     * Stops at the latest offsets as of the job's start: for backfills and tests. Open windows are emitted at the
     * end of input. {@code build(env)} counts the records between the start position and the end of each topic (not
     * for a pattern) and logs a warning when there are none: such a job finishes without a single result.
     *
     * @return a new input
     */
    public KafkaIn bounded() {
        KafkaIn c = copy();
        c.bounded = true;
        return c;
    }

    /**
     * Passes a consumer property through, e.g. {@code security.protocol} or {@code partition.discovery.interval.ms}.
     *
     * @param key the property name
     * @param value its value
     * @return a new input
     */
    public KafkaIn property(String key, String value) {
        KafkaIn c = copy();
        c.endpoint = endpoint.withProperty(key, value);
        return c;
    }

    /**
     * Authentication and encryption towards the input cluster (SASL, TLS); outputs without their own
     * {@link KafkaOut#security} use it too.
     *
     * @param security e.g. {@code KafkaSecurity.saslOverTls(SCRAM_SHA_512, "job", Secret.fromEnv("KAFKA_PASSWORD"))}
     * @return a new input
     */
    public KafkaIn security(KafkaSecurity security) {
        KafkaIn c = copy();
        c.endpoint = endpoint.withSecurity(security);
        return c;
    }

    /**
     * Creates missing input topics when the pipeline is built, instead of failing with "topic ... does not exist";
     * existing topics are left as they are. Off by default: a misspelt topic name should fail, not start an empty
     * topic.
     *
     * @param partitions partitions of a created topic, at least the source parallelism
     * @param replicationFactor replicas of a created topic
     * @return a new input
     */
    public KafkaIn createIfMissing(int partitions, short replicationFactor) {
        if (pattern != null) {
            throw new IllegalStateException("createIfMissing applies to named topics, not to pattern " + pattern);
        }
        KafkaIn c = copy();
        c.endpoint = endpoint.creatingIfMissing(partitions, replicationFactor);
        return c;
    }

    /** The consumer properties: security first, raw properties over them. */
    Map<String, String> clientProperties() {
        return endpoint.clientProperties("fromKafka(" + describe() + ")");
    }

    String describe() {
        return pattern != null ? "pattern " + pattern : String.join(",", topics);
    }

    @Override
    public String toString() {
        // Property values may hold secrets: show the names only.
        return "KafkaIn{" + describe() + ", " + endpoint.describe() + ", groupId="
                + (groupId == null ? "(from the pipeline's name)" : groupId) + ", start=" + start
                + (bounded ? ", bounded" : "") + '}';
    }
}
