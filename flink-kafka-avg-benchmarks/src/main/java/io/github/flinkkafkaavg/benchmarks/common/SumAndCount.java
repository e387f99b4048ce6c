package io.github.flinkkafkaavg.benchmarks.common;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Sum and count as a {@code double[2]}: the accumulator a hand-written Flink average uses, shared by the baselines
 * that stand for one (the job benchmark's Flink windows, the end-to-end runner's hand-written job); each says only
 * where a record's value is.
 *
 * @param <T> the record type
 */
public abstract class SumAndCount<T> implements AggregateFunction<T, double[], double[]> {

    private static final long serialVersionUID = 1L;

    /**
     * The value a record adds.
     *
     * @param record the record
     * @return its value
     */
    protected abstract double value(T record);

    @Override
    public double[] createAccumulator() {
        return new double[2];
    }

    @Override
    public double[] add(T record, double[] acc) {
        acc[0] += value(record);
        acc[1]++;
        return acc;
    }

    @Override
    public double[] getResult(double[] acc) {
        return acc;
    }

    @Override
    public double[] merge(double[] a, double[] b) {
        a[0] += b[0];
        a[1] += b[1];
        return a;
    }
}
