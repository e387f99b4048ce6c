package io.github.flinkkafkaavg.core.testutils;

import org.apache.flink.api.common.functions.AggregateFunction;

/** The averaging AggregateFunction a user would write for Flink's native windows: plain double sums. */
public final class NaiveAverage implements AggregateFunction<Reading, NaiveAverage.Acc, NaiveAverage.Acc> {

    private static final long serialVersionUID = 1L;

    /** Accumulator; a public POJO so Flink serializes it without Kryo. */
    public static final class Acc {
        public long count;
        public double sum;
        public double min = Double.POSITIVE_INFINITY;
        public double max = Double.NEGATIVE_INFINITY;

        public Acc() {}
    }

    @Override
    public Acc createAccumulator() {
        return new Acc();
    }

    @Override
    public Acc add(Reading r, Acc a) {
        a.count++;
        a.sum += r.value();
        a.min = Math.min(a.min, r.value());
        a.max = Math.max(a.max, r.value());
        return a;
    }

    @Override
    public Acc getResult(Acc a) {
        return a;
    }

    @Override
    public Acc merge(Acc a, Acc b) {
        a.count += b.count;
        a.sum += b.sum;
        a.min = Math.min(a.min, b.min);
        a.max = Math.max(a.max, b.max);
        return a;
    }
}
