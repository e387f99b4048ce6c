package io.github.flinkkafkaavg.sql;

import static org.apache.flink.table.api.Expressions.$;
import static org.apache.flink.table.api.Expressions.descriptor;
import static org.apache.flink.table.api.Expressions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.datastream.SlidingAverages;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SLIDING_AVERAGE against the DataStream API's {@link SlidingAverages} on random disordered streams, on a MiniCluster,
 * the same rows and the same watermarks for both: every window with the same count, sum, min and max (the engine is
 * the same, the hosts differ: keyed state and one timer per key there, map views and a timer per window end here).
 * The watermark trails the newest row by more than the disorder, so no row is behind it — the one case in which
 * Flink 2.2 lets a process table function see the rows the DataStream operator sees. Called through the Table API
 * ({@code partitionBy(...).process(...)}), not SQL; on the heap backend and on RocksDB, which hands out copies; with
 * one horizon per call and with several ({@code size => '4000 ms, 12000 ms'} against {@code SlidingAverages.over} of
 * both specs).
 */
class SlidingAverageDifferentialITCase {

    private static final long BASE = 1_767_225_600_000L;
    private static final long DISORDER = 3_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** Watermark after each row: the newest time seen less the disorder bound, so no row is ever behind it. */
    static final class Trailing implements WatermarkGenerator<Row> {
        private long newest = Long.MIN_VALUE;

        @Override
        public void onEvent(Row row, long timestamp, WatermarkOutput output) {
            newest = Math.max(newest, timestamp);
            output.emitWatermark(new Watermark(newest - DISORDER - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            // every row emits one
        }
    }

    @ParameterizedTest
    @CsvSource({"1, hashmap, 1", "2, hashmap, 1", "3, hashmap, 1", "4, rocksdb, 1", "5, hashmap, 2", "6, rocksdb, 3"})
    void sameWindowsAsTheDataStreamApi(long seed, String backend, int horizons) throws Exception {
        Random random = new Random(seed);
        long size = 1_000L * (2 + random.nextInt(9));
        long slide = size / (1 + random.nextInt(5));
        // more horizons: longer windows with their own slides, all in one call, from one set of slices
        List<WindowSpec> specs = new ArrayList<>();
        List<String> sizes = new ArrayList<>();
        List<String> slides = new ArrayList<>();
        for (int j = 0; j < horizons; j++) {
            long jSize = size * (1 + 2L * j);
            long jSlide = slide * (1 + j);
            specs.add(WindowSpec.ofSizeAndSlide(Duration.ofMillis(jSize), Duration.ofMillis(jSlide)));
            sizes.add(jSize + " ms");
            slides.add(jSlide + " ms");
        }
        List<Row> rows = new ArrayList<>();
        long t = BASE;
        for (int i = 0; i < 3_000; i++) {
            t += random.nextInt(40);
            double value = random.nextInt(20) == 0 ? random.nextGaussian() * 1e15 : random.nextGaussian() * 100;
            rows.add(Row.of("k" + random.nextInt(6), value, t - random.nextInt((int) DISORDER)));
        }

        Map<String, String> sql = new TreeMap<>();
        StreamExecutionEnvironment env = env(backend);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        SlidingAverageSqlITCase.registerReadings(tables, source(env, rows));
        Table averages = tables.from("readings").partitionBy($("sensor")).process(SlidingAverageFunction.class,
                descriptor("ts").asArgument("on_time"), descriptor("celsius").asArgument("value_column"),
                lit(String.join(", ", sizes)).asArgument("size"), lit(String.join(", ", slides)).asArgument("slide"),
                lit("differential").asArgument("uid"));
        try (CloseableIterator<Row> it = averages.execute().collect()) {
            it.forEachRemaining(r -> sql.put(r.getField(0) + " " + ((Instant) r.getField(1)).toEpochMilli() + " "
                    + ((Instant) r.getField(2)).toEpochMilli(),
                    r.getField(4) + " " + r.getField(5) + " " + r.getField(6) + " " + r.getField(7)));
        }

        Map<String, String> dataStream = new TreeMap<>();
        StreamExecutionEnvironment env2 = env(backend);
        DataStream<WindowAverage<String>> results = SlidingAverages.over(specs.toArray(new WindowSpec[0]))
                .apply(source(env2, rows).keyBy(r -> (String) r.getField(0), Types.STRING), r -> (Double) r.getField(1));
        try (CloseableIterator<WindowAverage<String>> it = results.executeAndCollect()) {
            it.forEachRemaining(a -> dataStream.put(a.key() + " " + a.windowStart() + " " + a.windowEnd(),
                    a.count() + " " + a.sum() + " " + a.min() + " " + a.max()));
        }

        assertThat(sql).as("sizes %s, slides %s", sizes, slides).isNotEmpty().isEqualTo(dataStream);
        System.out.printf("differential seed %d, %s: sizes %s, slides %s, %d windows equal%n", seed, backend, sizes,
                slides, sql.size());
    }

    /** On the heap backend (live objects: the function relies on writing back what it changed in place) or RocksDB. */
    private static StreamExecutionEnvironment env(String backend) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    private static DataStream<Row> source(StreamExecutionEnvironment env, List<Row> rows) {
        return env.fromData(Types.ROW_NAMED(new String[] {"sensor", "celsius", "millis"}, Types.STRING, Types.DOUBLE,
                        Types.LONG), rows.toArray(new Row[0]))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Row>forGenerator(c -> new Trailing())
                        .withTimestampAssigner((r, ts) -> (Long) r.getField(2)));
    }
}
