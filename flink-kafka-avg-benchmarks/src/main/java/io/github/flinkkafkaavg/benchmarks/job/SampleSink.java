package io.github.flinkkafkaavg.benchmarks.job;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Discards results, except that it keeps all of them when asked (the correctness check runs small inputs) and
 * records when the last subtask saw its end of input: the end of the measured interval. The MiniCluster runs in this
 * JVM, so static fields are how the job reports back.
 */
final class SampleSink implements Sink<Result> {

    private static final long serialVersionUID = 1L;
    static final Queue<Result> KEPT = new ConcurrentLinkedQueue<>();
    static final AtomicLong RESULTS = new AtomicLong();
    static final AtomicLong END_NANOS = new AtomicLong();

    private final boolean keep;

    SampleSink(boolean keep) {
        this.keep = keep;
    }

    static void reset() {
        KEPT.clear();
        RESULTS.set(0);
        END_NANOS.set(0);
    }

    @Override
    public SinkWriter<Result> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            private long results;

            @Override
            public void write(Result r, Context context) {
                results++;
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
