package io.github.flinkkafkaavg.connectors.exactlyonce;

import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decodes readings and fails the task at chosen points of the run: when the JVM-wide count of decoded records
 * (which keeps growing across restarts, as the MiniCluster runs in this JVM) reaches one of the thresholds. Each
 * threshold is passed once, so each failure happens once, at a record the source then reads again after the
 * restore. Or, {@link #onSignal() on a signal}: reading slowly until a test {@link #ARMED arms} it, then failing
 * once at the next record, so a test can place the failure between two checkpoints it triggers itself.
 */
final class FailingDecoder implements RecordDecoder<Reading> {

    private static final long serialVersionUID = 1L;
    static final AtomicLong DECODED = new AtomicLong();
    static final AtomicLong FAILURES = new AtomicLong();
    static final AtomicBoolean ARMED = new AtomicBoolean();

    private final RecordDecoder<Reading> json = JsonSerde.of(Reading.class);
    private final Set<Long> failAt;
    private final boolean onSignal;

    FailingDecoder(Set<Long> failAt) {
        this(failAt, false);
    }

    private FailingDecoder(Set<Long> failAt, boolean onSignal) {
        this.failAt = failAt;
        this.onSignal = onSignal;
    }

    /**
     * Fails once, at the first record after {@link #ARMED} is set. Until then it reads at most ~10,000 records per
     * second per subtask, so that the input outlasts the steps a test takes before arming it.
     */
    static FailingDecoder onSignal() {
        return new FailingDecoder(Set.of(), true);
    }

    static void reset() {
        DECODED.set(0);
        FAILURES.set(0);
        ARMED.set(false);
    }

    @Override
    public void open() {
        json.open();
    }

    @Override
    public Reading decode(byte[] value) throws Exception {
        long n = DECODED.incrementAndGet();
        if (onSignal && FAILURES.get() == 0) {
            if (ARMED.get() && FAILURES.compareAndSet(0, 1)) {
                throw new InjectedFailure("injected task failure on signal at decoded record " + n);
            }
            if (n % 10 == 0) {
                Thread.sleep(1);
            }
        }
        if (failAt.contains(n)) {
            FAILURES.incrementAndGet();
            // An Error, not an Exception: exceptions in decoding become dead letters by design.
            throw new InjectedFailure("injected task failure at decoded record " + n);
        }
        return json.decode(value);
    }

    /** The failure a test injects. */
    static final class InjectedFailure extends Error {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }
}
