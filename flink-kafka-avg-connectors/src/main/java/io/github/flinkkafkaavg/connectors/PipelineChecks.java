package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.core.Rules;
import io.github.flinkkafkaavg.core.datastream.SlidingAverages;
import io.github.flinkkafkaavg.core.WindowSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What {@link SlidingAverage}'s {@code build} and {@code apply} check before they add anything to a job: every
 * problem found, each one sentence naming the setting, the value and the fix. Rules that the core classes enforce
 * too come from {@link Rules} or from the core class itself, so each reads the same wherever it is broken.
 */
final class PipelineChecks {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SlidingAverage.class);

    private PipelineChecks() {}

    /** How far ahead of and behind the processing clock an event time may be; null for no bound. */
    record TimeBounds(Duration ahead, Duration behind) {
        static final TimeBounds NONE = new TimeBounds(null, null);
    }

    /** Throws every problem in one message, if there are any. */
    static void require(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("SlidingAverage is not configured correctly:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /** The averaging settings, whether the pipeline reads Kafka or a stream. */
    static void averaging(PipelineSettings<?> s, List<String> problems) {
        if (s.presetExtractor == null) {
            if (s.key == null) {
                problems.add("key(...) is not set: say which field to average under, e.g. .key(SensorReading::sensorId)");
            }
            if (s.value == null) {
                problems.add("value(...) is not set: say which number to average, e.g. .value(SensorReading::celsius)");
            }
        }
        if (s.kind == PipelineSettings.Kind.TIME_WINDOWS) {
            timeWindows(s, problems);
        } else {
            add(problems, Rules.lastN(s.lastN));
            if (s.forgetKeysAfter != null) {
                add(problems, Rules.forgetKeysAfter(s.forgetKeysAfter));
            }
        }
        add(problems, Rules.notNegative("maxOutOfOrderness", s.maxOutOfOrderness));
        if (s.idleAfter != null) {
            add(problems, Rules.positive("idleAfter", s.idleAfter));
        }
        if (s.deadLetterMaxValueBytes < 1) {
            problems.add("deadLetterMaxValueBytes must be positive, but was " + s.deadLetterMaxValueBytes
                    + ": it is the longest dead-letter value written whole (default 900 KiB)");
        }
        if (s.maxValueBytes < 1) {
            problems.add("maxValueBytes must be positive, but was " + s.maxValueBytes);
        }
        if (!Double.isNaN(s.deadLetterFailRatio)) {
            if (!(s.deadLetterFailRatio >= 0 && s.deadLetterFailRatio < 1) || s.deadLetterFailAfter < 1) {
                problems.add("failWhenDeadLettersExceed(" + s.deadLetterFailRatio + ", " + s.deadLetterFailAfter
                        + "): the ratio must be at least 0 and less than 1 and the number of records at least 1, e.g."
                        + " failWhenDeadLettersExceed(0.5, 1000)");
            }
            if (s.failOnError) {
                problems.add("failOnError() and failWhenDeadLettersExceed(" + s.deadLetterFailRatio + ", "
                        + s.deadLetterFailAfter + ") are mutually exclusive: failOnError() already fails at the first"
                        + " dead letter; keep one");
            }
        }
        if (s.maxFutureEventTime != null) {
            add(problems, Rules.notNegative("maxFutureEventTime", s.maxFutureEventTime));
        }
        if (s.maxPastEventTime != null) {
            add(problems, Rules.notNegative("maxPastEventTime", s.maxPastEventTime));
        }
    }

    private static void timeWindows(PipelineSettings<?> s, List<String> problems) {
        if (s.windows != null && s.slide != null) {
            problems.add("slide(" + s.slide + ") applies to window(size) only: the specs of windows(...) carry their"
                    + " own slides; remove slide(...)");
        }
        if (s.windows == null) {
            try {
                WindowSpec.ofSizeAndSlide(s.window, s.slide == null ? s.window : s.slide);
            } catch (IllegalArgumentException e) {
                problems.add("window(" + s.window + ")/slide(" + s.slide + "): " + e.getMessage());
            }
        } else {
            try {
                SlidingAverages.over(s.windows.toArray(new WindowSpec[0]));
            } catch (IllegalArgumentException e) {
                problems.add("windows(...): " + e.getMessage());
            }
        }
        add(problems, Rules.allowedLateness(s.allowedLateness));
        if (s.closeWindowsWhenIdle != null) {
            add(problems, Rules.positive("closeWindowsWhenIdle", s.closeWindowsWhenIdle));
            if (s.idleAfterSet) {
                problems.add("closeWindowsWhenIdle(" + s.closeWindowsWhenIdle + ") and idleAfter(" + s.idleAfter
                        + ") are mutually exclusive: closeWindowsWhenIdle also marks a partition idle after its"
                        + " silence; keep one");
            }
        }
    }

    private static void add(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }

    /** The Kafka settings of {@code build(env)}, before Kafka itself is asked. */
    static void kafka(StreamExecutionEnvironment env, PipelineSettings<?> s, List<String> problems) {
        KafkaIn input = s.input;
        if (input == null) {
            problems.add("fromKafka(...) is not set: build(env) reads from Kafka, e.g."
                    + " .fromKafka(KafkaIn.topic(\"readings\").bootstrapServers(\"broker:9092\")); use apply(stream)"
                    + " for a DataStream you already have");
        } else if (!input.endpoint.hasServers()) {
            problems.add("fromKafka: bootstrapServers is not set: KafkaIn.topic(\"" + input.describe()
                    + "\").bootstrapServers(\"host:9092\")");
        }
        if (input != null) {
            try {
                input.clientProperties();
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (s.output == null) {
            problems.add("toKafka(...) is not set: build(env) writes results to Kafka, e.g."
                    + " .toKafka(KafkaOut.topic(\"averages\")); use apply(stream) to get them as a DataStream");
            return;
        }
        for (KafkaOut out : outputs(s)) {
            output(env, s, out, problems);
        }
    }

    /** Every Kafka output of the pipeline, with what it takes from the input. */
    static List<KafkaOut> outputs(PipelineSettings<?> s) {
        List<KafkaOut> outs = new ArrayList<>();
        outs.add(inherit(s, s.output));
        if (s.deadLetterOutput != null) {
            outs.add(inherit(s, s.deadLetterOutput));
        }
        if (s.lateOutput != null) {
            outs.add(inherit(s, s.lateOutput));
        }
        return outs;
    }

    /** An output without servers writes to the input's cluster, and then also with the input's security. */
    static KafkaOut inherit(PipelineSettings<?> s, KafkaOut out) {
        KafkaIn input = s.input;
        Endpoint from = input == null ? Endpoint.NONE : input.endpoint;
        if (out.endpoint.bootstrapServers() != null || from.bootstrapServers() == null) {
            return out;
        }
        KafkaOut same = out.bootstrapServers(from.bootstrapServers());
        return out.endpoint.security() == null && from.security() != null ? same.security(from.security()) : same;
    }

    private static void output(StreamExecutionEnvironment env, PipelineSettings<?> s, KafkaOut out,
            List<String> problems) {
        String where = "toKafka(" + out.topic + ")";
        if (!out.endpoint.hasServers()) {
            problems.add(where + ": bootstrapServers is not set and there is no input to take it from");
        }
        try {
            out.clientProperties();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (out.guarantee != DeliveryGuarantee.EXACTLY_ONCE) {
            return;
        }
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            problems.add(where + ": EXACTLY_ONCE delivery commits Kafka transactions when a checkpoint completes, but"
                    + " checkpointing is off: call env.enableCheckpointing(10_000) (every 10 s) before build(env),"
                    + " or choose KafkaOut.topic(\"" + out.topic + "\").atLeastOnce()");
            return;
        }
        long interval = env.getCheckpointConfig().getCheckpointInterval();
        long timeout = out.transactionTimeout.toMillis();
        Duration brokerMax = s.brokerMaxTransactionTimeout;
        if (timeout > brokerMax.toMillis()) {
            problems.add(where + ": transactionTimeout " + out.transactionTimeout + " exceeds the broker's"
                    + " transaction.max.timeout.ms (" + brokerMax + "); the broker would refuse"
                    + " every transaction: lower it, or raise the broker setting and call brokerMaxTransactionTimeout(...)");
        }
        if (timeout <= interval) {
            problems.add(where + ": transactionTimeout " + out.transactionTimeout + " is not longer than the"
                    + " checkpoint interval (" + Duration.ofMillis(interval) + "); a transaction stays open from one"
                    + " checkpoint to the next and would be aborted: raise it above the interval (default 10 min)");
        }
    }

    /**
     * How far from the processing clock an event time may be, for results the topic accepts: the settings, or their
     * defaults from what the topic accepts. Settings that let through refused results are added to
     * {@code problems}; a configuration that can still produce them with the defaults is logged.
     */
    static TimeBounds timeBounds(PipelineSettings<?> s, KafkaChecks.TopicTimestamps topic, String topicName,
            List<String> problems) {
        if (topic == null || topic.logAppendTime()) {
            return new TimeBounds(s.maxFutureEventTime, s.maxPastEventTime);
        }
        long widest = s.widestWindowMillis();
        boolean earlyFires = s.kind == PipelineSettings.Kind.TIME_WINDOWS
                && (s.input.bounded || s.closeWindowsWhenIdle != null);
        long ahead = topic.afterMaxMs() - (earlyFires ? widest : 0);
        String refuses = "topic " + topicName + " refuses record timestamps more than "
                + Duration.ofMillis(topic.afterMaxMs()) + " ahead of the broker's clock (message.timestamp.after.max.ms,"
                + " from " + topic.source() + ")";
        String why = earlyFires ? ", and " + (s.input.bounded ? "when the bounded input ends" : "when the input goes idle")
                + " windows are emitted at once, with timestamps up to the window size (" + Duration.ofMillis(widest)
                + ") after their records" : "";
        Duration future = s.maxFutureEventTime;
        if (future == null) {
            long margin = Math.min(60_000, topic.afterMaxMs() / 10);
            if (ahead - margin < 0) {
                LOG.warn("{}{}: results of records from the last {} before the processing clock may be refused,"
                        + " failing the job. Raise message.timestamp.after.max.ms on the topic, set"
                        + " message.timestamp.type=LogAppendTime, or use shorter windows", refuses, why,
                        Duration.ofMillis(-ahead + margin));
            }
            future = Duration.ofMillis(Math.max(0, ahead - margin));
        } else if (future.toMillis() > ahead) {
            problems.add("maxFutureEventTime(" + future + ") lets through records whose results the output refuses: "
                    + refuses + why + ". Lower it to at most " + Duration.ofMillis(Math.max(0, ahead)) + ", or raise"
                    + " message.timestamp.after.max.ms on the topic");
        }
        Duration past = s.maxPastEventTime;
        if (topic.beforeMaxMs() != Long.MAX_VALUE) {
            long before = topic.beforeMaxMs();
            if (past == null) {
                long emitted = widest + s.maxOutOfOrderness.toMillis() + s.allowedLateness.toMillis() + 600_000;
                long margin = Math.min(before / 2, emitted);
                past = Duration.ofMillis(before - margin);
                LOG.warn("topic {} refuses record timestamps more than {} behind the broker's clock"
                        + " (message.timestamp.before.max.ms): records more than {} old are dead letters, and a result"
                        + " emitted more than {} after its record was read is still refused", topicName,
                        Duration.ofMillis(before), past, Duration.ofMillis(margin));
            } else if (past.toMillis() > before) {
                problems.add("maxPastEventTime(" + past + ") lets through records whose results topic " + topicName
                        + " refuses: it accepts timestamps at most " + Duration.ofMillis(before) + " behind the broker's"
                        + " clock (message.timestamp.before.max.ms). Lower it to at most " + Duration.ofMillis(before));
            }
        }
        return new TimeBounds(future, past);
    }
}
