package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.Internal;

/**
 * A record that may stand for several values of one key and slice added up before the {@code keyBy}
 * ({@link SliceCombiner}): the sliding-average operator adds its {@link #partial()} as a whole, and counts it as the
 * records it stands for. Only for an averaging without allowed lateness (see {@link SlidingWindowEngine#onPartial}).
 */
@Internal
public interface PartialRecord {

    /**
     * The values this record stands for, or null when it is one value, which the operator's value function reads.
     *
     * @return the partial, or null
     */
    Partial partial();
}
