package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.testkit.ExpectedWindows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole-job savepoint written by release 0.1 (committed under {@code src/test/resources/savepoints/job-v1}) must
 * restore with today's code — operator uids, key and result types, the engine's state — and finish with every
 * window exactly once: the results emitted before the savepoint (committed beside it) plus those of the restored
 * run equal a BigDecimal computation of the whole input. Restored at the parallelism it was taken with (2) and at 1.
 * A change that would strand users' savepoints (a renamed uid, an incompatible serializer) fails here. To add the
 * savepoint of a new format version (never overwrite an old one):
 * {@code mvn -pl flink-kafka-avg-connectors verify -Dit.test=JobSavepointCompatibilityITCase -DwriteSnapshots=true}.
 */
class JobSavepointCompatibilityITCase {

    private static final String SAVEPOINT = "savepoints/job-v1";
    private static final String EMITTED_BEFORE = "emitted-before-savepoint.jsonl";
    private static final long RECORDS = 40_000;
    private static final int KEYS = 50;
    private static final long BASE = 1_764_000_000_000L;
    private static final long WINDOW = 10_000;
    private static final long SLIDE = 2_000;

    static final Queue<String> RESULTS = new ConcurrentLinkedQueue<>();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @BeforeEach
    void clear() {
        RESULTS.clear();
    }

    @Test
    void aVersion1JobSavepointRestoresAndFinishesExactly(@TempDir Path dir) throws Exception {
        assertRestoresAndFinishes(dir, 2);
    }

    @Test
    void aVersion1JobSavepointRestoresAtAnotherParallelism(@TempDir Path dir) throws Exception {
        assertRestoresAndFinishes(dir, 1);
    }

    private static void assertRestoresAndFinishes(Path dir, int parallelism) throws Exception {
        Path committed = Paths.get(JobSavepointCompatibilityITCase.class.getClassLoader().getResource(SAVEPOINT).toURI());
        Path savepoint = dir.resolve("savepoint");
        copy(committed, savepoint);
        StreamExecutionEnvironment env = env(parallelism, savepoint.toString());
        // At parallelism 1 one reader gets both restored generator splits and reads them one after the other, in an
        // order Flink does not fix: event time may jump back by up to the input's span. A bound that covers the span
        // keeps every record on time, so the test measures the state's compatibility, not the split order.
        job(env, RateLimiterStrategy.noOp(), Duration.ofMillis(RECORDS * 10 + 1_000));
        env.execute("restore a version 1 savepoint at parallelism " + parallelism);

        List<String> all = new ArrayList<>(Files.readAllLines(committed.resolve(EMITTED_BEFORE)));
        assertThat(all).as("results committed with the savepoint").isNotEmpty();
        assertThat(RESULTS).as("results of the restored run").isNotEmpty();
        all.addAll(RESULTS);
        assertEveryWindowExactlyOnce(all);
    }

    /** Writes a new savepoint and the results emitted before it into the source tree. */
    @Test
    @EnabledIfSystemProperty(named = "writeSnapshots", matches = "true")
    void writeSavepoint(@TempDir Path dir) throws Exception {
        StreamExecutionEnvironment env = env(2, null);
        job(env, RateLimiterStrategy.perSecond(4_000), Duration.ofSeconds(1)); // 10 s of input, so the savepoint lands mid-stream
        JobClient client = env.executeAsync("write a savepoint");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (RESULTS.size() < 1_000 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        String written = client.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        Path target = Paths.get("src/test/resources", SAVEPOINT);
        assertThat(target).as("a committed savepoint is never overwritten").doesNotExist();
        copy(Paths.get(java.net.URI.create(written)), target);
        Files.write(target.resolve(EMITTED_BEFORE), new ArrayList<>(RESULTS), StandardCharsets.UTF_8);
    }

    private static StreamExecutionEnvironment env(int parallelism, String savepoint) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    /** The job of release 0.1: generated readings, the library's averaging via apply(stream), a collecting sink. */
    private static void job(StreamExecutionEnvironment env, RateLimiterStrategy<?> rate, Duration outOfOrderness) {
        DataGeneratorSource<Reading> source = new DataGeneratorSource<>(
                (GeneratorFunction<Long, Reading>) JobSavepointCompatibilityITCase::reading, RECORDS, rate,
                TypeInformation.of(Reading.class));
        DataStream<Reading> readings = env.fromSource(source,
                WatermarkStrategy.<Reading>forBoundedOutOfOrderness(outOfOrderness)
                        .withTimestampAssigner((r, ts) -> r.time().toEpochMilli()), "readings").uid("readings");
        DataStream<WindowAverage<String>> results = SlidingAverage.of(Reading.class)
                .key(Reading::sensorId).value(Reading::celsius)
                .window(Duration.ofMillis(WINDOW)).slide(Duration.ofMillis(SLIDE))
                .name("compat").apply(readings).results();
        results.sinkTo(new CollectingSink()).name("collect").uid("collect");
    }

    /** Record i of the input: disorder up to 0.8 s, inside the watermark's 1 s bound, so nothing is late. */
    static Reading reading(long i) {
        long mix = (i * 0x9E3779B97F4A7C15L) >>> 11;
        double celsius = ((mix % 2_000_001) - 1_000_000) / 1_000.0;
        return new Reading("sensor-" + (mix % KEYS), celsius, Instant.ofEpochMilli(BASE + i * 10 - (mix >>> 20) % 800));
    }

    private static void assertEveryWindowExactlyOnce(List<String> lines) {
        ExpectedWindows expected = new ExpectedWindows(WINDOW, SLIDE);
        for (long i = 0; i < RECORDS; i++) {
            Reading r = reading(i);
            expected.add(r.sensorId(), r.time().toEpochMilli(), new BigDecimal(r.celsius()));
        }
        for (String line : lines) {
            WindowAverage<String> a = WindowAverageJson.fromJson(line.getBytes(StandardCharsets.UTF_8));
            expected.observe(a.key(), a.windowStart(), a.windowEnd(), a.count(), a.average());
        }
        expected.assertExactlyOnce();
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(f -> {
                try {
                    Path t = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(f, t);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** Keeps every result in {@link #RESULTS} as its JSON; stateless, so it adds nothing to the savepoint. */
    static final class CollectingSink implements Sink<WindowAverage<String>> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<WindowAverage<String>> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(WindowAverage<String> element, Context context) {
                    RESULTS.add(new String(WindowAverageJson.toJson(element), StandardCharsets.UTF_8));
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
