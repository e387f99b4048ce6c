package io.github.flinkkafkaavg.benchmarks.kafka;

import io.github.flinkkafkaavg.examples.Args;
import io.github.flinkkafkaavg.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.connector.kafka.source.KafkaSource;

/**
 * The end-to-end Kafka benchmark: N JSON readings pre-loaded into a real broker (the embedded KRaft broker, a child
 * JVM on 127.0.0.1), then, on that same topic and in one run, how fast each reader gets through it:
 *
 * <ul>
 *   <li>K0: a plain {@code KafkaConsumer} poll loop, bytes only — the ceiling of any reader here;</li>
 *   <li>K1: the same loop plus Jackson binding of every record;</li>
 *   <li>F0: Flink {@code KafkaSource} → Jackson → discard, the baseline the library is held to;</li>
 *   <li>L: the library's whole job — {@code SlidingAverage} from Kafka, 60 s / 5 s windows, exactly-once
 *       {@code KafkaSink} with checkpoints every 2 s.</li>
 * </ul>
 *
 * <p>A Flink run is timed from its first decoded record, so starting a local cluster, which a long-running job pays
 * once, counts for neither; F0 and L run in alternating pairs, and their ratio is the median of the pairs' ratios.
 * Each is reported two ways: while reading — up to the last decoded record, which is what a
 * long-running job sustains (L's periodic checkpoints and commits fall inside it) — and to the end of the job, which
 * for L adds the wait for a final checkpoint and its commit (up to one checkpoint interval) that only a bounded run
 * pays.
 * Every L run's committed output is counted against the number of windows the input has (a fast job that loses
 * results loses).
 *
 * <pre>
 * scripts/kafka-benchmark                          # 4,000,000 records, p = 1 and 2, median of 5
 * scripts/kafka-benchmark --records 500000 --runs 1
 * </pre>
 */
public final class KafkaBenchmark {

    static final String HELP = String.join("\n",
            "End-to-end Kafka benchmark: K0 (consumer, bytes), K1 (consumer + Jackson), F0 (KafkaSource -> Jackson ->",
            "discard), H (the hand-written job: KafkaSource -> Jackson -> SlidingEventTimeWindows -> exactly-once",
            "KafkaSink) and L (the library's job, exactly-once to Kafka) on the same pre-loaded topic.",
            "",
            "  --variants LIST     which of K0,K1,F0,H,L (default K0,K1,F0,L); L pairs with F0, else with H",
            "  --records N         JSON records pre-loaded (default 4000000)",
            "  --partitions N      partitions of the input topic (default 2)",
            "  --keys N            distinct keys (default 1000)",
            "  --per-second N      records per second of event time (default 10000, as in the job benchmark)",
            "  --parallelism LIST  Flink parallelism (default 1,2)",
            "  --runs N            timed runs per variant; the median is reported (default 5)",
            "  --out DIR           where kafka-DATE.md and .json go (default docs/benchmarks)",
            "  --smoke             a tiny run that only proves everything still works (CI)");

    private KafkaBenchmark() {}

