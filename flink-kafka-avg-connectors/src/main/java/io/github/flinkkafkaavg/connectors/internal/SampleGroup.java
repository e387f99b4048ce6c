package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.core.engine.Partial;
import io.github.flinkkafkaavg.core.engine.PartialRecord;
import java.util.Objects;

/**
 * What crosses a pipeline's {@code keyBy} when it adds up records before it ({@link CombineSlices}): one
 * {@link Sample}'s key, event time and value, or the values of one key and slice as a {@link Partial}, with the event
 * time of the first of them. Immutable once made: the partial is its own, never changed after.
 */
@Internal
public final class SampleGroup implements PartialRecord {

    private final String key;
    private final long timestamp;
    private final double value;
    private final Partial partial;

    private SampleGroup(String key, long timestamp, double value, Partial partial) {
        this.key = key;
        this.timestamp = timestamp;
        this.value = value;
        this.partial = partial;
    }

    /**
     * One record's value.
     *
     * @param sample the record
     * @return a group of one
     */
    public static SampleGroup of(Sample sample) {
        return new SampleGroup(sample.key(), sample.timestamp(), sample.value(), null);
    }

    /**
     * One value, as {@link #of(Sample)}.
     *
     * @param key the key
     * @param timestamp the event time
     * @param value the value
     * @return a group of one
     */
    public static SampleGroup of(String key, long timestamp, double value) {
        return new SampleGroup(key, timestamp, value, null);
    }

    /**
     * Values of one key and slice; a partial of one value becomes a group of one, which the averaging reads as the
     * record it was (and a late one goes to the late records as itself).
     *
     * @param key the key
     * @param timestamp the event time of the first value
     * @param values the values, copied: the caller may reuse them
     * @return the group
     */
    public static SampleGroup of(String key, long timestamp, Partial values) {
        if (values.count() == 1) {
            return new SampleGroup(key, timestamp, values.min(), null); // the minimum of one value is that value
        }
        Partial copy = new Partial().set(values.count(), values.hi(), values.lo(), values.bigHi(), values.bigLo(),
                values.min(), values.max());
        return new SampleGroup(key, timestamp, Double.NaN, copy);
    }

    /** For the serializer: a partial it made itself. */
    static SampleGroup ofOwned(String key, long timestamp, Partial owned) {
        return new SampleGroup(key, timestamp, Double.NaN, owned);
    }

    /**
     * The key.
     *
     * @return the key
     */
    public String key() {
        return key;
    }

    /**
     * The event time of its one value, or of the first of its values.
     *
     * @return epoch milliseconds
     */
    public long timestamp() {
        return timestamp;
    }

    /**
     * Its one value; NaN for a group of several ({@link #partial()}).
     *
     * @return the value
     */
    public double value() {
        return value;
    }

    @Override
    public Partial partial() {
        return partial;
    }

    /**
     * The record a group of one was made of, for the late records; a group of several never reaches them.
     *
     * @return the sample
     * @throws IllegalStateException for a group of several
     */
    public Sample toSample() {
        if (partial != null) {
            throw new IllegalStateException("a group of " + partial.count() + " values is not one sample");
        }
        return new Sample(key, timestamp, value);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SampleGroup g)) {
            return false;
        }
        if (!key.equals(g.key) || timestamp != g.timestamp || Double.compare(value, g.value) != 0) {
            return false;
        }
        if (partial == null || g.partial == null) {
            return partial == g.partial;
        }
        return partial.count() == g.partial.count() && Double.compare(partial.hi(), g.partial.hi()) == 0
                && Double.compare(partial.lo(), g.partial.lo()) == 0
                && Double.compare(partial.bigHi(), g.partial.bigHi()) == 0
                && Double.compare(partial.bigLo(), g.partial.bigLo()) == 0
                && Double.compare(partial.min(), g.partial.min()) == 0
                && Double.compare(partial.max(), g.partial.max()) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, timestamp, value, partial == null ? 0 : partial.count());
    }

    @Override
    public String toString() {
        return partial == null ? "SampleGroup{" + key + ", " + timestamp + ", " + value + "}"
                : "SampleGroup{" + key + ", " + timestamp + ", " + partial + "}";
    }
}
