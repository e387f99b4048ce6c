package io.github.flinkkafkaavg.testkit;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
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
 * A Flink metric reporter for tests and benchmarks on a MiniCluster or local environment in the same JVM: it keeps
 * every counter registered, so that after a job has finished a test can read what it counted — for instance that
 * {@code numRecordsRead = numDeadLetters + numRecordsAveraged + numLateRecords + numInvalidRecords} summed over
 * subtasks ({@link #sum}) — and every metric's identifier with its scope variables and, for gauges, the last value
 * read when the metric went away ({@link #SEEN}): what a metrics backend would show. Enable it in the cluster's
 * configuration with {@code metrics.reporter.capture.factory.class} set to this class's name; Flink finds the
 * factory through {@code META-INF/services}, which this JAR carries.
 */
@PublicEvolving
public final class CapturingMetricReporter implements MetricReporter, MetricReporterFactory {

    /** Every metric identifier with its scope variables, and gauges' last values. */
    public static final List<String> SEEN = new CopyOnWriteArrayList<>();
    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

    /** Creates the factory and reporter; Flink calls this, not tests. */
    public CapturingMetricReporter() {}

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
     * job ends, so that a finished job's counts can be read.
     *
     * @param scope e.g. a job's or an operator's name, as it appears in metric identifiers
     * @param name the counter's name, e.g. {@code numDeadLetters}
     * @return the sum
     */
    public static long sum(String scope, String name) {
        return COUNTERS.entrySet().stream()
                .filter(e -> e.getKey().contains(scope) && e.getKey().endsWith("." + name))
                .mapToLong(e -> e.getValue().getCount()).sum();
    }

    /**
     * Forgets every counter and identifier seen so far: for runs that repeat a job under the same name in one JVM,
     * whose counters {@link #sum} would otherwise add up across the runs (each MiniCluster's TaskManager has its own
     * identifier).
     */
    public static void clear() {
        COUNTERS.clear();
        SEEN.clear();
    }
}
