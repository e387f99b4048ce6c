package io.github.flinkkafkaavg.benchmarks.job;


import io.github.flinkkafkaavg.benchmarks.common.Stats;
import io.github.flinkkafkaavg.examples.Args;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job-level benchmark: every {@link Variant} on the same deterministic in-memory stream, in one JVM, one after the
 * other on local Flink, after a warm-up; records/s as the median of several runs, and the ratios of the library to
 * the baselines measured in the same run. Before timing anything it checks, on a small input, that the variants
 * produce the same results (a fast library that is wrong loses). Writes a Markdown table, JSON and a PNG chart.
 *
 * <pre>
 * scripts/job-benchmarks                      # the default set: p=1, 1,000 keys, heap, W/S 10..3,600
 * scripts/job-benchmarks --keys 100000 --parallelism 2 --backend rocksdb --ratios 10,60
 * </pre>
 */
public final class JobBenchmark {

    static final String HELP = String.join("\n",
            "Job-level benchmark: A0, A0K, A1 (Flink windows), A2 (Flink SQL HOP), L (this library), P (its SQL PTF), and",
            "count-based C1 (countWindow), C2 (hand-written ring buffer), LC (MovingAverages) on one generated stream.",
            "",
            "  --variants LIST     which (default A0,A0K,A0KE,A1,A2,L,P,C1,C2,LC; A0KE: A0K emitting a result per input)",
            "  --ratios LIST       window/slide ratios for A1, A2, L, P (default 10,60,600,3600)",
            "  --slide D           the slide (default 1000ms; window = ratio x slide)",
            "  --keys LIST         key counts (default 1000)",
            "  --parallelism LIST  (default 1)",
            "  --backend LIST      heap and/or rocksdb (default heap)",
            "  --per-second N      records per event-second (default 10000)",
            "  --jitter-ms N       out-of-orderness of the stream and the watermark bound (default 500)",
            "  --last-n N          values per count-based average (default 100)",
            "  --runs N            timed runs per configuration; the median is reported (default 5)",
            "  --seconds N         target length of a timed run (default 3)",
            "  --max-seconds N     cap on one run when steady state (4 windows) would need longer (default 30)",
            "  --steady            time windowed variants only after their first window has filled and fired (every",
            "                      slide then fires a window per key and expires a slice), for --seconds; a variant",
            "                      that cannot fill one window within --max-fill-seconds is timed from the start,",
            "                      before any window fired: an upper bound of its steady rate, marked as such",
            "  --max-fill-seconds N  (default 120)",
            "  --state             also the checkpointed state per key of every variant (a savepoint once its first",
            "                      window has filled, at parallelism 1), where filling one takes < --max-fill-seconds",
            "  --conf K=V[,K=V]    Flink settings for every variant alike, e.g. RocksDB's memory options",
            "  --profile PREFIX    CPU samples of the timed part of every run (async-profiler, all threads), as",
            "                      collapsed stacks in PREFIX-<variant>-<W/S>-<n>.collapsed",
            "  --out DIR           where the .md, .json and .png go (default docs/benchmarks)",
            "  --smoke             a tiny run that only proves everything still works (CI)");

    private JobBenchmark() {}

    /** One measured configuration. */
    record Measurement(String variant, int ratio, int keys, int parallelism, String backend, long records,
            double spanWindows, double[] rates, Timed timed, long stateBytesPerKey) {
        Measurement(String variant, int ratio, int keys, int parallelism, String backend, long records,
                double spanWindows, double[] rates, Timed timed) {
            this(variant, ratio, keys, parallelism, backend, records, spanWindows, rates, timed, -1);
        }

        Measurement withState(long bytesPerKey) {
            return new Measurement(variant, ratio, keys, parallelism, backend, records, spanWindows, rates, timed,
                    bytesPerKey);
        }

        double median() {
            return Stats.median(rates);
        }
    }

