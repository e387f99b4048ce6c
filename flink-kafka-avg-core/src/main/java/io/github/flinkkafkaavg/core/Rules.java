package io.github.flinkkafkaavg.core;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.time.Duration;

/**
 * The rules a setting of the library must follow, each written once with one wording: the core classes throw it,
 * and the Kafka builder collects the same sentences into its one message. Each method answers the problem — naming
 * the setting, the value and what is allowed — or null when the value is fine.
 */
@PublicEvolving
public final class Rules {

    private Rules() {}

    /**
     * Throws the problem, if there is one.
     *
     * @param problem a rule's answer
     * @throws IllegalArgumentException with the problem as its message, when it is not null
     */
    public static void require(String problem) {
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * A duration that may be zero but not negative.
     *
     * @param setting the setting's name as the user wrote it
     * @param value its value, not null
     * @return the problem, or null
     */
    public static String notNegative(String setting, Duration value) {
        return value.isNegative() ? setting + " must be 0 or more, but was " + value : null;
    }

    /**
     * A duration that must be more than zero.
     *
     * @param setting the setting's name as the user wrote it
     * @param value its value, not null
     * @return the problem, or null
     */
    public static String positive(String setting, Duration value) {
        return value.isNegative() || value.isZero() ? setting + " must be positive, but was " + value : null;
    }

    /**
     * How long after a window's end records still update it: 0 or more.
     *
     * @param lateness the allowed lateness
     * @return the problem, or null
     */
    public static String allowedLateness(Duration lateness) {
        return notNegative("allowedLateness", lateness);
    }

    /**
     * How many values a count-based moving average holds: at least 1.
     *
     * @param n the count
     * @return the problem, or null
     */
    public static String lastN(long n) {
        return n < 1 ? "lastN must be at least 1, but was " + n : null;
    }

    /**
     * How many keys' changed headers a serializing backend holds on the heap: 0 or more.
     *
     * @param keys the bound
     * @return the problem, or null
     */
    public static String headerCacheSize(int keys) {
        return keys < 0 ? "header cache capacity must be 0 or more keys, but was " + keys
                + "; use 0 to write every header at once" : null;
    }

    /**
     * How long a silent key of a count-based average is kept: more than zero.
     *
     * @param silence the time
     * @return the problem, or null
     */
    public static String forgetKeysAfter(Duration silence) {
        return positive("forgetKeysAfter", silence);
    }
}
