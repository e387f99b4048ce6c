package io.github.flinkkafkaavg.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.datastream.SlidingAverages;
import io.github.flinkkafkaavg.core.engine.FlinkWindowModel;
import io.github.flinkkafkaavg.core.testutils.NaiveAverage;
import io.github.flinkkafkaavg.core.testutils.Reading;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same random keyed streams — disorder, late records, idle keys, gaps, watermark jumps — through this library's
 * operator and through Flink's own SlidingEventTimeWindows + AggregateFunction, on a MiniCluster at parallelism 2
 * with generic types disabled. Outputs must be the same multiset of windows, re-fires included.
 */
class SlidingAverageDifferentialITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("10s/2s", List.of(spec(10_000, 2_000, 0)), 0L, 1L, "hashmap"),
                Arguments.of("10s/2s lateness 3s offset", List.of(spec(10_000, 2_000, 700)), 3_000L, 2L, "hashmap"),
                Arguments.of("60s/1s lateness 5s", List.of(spec(60_000, 1_000, 0)), 5_000L, 3L, "hashmap"),
                Arguments.of("horizons 5s,30s,60s by 5s", List.of(spec(5_000, 5_000, 0), spec(30_000, 5_000, 0),
                        spec(60_000, 5_000, 0)), 2_000L, 4L, "hashmap"),
                // RocksDB: headers with deferred adds per record, slices loaded when a timer fires or a record re-fires
                Arguments.of("10s/2s lateness 3s offset, RocksDB", List.of(spec(10_000, 2_000, 700)), 3_000L, 2L, "rocksdb"),
                Arguments.of("60s/1s lateness 5s, RocksDB", List.of(spec(60_000, 1_000, 0)), 5_000L, 3L, "rocksdb"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void libraryEmitsWhatFlinksNativeSlidingWindowsEmit(String name, List<WindowSpec> specs, long lateness, long seed,
            String backend) throws Exception {
        List<Reading> input = randomInput(new Random(seed), 12_000, 20);

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DataStream<Reading> readings = env.fromData(input, Types.POJO(Reading.class)).setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .forGenerator(ctx -> new WatermarkAfterRecord())
                        .withTimestampAssigner((r, previous) -> r.timestamp()))
                .setParallelism(1);

        Map<Long, Integer> specBySize = new HashMap<>();
        for (int j = 0; j < specs.size(); j++) {
            specBySize.put(specs.get(j).sizeMillis(), j);
        }
        DataStream<String> library = SlidingAverages.over(specs.toArray(new WindowSpec[0]))
                .allowedLateness(Duration.ofMillis(lateness))
                .apply(readings.keyBy(Reading::key, Types.STRING), Reading::value)
                .map(r -> "L|" + r.key() + "|" + specBySize.get(r.windowEnd() - r.windowStart()) + "|" + r.windowStart()
                        + "|" + r.windowEnd() + "|" + r.count() + "|" + r.min() + "|" + r.max() + "|" + r.sum())
                .returns(Types.STRING);
        DataStream<String> all = library;
        for (int j = 0; j < specs.size(); j++) {
            WindowSpec s = specs.get(j);
            all = all.union(readings.keyBy(Reading::key, Types.STRING)
                    .window(SlidingEventTimeWindows.of(Duration.ofMillis(s.sizeMillis()),
                            Duration.ofMillis(s.slideMillis()), Duration.ofMillis(s.offsetMillis())))
                    .allowedLateness(Duration.ofMillis(lateness))
                    .aggregate(new NaiveAverage(), new Describe(j), Types.POJO(NaiveAverage.Acc.class),
                            Types.POJO(NaiveAverage.Acc.class), Types.STRING));
        }
        List<String> lines = new ArrayList<>();
        try (var it = all.executeAndCollect("differential " + name)) {
            it.forEachRemaining(lines::add);
        }

        List<String> fromLibrary = new ArrayList<>();
        List<String> fromFlink = new ArrayList<>();
        Map<String, List<Double>> librarySums = new HashMap<>();
        Map<String, List<Double>> flinkSums = new HashMap<>();
        for (String line : lines) {
            String id = line.substring(2, line.lastIndexOf('|'));
            double sum = Double.parseDouble(line.substring(line.lastIndexOf('|') + 1));
            boolean isLibrary = line.startsWith("L|");
            (isLibrary ? fromLibrary : fromFlink).add(id);
            (isLibrary ? librarySums : flinkSums).computeIfAbsent(id, k -> new ArrayList<>()).add(sum);
        }
        Collections.sort(fromLibrary);
        Collections.sort(fromFlink);
        assertThat(fromFlink).as("Flink's own windows emitted something").hasSizeGreaterThan(1_000);
        assertThat(fromLibrary).isEqualTo(fromFlink);
        flinkSums.forEach((id, sums) -> {
            List<Double> ours = librarySums.get(id);
            Collections.sort(sums);
            Collections.sort(ours);
            for (int i = 0; i < sums.size(); i++) {
                assertThat(ours.get(i)).as(id).isCloseTo(sums.get(i), org.assertj.core.data.Offset.offset(
                        1e-9 * Math.max(1, Math.abs(sums.get(i)))));
            }
        });

        // And against exact arithmetic: the same stream through a literal BigDecimal model of the window operator.
        FlinkWindowModel model = new FlinkWindowModel(specs, lateness);
        for (Reading r : input) {
            model.element(r.key(), r.timestamp(), r.value());
            if (r.watermarkAfter() != Long.MIN_VALUE) {
                model.watermark(r.watermarkAfter());
            }
        }
        model.watermark(Long.MAX_VALUE);
        Map<String, List<BigDecimal>> exact = new HashMap<>();
        for (FlinkWindowModel.Emission e : model.emitted) {
            String id = e.key() + "|" + e.spec() + "|" + e.start() + "|" + e.end() + "|" + e.count() + "|" + e.min() + "|" + e.max();
            exact.computeIfAbsent(id, k -> new ArrayList<>()).add(e.sum());
        }
        assertThat(exact.keySet()).isEqualTo(librarySums.keySet());
        exact.forEach((id, sums) -> {
            List<Double> ours = new ArrayList<>(librarySums.get(id));
            Collections.sort(sums);
            Collections.sort(ours);
            for (int i = 0; i < sums.size(); i++) {
                BigDecimal diff = new BigDecimal(ours.get(i)).subtract(sums.get(i)).abs();
                double relative = sums.get(i).signum() == 0 ? diff.doubleValue()
                        : diff.divide(sums.get(i).abs(), MathContext.DECIMAL64).doubleValue();
                assertThat(relative).as(id).isLessThanOrEqualTo(1e-12);
            }
        });
    }

    private static WindowSpec spec(long size, long slide, long offset) {
        return WindowSpec.ofSizeAndSlide(Duration.ofMillis(size), Duration.ofMillis(slide)).withOffset(Duration.ofMillis(offset));
    }

    /** Keys that go idle and come back, gaps, disorder, some records far too late, watermarks now and then. */
    private static List<Reading> randomInput(Random random, int n, int keys) {
        List<Reading> input = new ArrayList<>();
        long time = 1_764_000_000_000L;
        long maxSeen = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            time += random.nextInt(25);
            if (random.nextInt(1_000) == 0) {
                time += 90_000 + random.nextInt(60_000);
            }
            long ts = time;
            int roll = random.nextInt(100);
            if (roll < 2) {
                ts -= random.nextInt(80_000);
            } else if (roll < 12) {
                ts -= random.nextInt(6_000);
            }
            maxSeen = Math.max(maxSeen, ts);
            String key = "k" + (random.nextInt(4) == 0 ? random.nextInt(keys) : random.nextInt(3));
            double value = Math.round(random.nextGaussian() * 100_000) / 1000.0;
            long watermark = random.nextInt(10) == 0 ? maxSeen - 1_000 - random.nextInt(2_000) : Long.MIN_VALUE;
            input.add(new Reading(key, ts, value, watermark));
        }
        return input;
    }

    /** Emits the watermark a record carries right after it: deterministic, unlike periodic watermarks. */
    private static final class WatermarkAfterRecord implements WatermarkGenerator<Reading> {
        @Override
        public void onEvent(Reading event, long eventTimestamp, WatermarkOutput output) {
            if (event.watermarkAfter() != Long.MIN_VALUE) {
                output.emitWatermark(new Watermark(event.watermarkAfter()));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }

    private static final class Describe extends ProcessWindowFunction<NaiveAverage.Acc, String, String, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private final int spec;

        Describe(int spec) {
            this.spec = spec;
        }

        @Override
        public void process(String key, Context ctx, Iterable<NaiveAverage.Acc> accs, Collector<String> out) {
            NaiveAverage.Acc a = accs.iterator().next();
            out.collect("F|" + key + "|" + spec + "|" + ctx.window().getStart() + "|" + ctx.window().getEnd() + "|"
                    + a.count + "|" + a.min + "|" + a.max + "|" + a.sum);
        }
    }
}
