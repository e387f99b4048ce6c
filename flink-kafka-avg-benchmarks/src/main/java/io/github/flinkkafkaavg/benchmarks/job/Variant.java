package io.github.flinkkafkaavg.benchmarks.job;

import io.github.flinkkafkaavg.benchmarks.common.SumAndCount;
import io.github.flinkkafkaavg.core.datastream.MovingAverages;
import io.github.flinkkafkaavg.core.datastream.SlidingAverages;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.sql.AverageFunctions;
import java.time.Duration;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.WindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * The pipelines the job benchmark compares, each from the same generated stream to a sink that keeps a sample of the
 * results (so the variants can be checked against each other) and discards the rest.
 */
enum Variant {
    /** Generate and discard: the cost of everything that is not keyed. */
    A0("no-op pipeline", false),
    /** A keyBy and a trivial keyed operator (one ValueState counter): the ceiling for any keyed operator. */
    A0K("keyBy + trivial keyed operator", false),
    /**
     * A0K emitting one result per input record: the ceiling for a keyed operator that also emits, the baseline for
     * variants whose cost is their output (L at 100,000 keys emits ten results per input).
     */
    A0KE("keyBy + trivial keyed operator, one result per input", false),
    /** Flink's SlidingEventTimeWindows with an averaging AggregateFunction. */
    A1("Flink SlidingEventTimeWindows + AggregateFunction", true),
    /** Flink SQL's HOP window table-valued function with AVG (slicing, with local-global aggregation). */
    A2("Flink SQL HOP window TVF + AVG", true),
    /** This library's sliding average operator. */
    L("flink-kafka-avg SlidingAverages", true),
    /** This library's engine from Flink SQL: the SLIDING_AVERAGE process table function. */
    P("flink-kafka-avg SQL SLIDING_AVERAGE (PTF)", true),
    /** Flink's countWindow(w, 1) with an averaging AggregateFunction. */
    C1("Flink countWindow(w, 1) + AggregateFunction", false),
    /** A hand-written ValueState ring buffer of the last w values with a running sum. */
    C2("hand-written ValueState ring buffer", false),
    /** This library's count-based moving average. */
    LC("flink-kafka-avg MovingAverages.lastN(w)", false);

    private static final TypeInformation<double[]> DOUBLES = PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO;

    final String description;
    final boolean timeWindowed;

    Variant(String description, boolean timeWindowed) {
        this.description = description;
        this.timeWindowed = timeWindowed;
    }

    /**
     * Adds this variant's pipeline after {@code events}; its results go to {@code sink}.
     *
     * @param events the generated events, with timestamps and watermarks
     * @param window window size (time-based variants)
     * @param slide slide (time-based variants)
     * @param lastN values per average (count-based variants)
     * @param sink where the results go
     */
    void build(StreamExecutionEnvironment env, DataStream<Event> events, Duration window, Duration slide, int lastN,
            Sink<Result> sink) {
        KeyedStream<Event, Long> keyed = events.keyBy(e -> e.key, Types.LONG);
        switch (this) {
            case A0 -> events.flatMap(new Discard(), Result.TYPE).sinkTo(sink);
            case A0K -> keyed.process(new Counter(false), Result.TYPE).sinkTo(sink);
            case A0KE -> keyed.process(new Counter(true), Result.TYPE).sinkTo(sink);
            case A1 -> keyed.window(SlidingEventTimeWindows.of(window, slide))
                    .aggregate(new Average(), new TimeWindowResult(), DOUBLES, Result.TYPE).sinkTo(sink);
            case A2 -> sql(env, events, window, slide).sinkTo(sink);
            case P -> ptf(env, events, window, slide).sinkTo(sink);
            case L -> SlidingAverages.over(WindowSpec.ofSizeAndSlide(window, slide)).apply(keyed, e -> e.value)
                    .map(r -> new Result(r.key(), r.windowStart(), r.count(), r.average()), Result.TYPE).sinkTo(sink);
            case C1 -> keyed.countWindow(lastN, 1)
                    .aggregate(new Average(), new CountWindowResult(), DOUBLES, Result.TYPE).sinkTo(sink);
            case C2 -> keyed.process(new RingBuffer(lastN), Result.TYPE).sinkTo(sink);
            case LC -> MovingAverages.lastN(lastN).apply(keyed, e -> e.value)
                    .map(r -> new Result(r.key(), 0, r.count(), r.average()), Result.TYPE).sinkTo(sink);
            default -> throw new IllegalStateException(name());
        }
    }

