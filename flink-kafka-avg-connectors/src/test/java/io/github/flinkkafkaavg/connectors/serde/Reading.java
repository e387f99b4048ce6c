package io.github.flinkkafkaavg.connectors.serde;

import java.time.Instant;

/** A typed test record with a java.time field. */
public record Reading(String sensorId, double celsius, Instant time) {}
