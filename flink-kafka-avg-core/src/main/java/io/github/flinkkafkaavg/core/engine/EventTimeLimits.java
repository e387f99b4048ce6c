package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.Rules;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * Which event times a record may carry to be averaged, decided when the record enters — before it reaches any
 * state — so that a record whose windows cannot be computed or published is set aside with a reason instead of
 * failing the job on every replay.
 *
 * <pre>{@code
 * EventTimeLimits limits = engine.windowableTimes()             // window arithmetic stays within long
 *         .atLeast(engine.firstTimestampWithResultsAtOrAfter(0), "its windows' results would carry a timestamp"
 *                 + " before 1970, and Kafka refuses negative timestamps")
 *         .maxAhead(Duration.ofMinutes(59));                    // a clock running fast
 * String why = limits.check(record.timestamp(), System.currentTimeMillis());   // null: accepted
 * }</pre>
 *
 * <p>Two kinds of limit: a fixed range of event times, each end with the reason it exists, and bounds relative to
 * the processing clock ({@link #maxAhead}, {@link #maxBehind}). The reasons returned by {@link #check} are written
 * for the person who reads the dead-letter topic or the log: the event time as a number and as a date, the limit,
 * why it exists and the likely cause. Immutable; every method returns a new instance.
 */
@PublicEvolving
public final class EventTimeLimits implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final long NONE = -1;

    private final long min;
    private final String belowMin;
    private final long max;
    private final String aboveMax;
    private final long maxAheadMillis;
    private final long maxBehindMillis;

    private EventTimeLimits(long min, String belowMin, long max, String aboveMax, long maxAheadMillis,
            long maxBehindMillis) {
        this.min = min;
        this.belowMin = belowMin;
        this.max = max;
        this.aboveMax = aboveMax;
        this.maxAheadMillis = maxAheadMillis;
        this.maxBehindMillis = maxBehindMillis;
    }

    /**
     * Every event time is accepted.
     *
     * @return limits that accept everything
     */
    public static EventTimeLimits none() {
        return new EventTimeLimits(Long.MIN_VALUE, null, Long.MAX_VALUE, null, NONE, NONE);
    }

    /**
     * Also refuses event times before {@code earliest}; the tighter of this and an earlier lower limit wins.
     *
     * @param earliest the first accepted event time, epoch milliseconds
     * @param why why earlier times cannot be averaged, as a clause ("its windows would ...")
     * @return new limits
     */
    public EventTimeLimits atLeast(long earliest, String why) {
        return earliest <= min ? this
                : new EventTimeLimits(earliest, why, max, aboveMax, maxAheadMillis, maxBehindMillis);
    }

    /**
     * Also refuses event times after {@code latest}; the tighter of this and an earlier upper limit wins.
     *
     * @param latest the last accepted event time, epoch milliseconds
     * @param why why later times cannot be averaged, as a clause
     * @return new limits
     */
    public EventTimeLimits atMost(long latest, String why) {
        return latest >= max ? this
                : new EventTimeLimits(min, belowMin, latest, why, maxAheadMillis, maxBehindMillis);
    }

    /**
     * Also refuses event times more than {@code ahead} after the processing clock when the record is checked.
     *
     * @param ahead zero or more
     * @return new limits
     */
    public EventTimeLimits maxAhead(Duration ahead) {
        return new EventTimeLimits(min, belowMin, max, aboveMax, nonNegativeMillis("maxAhead", ahead), maxBehindMillis);
    }

    /**
     * Also refuses event times more than {@code behind} before the processing clock when the record is checked.
     *
     * @param behind zero or more
     * @return new limits
     */
    public EventTimeLimits maxBehind(Duration behind) {
        return new EventTimeLimits(min, belowMin, max, aboveMax, maxAheadMillis, nonNegativeMillis("maxBehind", behind));
    }

    private static long nonNegativeMillis(String name, Duration d) {
        if (d == null) {
            return NONE;
        }
        Rules.require(Rules.notNegative(name, d));
        return d.toMillis();
    }

    /**
     * Whether {@link #check} reads the processing clock, so that a host asks for it only when needed.
     *
     * @return true when a bound relative to the clock is set
     */
    public boolean needsClock() {
        return maxAheadMillis != NONE || maxBehindMillis != NONE;
    }

    /**
     * The first accepted event time of the fixed range.
     *
     * @return epoch milliseconds
     */
    public long earliest() {
        return min;
    }

    /**
     * The last accepted event time of the fixed range.
     *
     * @return epoch milliseconds
     */
    public long latest() {
        return max;
    }

    /**
     * How far ahead of the processing clock an event time may be.
     *
     * @return the bound, or null when there is none
     */
    public Duration maxAhead() {
        return maxAheadMillis == NONE ? null : Duration.ofMillis(maxAheadMillis);
    }

    /**
     * Why an event time cannot be averaged, or null when it can.
     *
     * @param timestamp the record's event time, epoch milliseconds
     * @param now the processing clock, epoch milliseconds; read only when {@link #needsClock()}
     * @return the reason, one sentence for a person, or null
     */
    public String check(long timestamp, long now) {
        if (timestamp < min) {
            return "event time " + describe(timestamp) + " is before " + describe(min) + ", the earliest accepted: "
                    + belowMin;
        }
        if (timestamp > max) {
            return "event time " + describe(timestamp) + " is after " + describe(max) + ", the latest accepted: "
                    + aboveMax;
        }
        if (maxAheadMillis != NONE && timestamp > now && timestamp - now > maxAheadMillis) {
            return "event time " + describe(timestamp) + " is " + human(timestamp - now) + " ahead of the processing"
                    + " clock (" + Instant.ofEpochMilli(now) + "), more than the " + human(maxAheadMillis)
                    + " allowed (maxFutureEventTime): a clock running fast, or a time in seconds or microseconds"
                    + " read as milliseconds? Its results would be refused by the output topic or hold windows open";
        }
        if (maxBehindMillis != NONE && timestamp < now && now - timestamp > maxBehindMillis) {
            return "event time " + describe(timestamp) + " is " + human(now - timestamp) + " behind the processing"
                    + " clock (" + Instant.ofEpochMilli(now) + "), more than the " + human(maxBehindMillis)
                    + " allowed (maxPastEventTime): the output topic would refuse its results"
                    + " (message.timestamp.before.max.ms)";
        }
        return null;
    }

    /** {@code 1700000000000 (2023-11-14T22:13:20Z)}: the number as it came, and as a date a person can check. */
    static String describe(long millis) {
        return millis + " (" + Instant.ofEpochMilli(millis) + ")";
    }

    /** A duration as people write it: {@code 2 h 0 min 5 s}, {@code 450 ms}. */
    static String human(long millis) {
        if (millis < 1_000) {
            return millis + " ms";
        }
        long seconds = millis / 1_000;
        long days = seconds / 86_400;
        if (days >= 365) {
            return String.format("%,d days", days);
        }
        StringBuilder out = new StringBuilder();
        if (days > 0) {
            out.append(days).append(" d ");
        }
        long h = seconds / 3_600 % 24;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        if (days > 0 || h > 0) {
            out.append(h).append(" h ");
        }
        if (days > 0 || h > 0 || m > 0) {
            out.append(m).append(" min ");
        }
        return out.append(s).append(" s").toString();
    }

    @Override
    public String toString() {
        return "EventTimeLimits{[" + min + ", " + max + "]"
                + (maxAheadMillis == NONE ? "" : ", maxAhead=" + maxAheadMillis + "ms")
                + (maxBehindMillis == NONE ? "" : ", maxBehind=" + maxBehindMillis + "ms") + '}';
    }
}