    private static DataStream<Result> sql(StreamExecutionEnvironment env, DataStream<Event> events, Duration window,
            Duration slide) {
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        Table table = tables.fromDataStream(events, Schema.newBuilder()
                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                .watermark("rowtime", "SOURCE_WATERMARK()")
                .build());
        tables.createTemporaryView("events", table);
        Table averages = tables.sqlQuery(String.format(java.util.Locale.ROOT,
                "SELECT `key`, window_start, COUNT(*) AS c, AVG(`value`) AS a FROM TABLE(HOP(TABLE events,"
                        + " DESCRIPTOR(rowtime), INTERVAL '%.3f' SECOND(9, 3), INTERVAL '%.3f' SECOND(9, 3)))"
                        + " GROUP BY `key`, window_start, window_end",
                slide.toMillis() / 1_000.0, window.toMillis() / 1_000.0));
        return tables.toDataStream(averages).map((Row r) -> new Result((Long) r.getField(0),
                ((java.time.LocalDateTime) r.getField(1)).toInstant(java.time.ZoneOffset.UTC).toEpochMilli(),
                (Long) r.getField(2), (Double) r.getField(3)), Result.TYPE);
    }

    private static DataStream<Result> ptf(StreamExecutionEnvironment env, DataStream<Event> events, Duration window,
            Duration slide) {
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        AverageFunctions.register(tables);
        tables.createTemporaryView("events", tables.fromDataStream(events, Schema.newBuilder()
                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                .watermark("rowtime", "SOURCE_WATERMARK()")
                .build()));
        Table averages = tables.sqlQuery(String.format(java.util.Locale.ROOT,
                "SELECT `key`, window_start, cnt, `avg` FROM SLIDING_AVERAGE(input => TABLE events PARTITION BY `key`,"
                        + " on_time => DESCRIPTOR(rowtime), value_column => DESCRIPTOR(`value`),"
                        + " size => '%d ms', slide => '%d ms', uid => 'bench')",
                window.toMillis(), slide.toMillis()));
        return tables.toDataStream(averages).map((Row r) -> new Result((Long) r.getField(0),
                ((java.time.Instant) r.getField(1)).toEpochMilli(), (Long) r.getField(2), (Double) r.getField(3)),
                Result.TYPE);
    }

    /** Sum and count as a double[2]: the accumulator a hand-written Flink average uses. */
    static final class Average extends SumAndCount<Event> {
        private static final long serialVersionUID = 1L;

        @Override
        protected double value(Event e) {
            return e.value;
        }
    }

    /** Emits nothing: the end of the no-op pipeline. */
    static final class Discard implements org.apache.flink.api.common.functions.FlatMapFunction<Event, Result> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(Event e, Collector<Result> out) {}
    }

    /** A time window's sum and count as a result. */
    static final class TimeWindowResult implements WindowFunction<double[], Result, Long, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void apply(Long key, TimeWindow w, Iterable<double[]> acc, Collector<Result> out) {
            double[] a = acc.iterator().next();
            out.collect(new Result(key, w.getStart(), (long) a[1], a[0] / a[1]));
        }
    }

    /** A count window's sum and count as a result. */
    static final class CountWindowResult implements WindowFunction<double[], Result, Long, GlobalWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void apply(Long key, GlobalWindow w, Iterable<double[]> acc, Collector<Result> out) {
            double[] a = acc.iterator().next();
            out.collect(new Result(key, 0, (long) a[1], a[0] / a[1]));
        }
    }

    /**
     * Counts per key in one ValueState: the cost of keyed state access and nothing else, or that plus one result per
     * input record.
     */
    static final class Counter extends KeyedProcessFunction<Long, Event, Result> {
        private static final long serialVersionUID = 1L;
        private final boolean emit;
        private transient ValueState<Long> count;

        Counter(boolean emit) {
            this.emit = emit;
        }

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(Event e, Context ctx, Collector<Result> out) throws Exception {
            Long c = count.value();
            long n = c == null ? 1 : c + 1;
            count.update(n);
            if (emit) {
                out.collect(new Result(e.key, ctx.timestamp(), n, e.value));
            }
        }
    }

    /** The last w values of a key in a ValueState ring with a running sum: the best one can write by hand. */
    static final class RingBuffer extends KeyedProcessFunction<Long, Event, Result> {
        private static final long serialVersionUID = 1L;
        private final int size;
        private transient ValueState<double[]> ring; // [sum, count, next, values...]

        RingBuffer(int size) {
            this.size = size;
        }

        @Override
        public void open(OpenContext context) {
            ring = getRuntimeContext().getState(new ValueStateDescriptor<>("ring", DOUBLES));
        }

        @Override
        public void processElement(Event e, Context ctx, Collector<Result> out) throws Exception {
            double[] r = ring.value();
            if (r == null) {
                r = new double[3 + size];
            }
            int next = (int) r[2];
            if (r[1] == size) {
                r[0] -= r[3 + next];
            } else {
                r[1]++;
            }
            r[3 + next] = e.value;
            r[0] += e.value;
            r[2] = (next + 1) % size;
            ring.update(r);
            out.collect(new Result(e.key, 0, (long) r[1], r[0] / r[1]));
        }
    }
}
