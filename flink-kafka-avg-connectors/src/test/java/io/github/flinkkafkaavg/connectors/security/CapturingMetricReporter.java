package io.github.flinkkafkaavg.connectors.security;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps, for every metric registered in this JVM, its identifier, its scope variables
 * and — for gauges, read when the metric goes away — its last value: what a metrics backend would show.
 */
public final class CapturingMetricReporter implements MetricReporter, MetricReporterFactory {

    static final List<String> SEEN = new CopyOnWriteArrayList<>();

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
}
