package com.example.trades;

import io.github.flinkkafkaavg.connectors.KafkaIn;
import io.github.flinkkafkaavg.connectors.KafkaOut;
import io.github.flinkkafkaavg.connectors.SlidingAverage;
import java.time.Duration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Average price per symbol over 30 s, every 10 s, from "trades" to "trade-averages"; bad records to "trades-dlq". */
public final class TradeAverageJob {

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(10_000);                  // results are committed to Kafka with each checkpoint
        define(env, KafkaIn.topic("trades").bootstrapServers(args.length > 0 ? args[0] : "localhost:9092"));
        env.execute("trade averages");
    }

    /** The averaging, without Kafka: what PipelineTestDriver runs in a unit test. */
    static SlidingAverage.Windowed<Trade> averages() {
        return SlidingAverage.of(Trade.class)
                .key(Trade::symbol).value(Trade::price).eventTime(Trade::ts)
                .window(Duration.ofSeconds(30)).slide(Duration.ofSeconds(10));
    }

    /** The whole job; the test runs it on a bounded input. */
    static void define(StreamExecutionEnvironment env, KafkaIn trades) {
        averages()
                .fromKafka(trades)
                .toKafka(KafkaOut.topic("trade-averages"))
                .deadLetters(KafkaOut.topic("trades-dlq"))
                .build(env);
    }

    private TradeAverageJob() {
    }
}
