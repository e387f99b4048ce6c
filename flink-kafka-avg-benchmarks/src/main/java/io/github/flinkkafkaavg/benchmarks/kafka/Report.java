package io.github.flinkkafkaavg.benchmarks.kafka;

import io.github.flinkkafkaavg.benchmarks.common.Stats;
import io.github.flinkkafkaavg.connectors.SlidingAverage;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** The benchmark's report: Markdown for docs/benchmarks.md, JSON for the record. */
final class Report {

    record Result(String variant, int parallelism, long records, double[] rates, double[] toJobEnd) {
        double median() {
            return Stats.median(rates);
        }

        double medianToJobEnd() {
            return Stats.median(toJobEnd);
        }
    }

    /** The median over runs of L's records/s divided by its baseline's (F0 or H) in the same pair (measurePairs keeps them aligned). */
    static double pairedRatio(double[] l, double[] f0) {
        double[] ratios = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            ratios[i] = l[i] / f0[i];
        }
        return Stats.median(ratios);
    }

    static String report(List<Result> results, long records, int partitions, int keys, Map<String, String> options) {
        Map<String, Double> byName = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Kafka end to end, %s: %,d JSON records in %d partitions, %d keys, %,d records"
                        + " per event-second, %d cores,"
                        + " JDK %s, Flink 2.2.1, Kafka 4.2.0 (embedded broker on the same machine); median of %d runs."
                        + " Command: `scripts/kafka-benchmark%s`%n%n", LocalDate.now(), records, partitions, keys, Workload.perSecond,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), results.get(0).rates().length,
                options.isEmpty() ? "" : " " + String.join(" ", options.entrySet().stream()
                        .map(e -> "--" + e.getKey() + (e.getValue().isEmpty() ? "" : " " + e.getValue())).toList())));
        md.append("| variant | parallelism | records/s while reading | runs | records/s to the job's end |\n"
                + "| --- | ---: | ---: | --- | ---: |\n");
        Map<String, Double> toEnd = new LinkedHashMap<>();
        for (Result r : results) {
            byName.put(r.variant() + r.parallelism(), r.median());
            toEnd.put(r.variant() + r.parallelism(), r.medianToJobEnd());
            md.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %s | %,.0f |%n", describe(r.variant()),
                    r.parallelism(), r.median(),
                    Arrays.stream(r.rates()).mapToObj(x -> String.format(Locale.ROOT, "%,.0f", x)).toList(),
                    r.medianToJobEnd()));
        }
        md.append("\n| ratio | while reading | to the job's end |\n| --- | ---: | ---: |\n");
        for (String base : List.of("F0", "H")) {
            results.stream().filter(r -> r.variant().equals("L")).forEach(r -> {
                Double b = byName.get(base + r.parallelism());
                if (b != null) {
                    md.append(String.format(Locale.ROOT, "| L / %s at p=%d, ratio of medians | %.3f | %.3f |%n", base,
                            r.parallelism(), r.median() / b, r.medianToJobEnd() / toEnd.get(base + r.parallelism())));
                    Result f = results.stream().filter(o -> o.variant().equals(base) && o.parallelism() == r.parallelism())
                            .findFirst().orElseThrow();
                    md.append(String.format(Locale.ROOT, "| **L / %s at p=%d, median of paired runs** |"
                            + " **%.3f** | **%.3f** |%n", base, r.parallelism(), pairedRatio(r.rates(), f.rates()),
                            pairedRatio(r.toJobEnd(), f.toJobEnd())));
                }
            });
        }
        results.stream().filter(r -> r.variant().equals("F0") && byName.containsKey("K11")).forEach(r -> md.append(
                String.format(Locale.ROOT, "| F0 at p=%d / K1 | %.2f | %.2f |%n", r.parallelism(),
                        r.median() / byName.get("K11"), r.medianToJobEnd() / byName.get("K11"))));
        return md.toString();
    }

    private static String describe(String variant) {
        return switch (variant) {
            case "K0" -> "K0 KafkaConsumer poll, bytes only";
            case "K1" -> "K1 KafkaConsumer poll + Jackson";
            case "F0" -> "F0 KafkaSource → Jackson → discard";
            case "H" -> "H KafkaSource → Jackson → SlidingEventTimeWindows → exactly-once KafkaSink";
            default -> "L SlidingAverage 60 s / 5 s, exactly-once KafkaSink";
        };
    }

    static String json(List<Result> results, long records, int partitions, int keys) {
        StringBuilder s = new StringBuilder("{\"date\":\"" + LocalDate.now() + "\",\"records\":" + records
                + ",\"partitions\":" + partitions + ",\"keys\":" + keys + ",\"cores\":"
                + Runtime.getRuntime().availableProcessors() + ",\"jvm\":\"" + Runtime.version() + "\",\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            s.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"variant\":\"%s\",\"parallelism\":%d,\"median\":%.0f,\"runs\":%s,\"medianToJobEnd\":%.0f,"
                    + "\"runsToJobEnd\":%s}", r.variant(), r.parallelism(), r.median(), Arrays.toString(r.rates()),
                    r.medianToJobEnd(), Arrays.toString(r.toJobEnd())));
        }
        return s.append("]}\n").toString();
    }

    private Report() {}
}
