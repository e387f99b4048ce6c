package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.connectors.serde.Sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.Reading;
import io.github.flinkkafkaavg.core.WindowSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

class SlidingAverageValidationTest {

    private static StreamExecutionEnvironment checkpointing(long intervalMillis) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.enableCheckpointing(intervalMillis);
        return env;
    }

    /** Everything but the averaging. */
    private static SlidingAverage<Reading> base() {
        return SlidingAverage.of(Reading.class).key(Reading::sensorId).value(Reading::celsius)
                .fromKafka(KafkaIn.topic("in").bootstrapServers("127.0.0.1:9"))
                .toKafka(KafkaOut.topic("out"));
    }

    private static SlidingAverage.Windowed<Reading> valid() {
        return base().window(Duration.ofSeconds(10)).slide(Duration.ofSeconds(2));
    }

    @Test
    void everyMissingPieceIsNamedWithItsFixInOneMessage() {
        assertThatThrownBy(() -> SlidingAverage.of(Reading.class).window(Duration.ofSeconds(1)).build(checkpointing(1_000)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key(...) is not set: say which field to average under, e.g. .key(SensorReading::sensorId)")
                .hasMessageContaining("value(...) is not set")
                .hasMessageContaining("fromKafka(...) is not set")
                .hasMessageContaining("toKafka(...) is not set");
    }

    @Test
    void slideLongerThanTheWindowIsRefusedWithBothValues() {
        assertThatThrownBy(() -> base().window(Duration.ofSeconds(10)).slide(Duration.ofSeconds(30)).build(checkpointing(1_000)))
                .hasMessageContaining("window(PT10S)/slide(PT30S): window slide must be more than zero and at most the"
                        + " window size, which is 10000 ms, but was 30000 ms");
        assertThatThrownBy(() -> base().window(Duration.ofSeconds(-1)).build(checkpointing(1_000)))
                .hasMessageContaining("window size must be positive, but was -1000 ms");
    }

    /** Time windows and lastN are different stages: an option of one kind is not even offered on the other. */
    @Test
    void eachStageOffersOnlyItsOwnOptions() {
        assertThat(publicMethods(SlidingAverage.Windowed.class))
                .contains("slide", "allowedLateness", "lateRecords", "closeWindowsWhenIdle", "build", "apply")
                .doesNotContain("lastN", "emitOnlyWhenFull", "forgetKeysAfter", "window", "windows");
        assertThat(publicMethods(SlidingAverage.LastN.class))
                .contains("emitOnlyWhenFull", "forgetKeysAfter", "build", "apply")
                .doesNotContain("slide", "allowedLateness", "lateRecords", "closeWindowsWhenIdle", "window", "lastN");
        assertThat(publicMethods(SlidingAverage.class)).contains("window", "windows", "lastN", "fromKafka")
                .doesNotContain("build", "apply", "slide");
    }

    private static java.util.Set<String> publicMethods(Class<?> type) {
        return java.util.Arrays.stream(type.getMethods()).map(java.lang.reflect.Method::getName)
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void windowSpecsCarryTheirOwnSlideAndMustDifferInSize() {
        assertThatThrownBy(() -> base().windows(WindowSpec.tumbling(Duration.ofSeconds(5)),
                WindowSpec.ofSizeAndSlide(Duration.ofSeconds(5), Duration.ofSeconds(1))).slide(Duration.ofSeconds(1))
                .build(checkpointing(1_000)))
                .hasMessageContaining("slide(PT1S) applies to window(size) only: the specs of windows(...) carry their"
                        + " own slides; remove slide(...)")
                .hasMessageContaining("windows(...): two window specs have the same size 5000 ms");
    }

    @Test
    void countBasedRulesReadAsTheCoreClassesSayThem() {
        assertThatThrownBy(() -> base().lastN(0).forgetKeysAfter(Duration.ZERO).build(checkpointing(1_000)))
                .hasMessageContaining("lastN must be at least 1, but was 0")
                .hasMessageContaining("forgetKeysAfter must be positive, but was PT0S");
        assertThatThrownBy(() -> io.github.flinkkafkaavg.core.datastream.MovingAverages.lastN(0))
                .hasMessage("lastN must be at least 1, but was 0");
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
        SlidingAverage.Windowed<Reading> tumbling = base().window(Duration.ofSeconds(10)).skipKafkaChecks();
        SlidingAverage.Windowed<Reading> tooLongSlide = tumbling.slide(Duration.ofSeconds(30));
        assertThatThrownBy(() -> tooLongSlide.build(checkpointing(1_000))).hasMessageContaining("slide(PT30S)");
        assertThat(tumbling.build(checkpointing(1_000)).results()).isNotNull(); // unchanged by the slide set on it
        assertThat(tooLongSlide).isNotSameAs(tumbling);
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

    /** A shared default group made a second pipeline on a topic start from the first one's offsets: nothing to read. */
    @Test
    void eachPipelineReadsUnderAGroupIdOfItsOwnUnlessOneIsGiven() {
        SlidingAverage.Windowed<Reading> pipeline = valid().name("sensors");
        assertThat(PipelineAssembly.groupId(pipeline.settings)).isEqualTo("flink-kafka-avg-sensors-in")
                .isEqualTo(PipelineAssembly.groupId(valid().name("sensors").settings)); // stable: same on a restart
        assertThat(PipelineAssembly.groupId(pipeline.name("backfill").settings)).isEqualTo("flink-kafka-avg-backfill-in");
        assertThat(PipelineAssembly.groupId(base().lastN(5).name("sensors")
                .fromKafka(KafkaIn.topic("other").bootstrapServers("127.0.0.1:9")).settings))
                .isEqualTo("flink-kafka-avg-sensors-other");
        assertThat(PipelineAssembly.groupId(pipeline.fromKafka(KafkaIn.topic("in").bootstrapServers("127.0.0.1:9")
                .groupId("mine")).settings)).isEqualTo("mine");
    }

    @Test
    void closingWindowsWhenIdleAlreadyDecidesIdlenessSoIdleAfterMayNotBeSetToo() {
        assertThatThrownBy(() -> valid().idleAfter(Duration.ofMinutes(1)).closeWindowsWhenIdle(Duration.ofMinutes(2))
                .build(checkpointing(1_000)))
                .hasMessageContaining("closeWindowsWhenIdle(PT2M) and idleAfter(PT1M) are mutually exclusive:"
                        + " closeWindowsWhenIdle also marks a partition idle after its silence; keep one");
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

    /**
     * Records are added up before the {@code keyBy} exactly where that changes no result: sliding averages without
     * allowed lateness and without a late-records topic; never for lastN, with lateness, or with a late topic.
     */
    @Test
    void recordsAreAddedUpBeforeTheKeyByOnlyWithoutLatenessAndWithoutALateTopic() {
        assertThat(uids(valid())).contains("sliding-average-combine", "sliding-average-average");
        assertThat(uids(valid().allowedLateness(Duration.ofSeconds(1)))).doesNotContain("sliding-average-combine")
                .contains("sliding-average-average");
        assertThat(uids(valid().lateRecords(KafkaOut.topic("late")))).doesNotContain("sliding-average-combine");
        StreamExecutionEnvironment env = checkpointing(1_000);
        base().lastN(5).skipKafkaChecks().build(env);
        assertThat(uids(env)).doesNotContain("sliding-average-combine").contains("sliding-average-average");
    }

    private static List<String> uids(SlidingAverage.Windowed<Reading> pipeline) {
        StreamExecutionEnvironment env = checkpointing(1_000);
        pipeline.skipKafkaChecks().build(env);
        return uids(env);
    }

    private static List<String> uids(StreamExecutionEnvironment env) {
        return env.getStreamGraph().getStreamNodes().stream().map(StreamNode::getTransformationUID)
                .filter(Objects::nonNull).toList();
    }
}
