package io.github.flinkkafkaavg.connectors;

/**
 * A test record whose event time is a plain long, so that any long — the ends included — can be written in JSON.
 *
 * @param id the key
 * @param value the value
 * @param ts the event time, epoch milliseconds
 */
public record Tick(String id, double value, long ts) {}
