package io.github.flinkkafkaavg.sql;

import io.github.flinkkafkaavg.core.LogThrottle;
import io.github.flinkkafkaavg.core.WindowSpec;
import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.core.engine.EventTimeLimits;
import io.github.flinkkafkaavg.core.engine.KeyHeader;
import io.github.flinkkafkaavg.core.engine.SliceRing;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import io.github.flinkkafkaavg.sql.internal.StoredHeader;
import io.github.flinkkafkaavg.sql.internal.StoredSlices;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.ArgumentCount;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.InputTypeStrategy;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.StaticArgument;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.types.ColumnList;
import org.apache.flink.types.Row;
import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code SLIDING_AVERAGE}: per key, the average, count, sum, min and max of a numeric column over event-time windows
 * of {@code size} that start every {@code slide} — the windows of {@code HOP}, computed by the library's engine.
 *
 * <pre>{@code
 * SELECT * FROM SLIDING_AVERAGE(
 *     input => TABLE readings PARTITION BY sensor_id,
 *     on_time => DESCRIPTOR(ts),
 *     value_column => DESCRIPTOR(celsius),
 *     size => '60 s',
 *     slide => '5 s',
 *     uid => 'sensor-averages')
 * }</pre>
 *
 * <p>Output: the {@code PARTITION BY} columns, {@code window_start}, {@code window_end} (TIMESTAMP_LTZ(3), the window
 * is {@code [window_start, window_end)}), {@code avg}, {@code cnt}, {@code sum}, {@code min}, {@code max}, and the
 * {@code rowtime} Flink adds for {@code on_time}: {@code window_end - 1 ms} for a window emitted when the watermark
 * passes its end. Each record updates one slice of state, not {@code size / slide} windows; sums are exact
 * (double-double). Several horizons in one call: {@code size => '1 min, 5 min, 15 min'} emits the windows of each
 * (tell them apart by {@code window_end - window_start}) from one set of slices. Optional arguments: {@code window_offset} (windows start at {@code k * slide + window_offset}) and
 * {@code lateness}. CAUTION: Flink before 2.3 drops every row at or behind the watermark before a process table
 * function sees it (FLINK-39436), as {@code HOP} drops late rows; so on Flink 2.2 a late row is neither counted nor
 * averaged, and a non-zero {@code lateness} fails at the first row with that explanation. Records whose value is
 * NULL, NaN or infinite, or whose time no window can hold, are dropped, counted ({@code numInvalidRecords}) and
 * logged at most once a minute.
 *
 * <p>CAUTION: the state of a key lives under the call's {@code uid}; give every call one and keep it across versions
 * of the query, as for any stateful SQL operator.
 */
@PublicEvolving
@DataTypeHint("ROW<window_start TIMESTAMP_LTZ(3), window_end TIMESTAMP_LTZ(3), `avg` DOUBLE, cnt BIGINT,"
        + " `sum` DOUBLE, `min` DOUBLE, `max` DOUBLE>")
