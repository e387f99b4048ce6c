package io.github.flinkkafkaavg.examples;

import io.github.flinkkafkaavg.connectors.SlidingAverage;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * Dynamic pricing: JSON {@link RideRequest}s → per zone, the demand (requests per minute) over a sliding window
 * (5 min, every 30 s) → a surge multiplier per zone and window → Kafka; and, with Flink CEP, an alert when a zone's
 * demand stays above a threshold for N consecutive windows. Three outputs, all exactly once: the raw window results
 * (demand topic), the prices (output topic) and the alerts.
 *
 * <pre>
 * flink run -c io.github.flinkkafkaavg.examples.DynamicPricingJob flink-kafka-avg-examples-VERSION-jobs.jar \
 *     --bootstrap-servers broker:9092 --input-topic ride-requests --output-topic zone-prices \
 *     --alert-topic surge-alerts --alert-threshold 20 --alert-windows 3
 * </pre>
 *
 * <p>The surge is {@code clamp(demand / baseline, 1, max-surge)} rounded to cents. "Consecutive" means consecutive
 * windows in event time, not merely consecutive results: a window without requests (which has no result) breaks a
 * run, which the CEP condition checks by comparing window ends. After an alert the run starts over, so a run of
 * 2N high windows raises two alerts.
 */
public final class DynamicPricingJob {

    static final String NAME = "dynamic-pricing";
    static final String HELP = JobOptions.help(
            "Dynamic pricing: ride requests -> demand per zone over a sliding window -> surge prices and CEP alerts.",
            new String[] {"ride-requests", "topic of JSON ride requests {\"zone\",\"timestamp\"} (epoch ms)"},
            new String[] {"zone-prices", "topic of JSON prices per zone and window (demand per minute, surge)"},
            "  --demand-topic NAME         topic of the raw window results per zone (default zone-demand)",
            "  --alert-topic NAME          topic of JSON surge alerts (default surge-alerts)",
            "  --window DURATION           demand window (default 5min)",
            "  --slide DURATION            how often a window starts (default 30s)",
            "  --baseline-demand X         requests per minute at which the surge is 1.0 (default 10)",
            "  --max-surge X               the highest multiplier (default 3.0)",
            "  --alert-threshold X         requests per minute that count as high demand (default 20)",
            "  --alert-windows N           consecutive high windows that raise an alert (default 3)",
            "  --max-out-of-orderness D    how late a request may arrive and still count (default 5s)");

    private DynamicPricingJob() {}

    /** One ride request: where, and when (epoch milliseconds, the event time). */
    public record RideRequest(String zone, long timestamp) {}

    /**
     * The price of one zone for one window.
     *
     * @param zone the zone
     * @param windowStart the window's start, epoch milliseconds
     * @param windowEnd the window's end (exclusive)
     * @param requests the ride requests in the window
     * @param demandPerMinute requests per minute over the window
     * @param surge the multiplier, between 1 and the maximum surge
     */
    public record ZonePrice(String zone, long windowStart, long windowEnd, long requests, double demandPerMinute,
            double surge) {}

    /**
     * A zone whose demand stayed above the threshold for N consecutive windows.
     *
     * @param zone the zone
     * @param firstWindowEnd the end of the first high window
     * @param lastWindowEnd the end of the last one
     * @param windows how many windows (N)
     * @param averageDemandPerMinute the mean demand over those windows
     * @param maxSurge the highest surge among them
     */
    public record SurgeAlert(String zone, long firstWindowEnd, long lastWindowEnd, int windows,
            double averageDemandPerMinute, double maxSurge) {}

    /**
     * The job's own settings; {@code --help} describes each.
     *
     * @param demandTopic the topic of the raw window results
     * @param alertTopic the topic of the alerts
     * @param window the demand window
     * @param slide how often a window starts
     * @param baselineDemand requests per minute at which the surge is 1.0
     * @param maxSurge the highest multiplier
     * @param alertThreshold requests per minute that count as high demand
     * @param alertWindows consecutive high windows that raise an alert
     * @param maxOutOfOrderness how late a request may arrive and still count
     */
    public record Pricing(String demandTopic, String alertTopic, Duration window, Duration slide, double baselineDemand,
            double maxSurge, double alertThreshold, int alertWindows, Duration maxOutOfOrderness) {

        static Pricing from(Args args) {
            Pricing p = new Pricing(args.get("demand-topic", "zone-demand"), args.get("alert-topic", "surge-alerts"),
                    JobOptions.positive("window", args.getDuration("window", Duration.ofMinutes(5))),
                    JobOptions.positive("slide", args.getDuration("slide", Duration.ofSeconds(30))),
                    args.getDouble("baseline-demand", 10), args.getDouble("max-surge", 3.0),
                    args.getDouble("alert-threshold", 20), args.getInt("alert-windows", 3),
                    args.getDuration("max-out-of-orderness", Duration.ofSeconds(5)));
            if (!(p.baselineDemand > 0) || !(p.maxSurge >= 1) || p.alertWindows < 1) {
                throw new IllegalArgumentException("--baseline-demand must be positive, --max-surge at least 1 and"
                        + " --alert-windows at least 1, but were " + p.baselineDemand + ", " + p.maxSurge + ", "
                        + p.alertWindows);
            }
            return p;
        }
    }

