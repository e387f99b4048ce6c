package io.github.flinkkafkaavg.connectors.exactlyonce;

import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decodes readings and fails the task at chosen points of the run: when the JVM-wide count of decoded records
 * (which keeps growing across restarts, as the MiniCluster runs in this JVM) reaches one of the thresholds. Each
 * threshold is passed once, so each failure happens once, at a record the source then reads again after the
 * restore.
 */
final class FailingDecoder implements RecordDecoder<Reading> {

    private static final long serialVersionUID = 1L;
    static final AtomicLong DECODED = new AtomicLong();
    static final AtomicLong FAILURES = new AtomicLong();

    private final RecordDecoder<Reading> json = JsonSerde.of(Reading.class);
    private final Set<Long> failAt;

    FailingDecoder(Set<Long> failAt) {
        this.failAt = failAt;
    }

    static void reset() {
        DECODED.set(0);
        FAILURES.set(0);
    }

    @Override
    public void open() {
        json.open();
    }

    @Override
    public Reading decode(byte[] value) throws Exception {
        long n = DECODED.incrementAndGet();
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
