package com.example.trades;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.flinkkafkaavg.connectors.DatabaseOut;
import io.github.flinkkafkaavg.connectors.Secret;
import io.github.flinkkafkaavg.testkit.EmbeddedPostgresExtension;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job's averaging into a real PostgreSQL from the test kit: one row per window, with only the docs' pom. */
class TradeAveragesDatabaseTest {

    private static final long T0 = 1_767_225_600_000L;                          // 2026-01-01T00:00:00Z

    @RegisterExtension
    static final EmbeddedPostgresExtension POSTGRES = new EmbeddedPostgresExtension(b -> b.user("app", "s3cret"));

    @Test
    void everyWindowIsOneRow() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<Trade> trades = env.fromData(new Trade("ACME", 10.0, T0 + 1_000), new Trade("ACME", 20.0, T0 + 12_000))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Trade>forMonotonousTimestamps()
                        .withTimestampAssigner((t, previous) -> t.ts()));
        TradeAverageJob.averages()
                .toDatabase(DatabaseOut.postgres(POSTGRES.database().jdbcUrl()).table("trade_averages")
                        .user("app").password(Secret.of("s3cret")).createTableIfMissing())
                .apply(trades);
        env.execute("trade averages into PostgreSQL");

        List<Map<String, Object>> rows = POSTGRES.database().query(
                "SELECT window_start, count, average FROM trade_averages ORDER BY window_start");
        assertEquals(4, rows.size());                                            // windows from T0-20s, -10s, 0, +10s
        assertEquals(List.of(10.0, 15.0, 15.0, 20.0), rows.stream().map(r -> r.get("average")).toList());
        assertEquals(T0 - 20_000, rows.get(0).get("window_start"));
    }
}
