package io.github.flinkkafkaavg.connectors.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.connectors.serde.DeadLetter;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import io.github.flinkkafkaavg.connectors.internal.SampleDeserializer;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** A job whose records are (nearly) all dead letters says so, once, with its most common reason — or fails. */
class DeadLetterRatioTest {

    private static final String PRICE = "field \"price\" is missing; expected a number";

    @Test
    void aTypoInAFieldNameIsReportedOnceWithTheShareAndTheReason() {
        DeadLetterRatio ratio = new DeadLetterRatio();
        String alarm = null;
        for (int i = 0; i < 100; i++) {
            if (i % 50 == 0) {
                ratio.sample();
            } else {
                ratio.deadLetter(PRICE);
            }
            String now = ratio.alarm(false, "Kafka prices");
            if (i < 99) {
                assertThat(now).as("judged only after %d records", DeadLetterRatio.ALARM_AFTER).isNull();
            }
            alarm = now == null ? alarm : now;
        }
        assertThat(alarm).isEqualTo("98.0% of the 100 records read from Kafka prices could not be averaged (98 dead"
                + " letters); the most common reason, 98 times: field \"price\" is missing; expected a number. Check the"
                + " input format and the key, value and event-time settings against the records; the dead letters keep"
                + " the original bytes and this reason");
        assertThat(ratio.ratio()).isEqualTo(0.98);
        ratio.deadLetter(PRICE);
        assertThat(ratio.alarm(true, "Kafka prices")).as("once").isNull();
    }

    @Test
    void reasonsThatDifferOnlyInTheirValuesCountAsOneAndAShortInputIsJudgedAtItsEnd() {
        DeadLetterRatio ratio = new DeadLetterRatio();
        ratio.deadLetter("event time 1796404349086 (2026-12-04T17:12:29.086Z) is 1 h 59 min 56 s ahead");
        ratio.deadLetter("event time 1796404349999 (2026-12-04T17:12:29.999Z) is 2 h 0 min 1 s ahead");
        ratio.deadLetter("field \"value\" is the string \"warm\"; expected a number");
        ratio.deadLetter("field \"value\" is the string \"cold\"; expected a number");
        ratio.deadLetter("field \"value\" is the string \"hot\"; expected a number");
        ratio.sample();
        assertThat(ratio.alarm(false, "t")).as("fewer than 100 records, input not ended").isNull();
        assertThat(ratio.alarm(true, "t")).startsWith("83.3% of the 6 records read from t could not be averaged (5 dead"
                + " letters); the most common reason, 3 times: field \"value\" is the string \"warm\"; expected a number");
        DeadLetterRatio healthy = new DeadLetterRatio();
        for (int i = 0; i < 1_000; i++) {
            healthy.sample();
        }
        healthy.deadLetter(PRICE);
        assertThat(healthy.alarm(true, "t")).isNull();
    }

    @Test
    void everNewReasonsDoNotGrowItBeyondItsBound() {
        DeadLetterRatio ratio = new DeadLetterRatio();
        for (int i = 0; i < 10_000; i++) {
            String name = Integer.toString(i, 26).chars().mapToObj(c -> String.valueOf((char) (Character.isDigit(c)
                    ? 'a' + c - '0' : c + 10))).reduce("", String::concat); // letters only: digits are left out
            ratio.deadLetter("field \"" + name + "\" is missing; expected a number");
        }
        assertThat(ratio.describe("t")).contains("10,000 dead letters").contains("(other reasons)");
    }

    @Test
    void theSplitterFailsTheJobOnlyPastTheLimitTheUserSet() throws Exception {
        OutputTag<DeadLetter> tag = new OutputTag<>("dead-letters", SampleDeserializer.deadLetterType());
        try (var h = new OneInputStreamOperatorTestHarness<Either<DeadLetter, Sample>, Sample>(
                new ProcessOperator<>(new SplitDeadLetters(tag, "Kafka prices", 0.5, 10)))) {
            h.open();
            for (int i = 0; i < 9; i++) { // 5 of 9 dead: over half, but before the 10 records it waits for
                h.processElement(new StreamRecord<>(i % 2 == 0 ? Either.Left(letter()) : Either.Right(sample(i))));
            }
            h.processElement(new StreamRecord<>(Either.Right(sample(9)))); // 5 of 10: not more than half
            assertThatThrownBy(() -> h.processElement(new StreamRecord<>(Either.Left(letter()))))
                    .isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessage("54.5% of the 11 records read from Kafka prices could not be averaged (6 dead letters);"
                            + " the most common reason, 6 times: field \"price\" is missing; expected a number, more"
                            + " than the 50.0% failWhenDeadLettersExceed(...) allows: fix the input or the settings, or"
                            + " raise the limit");
            assertThat(h.getSideOutput(tag)).hasSize(6);
            assertThat(h.extractOutputValues()).hasSize(5);
        }
    }

    private static Sample sample(int i) {
        return new Sample("k", i, 2.0);
    }

    private static DeadLetter letter() {
        DeadLetter letter = new DeadLetter();
        letter.reason = PRICE;
        return letter;
    }
}
