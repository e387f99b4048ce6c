package io.github.flinkkafkaavg.connectors.testutils;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps every counter registered in this JVM, so that a test reads a job's counters
 * after it finished — summed over subtasks and operators by name, as a metrics backend would add them up.
 */
public final class CountingMetricReporter implements MetricReporter, MetricReporterFactory {

    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new CountingMetricReporter();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter counter) {
            // The identifier names the job, the operator (names have spaces) and the subtask: unique per counter.
            COUNTERS.put(group.getMetricIdentifier(name), counter);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // kept: the test reads the final counts after the job is gone
    }

    /**
     * The sum of every counter of this name whose identifier contains {@code scope}.
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
