package io.github.flinkkafkaavg.examples;

/**
 * One temperature reading of one sensor, as the examples write it to Kafka:
 * {@code {"sensorId":"sensor-3","value":21.37,"timestamp":1764070000000}}.
 *
 * @param sensorId the sensor, used as the key
 * @param value the reading, in degrees Celsius
 * @param timestamp when it was measured, in epoch milliseconds (the event time)
 */
public record SensorReading(String sensorId, double value, long timestamp) {}
