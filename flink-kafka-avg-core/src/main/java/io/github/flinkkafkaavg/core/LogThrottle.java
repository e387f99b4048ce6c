package io.github.flinkkafkaavg.core;

import io.github.flinkkafkaavg.core.annotation.Internal;
import java.io.Serializable;

/**
 * Lets a log message through at most once a minute, so that a stream of bad records cannot flood the logs: the one
 * gate of the operators and functions that drop or divert records with a reason. Created with the function that
 * holds it and shipped with it; not thread-safe (one per task).
 */
@Internal
public final class LogThrottle implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final long INTERVAL_NANOS = 60_000_000_000L;

    private long last;
    private boolean passed;

    /**
     * Whether a message may be logged now; if so, the next one may only in a minute.
     *
     * @return true at most once a minute
     */
    public boolean allow() {
        long now = System.nanoTime();
        if (passed && now - last < INTERVAL_NANOS) {
            return false;
        }
        passed = true;
        last = now;
        return true;
    }
}