public class SlidingAverageFunction extends ProcessTableFunction<Row> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SlidingAverageFunction.class);
    private static final String FLINK_VERSION = EnvironmentInformation.getVersion();
    /** Flink 2.2's PTF runner returns before eval() for a row at or behind the watermark; FLINK-39436 (2.3) lets it in. */
    private static final boolean LATE_ROWS_REACH_PTFS = atLeast(FLINK_VERSION, 2, 3);

    /**
     * The function frees a key's state itself once its last window is out, so it asks for no state TTL. Without a
     * declaration Flink 2.2 gives PTF state a TTL of Long.MAX_VALUE, "to allow enabling TTL later" — and its
     * incremental cleanup then copied (serialized) map entries on every access: a quarter of the function's time.
     * A processing-time TTL would also drop open windows of a quiet key, which is not this function's contract.
     */
    static final String NO_TTL = "0 ms";

    private transient Map<List<Long>, Windows> windowsByArguments;
    /** The last one used: every row of a call has the same arguments, so the map is looked up once, not per row. */
    private transient Windows lastWindows;
    private transient LogThrottle invalidLog;
    private transient Counter averaged;
    private transient Counter invalid;
    private transient Counter lateDropped;
    private transient Counter windowsFired;

    @Override
    public void open(FunctionContext context) throws Exception {
        windowsByArguments = new HashMap<>();
        invalidLog = new LogThrottle();
        averaged = context.getMetricGroup().counter("numRecordsAveraged");
        invalid = context.getMetricGroup().counter("numInvalidRecords");
        lateDropped = context.getMetricGroup().counter("numLateRecordsDropped");
        windowsFired = context.getMetricGroup().counter("numWindowsFired");
    }

    /**
     * One record of a key.
     *
     * @param ctx the call's context
     * @param header the key's arguments, timers and {@link KeyHeader}, under key 0
     * @param slices the key's slices, under key 0
     * @param input the record
     * @param value the numeric column to average
     * @param size the window size, a duration such as '60 s', or several comma-separated ('1 min, 5 min'): one
     *     horizon each, from the same state
     * @param slide how often a window starts, at most {@code size}: one for all sizes, or one per size
     * @param offset where the windows start relative to the epoch, or NULL for none
     * @param lateness how long after its end a window still takes records and is emitted again, or NULL for none
     * @throws Exception when the state backend fails
     */
    public void eval(
            Context ctx,
            @StateHint(ttl = NO_TTL) MapView<Integer, StoredHeader> header,
            @StateHint(ttl = NO_TTL) MapView<Integer, StoredSlices> slices,
            @ArgumentHint(value = {ArgumentTrait.SET_SEMANTIC_TABLE, ArgumentTrait.REQUIRE_ON_TIME}, name = "input")
                    Row input,
            @ArgumentHint(name = "value_column") ColumnList value,
            @ArgumentHint(name = "size") String size,
            @ArgumentHint(name = "slide") String slide,
            @ArgumentHint(name = "window_offset", isOptional = true) String offset,
            @ArgumentHint(name = "lateness", isOptional = true) String lateness) throws Exception {
        StoredHeader stored = header.get(0);
        if (stored == null) {
            // A new key: its arguments are kept with its state, so that a restored query that changed them still
            // finishes the windows it has under the old ones.
            WindowArguments arguments = arguments(size, slide, offset, lateness);
            stored = new StoredHeader(arguments.sizes(), arguments.slides(), arguments.offset(), arguments.lateness(),
                    new KeyHeader());
        }
        Windows windows = windows(stored);
        TimeContext<Long> time = ctx.timeContext(Long.class);
        long timestamp = time.time();
        String column = value.getNames().get(0);
        Object field = input.getField(column);
        String why;
        double v = Double.NaN;
        if (!(field instanceof Number number)) {
            why = field == null ? "the value (" + column + ") is NULL"
                    : "the value (" + column + ") is not a number: " + field.getClass().getSimpleName();
        } else {
            v = number.doubleValue();
            why = Double.isFinite(v) ? windows.limits.check(timestamp, 0)
                    : "the value (" + column + ") is " + v;
        }
        if (why != null) {
            invalid.inc();
            if (invalidLog.allow()) {
                LOG.warn("SLIDING_AVERAGE dropped a record at {}: {} (numInvalidRecords counts them; logged at most"
                        + " once a minute)", timestamp, why);
            }
            return;
        }
        // The DataStream operator's HEADER_FIRST protocol (KeyedSlidingWindows): a record changes only the small
        // header; the slices are read when a window fires or the header has no room for the record's slice.
        long watermark = watermark(time);
        SlidingWindowEngine.Outcome outcome = windows.engine.onElementDeferred(stored.header, timestamp, v, watermark);
        boolean headerChanged = outcome == SlidingWindowEngine.Outcome.ADDED;
        if (outcome == null) {
            boolean hadPending = stored.header.pendingSlices() > 0;
            SlidingWindowEngine.KeyState loaded = windows.engine.load(slicesOf(slices), stored.header);
            outcome = windows.engine.onElement(loaded, timestamp, v, watermark, this::emit);
            if (outcome == SlidingWindowEngine.Outcome.ADDED || hadPending) {
                // Always written back after a load: on the heap backend the map holds the live object, which load
                // changed in place, so leaving the header's pending values unwritten would count them twice.
                saveSlices(loaded, stored, slices);
                headerChanged = true;
            }
        }
        if (outcome == SlidingWindowEngine.Outcome.ADDED) {
            averaged.inc();
            windows.registerTimers(stored, timestamp, time);
        }
        if (headerChanged) {
            header.put(0, stored); // the same object on the heap backend; a serializing backend needs the write
        }
        if (outcome == SlidingWindowEngine.Outcome.LATE) {
            lateDropped.inc();
        } else if (outcome != SlidingWindowEngine.Outcome.ADDED) {
            invalid.inc();
            if (invalidLog.allow()) {
                LOG.warn("SLIDING_AVERAGE dropped a record at {}: more than {} slices ahead of its key's oldest open"
                        + " window", timestamp, windows.engine.spanLimit());
            }
        }
    }

    /**
     * A key's timer: emits the windows that are due.
     *
     * @param ctx the timer's context
     * @param header the key's arguments, timers and {@link KeyHeader}, under key 0
     * @param slices the key's slices, under key 0
     * @throws Exception when the state backend fails
     */
    public void onTimer(OnTimerContext ctx, MapView<Integer, StoredHeader> header,
            MapView<Integer, StoredSlices> slices) throws Exception {
        StoredHeader stored = header.get(0);
        if (stored == null) {
            return;
        }
        // The timer's own time bounds what fires: Flink gives the rows emitted here that time as rowtime, so each
        // window-end timer emits exactly the windows ending there, with rowtime window_end - 1.
        long at = ctx.timeContext(Long.class).time();
        SlidingWindowEngine engine = windows(stored).engine;
        SlidingWindowEngine.KeyState loaded = engine.load(slicesOf(slices), stored.header);
        engine.onTimer(loaded, at, this::emit);
        if (loaded.isEmpty()) {
            // Nothing open and nothing a late record could update: a silent key keeps no state. Not clearAll(): in
            // Flink 2.2 it collects the unnamed timers of every key and deletes those times under whichever key it
            // visited last, which lost another key's pending window (a test caught it: one window of 804 missing).
            ctx.clearAllState();
        } else {
            saveSlices(loaded, stored, slices);
            header.put(0, stored);
        }
    }

    /** Writes a loaded key's slices and starts its header afresh from them (no pending values). */
    private static void saveSlices(SlidingWindowEngine.KeyState loaded, StoredHeader stored,
            MapView<Integer, StoredSlices> slices) throws Exception {
        slices.put(0, new StoredSlices(loaded));
        stored.header = KeyHeader.of(loaded);
    }

    private static SlidingWindowEngine.KeyState slicesOf(MapView<Integer, StoredSlices> slices) throws Exception {
        StoredSlices stored = slices.get(0);
        return stored == null ? null : stored.state;
    }

    static boolean atLeast(String version, int major, int minor) {
        String[] parts = version.split("[.-]");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false; // "<unknown>": assume the version this is built and tested with
        }
    }

    private void emit(int spec, long start, long end, SliceRing.Aggregate window) {
        windowsFired.inc();
        collect(Row.of(Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), window.average(), window.count(),
                window.sum(), window.min(), window.max()));
    }

    private static long watermark(TimeContext<Long> time) {
        Long watermark = time.currentWatermark();
        return watermark == null ? Long.MIN_VALUE : watermark;
    }

    /**
     * Checks the window arguments when the query is planned, where they are literals (they almost always are): a
     * query with a slide longer than its size, an unreadable duration or a lateness Flink cannot honour then fails
     * when it is submitted, naming the argument, not at its first row on the cluster. The rest of the signature is
     * what Flink extracts from {@code eval}.
     */
    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        TypeInference extracted = super.getTypeInference(typeFactory);
        List<StaticArgument> staticArguments = extracted.getStaticArguments().orElseThrow();
        TypeInference.Builder builder = TypeInference.newBuilder()
                .staticArguments(staticArguments)
                .inputTypeStrategy(new CheckedWindowArguments(extracted.getInputTypeStrategy(), staticArguments))
                .stateTypeStrategies(extracted.getStateTypeStrategies())
                .outputTypeStrategy(extracted.getOutputTypeStrategy())
                .disableSystemArguments(extracted.disableSystemArguments());
        return builder.build();
    }

    /**
     * The window arguments in milliseconds: per horizon a size and a slide, then offset and lateness.
     *
     * @param sizes window size of each horizon
     * @param slides slide of each horizon
     * @param offset the windows' offset
     * @param lateness allowed lateness
     */
    record WindowArguments(long[] sizes, long[] slides, long offset, long lateness) {}

    /**
     * The window arguments in milliseconds, checked as the engine will use them. {@code size} is one duration or
     * several, comma-separated — one horizon each, all from the same slices; {@code slide} is one for all or one per
     * size.
     *
     * @throws IllegalArgumentException naming the argument, the value and the fix
     */
    static WindowArguments arguments(String size, String slide, String offset, String lateness) {
        String[] sizeTexts = list("size", size);
        String[] slideTexts = list("slide", slide);
        if (slideTexts.length != 1 && slideTexts.length != sizeTexts.length) {
            throw new IllegalArgumentException("SLIDING_AVERAGE(size => '" + size + "', slide => '" + slide + "'):"
                    + " give one slide for all " + sizeTexts.length + " sizes, or one per size");
        }
        long[] sizes = new long[sizeTexts.length];
        long[] slides = new long[sizeTexts.length];
        long offsetMillis = offset == null ? 0L : millis("window_offset", offset);
        for (int j = 0; j < sizes.length; j++) {
            sizes[j] = millis("size", sizeTexts[j]);
            slides[j] = millis("slide", slideTexts[slideTexts.length == 1 ? 0 : j]);
            try {
                WindowSpec.ofSizeAndSlide(Duration.ofMillis(sizes[j]), Duration.ofMillis(slides[j]))
                        .withOffset(Duration.ofMillis(offsetMillis));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SLIDING_AVERAGE(size => '" + size + "', slide => '" + slide + "'"
                        + (offset == null ? "" : ", window_offset => '" + offset + "'") + "): " + e.getMessage(), e);
            }
        }
        long latenessMillis = lateness == null ? 0L : millis("lateness", lateness);
        if (latenessMillis < 0) {
            throw new IllegalArgumentException("SLIDING_AVERAGE: lateness => '" + lateness + "' is negative; give"
                    + " how long after its end a window still takes rows, e.g. '10 s', or leave it out");
        }
        if (latenessMillis != 0 && !LATE_ROWS_REACH_PTFS) {
            throw new IllegalArgumentException("SLIDING_AVERAGE: lateness => '" + lateness + "' cannot work on"
                    + " Flink " + FLINK_VERSION + ": before Flink 2.3 (FLINK-39436) Flink drops every row at or"
                    + " behind the watermark before a process table function sees it, so no window could be"
                    + " updated late. Remove lateness (late rows are then dropped, as by HOP), or use the DataStream"
                    + " API's SlidingAverages.allowedLateness(...)");
        }
        return new WindowArguments(sizes, slides, offsetMillis, latenessMillis);
    }

    /** A comma-separated list of durations, each trimmed; NULL fails naming the argument. */
    private static String[] list(String argument, String text) {
        if (text == null) {
            throw nullArgument(argument);
        }
        String[] parts = text.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = parts[i].strip();
        }
        return parts;
    }

    /** Flink's own checks of the call, then {@link #arguments} on whichever window arguments are literals. */
    private static final class CheckedWindowArguments implements InputTypeStrategy {
        private final InputTypeStrategy extracted;
        private final int[] positions; // of size, slide, window_offset, lateness among the call's arguments

        CheckedWindowArguments(InputTypeStrategy extracted, List<StaticArgument> staticArguments) {
            this.extracted = extracted;
            List<String> names = staticArguments.stream().map(StaticArgument::getName).toList();
            positions = new int[] {names.indexOf("size"), names.indexOf("slide"), names.indexOf("window_offset"),
                    names.indexOf("lateness")};
        }

        @Override
        public ArgumentCount getArgumentCount() {
            return extracted.getArgumentCount();
        }

        @Override
        public Optional<List<DataType>> inferInputTypes(CallContext call, boolean throwOnFailure) {
            Optional<List<DataType>> types = extracted.inferInputTypes(call, throwOnFailure);
            if (types.isEmpty()) {
                return types;
            }
            String[] values = new String[positions.length];
            for (int i = 0; i < positions.length; i++) {
                int at = positions[i];
                if (at < 0 || at >= call.getArgumentDataTypes().size()) {
                    continue;
                }
                if (call.isArgumentNull(at)) {
                    continue; // NULL, or an optional argument left out (Flink passes DEFAULT, not a literal)
                }
                if (!call.isArgumentLiteral(at)) {
                    return types; // computed at run time: eval checks it at the first row
                }
                values[i] = call.getArgumentValue(at, String.class).orElse(null);
            }
            try {
                arguments(values[0], values[1], values[2], values[3]);
            } catch (IllegalArgumentException e) {
                return call.fail(throwOnFailure, "%s", e.getMessage());
            }
            return types;
        }

        @Override
        public List<Signature> getExpectedSignatures(FunctionDefinition definition) {
            return extracted.getExpectedSignatures(definition);
        }
    }

    /**
     * A duration argument in Flink's duration syntax ("60 s", "5 min", "500 ms"), as in Flink's configuration and
     * {@code @StateHint(ttl)}. Not an INTERVAL: Flink 2.2's PTF type inference cannot cast an INTERVAL literal to the
     * argument's type ("Unsupported type when convertTypeToSpec: INTERVAL_DAY_SECOND").
     */
    private static long millis(String argument, String text) {
        if (text == null) {
            throw nullArgument(argument);
        }
        try {
            return TimeUtils.parseDuration(text).toMillis();
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException("SLIDING_AVERAGE: " + argument + " => '" + text + "' is not a duration"
                    + " (" + e.getMessage() + "); write e.g. '10 s', '5 min' or '500 ms'", e);
        }
    }

    private static IllegalArgumentException nullArgument(String argument) {
        return new IllegalArgumentException("SLIDING_AVERAGE: " + argument + " is NULL; give it as a duration,"
                + " e.g. " + argument + " => '10 s'");
    }

    private Windows windows(StoredHeader stored) {
        if (lastWindows == null || !lastWindows.hasArguments(stored)) {
            List<Long> key = new java.util.ArrayList<>();
            for (int j = 0; j < stored.sizes.length; j++) {
                key.add(stored.sizes[j]);
                key.add(stored.slides[j]);
            }
            key.add(stored.offset);
            key.add(stored.lateness);
            lastWindows = windowsByArguments.computeIfAbsent(key, k -> new Windows(stored));
        }
        return lastWindows;
    }

    /**
     * The engine for one set of window arguments, and the timers its windows need.
     *
     * <p>The DataStream operator keeps one timer per key and, when it fires, emits every window the watermark has
     * passed. A PTF cannot: it ignores timers at or behind the watermark, and inside {@code onTimer} its
     * {@code currentWatermark()} is still the one before the advance (Flink 2.2), so a timer registered there for the
     * next window end is silently lost whenever the watermark jumps over several window ends (the end of a bounded
     * input, catching up). So each window end with data gets its own timer, registered while the record that opens
     * it is processed, before any watermark passes it: a key has at most size / slide of them pending per horizon,
     * as with Flink's own sliding windows, and an in-order record registers at most one new one per horizon (Flink
     * keeps one timer where horizons share an end).
     */
    private static final class Windows {
        final SlidingWindowEngine engine;
        /** The event times the engine can window, built once: checked for every row. */
        final EventTimeLimits limits;
        private final long[] sizes;
        private final long[] slides;
        private final long[] offsets; // per horizon, as the spec normalized it
        private final long offsetArgument; // as given
        private final long lateness;

        Windows(StoredHeader s) {
            // The arguments were checked (arguments(...)) when the key's state was created with them.
            List<WindowSpec> specs = new java.util.ArrayList<>();
            offsets = new long[s.sizes.length];
            for (int j = 0; j < s.sizes.length; j++) {
                specs.add(WindowSpec.ofSizeAndSlide(Duration.ofMillis(s.sizes[j]), Duration.ofMillis(s.slides[j]))
                        .withOffset(Duration.ofMillis(s.offset)));
                offsets[j] = specs.get(j).offsetMillis();
            }
            engine = new SlidingWindowEngine(specs, s.lateness);
            limits = engine.windowableTimes();
            sizes = s.sizes.clone();
            slides = s.slides.clone();
            offsetArgument = s.offset;
            lateness = s.lateness;
        }

        boolean hasArguments(StoredHeader s) {
            return java.util.Arrays.equals(s.sizes, sizes) && java.util.Arrays.equals(s.slides, slides)
                    && s.offset == offsetArgument && s.lateness == lateness;
        }

        /** Timers for the ends of the windows holding {@code timestamp} that the key has none for yet. */
        void registerTimers(StoredHeader state, long timestamp, TimeContext<Long> time) {
            for (int j = 0; j < sizes.length; j++) {
                long slide = slides[j];
                long first = fireTime(j, Math.floorDiv(timestamp - offsets[j] - sizes[j], slide) + 1);
                long last = fireTime(j, Math.floorDiv(timestamp - offsets[j], slide));
                if (state.timersFrom[j] == StoredHeader.NO_TIMERS) {
                    register(first, last, slide, time);
                    state.timersFrom[j] = first;
                    state.timersThrough[j] = last;
                } else {
                    if (first < state.timersFrom[j]) {
                        register(first, Math.min(last, state.timersFrom[j] - slide), slide, time);
                        state.timersFrom[j] = first;
                    }
                    if (last > state.timersThrough[j]) {
                        register(Math.max(first, state.timersThrough[j] + slide), last, slide, time);
                        state.timersThrough[j] = last;
                    }
                }
                if (lateness > 0) {
                    time.registerOnTime(last + lateness); // frees the slices once no late record can reach them
                }
            }
        }

        private long fireTime(int j, long k) {
            return k * slides[j] + offsets[j] + sizes[j] - 1;
        }

        private static void register(long from, long to, long slide, TimeContext<Long> time) {
            for (long t = from; t <= to; t += slide) {
                time.registerOnTime(t);
            }
        }
    }
}