    /**
     * Runs the benchmark; {@code --help} lists the options.
     *
     * @param args the command line
     * @throws Exception when a job fails or the variants disagree
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        if (o.containsKey("help")) {
            System.out.println(HELP);
            return;
        }
        boolean smoke = o.containsKey("smoke");
        List<Variant> variants = Arrays.stream(o.getOrDefault("variants", "A0,A0K,A0KE,A1,A2,L,P,C1,C2,LC").split(","))
                .map(String::trim).map(Variant::valueOf).toList();
        int[] ratios = ints(o.getOrDefault("ratios", smoke ? "10" : "10,60,600,3600"));
        int[] keyCounts = ints(o.getOrDefault("keys", smoke ? "100" : "1000"));
        int[] parallelisms = ints(o.getOrDefault("parallelism", "1"));
        String[] backends = o.getOrDefault("backend", "heap").split(",");
        Duration slide = Duration.ofMillis(Long.parseLong(o.getOrDefault("slide", "1000ms").replace("ms", "")));
        long perSecond = Long.parseLong(o.getOrDefault("per-second", "10000"));
        int jitter = Integer.parseInt(o.getOrDefault("jitter-ms", "500"));
        int lastN = Integer.parseInt(o.getOrDefault("last-n", "100"));
        int runs = Integer.parseInt(o.getOrDefault("runs", smoke ? "1" : "5"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", smoke ? "0.2" : "3"));
        double maxSeconds = Double.parseDouble(o.getOrDefault("max-seconds", smoke ? "1" : "30"));
        Path out = Paths.get(o.getOrDefault("out", "docs/benchmarks"));

        Settings base = new Settings(perSecond, jitter, slide, lastN, o.containsKey("steady"),
                Double.parseDouble(o.getOrDefault("max-fill-seconds", "120")), flinkConf(o.get("conf")),
                o.containsKey("profile") ? Paths.get(o.get("profile")).toAbsolutePath() : null);
        System.out.printf("JVM %s, %d cores; %d records/event-s, jitter %d ms, slide %s, last-n %d%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), perSecond, jitter, slide, lastN);
        checkVariantsAgree(base, variants);
        if (!smoke) {
            // The first configuration measured would otherwise run before the JIT compiled the pipeline around every
            // variant (A0K at half its speed); a few million untimed records through the keyed path fix that.
            for (int i = 0; i < 3; i++) {
                run(base.unprofiled(), Variant.A0K, base.slide(), keyCounts[0], parallelisms[0], backends[0], 3_000_000L
                        - 3_000_000L % parallelisms[0], false);
            }
        }

        List<Measurement> all = new ArrayList<>();
        for (String backend : backends) {
            for (int p : parallelisms) {
                for (int keys : keyCounts) {
                    for (Variant v : variants) {
                        for (int ratio : v.timeWindowed ? ratios : new int[] {0}) {
                            Measurement m = measure(base, v, ratio, keys, p, backend, runs, seconds, maxSeconds, smoke);
                            Duration w = slide.multipliedBy(Math.max(ratio, 1));
                            long fill = fillRecords(base, w);
                            if (o.containsKey("state") && p == parallelisms[0]
                                    && (!v.timeWindowed || fill / m.median() <= base.maxFillSeconds())) {
                                m = m.withState(stateBytesPerKey(base, v, w, keys, backend));
                                System.out.printf(Locale.ROOT, "%-4s W/S %-5s keys %-6d %s state: %,d bytes per key%n",
                                        v, ratio == 0 ? "-" : ratio, keys, backend, m.stateBytesPerKey());
                            }
                            all.add(m);
                            System.out.printf(Locale.ROOT, "%-4s W/S %-5s keys %-6d p %d %-7s %,12.0f rec/s  (%d records,"
                                    + " span %.1f windows, timed %s)%n", v, ratio == 0 ? "-" : ratio, keys, p, backend,
                                    m.median(), m.records, m.spanWindows, m.timed.label);
                        }
                    }
                }
            }
        }
        String table = Report.markdown(all, base);
        System.out.println();
        System.out.println(table);
        if (!smoke) {
            Files.createDirectories(out);
            String stem = "jobs-" + LocalDate.now();
            Files.writeString(out.resolve(stem + ".md"), table);
            Files.writeString(out.resolve(stem + ".json"), Report.json(all, base));
            Report.chart(all, out.resolve(stem + ".png"));
            System.out.println("Wrote " + out.resolve(stem + ".{md,json,png}"));
        }
    }

    /** What every run shares. */
    record Settings(long perSecond, int jitterMillis, Duration slide, int lastN, boolean steady,
            double maxFillSeconds, Map<String, String> flinkConf, Path profile) {
        /** The same settings without {@code --profile}: for runs that measure nothing, such as the warm-up. */
        Settings unprofiled() {
            return new Settings(perSecond, jitterMillis, slide, lastN, steady, maxFillSeconds, flinkConf, null);
        }
    }

