package io.github.flinkkafkaavg.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SLIDING_AVERAGE's state through stop-with-savepoint and a restore into a changed query: the windows emitted before
 * the savepoint plus those of the restored run are every window of the input exactly once, with exact sums — the
 * slices a key had at the savepoint carried over, none lost or counted twice. The restored query filters rows
 * before the function and results after it, which changes the plan's other operators; the function's state is found
 * by its {@code uid} argument, and the generator's by its DataStream uid, so nothing else needs to match.
 */
class SlidingAverageSavepointITCase {

    private static final long RECORDS = 20_000;
    private static final long BASE = 1_767_225_600_000L;
    private static final int KEYS = 8;
    private static final long SIZE = 1_000;
    private static final long SLIDE = 500;

    static final Queue<String> RESULTS = new ConcurrentLinkedQueue<>();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** Record i: in time order, 10 ms apart; values of mixed magnitude, where a plain double sum drifts. */
    static Row reading(long i) {
        long mix = (i * 0x9E3779B97F4A7C15L) >>> 11;
        double celsius = mix % 10 == 0 ? ((mix >>> 8) % 2_000_001 - 1_000_000) * 1e9 : ((mix >>> 8) % 20_001 - 10_000) / 100.0;
        return Row.of("s" + mix % KEYS, celsius, BASE + i * 10);
    }

    @Test
    void stateSurvivesStopWithSavepointAndARestoreIntoAChangedQuery(@TempDir Path dir) throws Exception {
        RESULTS.clear();
        Job first = job(null, RateLimiterStrategy.perSecond(2_000)); // 10 s of input
        JobClient client = first.submit("SELECT sensor, window_start, window_end, cnt, `sum`, `min`, `max`"
                + " FROM SLIDING_AVERAGE(input => TABLE readings PARTITION BY sensor, on_time => DESCRIPTOR(ts),"
                + " value_column => DESCRIPTOR(celsius), size => '1 s', slide => '500 ms', uid => 'averages')");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (RESULTS.size() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(client.getJobStatus().get()).as("still running when stopped").isEqualTo(JobStatus.RUNNING);
        String savepoint = client.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        int before = RESULTS.size();
        assertThat(before).as("windows emitted before the savepoint").isGreaterThanOrEqualTo(100)
                .isLessThan((int) (RECORDS / 50 * KEYS * 2 / 3));

        Job second = job(savepoint, RateLimiterStrategy.noOp());
        second.tables().executeSql("CREATE TEMPORARY VIEW valid_readings AS"
                + " SELECT * FROM readings WHERE celsius IS NOT NULL");
        second.submit("SELECT sensor, window_start, window_end, cnt, `sum`, `min`, `max`"
                + " FROM SLIDING_AVERAGE(input => TABLE valid_readings PARTITION BY sensor, on_time => DESCRIPTOR(ts), value_column => DESCRIPTOR(celsius),"
                + " size => '1 s', slide => '500 ms', uid => 'averages') WHERE cnt > 0")
                .getJobExecutionResult().get(120, TimeUnit.SECONDS);
        assertThat(RESULTS.size()).as("windows emitted after the restore").isGreaterThan(before);
        System.out.printf("savepoint: %d windows before it, %d after the restore%n", before, RESULTS.size() - before);

        Map<String, BigDecimal> sums = new TreeMap<>();
        Map<String, Long> counts = new HashMap<>();
        Map<String, Double> mins = new HashMap<>();
        Map<String, Double> maxs = new HashMap<>();
        for (long i = 0; i < RECORDS; i++) {
            Row r = reading(i);
            long t = (Long) r.getField(2);
            double v = (Double) r.getField(1);
            for (long start = Math.floorDiv(t, SLIDE) * SLIDE; start > t - SIZE; start -= SLIDE) {
                String id = r.getField(0) + " " + start + " " + (start + SIZE);
                sums.merge(id, new BigDecimal(v), BigDecimal::add);
                counts.merge(id, 1L, Long::sum);
                mins.merge(id, v, Math::min);
                maxs.merge(id, v, Math::max);
            }
        }
        Map<String, String> seen = new TreeMap<>();
        for (String line : RESULTS) {
            String[] f = line.split(" ");
            String id = f[0] + " " + f[1] + " " + f[2];
            assertThat(seen.put(id, line)).as("emitted once: %s", id).isNull();
            assertThat(sums).as("a window of the input: %s", id).containsKey(id);
            assertThat(Long.parseLong(f[3])).as("count %s", id).isEqualTo(counts.get(id));
            assertThat(Double.parseDouble(f[4])).as("sum %s", id).isEqualTo(sums.get(id).doubleValue());
            assertThat(Double.parseDouble(f[5])).as("min %s", id).isEqualTo(mins.get(id));
            assertThat(Double.parseDouble(f[6])).as("max %s", id).isEqualTo(maxs.get(id));
        }
        assertThat(seen.keySet()).as("every window of the input").isEqualTo(sums.keySet());
    }

    /** A job: the generated readings as table {@code readings}, the functions registered. */
    private record Job(StreamExecutionEnvironment env, StreamTableEnvironment tables) {
        JobClient submit(String query) throws Exception {
            tables.toDataStream(tables.sqlQuery(query)).sinkTo(new CollectingSink()).uid("collect");
            return env.executeAsync("SLIDING_AVERAGE savepoint");
        }
    }

    private static Job job(String savepoint, RateLimiterStrategy<?> rate) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DataGeneratorSource<Row> source = new DataGeneratorSource<>(
                (GeneratorFunction<Long, Row>) SlidingAverageSavepointITCase::reading, RECORDS, rate,
                Types.ROW_NAMED(new String[] {"sensor", "celsius", "millis"}, Types.STRING, Types.DOUBLE, Types.LONG));
        // One reader: its records are in time order, so none is behind the watermark the function sees.
        DataStream<Row> readings = env.fromSource(source, WatermarkStrategy.<Row>forMonotonousTimestamps()
                        .withTimestampAssigner((r, t) -> r.<Long>getFieldAs(2)), "readings")
                .setParallelism(1).uid("readings");
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        SlidingAverageSqlITCase.registerReadings(tEnv, readings);
        return new Job(env, tEnv);
    }

    /** Keeps each result as "key start end cnt sum min max"; stateless, so it adds nothing to the savepoint. */
    static final class CollectingSink implements Sink<Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Row> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Row r, Context context) {
                    RESULTS.add(r.getField(0) + " " + ((Instant) r.getField(1)).toEpochMilli() + " "
                            + ((Instant) r.getField(2)).toEpochMilli() + " " + r.getField(3) + " " + r.getField(4)
                            + " " + r.getField(5) + " " + r.getField(6));
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
