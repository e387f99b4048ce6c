package io.github.flinkkafkaavg.connectors;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.core.WindowSpec;
import java.time.Duration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class SlidingAverageValidationTest {

    private static StreamExecutionEnvironment checkpointing(long intervalMillis) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.enableCheckpointing(intervalMillis);
        return env;
    }

    private static SlidingAverage<Reading> valid() {
        return SlidingAverage.of(Reading.class).key(Reading::sensorId).value(Reading::celsius)
                .window(Duration.ofSeconds(10)).slide(Duration.ofSeconds(2))
                .fromKafka(KafkaIn.topic("in").bootstrapServers("127.0.0.1:9"))
                .toKafka(KafkaOut.topic("out"));
    }

    @Test
    void everyMissingPieceIsNamedWithItsFixInOneMessage() {
        assertThatThrownBy(() -> SlidingAverage.of(Reading.class).build(checkpointing(1_000)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key(...) is not set: say which field to average under, e.g. .key(SensorReading::sensorId)")
                .hasMessageContaining("value(...) is not set")
                .hasMessageContaining("no window: call .window(size).slide(slide) for time-based averages, or .lastN(n)")
                .hasMessageContaining("fromKafka(...) is not set")
                .hasMessageContaining("toKafka(...) is not set");
    }

    @Test
    void slideLongerThanTheWindowIsRefusedWithBothValues() {
        assertThatThrownBy(() -> valid().window(Duration.ofSeconds(10)).slide(Duration.ofSeconds(30)).build(checkpointing(1_000)))
                .hasMessageContaining("window(PT10S)/slide(PT30S): window slide must be more than zero and at most the"
                        + " window size, which is 10000 ms, but was 30000 ms");
        assertThatThrownBy(() -> valid().window(Duration.ofSeconds(-1)).build(checkpointing(1_000)))
                .hasMessageContaining("window size must be positive, but was -1000 ms");
    }

    @Test
    void windowAndLastNAreMutuallyExclusive() {
        assertThatThrownBy(() -> valid().lastN(10).build(checkpointing(1_000)))
                .hasMessageContaining("window(...) and lastN(10) are mutually exclusive");
        assertThatThrownBy(() -> valid().windows(WindowSpec.tumbling(Duration.ofSeconds(5)),
                WindowSpec.ofSizeAndSlide(Duration.ofSeconds(5), Duration.ofSeconds(1))).build(checkpointing(1_000)))
                .hasMessageContaining("window(...) and windows(...) are mutually exclusive")
                .hasMessageContaining("two window specs have the same size 5000 ms");
    }

    @Test
    void missingBootstrapServersNameTheTopic() {
        assertThatThrownBy(() -> valid().fromKafka(KafkaIn.topic("readings")).build(checkpointing(1_000)))
                .hasMessageContaining("fromKafka: bootstrapServers is not set: KafkaIn.topic(\"readings\").bootstrapServers(\"host:9092\")");
    }

    @Test
    void exactlyOnceWithoutCheckpointingSaysHowToFixIt() {
        assertThatThrownBy(() -> valid().build(StreamExecutionEnvironment.createLocalEnvironment(1)))
                .hasMessageContaining("toKafka(out): EXACTLY_ONCE delivery commits Kafka transactions when a checkpoint"
                        + " completes, but checkpointing is off: call env.enableCheckpointing(10_000) (every 10 s)"
                        + " before build(env), or choose KafkaOut.topic(\"out\").atLeastOnce()");
    }

    @Test
    void transactionTimeoutMustFitTheBrokerAndOutlastACheckpoint() {
        assertThatThrownBy(() -> valid().toKafka(KafkaOut.topic("out").transactionTimeout(Duration.ofMinutes(20)))
                .build(checkpointing(1_000)))
                .hasMessageContaining("toKafka(out): transactionTimeout PT20M exceeds the broker's"
                        + " transaction.max.timeout.ms (PT15M)");
        assertThatThrownBy(() -> valid().toKafka(KafkaOut.topic("out").transactionTimeout(Duration.ofSeconds(30)))
                .build(checkpointing(60_000)))
                .hasMessageContaining("toKafka(out): transactionTimeout PT30S is not longer than the checkpoint"
                        + " interval (PT1M)");
        assertThatThrownBy(() -> valid().deadLetters(KafkaOut.topic("dlq").transactionTimeout(Duration.ofHours(1)))
                .build(checkpointing(1_000)))
                .hasMessageContaining("toKafka(dlq): transactionTimeout PT1H exceeds");
    }

    @Test
    void fieldPathsAlreadyDefineKeyValueAndTime() {
        SlidingAverage<Sample> untyped = SlidingAverage.ofJson(JsonSerde.fields("$.id", "$.v"));
        assertThatThrownBy(() -> untyped.key(Sample::key))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("key(...) cannot be set: the input format (JsonSerde.fields($.id, $.v)) already says"
                        + " where key, value and event time are");
    }

    @Test
    void settersReturnNewBuildersSoABaseCanBeShared() {
        SlidingAverage<Reading> base = SlidingAverage.of(Reading.class).key(Reading::sensorId).value(Reading::celsius);
        SlidingAverage<Reading> windowed = base.window(Duration.ofSeconds(10));
        assertThatThrownBy(() -> base.fromKafka(KafkaIn.topic("in").bootstrapServers("h:9"))
                .toKafka(KafkaOut.topic("out")).build(checkpointing(1_000)))
                .hasMessageContaining("no window"); // the base did not change when windowed was made
        org.assertj.core.api.Assertions.assertThat(windowed).isNotSameAs(base);
    }

    @Test
    void negativeDurationsAreRefused() {
        assertThatThrownBy(() -> valid().maxOutOfOrderness(Duration.ofSeconds(-1)).allowedLateness(Duration.ofMillis(-5))
                .build(checkpointing(1_000)))
                .hasMessageContaining("maxOutOfOrderness must be 0 or more, but was PT-1S")
                .hasMessageContaining("allowedLateness must be 0 or more, but was PT-0.005S");
    }

    @Test
    void sizeLimitsMustBePositive() {
        assertThatThrownBy(() -> valid().maxValueBytes(0).deadLetterMaxValueBytes(-1).build(checkpointing(1_000)))
                .hasMessageContaining("maxValueBytes must be positive, but was 0")
                .hasMessageContaining("deadLetterMaxValueBytes must be positive, but was -1");
    }

    @Test
    void forgetKeysAfterIsForCountBasedAveragesOnly() {
        assertThatThrownBy(() -> valid().forgetKeysAfter(Duration.ofHours(1)).build(checkpointing(1_000)))
                .hasMessageContaining("forgetKeysAfter(PT1H) applies to count-based averages (lastN)");
    }

    /** Without Kafka checks, Kafka 4's defaults stand for the topic: at most 1 hour ahead of the broker's clock. */
    @Test
    void aFutureBoundTheOutputWouldRefuseFailsTheBuildWithTheLimitAndTheFix() {
        assertThatThrownBy(() -> valid().maxFutureEventTime(Duration.ofHours(2)).skipKafkaChecks().build(checkpointing(1_000)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("SlidingAverage is not configured correctly:\n  - maxFutureEventTime(PT2H) lets through"
                        + " records whose results the output refuses: topic out refuses record timestamps more than PT1H"
                        + " ahead of the broker's clock (message.timestamp.after.max.ms, from Kafka's defaults (the topic"
                        + " was not asked: skipKafkaChecks)). Lower it to at most PT1H, or raise"
                        + " message.timestamp.after.max.ms on the topic");
        // bounded input emits its last windows at once: the window's length counts too
        assertThatThrownBy(() -> valid().maxFutureEventTime(Duration.ofMinutes(59).plusSeconds(55))
                .fromKafka(KafkaIn.topic("in").bootstrapServers("127.0.0.1:9").bounded())
                .skipKafkaChecks().build(checkpointing(1_000)))
                .hasMessageContaining(", and when the bounded input ends windows are emitted at once, with timestamps up"
                        + " to the window size (PT10S) after their records. Lower it to at most PT59M50S");
        assertThatThrownBy(() -> valid().maxFutureEventTime(Duration.ofSeconds(-1)).skipKafkaChecks()
                .build(checkpointing(1_000)))
                .hasMessageContaining("maxFutureEventTime must be 0 or more, but was PT-1S");
        valid().maxFutureEventTime(Duration.ofMinutes(59)).skipKafkaChecks().build(checkpointing(1_000));
    }

    @Test
    void aDeadLetterLimitMustBeAShareAndExcludesFailOnError() {
        assertThatThrownBy(() -> valid().failWhenDeadLettersExceed(1.5, 0).skipKafkaChecks().build(checkpointing(1_000)))
                .hasMessageContaining("failWhenDeadLettersExceed(1.5, 0): the ratio must be at least 0 and less than 1"
                        + " and the number of records at least 1, e.g. failWhenDeadLettersExceed(0.5, 1000)");
        assertThatThrownBy(() -> valid().failOnError().failWhenDeadLettersExceed(0.5, 100).skipKafkaChecks()
                .build(checkpointing(1_000)))
                .hasMessageContaining("failOnError() and failWhenDeadLettersExceed(0.5, 100) are mutually exclusive");
        valid().failWhenDeadLettersExceed(0.5, 100).skipKafkaChecks().build(checkpointing(1_000));
    }
}
