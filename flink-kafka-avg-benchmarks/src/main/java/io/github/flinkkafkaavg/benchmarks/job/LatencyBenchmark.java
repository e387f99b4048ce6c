package io.github.flinkkafkaavg.benchmarks.job;

import io.github.flinkkafkaavg.benchmarks.common.Stats;

import io.github.flinkkafkaavg.examples.Args;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Fire latency: how long after the watermark passes a window's end that window's result leaves the windowing
 * operator, for the library (L), Flink's windows (A1) and Flink SQL's {@code HOP} (A2), at a fixed input rate whose
 * event time runs with the wall clock — a live job, not a backlog. The throughput benchmark cannot show this: there
 * the watermark races ahead and every fire is a burst.
 *
 * <p>The clock starts where the watermark leaves the source's chain ({@link WatermarkClock}, before the one network
 * exchange every variant has, so that the SQL plan's local pre-aggregation is inside what is measured) and stops when
 * the result reaches the sink chained to the operator ({@link LatencySink}). Each window's result is timed from the
 * first watermark at or past its last millisecond — when Flink's timers for it are due. Windows that only the end of
 * input fires are left out, and so are those ending in the warm-up (the first window's fill, JIT compilation). One
 * JVM, parallelism 1, so static fields carry the clock from operator to sink.
 *
 * <pre>
 * scripts/latency-benchmarks --variants L,A1,A2 --keys 1000,100000 --backend heap,rocksdb
 * </pre>
 */
public final class LatencyBenchmark {

    static final String HELP = String.join("\n",
            "Fire latency of L (this library), A1 (Flink windows) and A2 (Flink SQL HOP) at a fixed rate, event time = wall clock.",
            "",
            "  --variants LIST        (default L,A1,A2)",
            "  --keys LIST            key counts (default 1000,100000)",
            "  --backend LIST         heap and/or rocksdb (default heap,rocksdb)",
            "  --ratio N              window / slide (default 10)",
            "  --slide D              the slide (default 1000ms)",
            "  --rate N               records per second, = records per event-second (default 10000)",
            "  --jitter-ms N          out-of-orderness and the watermark bound (default 200)",
            "  --seconds N            measured seconds after the warm-up (default 30)",
            "  --buffer-timeout-ms N  the network buffer timeout of every exchange (default 1; Flink's default is 100)",
            "  --out DIR              where latency-<date>.md goes (default docs/benchmarks)");

    static final Set<String> OPTIONS = Set.of("variants", "keys", "backend", "ratio", "slide", "rate", "jitter-ms",
            "seconds", "buffer-timeout-ms", "out");

    private LatencyBenchmark() {}

    /**
     * One configuration's latencies, in milliseconds, and how far the job fell behind the input's schedule.
     *
     * @param variant L, A1, A2 or P
     * @param keys how many keys
     * @param backend heap or rocksdb
     * @param results windows timed
     * @param slides distinct window ends timed
     * @param p50 the median latency
     * @param p99 the 99th percentile
     * @param max the largest
     * @param worstSlideP99 the largest p99 of the windows of one slide
     * @param lagSeconds how much longer the job took than its input's schedule; far above 0 means it did not keep up
     * @param gcMillis the JVM's garbage-collection time while the job ran (one JVM: every thread's garbage)
     * @param gcCount how many collections that was
     * @param burstMicrosPerWindow the median over slides of (last result − first result) / (windows − 1), in
     *     microseconds: what one more window adds to a slide's burst of fires, the exchange and most pauses left out
     */
    public record Latencies(String variant, int keys, String backend, long results, long slides, double p50, double p99,
            double max, double worstSlideP99, double lagSeconds, long gcMillis, long gcCount,
            double burstMicrosPerWindow) {}

    /**
     * Runs the benchmark; {@code --help} lists the options.
     *
     * @param args the command line
     * @throws Exception when a job fails
     */
    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(HELP);
            return;
        }
        measure(args);
    }

    /**
     * Runs every configuration the options name, prints and writes the table.
     *
     * @param args the options, as for {@link #main}
     * @return the latencies, one per configuration
     * @throws Exception when a job fails
     */
    public static List<Latencies> measure(String... args) throws Exception {
        Map<String, String> o = Args.parse(args, OPTIONS, Set.of()).values();
        List<Variant> variants = Arrays.stream(o.getOrDefault("variants", "L,A1,A2").split(","))
                .map(String::trim).map(Variant::valueOf).toList();
        int[] keyCounts = Arrays.stream(o.getOrDefault("keys", "1000,100000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        String[] backends = o.getOrDefault("backend", "heap,rocksdb").split(",");
        int ratio = Integer.parseInt(o.getOrDefault("ratio", "10"));
        Duration slide = Duration.ofMillis(Long.parseLong(o.getOrDefault("slide", "1000ms").replace("ms", "")));
        long rate = Long.parseLong(o.getOrDefault("rate", "10000"));
        int jitter = Integer.parseInt(o.getOrDefault("jitter-ms", "200"));
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "30"));
        long bufferTimeout = Long.parseLong(o.getOrDefault("buffer-timeout-ms", "1"));
        Path out = Paths.get(o.getOrDefault("out", "docs/benchmarks"));
        Duration window = slide.multipliedBy(ratio);

        List<Latencies> all = new ArrayList<>();
        for (String backend : backends) {
            for (int keys : keyCounts) {
                for (Variant v : variants) {
                    if (!v.timeWindowed) {
                        throw new IllegalArgumentException("--variants: " + v + " has no windows; use L, A1, A2 or P");
                    }
                    Latencies l = run(v, keys, backend.trim(), window, slide, rate, jitter, seconds, bufferTimeout);
                    all.add(l);
                    System.out.printf(Locale.ROOT, "%-3s keys %-7d %-7s p50 %8.1f ms  p99 %8.1f ms  max %8.1f ms"
                            + "  (%,d results, %d slides, worst slide p99 %.1f ms, lag %.1f s, GC %,d ms in %d,"
                            + " %.2f us per window in a burst)%n", v, keys, backend, l.p50, l.p99, l.max, l.results,
                            l.slides, l.worstSlideP99, l.lagSeconds, l.gcMillis, l.gcCount, l.burstMicrosPerWindow);
                }
            }
        }
        String table = markdown(all, window, slide, rate, jitter, seconds, bufferTimeout);
        System.out.println();
        System.out.println(table);
        Files.createDirectories(out);
        Path file = out.resolve("latency-" + LocalDate.now() + ".md");
        Files.writeString(file, table);
        System.out.println("Wrote " + file);
        return all;
    }

    private static Latencies run(Variant v, int keys, String backend, Duration window, Duration slide, long rate,
            int jitter, int seconds, long bufferTimeout) throws Exception {
        // Warm-up: the first window fills (before that, windows hold fewer values than in a steady job) and a few
        // slides more while the JIT compiles the fire path.
        long warmupMillis = window.toMillis() + 10 * slide.toMillis();
        long records = rate * (warmupMillis + seconds * 1_000L) / 1_000;
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateBackendOptions.STATE_BACKEND, backend.equals("heap") ? "hashmap" : backend);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.setBufferTimeout(bufferTimeout);
        DataStream<Event> events = JobBenchmark.events(env, new EventGenerator(records, 1, keys, rate, jitter), records,
                        RateLimiterStrategy.perSecond(rate), jitter)
                .transform("watermark-clock", TypeInformation.of(Event.class), new WatermarkClock());
        WatermarkClock.TIMES.clear();
        // Every window a key's records can open, and no more than ratio per record: room for all the latencies at
        // once, so that the sink's own arrays do not grow (and get copied by young collections) while fires are timed.
        long windowsPerKey = (warmupMillis + seconds * 1_000L + window.toMillis()) / slide.toMillis() + 1;
        long expected = Math.min(records * (window.toMillis() / slide.toMillis()), keys * windowsPerKey);
        LatencySink.reset(EventGenerator.BASE + warmupMillis, window.toMillis(), (int) Math.min(expected, 1 << 24));
        v.build(env, events, window, slide, 0, new LatencySink());
        EventGenerator.START_NANOS.set(0);
        // The previous run's garbage and the sink's arrays out of the young generation before the clock runs: a
        // collection copying them would land in some slide's fires, in whichever variant runs next.
        System.gc();
        long[] gcBefore = gc();
        env.execute(v + " latency");
        // From the first record generated (job start-up excluded) to the end, against the input's own schedule.
        double lag = (System.nanoTime() - EventGenerator.START_NANOS.get()) / 1e9 - (double) records / rate;
        long[] gcAfter = gc();
        return summarise(v.name(), keys, backend, lag, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1]);
    }

    /** Milliseconds and count of every collection so far: a pause that lands in a slide's fires is its latency. */
    private static long[] gc() {
        long millis = 0;
        long count = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, bean.getCollectionTime());
            count += Math.max(0, bean.getCollectionCount());
        }
        return new long[] {millis, count};
    }

    private static Latencies summarise(String variant, int keys, String backend, double lag, long gcMillis,
            long gcCount) {
        long[] nanos;
        long[] ends;
        int n;
        synchronized (LatencySink.class) {
            n = LatencySink.count;
            nanos = Arrays.copyOf(LatencySink.latencies, n);
            ends = Arrays.copyOf(LatencySink.ends, n);
        }
        if (n == 0) {
            throw new IllegalStateException(variant + " emitted no window after the warm-up: too few --seconds?");
        }
        // Per slide (all windows ending at one time): its own p99, so that one slow burst is not averaged away.
        Map<Long, List<Long>> bySlide = new HashMap<>();
        for (int i = 0; i < n; i++) {
            bySlide.computeIfAbsent(ends[i], e -> new ArrayList<>()).add(nanos[i]);
        }
        double worst = 0;
        // A slide's fires run back to back in one watermark's timer loop: from its first result to its last is the
        // burst, without the exchange before it; the median over slides leaves out the few a collection lands in.
        List<Double> perWindow = new ArrayList<>();
        for (List<Long> slide : bySlide.values()) {
            long[] s = slide.stream().mapToLong(Long::longValue).sorted().toArray();
            worst = Math.max(worst, percentile(s, 0.99));
            if (s.length > 1) {
                perWindow.add((s[s.length - 1] - s[0]) / 1e3 / (s.length - 1));
            }
        }
        double burst = perWindow.isEmpty() ? Double.NaN
                : Stats.median(perWindow.stream().mapToDouble(Double::doubleValue).toArray());
        Arrays.sort(nanos);
        return new Latencies(variant, keys, backend, n, bySlide.size(), percentile(nanos, 0.50),
                percentile(nanos, 0.99), nanos[n - 1] / 1e6, worst, lag, gcMillis, gcCount, burst);
    }

    /** The nearest-rank percentile of sorted nanoseconds, in milliseconds. */
    static double percentile(long[] sortedNanos, double q) {
        return Stats.percentile(sortedNanos, q) / 1e6;
    }

    private static String markdown(List<Latencies> all, Duration window, Duration slide, long rate, int jitter,
            int seconds, long bufferTimeout) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Fire latency, ms: from the watermark passing a window's end to its result"
                + " leaving the operator. Window %s, slide %s, %,d records/s (event time = wall clock), jitter %d ms,"
                + " %d s measured after one window + 10 slides, buffer timeout %d ms, p = 1; JVM %s, %d cores.%n%n",
                window, slide, rate, jitter, seconds, bufferTimeout, Runtime.version(),
                Runtime.getRuntime().availableProcessors()));
        md.append("| backend | keys | variant | results | slides | p50 | p99 | max | worst slide's p99 | lag (s) "
                + "| GC ms (collections) | µs per window in a burst | L p99 / this p99 |\n");
        md.append("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Latencies l : all) {
            String ratio = "";
            if (!l.variant.equals("L")) {
                ratio = all.stream().filter(x -> x.variant.equals("L") && x.keys == l.keys && x.backend.equals(l.backend))
                        .findFirst().map(x -> String.format(Locale.ROOT, "%.2f", x.p99 / l.p99)).orElse("");
            }
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %,d | %d | %.1f | %.1f | %.1f | %.1f | %.1f "
                    + "| %,d (%d) | %.2f | %s |%n", l.backend, l.keys, l.variant, l.results, l.slides, l.p50, l.p99,
                    l.max, l.worstSlideP99, l.lagSeconds, l.gcMillis, l.gcCount, l.burstMicrosPerWindow, ratio));
        }
        return md.toString();
    }

    /**
     * Passes events on and notes when each watermark left the source's chain, for {@link LatencySink}: the first
     * time a watermark at or past a window's last millisecond was seen is when that window became due.
     */
    static final class WatermarkClock extends AbstractStreamOperator<Event> implements OneInputStreamOperator<Event, Event> {
        private static final long serialVersionUID = 1L;
        /** Watermark → System.nanoTime() when it passed. */
        static final ConcurrentSkipListMap<Long, Long> TIMES = new ConcurrentSkipListMap<>();

        @Override
        public void processElement(StreamRecord<Event> element) {
            output.collect(element);
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            TIMES.putIfAbsent(mark.getTimestamp(), System.nanoTime());
            super.processWatermark(mark);
        }
    }

    /** Times each result against {@link WatermarkClock}; keeps the latencies of windows ending after the warm-up. */
    static final class LatencySink implements Sink<Result> {
        private static final long serialVersionUID = 1L;
        static long[] latencies = new long[1 << 16];
        static long[] ends = new long[1 << 16];
        static int count;
        private static long measuredFrom;
        private static long windowMillis;

        static synchronized void reset(long firstMeasuredEnd, long window, int expected) {
            if (latencies.length < expected) {
                latencies = new long[expected];
                ends = new long[expected];
            }
            count = 0;
            measuredFrom = firstMeasuredEnd;
            windowMillis = window;
        }

        static synchronized void add(Result r, long now) {
            long end = r.start + windowMillis;
            if (end < measuredFrom) {
                return;
            }
            Map.Entry<Long, Long> due = WatermarkClock.TIMES.ceilingEntry(end - 1);
            if (due == null || due.getKey() == Long.MAX_VALUE) {
                return; // fired by the end of input, not by a watermark the records produced
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, 2 * count);
                ends = Arrays.copyOf(ends, 2 * count);
            }
            latencies[count] = now - due.getValue();
            ends[count] = end;
            count++;
        }

        @Override
        public SinkWriter<Result> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Result r, Context context) {
                    add(r, System.nanoTime());
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
