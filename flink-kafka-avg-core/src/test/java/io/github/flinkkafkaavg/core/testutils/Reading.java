package io.github.flinkkafkaavg.core.testutils;

/**
 * A test record; a public record so that Flink serializes it as a POJO (tests run with generic types disabled).
 *
 * @param key the key
 * @param timestamp the event time, epoch milliseconds
 * @param value the value to average
 * @param watermarkAfter a watermark the test source emits right after this record, or Long.MIN_VALUE for none
 */
public record Reading(String key, long timestamp, double value, long watermarkAfter) {

    /** A reading with no watermark after it. */
    public static Reading of(String key, long timestamp, double value) {
        return new Reading(key, timestamp, value, Long.MIN_VALUE);
    }
}