    /** {@code --conf}'s {@code K=V} pairs, in order; empty without the option. */
    static Map<String, String> flinkConf(String option) {
        Map<String, String> conf = new LinkedHashMap<>();
        if (option != null) {
            for (String pair : option.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--conf takes K=V pairs separated by commas, not '" + pair
                            + "'; e.g. --conf state.backend.rocksdb.memory.partitioned-index-filters=true");
                }
                conf.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return conf;
    }

    /** Which part of a run its records/s cover. */
    enum Timed {
        /** From the first record to the final flush (or the end of input). */
        WHOLE_RUN("whole run"),
        /** From the first record after the first window filled and fired, to the final flush. */
        STEADY("after window 1"),
        /** Filling the first window would take too long: from the first record, no window fired; an upper bound. */
        BEFORE_FIRST_FIRE("before any fire (upper bound)");

        final String label;

        Timed(String label) {
            this.label = label;
        }
    }

    private static Measurement measure(Settings s, Variant v, int ratio, int keys, int p, String backend, int runs,
            double seconds, double maxSeconds, boolean smoke) throws Exception {
        Duration window = s.slide.multipliedBy(Math.max(ratio, 1));
        // Warm-up and a first estimate of the speed, small first so that slow variants do not take minutes.
        long probe = 5_000 - 5_000 % p;
        double rate = run(s, v, window, keys, p, backend, probe, false);
        if (!smoke && rate * 2 > probe) {
            probe = Math.min(1_000_000, (long) rate) / p * p;
            rate = run(s, v, window, keys, p, backend, probe, false);
        }
        long records = (long) Math.max(probe, rate * seconds);
        long fill = fillRecords(s, window);
        if (s.steady && v.timeWindowed && fill / rate <= s.maxFillSeconds) {
            // Calibrate on a tenth of a window past the fill, then time about `seconds` of steady state per run.
            long calibration = fill + Math.max(fill / 10, p);
            double steadyRate = run(s, v, window, keys, p, backend, calibration - calibration % p, fill, false);
            long tail = (long) Math.min(Math.max(fill / 10, steadyRate * seconds), steadyRate * maxSeconds);
            records = fill + tail;
            records -= records % p;
            double[] rates = new double[runs];
            for (int i = 0; i < runs; i++) {
                rates[i] = run(s, v, window, keys, p, backend, records, fill, false);
            }
            return new Measurement(v.name(), ratio, keys, p, backend, records,
                    records * 1_000.0 / s.perSecond / window.toMillis(), rates, Timed.STEADY);
        }
        Timed timed = s.steady && v.timeWindowed ? Timed.BEFORE_FIRST_FIRE : Timed.WHOLE_RUN;
        if (v.timeWindowed && !smoke) {
            // Steady state: an event-time span of several windows, so slices expire and windows fire as in a
            // long-running job (Flink SQL's slicing only pays its per-window merge when windows fire). Capped at
            // max-seconds per run; the table shows the span reached. The final flush of open windows is excluded
            // for every variant (see SampleSink).
            long steady = 4 * window.toMillis() * s.perSecond / 1_000;
            records = Math.max(records, Math.min(steady, (long) (rate * maxSeconds)));
        }
        records -= records % p;
        double[] rates = new double[runs];
        for (int i = 0; i < runs; i++) {
            rates[i] = run(s, v, window, keys, p, backend, records, false);
        }
        double span = v.timeWindowed ? records * 1_000.0 / s.perSecond / window.toMillis() : 0;
        if (timed == Timed.BEFORE_FIRST_FIRE && records > fill) {
            timed = Timed.WHOLE_RUN; // it did fill a window after all, within max-seconds
        }
        return new Measurement(v.name(), ratio, keys, p, backend, records, span, rates, timed);
    }

    /** One job; returns records per second from its first generated record to the end of input at the sink. */
    static double run(Settings s, Variant v, Duration window, int keys, int p, String backend, long records,
            boolean keep) throws Exception {
        return run(s, v, window, keys, p, backend, records, 0, keep);
    }

