package io.github.flinkkafkaavg.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SLIDING_AVERAGE and MOVING_AVERAGE in SQL on a MiniCluster, against Flink's own HOP and OVER. */
class SlidingAverageSqlITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** Readings in event-time order (sensor, celsius, ts in ms): nothing is late, for a comparison with HOP. */
    private static List<Row> inOrder(int n, long seed) {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        long ts = 1_767_225_600_000L;
        for (int i = 0; i < n; i++) {
            ts += random.nextInt(200);
            // mixed magnitudes: where a naive double sum loses digits
            double celsius = random.nextInt(10) == 0 ? random.nextGaussian() * 1e12 : random.nextGaussian() * 10;
            rows.add(Row.of("s" + random.nextInt(4), celsius, ts));
        }
        return rows;
    }

    /** A watermark after every record, as a busy source's periodic ones would be: the clock advances in small steps. */
    static final class PerRecord implements WatermarkGenerator<Row> {
        @Override
        public void onEvent(Row row, long timestamp, WatermarkOutput output) {
            output.emitWatermark(new Watermark(timestamp - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            // every event emits one
        }
    }

    static StreamTableEnvironment tableEnvFor(List<Row> rows) {
        return tableEnv(rows);
    }

    private static StreamTableEnvironment tableEnv(List<Row> rows) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(Integer.getInteger("scratch.parallelism", 2));
        DataStream<Row> stream = env.fromData(Types.ROW_NAMED(new String[] {"sensor", "celsius", "millis"},
                        Types.STRING, Types.DOUBLE, Types.LONG), rows.toArray(new Row[0]))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Row>forGenerator(c -> new PerRecord())
                        .withTimestampAssigner((r, t) -> r.<Long>getFieldAs("millis")));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        registerReadings(tEnv, stream);
        return tEnv;
    }

    /**
     * Table {@code readings} (sensor, celsius, millis, and ts: the stream's timestamps with its watermarks) over
     * rows (sensor, celsius, millis), and the two functions.
     */
    static void registerReadings(StreamTableEnvironment tEnv, DataStream<Row> stream) {
        tEnv.createTemporaryView("readings", stream, Schema.newBuilder()
                .column("sensor", DataTypes.STRING())
                .column("celsius", DataTypes.DOUBLE())
                .column("millis", DataTypes.BIGINT())
                .columnByMetadata("ts", DataTypes.TIMESTAMP_LTZ(3), "rowtime")
                .watermark("ts", "SOURCE_WATERMARK()")
                .build());
        AverageFunctions.register(tEnv);
    }

    private static List<Row> collect(StreamTableEnvironment tEnv, String sql) throws Exception {
        List<Row> out = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql(sql).collect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static String id(Row r) {
        return r.getField(0) + " " + ((Instant) r.getField(1)).toEpochMilli() + " " + ((Instant) r.getField(2)).toEpochMilli();
    }

    @Test
    void onTimeDataGivesHopsWindowsCountsMinAndMaxAndExactSums() throws Exception {
        List<Row> rows = inOrder(4_000, 3);
        StreamTableEnvironment tEnv = tableEnv(rows);

        List<Row> ours = collect(tEnv, "SELECT sensor, window_start, window_end, `avg`, cnt, `sum`, `min`, `max`,"
                + " rowtime FROM SLIDING_AVERAGE(input => TABLE readings PARTITION BY sensor,"
                + " on_time => DESCRIPTOR(ts), value_column => DESCRIPTOR(celsius),"
                + " size => '10 s', slide => '2 s', uid => 'avg')");
        List<Row> hop = collect(tEnv, "SELECT sensor, window_start, window_end, AVG(celsius), COUNT(*), SUM(celsius),"
                + " MIN(celsius), MAX(celsius) FROM TABLE(HOP(TABLE readings, DESCRIPTOR(ts), INTERVAL '2' SECOND,"
                + " INTERVAL '10' SECOND)) GROUP BY sensor, window_start, window_end");

        long lastInput = (Long) rows.get(rows.size() - 1).getField(2);
        Map<String, Row> byWindow = new TreeMap<>();
        int exactRowtimes = 0;
        for (Row r : ours) {
            assertThat(byWindow.put(id(r), r)).as("emitted once: %s", r).isNull();
            long end = ((Instant) r.getField(2)).toEpochMilli();
            long rowtime = ((Instant) r.getField(8)).toEpochMilli();
            if (end - 1 < lastInput) {
                // the watermark advanced record by record: every window's own end
                assertThat(rowtime).as("rowtime of %s", r).isEqualTo(end - 1);
                exactRowtimes++;
            } else {
                // the end of input jumped the watermark past these: the first due window's end
                assertThat(rowtime).as("rowtime of %s", r).isLessThanOrEqualTo(end - 1).isGreaterThan(lastInput - 10_000);
            }
        }
        assertThat(exactRowtimes).isGreaterThan(byWindow.size() * 9 / 10);
        Map<String, Row> hopByWindow = new TreeMap<>();
        hop.forEach(r -> hopByWindow.put(r.getField(0) + " " + toMillis(r.getField(1)) + " " + toMillis(r.getField(2)), r));
        assertThat(byWindow.keySet()).isEqualTo(hopByWindow.keySet());

        Map<String, BigDecimal> exact = new HashMap<>();
        for (Row in : rows) {
            long t = (Long) in.getField(2);
            for (long start = Math.floorDiv(t, 2_000) * 2_000; start > t - 10_000; start -= 2_000) {
                exact.merge(in.getField(0) + " " + start + " " + (start + 10_000),
                        new BigDecimal((Double) in.getField(1)), BigDecimal::add);
            }
        }
        int hopSumsOff = 0;
        for (Map.Entry<String, Row> e : byWindow.entrySet()) {
            Row r = e.getValue();
            Row h = hopByWindow.get(e.getKey());
            assertThat(r.getField(4)).as("count %s", e.getKey()).isEqualTo(h.getField(4));
            assertThat(r.getField(6)).as("min %s", e.getKey()).isEqualTo(h.getField(6));
            assertThat(r.getField(7)).as("max %s", e.getKey()).isEqualTo(h.getField(7));
            double reference = exact.get(e.getKey()).doubleValue();
            assertThat((Double) r.getField(5)).as("sum %s", e.getKey()).isEqualTo(reference);
            if ((Double) h.getField(5) != reference) {
                hopSumsOff++;
            }
        }
        System.out.printf("%d windows; HOP's SUM differs from the exact sum in %d of them%n", byWindow.size(), hopSumsOff);
    }

    @Test
    void movingAverageIsOverRowsPreceding() throws Exception {
        List<Row> rows = inOrder(1_000, 5);
        StreamTableEnvironment tEnv = tableEnv(rows);

        List<Row> ours = collect(tEnv, "SELECT sensor, `avg`, cnt, rowtime FROM MOVING_AVERAGE("
                + "input => TABLE readings PARTITION BY sensor, on_time => DESCRIPTOR(ts),"
                + " value_column => DESCRIPTOR(celsius), n => 3, uid => 'last3')");
        List<Row> over = collect(tEnv, "SELECT sensor, AVG(celsius) OVER w, COUNT(*) OVER w, ts FROM readings"
                + " WINDOW w AS (PARTITION BY sensor ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)");

        assertThat(ours).hasSameSizeAs(over);
        Map<String, List<Long>> oursCounts = new TreeMap<>();
        Map<String, List<Long>> overCounts = new TreeMap<>();
        ours.forEach(r -> oursCounts.computeIfAbsent((String) r.getField(0), k -> new ArrayList<>())
                .add(((Number) r.getField(2)).longValue()));
        over.forEach(r -> overCounts.computeIfAbsent((String) r.getField(0), k -> new ArrayList<>())
                .add(((Number) r.getField(2)).longValue()));
        assertThat(oursCounts).isEqualTo(overCounts);
    }

    /** Readings with a tenth up to 6 s behind: disorder, with rows behind the watermark. */
    private static List<Row> disordered(long seed) {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        long ts = 1_767_225_600_000L;
        for (int i = 0; i < 3_000; i++) {
            ts += random.nextInt(100);
            long t = random.nextInt(10) == 0 ? ts - random.nextInt(6_000) : ts;
            rows.add(Row.of("s" + random.nextInt(3), Math.round(random.nextGaussian() * 1_000) / 10.0, t));
        }
        return rows;
    }

    @Test
    void withDisorderRowsBehindTheWatermarkAreDroppedBeforeTheFunction() throws Exception {
        // Flink 2.2 hands a PTF no row at or behind the watermark (FLINK-39436). With a watermark after each row
        // (its time - 1), a row reaches the function when its time is at least every earlier row's.
        List<Row> rows = disordered(9);
        Map<String, Long> expected = new TreeMap<>();
        long max = Long.MIN_VALUE;
        for (Row in : rows) {
            long t = (Long) in.getField(2);
            if (t >= max) {
                for (long start = Math.floorDiv(t, 1_000) * 1_000; start > t - 4_000; start -= 1_000) {
                    expected.merge(in.getField(0) + " " + start + " " + (start + 4_000), 1L, Long::sum);
                }
            }
            max = Math.max(max, t);
        }
        StreamTableEnvironment tEnv = tableEnv(rows);
        Map<String, Long> ours = new TreeMap<>();
        for (Row r : collect(tEnv, "SELECT sensor, window_start, window_end, `avg`, cnt FROM SLIDING_AVERAGE("
                + "input => TABLE readings PARTITION BY sensor, on_time => DESCRIPTOR(ts),"
                + " value_column => DESCRIPTOR(celsius), size => '4 s', slide => '1 s', uid => 'disorder')")) {
            assertThat(ours.put(id(r), (Long) r.getField(4))).as("emitted once: %s", r).isNull();
        }
        assertThat(ours).isEqualTo(expected);

        // HOP still adds a row behind the watermark to windows it has not fired: it counts at least as many
        Map<String, Long> hop = new TreeMap<>();
        for (Row r : collect(tEnv, "SELECT sensor, window_start, window_end, COUNT(*) FROM TABLE(HOP("
                + "TABLE readings, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '4' SECOND))"
                + " GROUP BY sensor, window_start, window_end")) {
            hop.put(r.getField(0) + " " + toMillis(r.getField(1)) + " " + toMillis(r.getField(2)), (Long) r.getField(3));
        }
        long more = ours.entrySet().stream().filter(e -> hop.get(e.getKey()) > e.getValue()).count();
        ours.forEach((id, n) -> assertThat(hop.get(id)).as(id).isGreaterThanOrEqualTo(n));
        System.out.printf("disorder: %d windows; HOP counted more rows in %d of them%n", ours.size(), more);
    }

    @Test
    void latenessFailsOnFlink22WhenTheQueryIsPlannedSayingWhyAndWhatToUseInstead() {
        StreamTableEnvironment tEnv = tableEnv(disordered(10));
        assertPlanningFails(tEnv, "size => '4 s', slide => '1 s', lateness => '5 s'",
                "SLIDING_AVERAGE: lateness => '5 s' cannot work on Flink 2.2.1: before Flink 2.3 (FLINK-39436)"
                        + " Flink drops every row at or behind the watermark before a process table function sees it");
    }

    @Test
    void invalidWindowArgumentsFailWhenTheQueryIsPlannedNamingTheArgumentAndTheValue() {
        StreamTableEnvironment tEnv = tableEnv(inOrder(10, 1));
        assertPlanningFails(tEnv, "size => '1 s', slide => '2 s'", "SLIDING_AVERAGE(size => '1 s', slide => '2 s'): ");
        assertPlanningFails(tEnv, "size => '10 parsecs', slide => '2 s'",
                "SLIDING_AVERAGE: size => '10 parsecs' is not a duration");
        assertPlanningFails(tEnv, "size => '10 s', slide => '2 s', window_offset => 'soon'",
                "SLIDING_AVERAGE: window_offset => 'soon' is not a duration");
        assertPlanningFails(tEnv, "size => '10 s, 1 min', slide => '2 s, 5 s, 10 s'",
                "SLIDING_AVERAGE(size => '10 s, 1 min', slide => '2 s, 5 s, 10 s'): give one slide for all 2 sizes,"
                        + " or one per size");
    }

    /** Planning alone — sqlQuery, no job — rejects the call, with the message somewhere in the cause chain. */
    private static void assertPlanningFails(StreamTableEnvironment tEnv, String arguments, String message) {
        assertThatThrownBy(() -> tEnv.sqlQuery("SELECT * FROM SLIDING_AVERAGE(input => TABLE readings PARTITION BY"
                + " sensor, on_time => DESCRIPTOR(ts), value_column => DESCRIPTOR(celsius), " + arguments
                + ", uid => 'checked')"))
                .isInstanceOf(org.apache.flink.table.api.ValidationException.class)
                .satisfies(e -> assertThat(org.apache.flink.util.ExceptionUtils.findThrowableWithMessage(e, message))
                        .as("%s", e).isPresent());
    }

    @Test
    void doublesNearTheEndsOfTheRangeAverageExactlyAndNanIsDropped() throws Exception {
        long t0 = 1_767_225_600_000L;
        List<Row> rows = List.of(Row.of("big", 1.7e308, t0 + 100), Row.of("big", 1.7e308, t0 + 200),
                Row.of("big", Double.NaN, t0 + 300), Row.of("tiny", Double.MIN_VALUE, t0 + 400),
                Row.of("tiny", Double.MIN_VALUE, t0 + 500));
        StreamTableEnvironment tEnv = tableEnv(rows);
        Map<String, Row> byWindow = new TreeMap<>();
        for (Row r : collect(tEnv, "SELECT sensor, window_start, window_end, `avg`, cnt, `sum` FROM SLIDING_AVERAGE("
                + "input => TABLE readings PARTITION BY sensor, on_time => DESCRIPTOR(ts),"
                + " value_column => DESCRIPTOR(celsius), size => '2 s', slide => '1 s', uid => 'extreme')")) {
            byWindow.put(id(r), r);
        }
        assertThat(byWindow).hasSize(4);
        byWindow.forEach((id, r) -> {
            if (id.startsWith("big")) {
                assertThat(r.getField(3)).as(id).isEqualTo(1.7e308);              // not Infinity, not NaN
                assertThat(r.getField(4)).as(id).isEqualTo(2L);                   // the NaN row is not counted
                assertThat(r.getField(5)).as(id).isEqualTo(Double.POSITIVE_INFINITY);
            } else {
                assertThat(r.getField(3)).as(id).isEqualTo(Double.MIN_VALUE);     // subnormals average exactly
                assertThat(r.getField(5)).as(id).isEqualTo(2 * Double.MIN_VALUE);
            }
        });
    }

    private static long toMillis(Object time) {
        return time instanceof Instant i ? i.toEpochMilli()
                : ((java.time.LocalDateTime) time).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
    }
}
