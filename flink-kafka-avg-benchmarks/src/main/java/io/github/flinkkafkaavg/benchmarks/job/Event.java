package io.github.flinkkafkaavg.benchmarks.job;

/**
 * One generated reading, as a Flink POJO (public fields, no-arg constructor) so every variant pays the same,
 * Kryo-free serialization across its {@code keyBy}.
 */
public class Event {
    /** The key. */
    public long key;
    /** Event time, epoch milliseconds. */
    public long timestamp;
    /** The value to average. */
    public double value;

    /** For Flink's POJO serializer. */
    public Event() {}

    Event(long key, long timestamp, double value) {
        this.key = key;
        this.timestamp = timestamp;
        this.value = value;
    }
}
