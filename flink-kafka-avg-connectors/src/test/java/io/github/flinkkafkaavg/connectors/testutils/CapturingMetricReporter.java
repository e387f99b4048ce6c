package io.github.flinkkafkaavg.connectors.testutils;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps, for every metric registered in this JVM, its identifier, its scope variables
 * and — for gauges, read when the metric goes away — its last value: what a metrics backend would show. It also
 * keeps every counter, so that a test reads a finished job's counts, summed over subtasks ({@link #sum}).
 */
public final class CapturingMetricReporter implements MetricReporter, MetricReporterFactory {

    /** Every metric identifier with its scope variables, and gauges' last values. */
    public static final List<String> SEEN = new CopyOnWriteArrayList<>();
    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new CapturingMetricReporter();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        SEEN.add(group.getMetricIdentifier(name) + " " + group.getAllVariables());
        if (metric instanceof Counter counter) {
            // The identifier names the job, the operator (names have spaces) and the subtask: unique per counter.
            COUNTERS.put(group.getMetricIdentifier(name), counter);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Gauge<?> gauge) {
            try {
                SEEN.add(group.getMetricIdentifier(name) + " = " + gauge.getValue());
            } catch (RuntimeException e) {
                // a gauge of a closed component; its name was recorded when it was added
            }
        }
    }

    /**
     * The sum of every counter of this name whose identifier contains {@code scope}; counters are kept after their
     * job ends.
     *
     * @param scope e.g. a job's name, as it appears in metric identifiers
     * @param name the counter's name, e.g. {@code numDeadLetters}
     * @return the sum
     */
    public static long sum(String scope, String name) {
        return COUNTERS.entrySet().stream()
                .filter(e -> e.getKey().contains(scope) && e.getKey().endsWith("." + name))
                .mapToLong(e -> e.getValue().getCount()).sum();
    }
}
