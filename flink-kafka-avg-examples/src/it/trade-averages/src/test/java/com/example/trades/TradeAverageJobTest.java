package com.example.trades;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.flinkkafkaavg.connectors.KafkaIn;
import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.testkit.EmbeddedKafkaExtension;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TradeAverageJobTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();   // a real broker, one per test class

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = 1_767_225_600_000L;                          // 2026-01-01T00:00:00Z

    @Test
    void averagesEachThirtySecondWindowEveryTenSecondsAndSetsBadRecordsAside() throws Exception {
        KAFKA.cluster().createTopic("trades", 2);
        KAFKA.cluster().createTopic("trade-averages", 2);
        KAFKA.cluster().createTopic("trades-dlq", 1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.cluster().clientProperties(),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("trades", "ACME", trade("ACME", 10, T0 + 1_000)));
            producer.send(new ProducerRecord<>("trades", "ACME", trade("ACME", 20, T0 + 12_000)));
            producer.send(new ProducerRecord<>("trades", "ACME", "{\"symbol\":\"ACME\",\"price\":"));  // cut short
            producer.send(new ProducerRecord<>("trades", "ACME", trade("ACME", 30, T0 + 25_000)));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        TradeAverageJob.define(env, KafkaIn.topic("trades").bootstrapServers(KAFKA.bootstrapServers())
                .startingAtEarliest().bounded());                              // stops at the end of what is there
        env.execute("trade averages test");

        Map<Long, Double> averages = new TreeMap<>();                            // window start -> average
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(KAFKA.bootstrapServers(), "trade-averages", true)) {
            WindowAverage<String> result = WindowAverageJson.fromJson(r.value());
            assertEquals("ACME", result.key());
            averages.put(result.windowStart() - T0, result.average());
        }
        assertEquals(Map.of(-20_000L, 10.0, -10_000L, 15.0, 0L, 20.0, 10_000L, 25.0, 20_000L, 30.0), averages);

        List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicReader.readAll(KAFKA.bootstrapServers(), "trades-dlq", true);
        assertEquals(1, deadLetters.size());
        assertEquals("{\"symbol\":\"ACME\",\"price\":", new String(deadLetters.get(0).value(), StandardCharsets.UTF_8));
    }

    private static String trade(String symbol, double price, long ts) {
        return "{\"symbol\":\"" + symbol + "\",\"price\":" + price + ",\"ts\":" + ts + "}";
    }
}
