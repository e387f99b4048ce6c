package io.github.flinkkafkaavg.connectors.internal;

import io.github.flinkkafkaavg.connectors.DeadLetter;
import io.github.flinkkafkaavg.connectors.Sample;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Samples go on; dead letters go to a side output. */
public final class SplitDeadLetters extends ProcessFunction<Either<DeadLetter, Sample>, Sample> {

    private static final long serialVersionUID = 1L;
    private final OutputTag<DeadLetter> deadLetters;

    /**
     * A splitter.
     *
     * @param deadLetters the side output for dead letters
     */
    public SplitDeadLetters(OutputTag<DeadLetter> deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void processElement(Either<DeadLetter, Sample> value, Context ctx, Collector<Sample> out) {
        if (value.isRight()) {
            out.collect(value.right());
        } else {
            ctx.output(deadLetters, value.left());
        }
    }
}