    /**
     * Runs the benchmark; {@code --help} lists the options.
     *
     * @param args the command line
     * @throws Exception when a run fails or the library's output is incomplete
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        if (o.containsKey("help")) {
            System.out.println(HELP);
            return;
        }
        boolean smoke = o.containsKey("smoke");
        long records = Long.parseLong(o.getOrDefault("records", smoke ? "20000" : "4000000"));
        int partitions = Integer.parseInt(o.getOrDefault("partitions", "2"));
        int keys = Integer.parseInt(o.getOrDefault("keys", smoke ? "50" : "1000"));
        Workload.perSecond = Long.parseLong(o.getOrDefault("per-second", "10000"));
        int[] parallelisms = Arrays.stream(o.getOrDefault("parallelism", smoke ? "1" : "1,2").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        int runs = Integer.parseInt(o.getOrDefault("runs", smoke ? "1" : "5"));
        List<String> variants = List.of(o.getOrDefault("variants", "K0,K1,F0,L").split(","));
        Path out = Paths.get(o.getOrDefault("out", "docs/benchmarks"));

        RunClock.recordsThisRun = records;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopic("bench-in", partitions);
            long loadStart = System.nanoTime();
            long bytes = Workload.preload(bootstrap, "bench-in", records, keys);
            long expectedWindows = Workload.expectedWindows(records, keys);
            System.out.printf(Locale.ROOT, "JVM %s, %d cores; %,d records (%,d bytes of JSON) pre-loaded into %d"
                            + " partitions in %.1f s; %d keys, %,d records per event-second: %,d windows to emit%n",
                    Runtime.version(), Runtime.getRuntime().availableProcessors(), records, bytes, partitions,
                    (System.nanoTime() - loadStart) / 1e9, keys, Workload.perSecond, expectedWindows);

            // Warm-up, untimed, so that JIT compilation and class loading do not favour whoever runs last: the
            // library's path (decode, state, transactions) is longer than a plain read and takes longer to compile.
            int warmUps = smoke ? 1 : 3;
            for (int i = 0; i < warmUps; i++) {
                Readers.consume(bootstrap, "bench-in", records, false);
                Readers.consume(bootstrap, "bench-in", records, true);
                for (int p : parallelisms) {
                    Readers.flinkDiscard(bootstrap, "bench-in", p);
                    if (variants.contains("H")) {
                        Readers.handWritten(kafka, "bench-in", p, -1);
                    }
                    Readers.library(kafka, "bench-in", p, -1);
                }
            }

            List<Report.Result> results = new ArrayList<>();
            List<String> combinerLines = new ArrayList<>();
            if (variants.contains("K0")) {
                results.add(measure("K0", 1, records, runs,
                        () -> RunClock.Timing.sameBoth(records / Readers.consume(bootstrap, "bench-in", records, false))));
            }
            if (variants.contains("K1")) {
                results.add(measure("K1", 1, records, runs,
                        () -> RunClock.Timing.sameBoth(records / Readers.consume(bootstrap, "bench-in", records, true))));
            }
            for (int p : parallelisms) {
                Run f0 = () -> Readers.flinkDiscard(bootstrap, "bench-in", p);
                Run l = () -> {
                    RunClock.Timing t = Readers.library(kafka, "bench-in", p, expectedWindows);
                    Readers.CombinerCounts c = Readers.lastCombinerCounts;
                    String line = String.format(Locale.ROOT, "L p=%d: the combiner took %,d records and sent %,d"
                            + " messages across the keyBy, %,d of them groups (%.2f records per message)", p,
                            c.recordsIn(), c.messagesOut(), c.groups(), (double) c.recordsIn() / c.messagesOut());
                    System.out.println("  " + line);
                    combinerLines.add(line);
                    return t;
                };
                Run h = () -> Readers.handWritten(kafka, "bench-in", p, expectedWindows);
                if (variants.contains("F0") && variants.contains("L")) {
                    results.addAll(measurePairs(p, records, runs, "F0", f0, l));
                } else if (variants.contains("H") && variants.contains("L")) {
                    results.addAll(measurePairs(p, records, runs, "H", h, l));
                } else if (variants.contains("H")) {
                    results.add(measure("H", p, records, runs, h));
                } else if (variants.contains("F0")) {
                    results.add(measure("F0", p, records, runs, f0));
                } else if (variants.contains("L")) {
                    results.add(measure("L", p, records, runs, l));
                }
            }
            String report = Report.report(results, records, partitions, keys, o);
            if (!combinerLines.isEmpty()) {
                report += "\nWhat L's combiner (records added up per key and slice before the keyBy) did in each timed"
                        + " run:\n\n" + combinerLines.stream().map(x -> "- " + x).collect(Collectors.joining("\n"))
                        + "\n";
            }
            System.out.println(report);
            if (!smoke) {
                Files.createDirectories(out);
                String date = LocalDate.now().toString();
                Files.writeString(out.resolve("kafka-" + date + ".md"), report);
                Files.writeString(out.resolve("kafka-" + date + ".json"), Report.json(results, records, partitions, keys));
                System.out.println("Wrote " + out.resolve("kafka-" + date + ".md") + " and .json");
            }
        }
    }

    interface Run {
        RunClock.Timing time() throws Exception;
    }

    /**
     * A baseline (F0 or H) and L alternately, the baseline first in each pair: the machine's speed drifts by more than 10 % over minutes here,
     * and a pair's two runs share whatever state it is in, so the median of the pairs' ratios is steadier than the
     * ratio of two medians taken minutes apart.
     */
    private static List<Report.Result> measurePairs(int p, long records, int runs, String base, Run baseline, Run l)
            throws Exception {
        double[][] f = new double[2][runs];
        double[][] x = new double[2][runs];
        for (int i = 0; i < runs; i++) {
            RunClock.Timing a = baseline.time();
            RunClock.Timing b = l.time();
            f[0][i] = a.whileReading();
            f[1][i] = a.toJobEnd();
            x[0][i] = b.whileReading();
            x[1][i] = b.toJobEnd();
            System.out.printf(Locale.ROOT, "  pair %d p=%d: %s %,.0f / %,.0f, L %,.0f / %,.0f records/s (while reading /"
                    + " to the job's end): L/%s %.3f / %.3f%n", i + 1, p, base, f[0][i], f[1][i], x[0][i], x[1][i],
                    base, x[0][i] / f[0][i], x[1][i] / f[1][i]);
        }
        return List.of(new Report.Result(base, p, records, f[0], f[1]), new Report.Result("L", p, records, x[0], x[1]));
    }


    private static Report.Result measure(String variant, int p, long records, int runs, Run run) throws Exception {
        double[] rates = new double[runs];
        double[] toJobEnd = new double[runs];
        for (int i = 0; i < runs; i++) {
            RunClock.Timing t = run.time();
            rates[i] = t.whileReading();
            toJobEnd[i] = t.toJobEnd();
            System.out.printf(Locale.ROOT, "  %-3s p=%d run %d: %,.0f records/s while reading, %,.0f to the job's end%n",
                    variant, p, i + 1, rates[i], toJobEnd[i]);
        }
        return new Report.Result(variant, p, records, rates, toJobEnd);
    }

    private static Map<String, String> options(String[] args) {
        return Args.parse(args, Set.of("variants", "records", "partitions", "keys", "per-second", "parallelism", "runs",
                "out"), Set.of("smoke", "help")).values();
    }
}
