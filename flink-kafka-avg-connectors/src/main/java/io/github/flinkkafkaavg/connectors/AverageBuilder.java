package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.connectors.serde.KeyFunction;
import io.github.flinkkafkaavg.connectors.serde.TimestampFunction;
import io.github.flinkkafkaavg.core.ValueFunction;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The settings every stage of a {@link SlidingAverage} builder has — input format, key, value, event time, Kafka
 * input and outputs, dead letters, event-time bounds, checks — each returning a new builder of the same stage, so
 * they can be given before or after the averaging is chosen. The stages are {@link SlidingAverage} (nothing chosen
 * yet), {@link SlidingAverage.Windowed} (time windows) and {@link SlidingAverage.LastN} (the last n values); only
 * the last two can build, and each has only the settings that apply to it.
 *
 * @param <T> the decoded input type
 * @param <B> the stage these setters return
 */
@PublicEvolving
public abstract sealed class AverageBuilder<T, B extends AverageBuilder<T, B>>
        permits SlidingAverage, SlidingAverage.Windowed, SlidingAverage.LastN {

    final PipelineSettings<T> settings;

    AverageBuilder(PipelineSettings<T> settings) {
        this.settings = settings;
    }

    /** The same stage over other settings: every setter changes a copy. */
    abstract B with(PipelineSettings<T> settings);

    final B change(Consumer<PipelineSettings<T>> change) {
        PipelineSettings<T> copy = settings.copy();
        change.accept(copy);
        return with(copy);
    }

    private void requireTyped(String setting) {
        if (settings.presetExtractor != null) {
            throw new IllegalStateException(setting + "(...) cannot be set: the input format ("
                    + settings.presetExtractor + ") already says where key, value and event time are");
        }
    }

    /**
     * The key to average under; records with a null key are dead letters.
     *
     * @param key e.g. {@code SensorReading::sensorId}
     * @return a new builder at the same stage
     */
    public B key(KeyFunction<T> key) {
        requireTyped("key");
        return change(c -> c.key = Objects.requireNonNull(key, "key"));
    }

    /**
     * The number to average; NaN and infinities make a record a dead letter.
     *
     * @param value e.g. {@code SensorReading::celsius}
     * @return a new builder at the same stage
     */
    public B value(ValueFunction<T> value) {
        requireTyped("value");
        return change(c -> c.value = Objects.requireNonNull(value, "value"));
    }

    /**
     * The event time in epoch milliseconds; without it, the Kafka record timestamp.
     *
     * @param eventTime e.g. {@code r -> r.time().toEpochMilli()}
     * @return a new builder at the same stage
     */
    public B eventTime(TimestampFunction<T> eventTime) {
        requireTyped("eventTime");
        return change(c -> c.eventTime = Objects.requireNonNull(eventTime, "eventTime"));
    }

    /**
     * How far behind the newest record a record may be and still count in every window; also how long after a
     * window's end its result waits. Default 5 s.
     *
     * @param bound zero or more
     * @return a new builder at the same stage
     */
    public B maxOutOfOrderness(Duration bound) {
        return change(c -> c.maxOutOfOrderness = Objects.requireNonNull(bound, "maxOutOfOrderness"));
    }

    /**
     * A partition silent this long no longer holds back event time. Default 30 s; null turns it off.
     *
     * @param idle a positive duration, or null
     * @return a new builder at the same stage
     */
    public B idleAfter(Duration idle) {
        return change(c -> {
            c.idleAfter = idle;
            c.idleAfterSet = true;
        });
    }

    /**
     * Where the records come from.
     *
     * @param input the Kafka input
     * @return a new builder at the same stage
     */
    public B fromKafka(KafkaIn input) {
        return change(c -> c.input = Objects.requireNonNull(input, "input"));
    }

    /**
     * Where the results go, as JSON keyed by the result's key
     * ({@link io.github.flinkkafkaavg.connectors.serde.WindowAverageJson}).
     *
     * @param output the Kafka output
     * @return a new builder at the same stage
     */
    public B toKafka(KafkaOut output) {
        return change(c -> c.output = Objects.requireNonNull(output, "output"));
    }

    /**
     * Where records that cannot be averaged go, byte for byte with headers naming the reason and the source.
     *
     * @param deadLetters the dead-letter output
     * @return a new builder at the same stage
     */
    public B deadLetters(KafkaOut deadLetters) {
        return change(c -> c.deadLetterOutput = Objects.requireNonNull(deadLetters, "deadLetters"));
    }

    /**
     * Strict mode: the first record that cannot be averaged fails the job (and, with restarts, fails it again).
     *
     * @return a new builder at the same stage
     */
    public B failOnError() {
        return change(c -> c.failOnError = true);
    }

    /**
     * Fails the job when, once a decoding task has read {@code afterRecords} records, more than {@code ratio} of
     * them were dead letters — for users who prefer a failed job to one that runs on while most of its input is set
     * aside (a field renamed upstream, a wrong format). Each source task judges its own records. Without it the job
     * goes on: the share is the gauge {@code deadLetterRatio}, and a task whose first 100 records (or whole, shorter
     * input) were at least half dead letters logs one ERROR with the most common reason.
     *
     * <p>CAUTION: with restarts enabled, a failed job is restarted and reads the same records again, and fails
     * again: this is a stop, to be fixed by hand.
     *
     * @param ratio the largest share of dead letters tolerated, at least 0 and less than 1
     * @param afterRecords how many records a task reads before it judges, at least 1
     * @return a new builder at the same stage
     */
    public B failWhenDeadLettersExceed(double ratio, long afterRecords) {
        return change(c -> {
            c.deadLetterFailRatio = ratio;
            c.deadLetterFailAfter = afterRecords;
        });
    }

    /**
     * The largest record value decoded; larger ones are dead letters. Default 1 MiB.
     *
     * @param bytes a positive size
     * @return a new builder at the same stage
     */
    public B maxValueBytes(int bytes) {
        return change(c -> c.maxValueBytes = bytes);
    }

    /**
     * How far ahead of the processing clock an event time may be; later records are dead letters, with the reason,
     * before they can move the watermark or reach state. A sensor whose clock runs fast, or a time in seconds or
     * microseconds read as milliseconds, would otherwise close every other key's windows early, and its results
     * would carry timestamps the output topic refuses — failing the job on every replay.
     *
     * <p>Default: as far ahead as the results topic accepts. {@code build} reads the topic's
     * {@code message.timestamp.after.max.ms} (1 hour by default on Kafka 4) and keeps a margin for clock skew of a
     * tenth of it, at most 1 minute; when the input is bounded or
     * {@link SlidingAverage.Windowed#closeWindowsWhenIdle} is set, windows are
     * also emitted early, with timestamps up to a window size after their records, so the widest window is taken off
     * too. A topic with {@code message.timestamp.type=LogAppendTime} checks nothing: then there is no default bound.
     * {@code build} fails when a value set here lets through records whose results the topic would refuse.
     *
     * @param ahead zero or more
     * @return a new builder at the same stage
     */
    public B maxFutureEventTime(Duration ahead) {
        return change(c -> c.maxFutureEventTime = Objects.requireNonNull(ahead, "maxFutureEventTime"));
    }

    /**
     * How far behind the processing clock an event time may be; older records are dead letters with the reason.
     * Default: no bound, unless the results topic refuses old timestamps ({@code message.timestamp.before.max.ms},
     * unbounded by default): then that, less the time a result may take to be emitted after its record is read
     * (the widest window, the out-of-orderness, the allowed lateness and 10 minutes, at most half of it).
     *
     * @param behind zero or more
     * @return a new builder at the same stage
     */
    public B maxPastEventTime(Duration behind) {
        return change(c -> c.maxPastEventTime = Objects.requireNonNull(behind, "maxPastEventTime"));
    }

    /**
     * The longest value a dead letter carries whole; a longer original is cut to this length and marked with the
     * headers {@code dlq.truncated} and {@code dlq.original.size}, because a record the dead-letter topic refuses
     * would fail the job on every restart. Default 900 KiB, under Kafka's default 1 MiB limits; raise it only with
     * the dead-letter topic's {@code max.message.bytes} and the producer's {@code max.request.size}
     * ({@code KafkaOut.property}).
     *
     * @param bytes a positive size
     * @return a new builder at the same stage
     */
    public B deadLetterMaxValueBytes(int bytes) {
        return change(c -> c.deadLetterMaxValueBytes = bytes);
    }

    /**
     * The broker's {@code transaction.max.timeout.ms}, if it is not the default 15 minutes; {@code build} checks
     * the output's transaction timeout against it.
     *
     * @param max the broker setting
     * @return a new builder at the same stage
     */
    public B brokerMaxTransactionTimeout(Duration max) {
        return change(c -> c.brokerMaxTransactionTimeout = Objects.requireNonNull(max, "brokerMaxTransactionTimeout"));
    }

    /**
     * The name the operators' names and uids start with; give each pipeline in a job its own. Default
     * {@code sliding-average}.
     *
     * @param name a short name
     * @return a new builder at the same stage
     */
    public B name(String name) {
        return change(c -> c.name = Objects.requireNonNull(name, "name"));
    }

    /**
     * How long {@code build} may wait for Kafka while it checks, before adding anything to the job, that the
     * servers answer, the credentials and certificates are accepted, the input topics exist with at least as many
     * partitions as the source parallelism and the output topics exist (creating those marked
     * {@code createIfMissing}). Default 30 s; each failure is one sentence naming the servers, the topic and the fix.
     *
     * @param timeout a positive duration
     * @return a new builder at the same stage
     */
    public B checkKafkaWithin(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("checkKafkaWithin needs a positive timeout, but got " + timeout
                    + ": use skipKafkaChecks() to build without contacting Kafka");
        }
        return change(c -> c.kafkaCheckTimeout = timeout);
    }

    /**
     * Builds without contacting Kafka, e.g. where the job is assembled on a machine that cannot reach the brokers.
     * CAUTION: a wrong password, a missing topic or an unreachable server then shows only once the job runs, as
     * task failures and restarts.
     *
     * @return a new builder at the same stage
     */
    public B skipKafkaChecks() {
        return change(c -> c.kafkaCheckTimeout = null);
    }
}
