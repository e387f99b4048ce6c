package io.github.flinkkafkaavg.core.testing;

import io.github.flinkkafkaavg.core.MovingAverage;
import io.github.flinkkafkaavg.core.ValueFunction;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.datastream.MovingAverages;
import io.github.flinkkafkaavg.core.datastream.SlidingAverages;
import io.github.flinkkafkaavg.core.typeutils.MovingAverageTypeInfo;
import io.github.flinkkafkaavg.core.typeutils.WindowAverageTypeInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/**
 * Runs a configured {@link SlidingAverages} or {@link MovingAverages} on records a test hands it, in the same JVM and
 * in milliseconds: no MiniCluster, no job, no threads.
 *
 * <pre>{@code
 * try (AveragesTestDriver<Reading, String, WindowAverage<String>> driver = AveragesTestDriver.of(
 *         SlidingAverages.over(WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(5))),
 *         Reading.class, Reading::sensorId, Reading::celsius)) {
 *     driver.send(new Reading("s1", 20.0), 1_000).send(new Reading("s1", 22.0), 6_000);
 *     driver.advanceWatermarkTo(9_999);                    // closes [-5 s, 5 s) and [0 s, 10 s)
 *     driver.send(new Reading("s1", 99.0), 2_000);         // late for every open window
 *     assertThat(driver.results()).extracting(WindowAverage::average).containsExactly(20.0, 21.0);
 *     assertThat(driver.lateRecords()).hasSize(1);
 * }
 * }</pre>
 *
 * <p>It runs the very operator a job runs ({@code apply} adds the same one to a {@code KeyedStream}) inside Flink's
 * keyed operator test harness, so windows, firing, allowed lateness and re-fires, the late and invalid records and
 * the exact sums are the job's. What the test controls instead of the job: each record's timestamp (given with the
 * record, as a {@code WatermarkStrategy}'s timestamp assigner would) and the watermark ({@link #advanceWatermarkTo};
 * nothing advances it by itself). Late and invalid records are collected here whether or not the configuration routes
 * them to side outputs; in a job without those side outputs they are dropped and counted.
 *
 * <p>Needs Flink's test utilities on the test class path ({@code org.apache.flink:flink-test-utils}, as for a
 * MiniCluster test). Not thread-safe; one driver per test.
 *
 * @param <T> the record type
 * @param <K> the key type
 * @param <R> the result type: {@link WindowAverage} or {@link MovingAverage} of {@code K}
 */
@PublicEvolving
public final class AveragesTestDriver<T, K, R> implements AutoCloseable {

    private final KeyedOneInputStreamOperatorTestHarness<K, T, R> harness;
    private final OutputTag<T> lateTag;
    private final OutputTag<T> invalidTag;
    private final List<R> results = new ArrayList<>();
    private final List<T> late = new ArrayList<>();
    private final List<T> invalid = new ArrayList<>();