    /**
     * One job; with {@code steadyFrom > 0} returns the records/s of the records from that position in event-time
     * order on, timed from when every subtask reached it; else from the first record.
     */
    static double run(Settings s, Variant v, Duration window, int keys, int p, String backend, long records,
            long steadyFrom, boolean keep) throws Exception {
        // The newest event time is that of the last record; the watermark the records produce stops jitter below it.
        long lastWatermarkedEnd = EventGenerator.BASE + (records - 1) * 1_000 / s.perSecond - s.jitterMillis;
        StreamExecutionEnvironment env = pipeline(s, v, window, keys, p, backend, records, steadyFrom,
                new SampleSink(keep, v.timeWindowed ? window.toMillis() : 0, lastWatermarkedEnd), null);
        // The variants-agree check (keep) is not a timed run.
        Thread profiler = s.profile() == null || keep ? null : startProfiler(steadyFrom > 0);
        try {
            env.execute(v + " " + records);
        } finally {
            if (profiler != null) {
                profiler.interrupt();
                profiler.join();
                Path file = Paths.get(s.profile() + "-" + v + "-" + (v.timeWindowed ? window.dividedBy(s.slide()) : 0)
                        + "-" + PROFILES.incrementAndGet() + ".collapsed");
                // Stopping a profiler that never started (the job ended before its timed part) is refused: no file.
                try {
                    one.profiler.AsyncProfiler.getInstance().execute("stop,collapsed,file=" + file);
                } catch (IllegalStateException notStarted) {
                    System.out.println("no profile for " + file + ": " + notStarted.getMessage());
                }
            }
        }
        if (steadyFrom > 0) {
            return (records - steadyFrom) * 1e9 / (SampleSink.endNanos() - EventGenerator.STEADY_NANOS.get());
        }
        long nanos = SampleSink.endNanos() - EventGenerator.START_NANOS.get();
        return records * 1e9 / nanos;
    }

    /** Records up to the one whose event time lets the watermark pass the end of the first full window. */
    static long fillRecords(Settings s, Duration window) {
        return (window.toMillis() + s.jitterMillis + s.slide.toMillis()) * s.perSecond / 1_000;
    }

    /** Generator, decode, watermarks and the variant into {@code sink}, on a local environment; clocks reset. */
    private static StreamExecutionEnvironment pipeline(Settings s, Variant v, Duration window, int keys, int p,
            String backend, long records, long steadyFrom, SampleSink sink, Path checkpoints) {
        Configuration conf = new Configuration();
        if (checkpoints != null) {
            // The default JobManager storage refuses state over 5 MB, which a window of 1,000 keys exceeds.
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        }
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateBackendOptions.STATE_BACKEND, backend.equals("heap") ? "hashmap" : backend);
        conf.addAll(Configuration.fromMap(s.flinkConf()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(p, conf);
        DataStream<Event> events = events(env, new EventGenerator(records, p, keys, s.perSecond, s.jitterMillis,
                steadyFrom > 0 ? steadyFrom : Long.MAX_VALUE), records, RateLimiterStrategy.noOp(), s.jitterMillis);
        SampleSink.reset();
        EventGenerator.START_NANOS.set(0);
        EventGenerator.STEADY_NANOS.set(0);
        v.build(env, events, window, s.slide, s.lastN, sink);
        return env;
    }

    /**
     * The part every variant shares, in both benchmarks: {@code generator}'s records, decoded, with event times and a
     * bounded-out-of-orderness watermark of {@code jitterMillis}.
     */
    static DataStream<Event> events(StreamExecutionEnvironment env, EventGenerator generator, long records,
            RateLimiterStrategy rate, int jitterMillis) {
        DataGeneratorSource<byte[]> source = new DataGeneratorSource<>(generator, records, rate,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "generator")
                .map(new EventGenerator.Decode(), TypeInformation.of(Event.class)).name("decode")
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<Event>forBoundedOutOfOrderness(Duration.ofMillis(jitterMillis))
                        .withTimestampAssigner((e, ts) -> e.timestamp));
    }

    /** Profiles written, for their file names. */
    private static final AtomicInteger PROFILES = new AtomicInteger();

