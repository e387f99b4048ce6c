package io.github.flinkkafkaavg.benchmarks.job;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Discards results, except that it keeps all of them when asked (the correctness check runs small inputs), and marks
 * the end of the measured interval: for windowed variants the first result of a window that only the end of input can
 * fire (its end lies beyond the last watermark the records themselves produce) — so the one-off flush of every open
 * window, which a long-running job never pays, is not counted; for the others the end of input. The MiniCluster runs
 * in this JVM, so static fields are how the job reports back.
 */
final class SampleSink implements Sink<Result> {

    private static final long serialVersionUID = 1L;
    static final Queue<Result> KEPT = new ConcurrentLinkedQueue<>();
    static final AtomicLong RESULTS = new AtomicLong();
    static final AtomicLong END_NANOS = new AtomicLong();
    static final AtomicLong FLUSH_NANOS = new AtomicLong();

    private final boolean keep;
    private final long windowMillis;
    private final long flushedEnds;

    /**
     * @param keep keep every result in {@link #KEPT}
     * @param windowMillis the window size of a windowed variant, else 0
     * @param flushedEnds windows ending after this fire only at the end of input
     */
    SampleSink(boolean keep, long windowMillis, long flushedEnds) {
        this.keep = keep;
        this.windowMillis = windowMillis;
        this.flushedEnds = flushedEnds;
    }

    static void reset() {
        KEPT.clear();
        RESULTS.set(0);
        END_NANOS.set(0);
        FLUSH_NANOS.set(0);
    }

    /** When the measured interval ended: the final flush began, or else the input ended. */
    static long endNanos() {
        return FLUSH_NANOS.get() != 0 ? FLUSH_NANOS.get() : END_NANOS.get();
    }

    @Override
    public SinkWriter<Result> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            private long results;

            @Override
            public void write(Result r, Context context) {
                results++;
                if (windowMillis > 0 && r.start + windowMillis > flushedEnds && FLUSH_NANOS.get() == 0) {
                    FLUSH_NANOS.compareAndSet(0, System.nanoTime());
                }
                if (keep) {
                    KEPT.add(r);
                }
            }

            @Override
            public void flush(boolean endOfInput) {
                if (endOfInput) {
                    END_NANOS.accumulateAndGet(System.nanoTime(), Math::max);
                }
            }

            @Override
            public void close() {
                RESULTS.addAndGet(results);
            }
        };
    }
}