    private AveragesTestDriver(OneInputStreamOperator<T, R> operator, KeySelector<T, K> key, TypeInformation<K> keyType,
            TypeInformation<R> resultType, OutputTag<T> lateTag, OutputTag<T> invalidTag) {
        this.lateTag = lateTag;
        this.invalidTag = invalidTag;
        try {
            harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, key, keyType);
            harness.setup(resultType.createSerializer(new ExecutionConfig().getSerializerConfig()));
            harness.open();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the operator in Flink's test harness: " + e, e);
        }
    }

    /**
     * A driver for sliding averages, its key type found from the key function.
     *
     * @param averages the configuration, as a job would {@code apply} it
     * @param type the record class (a POJO or a record)
     * @param key the key function, as given to {@code keyBy}
     * @param value reads the value to average
     * @param <T> the record type
     * @param <K> the key type
     * @return a started driver
     * @throws IllegalArgumentException when the key type cannot be found from {@code key}: pass it with
     *     {@link #of(SlidingAverages, Class, KeySelector, TypeInformation, ValueFunction)}
     */
    public static <T, K> AveragesTestDriver<T, K, WindowAverage<K>> of(SlidingAverages averages, Class<T> type,
            KeySelector<T, K> key, ValueFunction<T> value) {
        return of(averages, type, key, keyType(key, type), value);
    }

    /**
     * A driver for sliding averages with an explicit key type.
     *
     * @param averages the configuration, as a job would {@code apply} it
     * @param type the record class (a POJO or a record)
     * @param key the key function, as given to {@code keyBy}
     * @param keyType the key type, e.g. {@code Types.STRING}
     * @param value reads the value to average
     * @param <T> the record type
     * @param <K> the key type
     * @return a started driver
     */
    public static <T, K> AveragesTestDriver<T, K, WindowAverage<K>> of(SlidingAverages averages, Class<T> type,
            KeySelector<T, K> key, TypeInformation<K> keyType, ValueFunction<T> value) {
        OutputTag<T> lateTag = new OutputTag<>("late-records", TypeInformation.of(type));
        OutputTag<T> invalidTag = new OutputTag<>("invalid-records", TypeInformation.of(type));
        OneInputStreamOperator<T, WindowAverage<K>> operator = Objects.requireNonNull(averages, "averages")
                .lateRecords(lateTag).invalidRecords(invalidTag).operator(value);
        return new AveragesTestDriver<>(operator, key, keyType, WindowAverageTypeInfo.of(keyType), lateTag, invalidTag);
    }

    /**
     * A driver for count-based moving averages, its key type found from the key function.
     *
     * @param averages the configuration, as a job would {@code apply} it
     * @param type the record class (a POJO or a record)
     * @param key the key function, as given to {@code keyBy}
     * @param value reads the value to average
     * @param <T> the record type
     * @param <K> the key type
     * @return a started driver
     * @throws IllegalArgumentException when the key type cannot be found from {@code key}: pass it with
     *     {@link #of(MovingAverages, Class, KeySelector, TypeInformation, ValueFunction)}
     */
    public static <T, K> AveragesTestDriver<T, K, MovingAverage<K>> of(MovingAverages averages, Class<T> type,
            KeySelector<T, K> key, ValueFunction<T> value) {
        return of(averages, type, key, keyType(key, type), value);
    }

    /**
     * A driver for count-based moving averages with an explicit key type.
     *
     * @param averages the configuration, as a job would {@code apply} it
     * @param type the record class (a POJO or a record)
     * @param key the key function, as given to {@code keyBy}
     * @param keyType the key type, e.g. {@code Types.STRING}
     * @param value reads the value to average
     * @param <T> the record type
     * @param <K> the key type
     * @return a started driver
     */
    public static <T, K> AveragesTestDriver<T, K, MovingAverage<K>> of(MovingAverages averages, Class<T> type,
            KeySelector<T, K> key, TypeInformation<K> keyType, ValueFunction<T> value) {
        OutputTag<T> invalidTag = new OutputTag<>("invalid-records", TypeInformation.of(type));
        OneInputStreamOperator<T, MovingAverage<K>> operator = Objects.requireNonNull(averages, "averages")
                .invalidRecords(invalidTag).operator(value);
        return new AveragesTestDriver<>(operator, key, keyType, MovingAverageTypeInfo.of(keyType), null, invalidTag);
    }

    private static <T, K> TypeInformation<K> keyType(KeySelector<T, K> key, Class<T> type) {
        try {
            return TypeExtractor.getKeySelectorTypes(Objects.requireNonNull(key, "key"), TypeInformation.of(type));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot tell the key type from the key function (" + e.getMessage()
                    + "): pass it, e.g. AveragesTestDriver.of(averages, type, key, Types.STRING, value)", e);
        }
    }

    /**
     * Hands the operator one record, as the keyed stream would.
     *
     * @param record the record
     * @param timestamp its event time in epoch milliseconds, as the job's timestamp assigner would give it
     * @return this driver
     */
    public AveragesTestDriver<T, K, R> send(T record, long timestamp) {
        try {
            harness.processElement(new StreamRecord<>(record, timestamp));
        } catch (Exception e) {
            throw new IllegalStateException("the operator failed on " + record + " at " + timestamp + ": " + e, e);
        }
        return collect();
    }

    /**
     * Moves the event-time clock: every window that ends at or before the watermark fires, and a record at or behind
     * it is late for those windows.
     *
     * @param watermark the new watermark, epoch milliseconds; a smaller one than before changes nothing, as in Flink
     * @return this driver
     */
    public AveragesTestDriver<T, K, R> advanceWatermarkTo(long watermark) {
        try {
            harness.processWatermark(watermark);
        } catch (Exception e) {
            throw new IllegalStateException("the operator failed at watermark " + watermark + ": " + e, e);
        }
        return collect();
    }

    /**
     * Ends the input as a bounded source does: the final watermark ({@code Long.MAX_VALUE}) fires every open window.
     *
     * @return this driver
     */
    public AveragesTestDriver<T, K, R> endOfInput() {
        return advanceWatermarkTo(Long.MAX_VALUE);
    }

    /**
     * Everything emitted so far, in order.
     *
     * @return the results, unmodifiable; later results are appended to what the next call returns
     */
    public List<R> results() {
        return Collections.unmodifiableList(new ArrayList<>(results));
    }

    /**
     * The records that were late for every window they belong to, in order.
     *
     * @return the late records, unmodifiable; always empty for moving averages, which have no event time
     */
    public List<T> lateRecords() {
        return Collections.unmodifiableList(new ArrayList<>(late));
    }

    /**
     * The records the operator refused: the value is NaN or infinite, the value function threw, or the event time is
     * one the configuration does not accept ({@code SlidingAverages#eventTimeLimits}).
     *
     * @return the invalid records, unmodifiable
     */
    public List<T> invalidRecords() {
        return Collections.unmodifiableList(new ArrayList<>(invalid));
    }

    /**
     * The watermark the operator last saw.
     *
     * @return epoch milliseconds, {@code Long.MIN_VALUE} before the first
     */
    public long currentWatermark() {
        return harness.getCurrentWatermark();
    }

    @Override
    public void close() {
        try {
            harness.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the test harness: " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private AveragesTestDriver<T, K, R> collect() {
        Queue<Object> output = harness.getOutput();
        for (Object o = output.poll(); o != null; o = output.poll()) {
            if (o instanceof StreamRecord<?> record) {
                results.add((R) record.getValue());
            }
        }
        drain(lateTag, late);
        drain(invalidTag, invalid);
        return this;
    }

    private void drain(OutputTag<T> tag, List<T> into) {
        if (tag == null) {
            return;
        }
        Queue<StreamRecord<T>> side = harness.getSideOutput(tag);
        if (side != null) {
            for (StreamRecord<T> r = side.poll(); r != null; r = side.poll()) {
                into.add(r.getValue());
            }
        }
    }
}