    /**
     * Starts async-profiler's CPU sampling when the run's timed part starts — at once, or with {@code steady} when
     * every subtask reached the steady position — so that filling the first window, which a steady rate leaves out,
     * does not swamp the profile. The returned thread ends when interrupted.
     */
    private static Thread startProfiler(boolean steady) {
        Thread starter = new Thread(() -> {
            try {
                while (steady && EventGenerator.STEADY_NANOS.get() == 0) {
                    Thread.sleep(20);
                }
                one.profiler.AsyncProfiler.getInstance().execute("start,event=cpu,interval=2ms");
            } catch (InterruptedException ended) {
                // the job ended before its timed part
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "benchmark-profiler");
        starter.setDaemon(true);
        starter.start();
        return starter;
    }

    /**
     * Checkpointed state per key in a steady state: the variant runs at parallelism 1 until its first window has
     * filled and fired, then stops with a savepoint, whose files divided by the keys are the answer — everything a
     * checkpoint of that job holds per key (window contents, timers), source and operator overhead included.
     */
    static long stateBytesPerKey(Settings s, Variant v, Duration window, int keys, String backend) throws Exception {
        long fill = v.timeWindowed ? fillRecords(s, window)
                : (long) s.lastN * keys * 2;
        Path dir = Files.createTempDirectory("job-benchmark-savepoint");
        try {
            StreamExecutionEnvironment env = pipeline(s, v, window, keys, 1, backend, fill * 50, fill,
                    new SampleSink(false, 0, Long.MAX_VALUE), dir.resolve("checkpoints"));
            JobClient job = env.executeAsync(v + " state");
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (EventGenerator.STEADY_NANOS.get() == 0) {
                if (System.nanoTime() > deadline) {
                    job.cancel().get();
                    throw new IllegalStateException(v + " did not fill a window within 10 minutes");
                }
                Thread.sleep(20);
            }
            String savepoint = job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                            SavepointFormatType.CANONICAL)
                    .get(10, TimeUnit.MINUTES);
            long bytes;
            try (Stream<Path> files = Files.walk(Paths.get(java.net.URI.create(savepoint)))) {
                bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
            return bytes / keys;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * Runs the time-based and the count-based variants on one small input and compares their complete results:
     * same windows (key, start) with the same counts and averages within 1e-9, same per-key sequences of moving
     * averages. Throws when they differ.
     */
    static void checkVariantsAgree(Settings s, List<Variant> variants) throws Exception {
        Duration window = s.slide.multipliedBy(10);
        Map<Variant, Map<String, double[]>> byVariant = new LinkedHashMap<>();
        for (Variant v : variants) {
            if (v == Variant.A0 || v == Variant.A0K || v == Variant.A0KE) {
                continue;
            }
            run(s, v, window, 50, 1, "heap", 20_000, true);
            Map<String, double[]> results = new HashMap<>();
            Map<Long, Integer> perKey = new HashMap<>();
            for (Result r : SampleSink.KEPT) {
                // count-based results are told apart by their position in the key's sequence
                String id = r.key + "@" + (v.timeWindowed ? r.start : perKey.merge(r.key, 1, Integer::sum));
                if (results.put(id, new double[] {r.count, r.average}) != null) {
                    throw new IllegalStateException(v + " emitted " + id + " twice");
                }
            }
            byVariant.put(v, results);
        }
        check(byVariant, Variant.L, List.of(Variant.A1, Variant.A2, Variant.P));
        check(byVariant, Variant.LC, List.of(Variant.C1, Variant.C2));
    }

    private static void check(Map<Variant, Map<String, double[]>> byVariant, Variant library, List<Variant> others) {
        Map<String, double[]> lib = byVariant.get(library);
        if (lib == null) {
            return;
        }
        for (Variant other : others) {
            Map<String, double[]> o = byVariant.get(other);
            if (o == null) {
                continue;
            }
            if (!o.keySet().equals(lib.keySet())) {
                throw new IllegalStateException(library + " and " + other + " emit different windows: " + lib.size()
                        + " vs " + o.size());
            }
            for (Map.Entry<String, double[]> e : lib.entrySet()) {
                double[] x = e.getValue();
                double[] y = o.get(e.getKey());
                if (x[0] != y[0] || Math.abs(x[1] - y[1]) > 1e-9 * Math.max(1, Math.abs(y[1]))) {
                    throw new IllegalStateException(library + " and " + other + " differ at " + e.getKey() + ": "
                            + Arrays.toString(x) + " vs " + Arrays.toString(y));
                }
            }
            System.out.printf("Results agree: %s and %s, %d results compared.%n", library, other, lib.size());
        }
    }

    /** The options this runner takes; anything else is refused by name. */
    static final Set<String> OPTIONS = Set.of("variants", "ratios", "keys", "parallelism", "backend", "slide",
            "per-second", "jitter-ms", "last-n", "runs", "seconds", "max-seconds", "max-fill-seconds", "conf", "profile",
            "out");
    static final Set<String> FLAGS = Set.of("help", "smoke", "steady", "state");

    private static Map<String, String> options(String[] args) {
        return Args.parse(args, OPTIONS, FLAGS).values();
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

}
