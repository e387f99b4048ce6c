package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples go on; dead letters go to a side output. It also watches their share ({@link DeadLetterRatio}): exposed
 * as the gauge {@code deadLetterRatio}, logged once as an ERROR with the most common reason when at least half of
 * a task's first 100 records (or of a shorter input) were dead letters, and — when the user asked for it — failing
 * the job once the share exceeds a limit after a number of records.
 */
public final class SplitDeadLetters extends ProcessFunction<Either<DeadLetter, Sample>, Sample> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SplitDeadLetters.class);

    private final OutputTag<DeadLetter> deadLetters;
    private final String source;
    private final double failAboveRatio;
    private final long failAfterRecords;
    private transient DeadLetterRatio ratio;

    /**
     * A splitter that never fails the job.
     *
     * @param deadLetters the side output for dead letters
     * @param source what is read, for messages (e.g. the topic)
     */
    public SplitDeadLetters(OutputTag<DeadLetter> deadLetters, String source) {
        this(deadLetters, source, Double.NaN, 0);
    }

    /**
     * A splitter that fails the job when, after {@code afterRecords} records of a task, more than {@code above} of
     * them were dead letters.
     *
     * @param deadLetters the side output for dead letters
     * @param source what is read, for messages (e.g. the topic)
     * @param above the share, 0 to 1, or NaN to never fail
     * @param afterRecords how many records a task reads before it judges
     */
    public SplitDeadLetters(OutputTag<DeadLetter> deadLetters, String source, double above, long afterRecords) {
        this.deadLetters = deadLetters;
        this.source = source;
        this.failAboveRatio = above;
        this.failAfterRecords = afterRecords;
    }

    @Override
    public void open(OpenContext context) {
        ratio = new DeadLetterRatio();
        getRuntimeContext().getMetricGroup().gauge("deadLetterRatio", (Gauge<Double>) () -> ratio.ratio());
    }

    @Override
    public void processElement(Either<DeadLetter, Sample> value, Context ctx, Collector<Sample> out) {
        if (value.isRight()) {
            ratio.sample();
            out.collect(value.right());
        } else {
            ratio.deadLetter(value.left().reason);
            ctx.output(deadLetters, value.left());
        }
        String alarm = ratio.alarm(false, source);
        if (alarm != null) {
            LOG.error(alarm);
        }
        if (!Double.isNaN(failAboveRatio) && ratio.records() >= failAfterRecords && ratio.ratio() > failAboveRatio) {
            throw new IllegalStateException(ratio.describe(source) + ", more than the "
                    + String.format(java.util.Locale.ROOT, "%.1f%%", 100 * failAboveRatio)
                    + " failWhenDeadLettersExceed(...) allows: fix the input or the settings, or raise the limit");
        }
    }

    @Override
    public void close() {
        // A short bounded input that was all dead letters ends here: say so, rather than finish quietly.
        String alarm = ratio == null ? null : ratio.alarm(true, source);
        if (alarm != null) {
            LOG.error(alarm);
        }
    }
}
