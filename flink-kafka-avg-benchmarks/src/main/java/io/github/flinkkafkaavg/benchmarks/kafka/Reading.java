package io.github.flinkkafkaavg.benchmarks.kafka;

/**
 * One record of the benchmark's input: a sensor's reading, as JSON in Kafka.
 *
 * @param sensorId the key
 * @param value the number averaged
 * @param timestamp event time, epoch milliseconds
 */
public record Reading(String sensorId, double value, long timestamp) {}
