package com.example.trades;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.flinkkafkaavg.connectors.PipelineTestDriver;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job's averaging in milliseconds: no broker, no MiniCluster. */
class TradeAveragesTest {

    private static final long T0 = 1_767_225_600_000L;                          // 2026-01-01T00:00:00Z

    @Test
    void lateTradesAndBrokenRecordsAreSetAside() {
        try (PipelineTestDriver<Trade, WindowAverage<String>> driver = PipelineTestDriver.of(TradeAverageJob.averages())) {
            driver.sendValue("{\"symbol\":\"ACME\",\"price\":10.0,\"ts\":" + (T0 + 1_000) + "}")
                    .sendValue("{\"symbol\":\"ACME\",\"price\":20.0,\"ts\":" + (T0 + 12_000) + "}")
                    .advanceWatermarkTo(T0 + 29_999)                             // closes every window holding T0+2s
                    .sendValue("{\"symbol\":\"ACME\",\"price\":99.0,\"ts\":" + (T0 + 2_000) + "}")   // too late
                    .sendValue("{\"symbol\":\"ACME\",\"price\":\"high\",\"ts\":" + (T0 + 13_000) + "}")
                    .endOfInput();

            List<WindowAverage<String>> results = driver.results();
            assertEquals(4, results.size());                                     // windows from T0-20s, -10s, 0, +10s
            assertEquals(10.0, results.get(0).average());                        // [T0-20s, T0+10s): 10
            assertEquals(15.0, results.get(1).average());                        // [T0-10s, T0+20s): 10, 20
            assertEquals(15.0, results.get(2).average());                        // [T0, T0+30s): 10, 20
            assertEquals(20.0, results.get(3).average());                        // [T0+10s, T0+40s): 20
            assertEquals(99.0, driver.lateRecords().get(0).value());
            assertEquals(1, driver.deadLetters().size());                        // "high" is not a number
        }
    }
}