    /**
     * Runs the job with the given command line; {@code --help} prints the options.
     *
     * @param args the command line
     * @throws Exception when the job fails
     */
    public static void main(String[] args) throws Exception {
        Args parsed = Args.parse(args, JobOptions.options("demand-topic", "alert-topic", "window", "slide",
                "baseline-demand", "max-surge", "alert-threshold", "alert-windows", "max-out-of-orderness"),
                JobOptions.FLAGS);
        if (parsed.has("help")) {
            System.out.println(HELP);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, JobOptions.from(parsed, "ride-requests", "zone-prices", "flink-kafka-avg-dynamic-pricing"),
                Pricing.from(parsed));
        env.execute("flink-kafka-avg dynamic pricing");
    }

    /**
     * Adds the job to {@code env}.
     *
     * @param env the environment
     * @param options the shared options
     * @param pricing the job's own settings
     */
    static void build(StreamExecutionEnvironment env, JobOptions options, Pricing pricing) {
        options.configure(env);
        // Demand is a count: average the constant 1 and read the window's count.
        DataStream<WindowAverage<String>> demand = options.wire(SlidingAverage.of(RideRequest.class)
                .key(RideRequest::zone).value(r -> 1.0).eventTime(RideRequest::timestamp)
                .window(pricing.window).slide(pricing.slide).maxOutOfOrderness(pricing.maxOutOfOrderness),
                NAME, pricing.demandTopic).build(env).results();

        SingleOutputStreamOperator<ZonePrice> prices = demand
                .map(new ToPrice(pricing.window.toMillis(), pricing.baselineDemand, pricing.maxSurge),
                        TypeInformation.of(ZonePrice.class))
                .name("surge price").uid(NAME + "-price");
        prices.sinkTo(options.output(NAME, options.outputTopic()).jsonSink(ZonePrice::zone))
                .name("kafka: " + options.outputTopic()).uid(NAME + "-prices-sink");

        Pattern<ZonePrice, ZonePrice> sustained = Pattern
                .<ZonePrice>begin("high", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(new HighAndNextWindow(pricing.alertThreshold, pricing.slide.toMillis()))
                .times(pricing.alertWindows).consecutive();
        CEP.pattern(prices.keyBy(ZonePrice::zone), sustained).inEventTime()
                .process(new ToAlert(), TypeInformation.of(SurgeAlert.class))
                .name("sustained demand").uid(NAME + "-alerts")
                .sinkTo(options.output(NAME, pricing.alertTopic).jsonSink(SurgeAlert::zone))
                .name("kafka: " + pricing.alertTopic).uid(NAME + "-alerts-sink");
    }

    /** The surge of a demand, as the prices topic shows it. */
    static double surge(double demandPerMinute, double baselineDemand, double maxSurge) {
        double raw = Math.min(maxSurge, Math.max(1.0, demandPerMinute / baselineDemand));
        return Math.round(raw * 100) / 100.0;
    }

    /** Requests per minute over a window of {@code windowMillis}. */
    static double demandPerMinute(long requests, long windowMillis) {
        return requests * 60_000.0 / windowMillis;
    }

    private static final class ToPrice implements MapFunction<WindowAverage<String>, ZonePrice> {
        private static final long serialVersionUID = 1L;
        private final long windowMillis;
        private final double baselineDemand;
        private final double maxSurge;

        ToPrice(long windowMillis, double baselineDemand, double maxSurge) {
            this.windowMillis = windowMillis;
            this.baselineDemand = baselineDemand;
            this.maxSurge = maxSurge;
        }

        @Override
        public ZonePrice map(WindowAverage<String> w) {
            double demand = demandPerMinute(w.count(), windowMillis);
            return new ZonePrice(w.key(), w.windowStart(), w.windowEnd(), w.count(), demand,
                    surge(demand, baselineDemand, maxSurge));
        }
    }

    /**
     * High demand, and — when the match already has windows — the window right after the last one: CEP's
     * {@code consecutive()} only means consecutive results, and a window with no requests has no result.
     */
    private static final class HighAndNextWindow extends IterativeCondition<ZonePrice> {
        private static final long serialVersionUID = 1L;
        private final double threshold;
        private final long slideMillis;

        HighAndNextWindow(double threshold, long slideMillis) {
            this.threshold = threshold;
            this.slideMillis = slideMillis;
        }

        @Override
        public boolean filter(ZonePrice price, Context<ZonePrice> ctx) throws Exception {
            if (price.demandPerMinute() <= threshold) {
                return false;
            }
            ZonePrice last = null;
            for (ZonePrice earlier : ctx.getEventsForPattern("high")) {
                last = earlier;
            }
            return last == null || price.windowEnd() - last.windowEnd() == slideMillis;
        }
    }

    private static final class ToAlert extends PatternProcessFunction<ZonePrice, SurgeAlert> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(Map<String, List<ZonePrice>> match, Context ctx, Collector<SurgeAlert> out) {
            List<ZonePrice> windows = match.get("high");
            ZonePrice first = windows.get(0);
            ZonePrice last = windows.get(windows.size() - 1);
            out.collect(new SurgeAlert(first.zone(), first.windowEnd(), last.windowEnd(), windows.size(),
                    windows.stream().mapToDouble(ZonePrice::demandPerMinute).average().orElse(0),
                    windows.stream().mapToDouble(ZonePrice::surge).max().orElse(1)));
        }
    }
}
