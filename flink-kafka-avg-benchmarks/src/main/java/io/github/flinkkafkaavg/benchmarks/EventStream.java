package io.github.flinkkafkaavg.benchmarks;

import java.util.Random;

/**
 * A deterministic, endless stream of keyed readings for benchmarks: {@code keys} keys, {@code perSecond} records
 * per second of event time, each up to {@code jitterMillis} out of order, values from a fixed pseudo-random table
 * so that generating a record costs a few array reads and no random numbers.
 */
final class EventStream {

    private static final int TABLE = 1 << 20;

    final String[] keyNames;
    private final int[] keyOf = new int[TABLE];
    private final long[] jitterOf = new long[TABLE];
    private final double[] valueOf = new double[TABLE];
    private final long perSecond;
    private long n;

    // The current record, valid after next().
    int key;
    long timestamp;
    double value;

    EventStream(int keys, long perSecond, int jitterMillis, long seed) {
        Random random = new Random(seed);
        keyNames = new String[keys];
        for (int k = 0; k < keys; k++) {
            keyNames[k] = "sensor-" + k;
        }
        for (int i = 0; i < TABLE; i++) {
            keyOf[i] = random.nextInt(keys);
            jitterOf[i] = jitterMillis == 0 ? 0 : random.nextInt(jitterMillis);
            valueOf[i] = 15 + random.nextGaussian() * 5;
        }
        this.perSecond = perSecond;
    }

    void next() {
        int i = (int) (n & (TABLE - 1));
        key = keyOf[i];
        timestamp = 1_700_000_000_000L + n * 1_000 / perSecond - jitterOf[i];
        value = valueOf[i];
        n++;
    }

    /** The event time the stream has reached (the newest timestamp without jitter). */
    long now() {
        return 1_700_000_000_000L + n * 1_000 / perSecond;
    }

    long count() {
        return n;
    }
}
