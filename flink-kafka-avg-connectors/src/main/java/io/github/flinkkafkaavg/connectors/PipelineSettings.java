package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.connectors.internal.DeadLetterSerializer;
import io.github.flinkkafkaavg.connectors.internal.SampleDeserializer;
import io.github.flinkkafkaavg.connectors.serde.KeyFunction;
import io.github.flinkkafkaavg.connectors.serde.TimestampFunction;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import io.github.flinkkafkaavg.connectors.serde.SampleExtractor;
import io.github.flinkkafkaavg.core.ValueFunction;
import io.github.flinkkafkaavg.core.WindowSpec;
import java.time.Duration;
import java.util.List;

/**
 * Everything a {@link SlidingAverage} builder was told, whatever its stage: plain fields, copied by every setter
 * ({@link #copy}) so that builders stay immutable. Checked by {@link PipelineChecks}, turned into a job by
 * {@link PipelineAssembly}.
 */
final class PipelineSettings<T> {

    /** Which averaging the builder's stage chose. */
    enum Kind { UNCHOSEN, TIME_WINDOWS, LAST_N }

    final RecordDecoder<T> decoder;
    final SampleExtractor presetExtractor;
    Kind kind = Kind.UNCHOSEN;
    KeyFunction<T> key;
    ValueFunction<T> value;
    TimestampFunction<T> eventTime;
    Duration window;
    Duration slide;
    List<WindowSpec> windows;
    int lastN;
    boolean emitOnlyWhenFull;
    Duration maxOutOfOrderness = Duration.ofSeconds(5);
    Duration allowedLateness = Duration.ZERO;
    Duration idleAfter = Duration.ofSeconds(30);
    boolean idleAfterSet;
    Duration closeWindowsWhenIdle;
    KafkaIn input;
    KafkaOut output;
    KafkaOut deadLetterOutput;
    KafkaOut lateOutput;
    DatabaseOut databaseOutput;
    boolean failOnError;
    double deadLetterFailRatio = Double.NaN;
    long deadLetterFailAfter;
    int maxValueBytes = SampleDeserializer.DEFAULT_MAX_VALUE_BYTES;
    int deadLetterMaxValueBytes = DeadLetterSerializer.DEFAULT_MAX_VALUE_BYTES;
    Duration forgetKeysAfter;
    Duration maxFutureEventTime;
    Duration maxPastEventTime;
    Duration brokerMaxTransactionTimeout = SlidingAverage.DEFAULT_BROKER_MAX_TRANSACTION_TIMEOUT;
    String name = "sliding-average";
    Duration kafkaCheckTimeout = SlidingAverage.DEFAULT_KAFKA_CHECK_TIMEOUT;

    PipelineSettings(RecordDecoder<T> decoder, SampleExtractor presetExtractor) {
        this.decoder = decoder;
        this.presetExtractor = presetExtractor;
    }

    PipelineSettings<T> copy() {
        PipelineSettings<T> c = new PipelineSettings<>(decoder, presetExtractor);
        c.kind = kind;
        c.key = key;
        c.value = value;
        c.eventTime = eventTime;
        c.window = window;
        c.slide = slide;
        c.windows = windows;
        c.lastN = lastN;
        c.emitOnlyWhenFull = emitOnlyWhenFull;
        c.maxOutOfOrderness = maxOutOfOrderness;
        c.allowedLateness = allowedLateness;
        c.idleAfter = idleAfter;
        c.idleAfterSet = idleAfterSet;
        c.closeWindowsWhenIdle = closeWindowsWhenIdle;
        c.input = input;
        c.output = output;
        c.deadLetterOutput = deadLetterOutput;
        c.lateOutput = lateOutput;
        c.databaseOutput = databaseOutput;
        c.failOnError = failOnError;
        c.deadLetterFailRatio = deadLetterFailRatio;
        c.deadLetterFailAfter = deadLetterFailAfter;
        c.maxValueBytes = maxValueBytes;
        c.deadLetterMaxValueBytes = deadLetterMaxValueBytes;
        c.forgetKeysAfter = forgetKeysAfter;
        c.maxFutureEventTime = maxFutureEventTime;
        c.maxPastEventTime = maxPastEventTime;
        c.brokerMaxTransactionTimeout = brokerMaxTransactionTimeout;
        c.name = name;
        c.kafkaCheckTimeout = kafkaCheckTimeout;
        return c;
    }

    /** The window specs of a time-windowed pipeline. */
    List<WindowSpec> specs() {
        if (windows != null) {
            return windows;
        }
        return List.of(WindowSpec.ofSizeAndSlide(window, slide == null ? window : slide));
    }

    /** The widest window, or 0 for count-based averages: how far ahead of its records a result may be emitted. */
    long widestWindowMillis() {
        return kind == Kind.LAST_N ? 0 : specs().stream().mapToLong(WindowSpec::sizeMillis).max().orElse(0);
    }
}
