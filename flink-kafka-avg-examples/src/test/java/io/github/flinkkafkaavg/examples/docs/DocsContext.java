package io.github.flinkkafkaavg.examples.docs;

import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.time.Instant;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * What the prose around the docs' Java blocks assumes, so that each block compiles as shown (see {@link DocSnippets}).
 * The blocks are compiled, never run: nothing here needs a value.
 */
@SuppressWarnings("unused")
abstract class DocsContext {

    /** The reading every page uses: a sensor, a temperature, an event time as epoch milliseconds and as an instant. */
    public record SensorReading(String sensorId, double celsius, long timestamp, Instant time) {
        public double value() {
            return celsius;
        }
    }

    /** A result derived from the averages (docs/api.md, "Other streams of the job to Kafka"). */
    public record Price(String zone, double price) {
        public static Price of(WindowAverage<String> average) {
            return new Price(average.key(), average.average() * 1.1);
        }
    }

    protected StreamExecutionEnvironment env;
    protected DataStream<SensorReading> readings;
    protected KafkaSource<SensorReading> kafkaSource;
    protected OutputTag<SensorReading> lateTag;
    protected OutputTag<SensorReading> invalidTag;
    protected SlidingAverage.Pipeline<SensorReading, WindowAverage<String>> pipeline;
    protected String servers;
    protected String apiKey;
}
