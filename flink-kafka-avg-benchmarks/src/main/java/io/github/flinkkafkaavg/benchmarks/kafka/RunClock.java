package io.github.flinkkafkaavg.benchmarks.kafka;

import java.util.concurrent.atomic.AtomicLong;

/** How a Flink run is timed: from its first decoded record, by stamps the decoders leave every 4,096 records. */
final class RunClock {

    /**
     * When the first record of a Flink run was decoded: a run's time goes from there to the end of the job (its final
     * checkpoint and commit included), so cluster start-up, which a long-running job pays once, counts for neither.
     */
    static final AtomicLong FIRST_RECORD_NANOS = new AtomicLong();
    /** The latest {@link Clock#tick() stamp} of any decoder, and the records decoded up to each decoder's stamps. */
    static final AtomicLong LAST_STAMP_NANOS = new AtomicLong();
    static final AtomicLong STAMPED_RECORDS = new AtomicLong();
    static long recordsThisRun;

    static void reset() {
        FIRST_RECORD_NANOS.set(0);
        LAST_STAMP_NANOS.set(0);
        STAMPED_RECORDS.set(0);
    }

    static Timing timing() {
        long end = System.nanoTime();
        long first = FIRST_RECORD_NANOS.get();
        if (first == 0 || STAMPED_RECORDS.get() == 0) {
            throw new IllegalStateException("no record was decoded");
        }
        return new Timing(STAMPED_RECORDS.get() * 1e9 / (LAST_STAMP_NANOS.get() - first),
                recordsThisRun * 1e9 / (end - first));
    }

    /**
     * A decoder's clock: notes the first record of a run and, every 4,096 records, the time and the count — so the
     * last decoded record is known to within 4,096 records per decoder without a shared write per record (two
     * decoders writing one counter per record would slow both).
     */
    static final class Clock {
        private static final int STAMP_EVERY = 4_096;
        private long decoded;

        void tick() {
            if (decoded++ == 0 && FIRST_RECORD_NANOS.get() == 0) {
                FIRST_RECORD_NANOS.compareAndSet(0, System.nanoTime());
            }
            if (decoded % STAMP_EVERY == 0) {
                STAMPED_RECORDS.addAndGet(STAMP_EVERY);
                LAST_STAMP_NANOS.accumulateAndGet(System.nanoTime(), Math::max);
            }
        }
    }

    /** One run's records/s: while reading (first to last decoded record) and to the end of the job. */
    record Timing(double whileReading, double toJobEnd) {
        static Timing sameBoth(double rate) {
            return new Timing(rate, rate);
        }
    }

    private RunClock() {}
}
