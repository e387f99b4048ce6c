package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.DecodeErrors;
import io.github.flinkkafkaavg.connectors.serde.InvalidRecordException;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import io.github.flinkkafkaavg.connectors.serde.SampleExtractor;
import io.github.flinkkafkaavg.connectors.serde.KeyFunction;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.connectors.serde.TimestampFunction;
import io.github.flinkkafkaavg.core.ValueFunction;
import java.util.Objects;

/**
 * Decodes a record into {@code T} and reads key, value and event time from it with the user's functions; any
 * failure on the way — bytes that do not decode, a function that throws or returns null, a value that is not
 * finite — becomes an {@link InvalidRecordException} naming the step.
 *
 * @param <T> the decoded type
 */
public final class TypedExtractor<T> implements SampleExtractor {

    private static final long serialVersionUID = 1L;

    private final RecordDecoder<T> decoder;
    private final KeyFunction<T> key;
    private final ValueFunction<T> value;
    private final TimestampFunction<T> timestamp;

    /**
     * An extractor from a decoder and three functions.
     *
     * @param decoder turns bytes into {@code T}
     * @param key reads the key
     * @param value reads the value
     * @param timestamp reads the event time, or null to take the Kafka record timestamp
     */
    public TypedExtractor(RecordDecoder<T> decoder, KeyFunction<T> key, ValueFunction<T> value, TimestampFunction<T> timestamp) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.key = Objects.requireNonNull(key, "key function");
        this.value = Objects.requireNonNull(value, "value function");
        this.timestamp = timestamp;
    }

    @Override
    public void open() {
        decoder.open();
    }

    @Override
    public Sample extract(byte[] keyBytes, byte[] valueBytes, long kafkaTimestamp) throws InvalidRecordException {
        T record;
        try {
            record = decoder.decode(valueBytes);
        } catch (InvalidRecordException e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidRecordException(DecodeErrors.reason(e, null), e);
        }
        Object k;
        try {
            k = key.key(record);
        } catch (Exception e) {
            throw new InvalidRecordException("the key function threw " + DecodeErrors.escape(e.toString()), e);
        }
        if (k == null) {
            throw new InvalidRecordException("the key is null (read by key(...)); expected the key to average under");
        }
        double v;
        try {
            v = value.value(record);
        } catch (Exception e) {
            throw new InvalidRecordException("the value function threw " + DecodeErrors.escape(e.toString()), e);
        }
        if (!Double.isFinite(v)) {
            throw new InvalidRecordException("the value is " + v + " (read by value(...)); expected a finite number");
        }
        long ts = kafkaTimestamp;
        if (timestamp != null) {
            try {
                ts = timestamp.timestamp(record);
            } catch (Exception e) {
                throw new InvalidRecordException("the event-time function threw " + DecodeErrors.escape(e.toString()), e);
            }
        }
        return new Sample(String.valueOf(k), ts, v);
    }
}
