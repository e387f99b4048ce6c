package io.github.flinkkafkaavg.connectors;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * partition discovery every minute; group id {@code flink-kafka-avg}. {@link #property(String, String)} passes any
 * consumer property through (security settings included).
 */
public final class KafkaIn {

    /** Where a job without committed offsets starts reading. */
    public enum Start { EARLIEST, LATEST, COMMITTED_OR_EARLIEST, COMMITTED_OR_LATEST, TIMESTAMP }

    final List<String> topics;
    final Pattern pattern;
    final String bootstrapServers;
    final String groupId;
    final Start start;
    final long startTimestamp;
    final boolean bounded;
    final Map<String, String> properties;

    private KafkaIn(List<String> topics, Pattern pattern, String bootstrapServers, String groupId, Start start,
            long startTimestamp, boolean bounded, Map<String, String> properties) {
        this.topics = topics;
        this.pattern = pattern;
        this.bootstrapServers = bootstrapServers;
        this.groupId = groupId;
        this.start = start;
        this.startTimestamp = startTimestamp;
        this.bounded = bounded;
        this.properties = properties;
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
        return new KafkaIn(List.of(topics), null, null, "flink-kafka-avg", Start.COMMITTED_OR_EARLIEST, 0, false, Map.of());
    }

    /**
     * Reads every topic whose name matches, including topics created later (found by partition discovery).
     *
     * @param pattern a regular expression over topic names
     * @return the input
     */
    public static KafkaIn topicPattern(Pattern pattern) {
        return new KafkaIn(List.of(), Objects.requireNonNull(pattern, "pattern"), null, "flink-kafka-avg",
                Start.COMMITTED_OR_EARLIEST, 0, false, Map.of());
    }

    /**
     * The Kafka bootstrap servers.
     *
     * @param servers e.g. {@code broker1:9092,broker2:9092}
     * @return a new input
     */
    public KafkaIn bootstrapServers(String servers) {
        return new KafkaIn(topics, pattern, servers, groupId, start, startTimestamp, bounded, properties);
    }

    /**
     * The consumer group id, under which offsets are committed on checkpoints (for monitoring; Flink restores from
     * its own checkpoints).
     *
     * @param groupId the group id
     * @return a new input
     */
    public KafkaIn groupId(String groupId) {
        return new KafkaIn(topics, pattern, bootstrapServers, groupId, start, startTimestamp, bounded, properties);
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
        return new KafkaIn(topics, pattern, bootstrapServers, groupId, newStart, timestamp, bounded, properties);
    }

    /**
     * Stops at the latest offsets as of the job's start: for backfills and tests. Open windows are emitted at the
     * end of input.
     *
     * @return a new input
     */
    public KafkaIn bounded() {
        return new KafkaIn(topics, pattern, bootstrapServers, groupId, start, startTimestamp, true, properties);
    }

    /**
     * Passes a consumer property through, e.g. {@code security.protocol} or {@code partition.discovery.interval.ms}.
     *
     * @param key the property name
     * @param value its value
     * @return a new input
     */
    public KafkaIn property(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new KafkaIn(topics, pattern, bootstrapServers, groupId, start, startTimestamp, bounded,
                Collections.unmodifiableMap(copy));
    }

    String describe() {
        return pattern != null ? "pattern " + pattern : String.join(",", topics);
    }

    @Override
    public String toString() {
        // Property values may hold secrets: show the names only.
        return "KafkaIn{" + describe() + ", bootstrapServers=" + bootstrapServers + ", groupId=" + groupId + ", start="
                + start + (bounded ? ", bounded" : "") + ", properties=" + properties.keySet() + '}';
    }
}
