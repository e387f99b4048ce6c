package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.util.Arrays;

/**
 * A record that could not be averaged, with everything needed to find, inspect and replay it: the original key,
 * value and headers byte for byte, where it came from, and why it was rejected.
 *
 * <p>A Flink POJO (public fields, no-argument constructor) so that it travels without Kryo. Headers are two
 * parallel arrays because Flink would serialize a {@code Map} field with Kryo.
 */
@PublicEvolving
public class DeadLetter {

    /** The topic the record was read from. */
    public String sourceTopic;
    /** Its partition. */
    public int sourcePartition;
    /** Its offset. */
    public long sourceOffset;
    /** Its Kafka timestamp. */
    public long sourceTimestamp;
    /** The original key bytes, or null. */
    public byte[] key;
    /** The original value bytes, or null. */
    public byte[] value;
    /** The original header names. */
    public String[] headerKeys = new String[0];
    /** The original header values, parallel to {@link #headerKeys}. */
    public byte[][] headerValues = new byte[0][];
    /** Why the record was rejected, for a person: where, what was found, what was expected. */
    public String reason;
    /** The decoder's own message behind the reason, for debugging the decoder; null when there is none. */
    public String detail;

    /** For Flink's POJO serializer. */
    public DeadLetter() {}

    @Override
    public String toString() {
        return "DeadLetter{" + sourceTopic + "-" + sourcePartition + "@" + sourceOffset + ", reason=" + reason
                + ", value=" + (value == null ? "null" : value.length + " bytes") + ", headers=" + Arrays.toString(headerKeys) + '}';
    }
}
