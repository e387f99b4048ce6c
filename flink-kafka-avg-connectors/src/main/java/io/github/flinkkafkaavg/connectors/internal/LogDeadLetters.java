package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.core.LogThrottle;
import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Without a dead-letter topic: logs a dead letter at most once a minute per task (with how many were skipped since)
 * and drops it. They are counted at the source ({@code numDeadLetters}).
 */
public final class LogDeadLetters extends ProcessFunction<DeadLetter, Void> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LogDeadLetters.class);
    private final LogThrottle logs = new LogThrottle();
    private transient long skipped;

    @Override
    public void processElement(DeadLetter letter, Context ctx, Collector<Void> out) {
        if (!logs.allow()) {
            skipped++;
            return;
        }
        LOG.warn("Skipped a record that cannot be averaged: {} ({} more skipped since the last message; set"
                + " deadLetters(KafkaOut.topic(...)) to keep them)", letter, skipped);
        skipped = 0;
    }
}
