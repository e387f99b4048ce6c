package io.github.flinkkafkaavg.benchmarks.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Record {@code i} of a run as the bytes a Kafka record would carry ({@code key,timestamp,value} in ASCII), the same
 * for every variant, which all {@link Decode decode} it first: its key, its event time and its value are functions of
 * {@code i} alone (a few multiplications, no allocation beyond the event), so the generator costs the same
 * everywhere and runs can be compared. {@code DataGeneratorSource} hands each subtask a contiguous range of indices;
 * the event time interleaves the ranges, so that all subtasks advance through event time together and the
 * watermark (their minimum) moves as in a real job: {@code perSecond} records per event-second in total, each up to
 * {@code jitterMillis} early.
 */
final class EventGenerator implements GeneratorFunction<Long, byte[]> {

    private static final long serialVersionUID = 1L;
    static final long BASE = 1_700_000_000_000L;

    private final long perSubtask;
    private final int parallelism;
    private final int keys;
    private final long perSecond;
    private final int jitterMillis;
    private final long steadyFrom;
    /** When the first record of the run was generated, for the throughput measurement. */
    static final java.util.concurrent.atomic.AtomicLong START_NANOS = new java.util.concurrent.atomic.AtomicLong();
    /** When every subtask had generated its first record at or past {@code steadyFrom} in event-time order. */
    static final java.util.concurrent.atomic.AtomicLong STEADY_NANOS = new java.util.concurrent.atomic.AtomicLong();
    private transient boolean started;
    private transient boolean steady;

    EventGenerator(long records, int parallelism, int keys, long perSecond, int jitterMillis) {
        this(records, parallelism, keys, perSecond, jitterMillis, Long.MAX_VALUE);
    }

    /**
     * @param steadyFrom the position in event-time order from which {@link #STEADY_NANOS} times the run
     */
    EventGenerator(long records, int parallelism, int keys, long perSecond, int jitterMillis, long steadyFrom) {
        this.steadyFrom = steadyFrom;
        this.perSubtask = Math.max(1, records / parallelism);
        this.parallelism = parallelism;
        this.keys = keys;
        this.perSecond = perSecond;
        this.jitterMillis = jitterMillis;
    }

    @Override
    public byte[] map(Long index) {
        if (!started) {
            started = true;
            START_NANOS.accumulateAndGet(System.nanoTime(), (a, b) -> a == 0 ? b : Math.min(a, b));
        }
        long i = index;
        long subtask = Math.min(parallelism - 1, i / perSubtask);
        long global = (i - subtask * perSubtask) * parallelism + subtask; // interleaved position in event time
        if (!steady && global >= steadyFrom) {
            steady = true;
            STEADY_NANOS.accumulateAndGet(System.nanoTime(), Math::max);
        }
        long mix = global * 0x9E3779B97F4A7C15L;
        long key = (mix >>> 17) % keys;
        long jitter = jitterMillis == 0 ? 0 : (mix >>> 40) % jitterMillis;
        long milli = 15_000 + (mix >>> 11) % 10_000; // the value in thousandths: 15.000 .. 24.999
        long timestamp = BASE + global * 1_000 / perSecond - jitter;
        String line = key + "," + timestamp + "," + milli / 1_000 + "." + (char) ('0' + milli / 100 % 10)
                + (char) ('0' + milli / 10 % 10) + (char) ('0' + milli % 10);
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes to {@link Event}: the "decode" step every variant pays, as a job reading Kafka would. */
    static final class Decode implements MapFunction<byte[], Event> {
        private static final long serialVersionUID = 1L;

        @Override
        public Event map(byte[] line) {
            int i = 0;
            long key = 0;
            while (line[i] != ',') {
                key = key * 10 + (line[i++] - '0');
            }
            i++;
            long timestamp = 0;
            while (line[i] != ',') {
                timestamp = timestamp * 10 + (line[i++] - '0');
            }
            i++;
            return new Event(key, timestamp, Double.parseDouble(new String(line, i, line.length - i,
                    StandardCharsets.US_ASCII)));
        }
    }
}
