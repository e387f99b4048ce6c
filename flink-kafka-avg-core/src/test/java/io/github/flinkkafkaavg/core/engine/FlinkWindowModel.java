package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.WindowSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A literal, slow model of Flink's WindowOperator with SlidingEventTimeWindows, EventTimeTrigger and allowed
 * lateness: one state per (key, spec, window), one timer per window, exact BigDecimal sums. The engine must emit
 * exactly what this emits.
 */
public final class FlinkWindowModel {

    /** One emission: a window's contents at the time it fired. */
    public record Emission(String key, int spec, long start, long end, long count, BigDecimal sum, double min, double max) {
        public String id() {
            return key + "/" + spec + "/" + start + "/" + end + "/" + count + "/" + min + "/" + max;
        }
    }

    private record WindowId(String key, int spec, long start) {}

    private static final class Contents {
        long count;
        BigDecimal sum = BigDecimal.ZERO;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
    }

    private final List<WindowSpec> specs;
    private final long lateness;
    private final Map<WindowId, Contents> windows = new HashMap<>();
    private final TreeMap<Long, List<WindowId>> timers = new TreeMap<>();
    private long watermark = Long.MIN_VALUE;
    public final List<Emission> emitted = new ArrayList<>();
    public long lateRecords;

    public FlinkWindowModel(List<WindowSpec> specs, long lateness) {
        this.specs = specs;
        this.lateness = lateness;
    }

    public void element(String key, long ts, double value) {
        boolean added = false;
        for (int j = 0; j < specs.size(); j++) {
            WindowSpec spec = specs.get(j);
            for (long start = spec.lastWindowStart(ts); start > ts - spec.sizeMillis(); start -= spec.slideMillis()) {
                long maxTimestamp = start + spec.sizeMillis() - 1;
                if (maxTimestamp + lateness <= watermark) {
                    continue; // isWindowLate
                }
                added = true;
                WindowId id = new WindowId(key, j, start);
                Contents c = windows.computeIfAbsent(id, x -> new Contents());
                c.count++;
                c.sum = c.sum.add(new BigDecimal(value));
                c.min = Math.min(c.min, value);
                c.max = Math.max(c.max, value);
                if (maxTimestamp <= watermark) {
                    emit(id, c); // EventTimeTrigger.onElement: FIRE when the window's end has passed
                } else {
                    List<WindowId> at = timers.computeIfAbsent(maxTimestamp, t -> new ArrayList<>());
                    if (!at.contains(id)) {
                        at.add(id);
                    }
                }
            }
        }
        if (!added) {
            lateRecords++;
        }
    }

    public void watermark(long wm) {
        if (wm <= watermark) {
            return;
        }
        watermark = wm;
        while (!timers.isEmpty() && timers.firstKey() <= wm) {
            for (WindowId id : timers.pollFirstEntry().getValue()) {
                Contents c = windows.get(id);
                if (c != null) {
                    emit(id, c);
                }
            }
        }
        windows.entrySet().removeIf(e ->
                e.getKey().start() + specs.get(e.getKey().spec()).sizeMillis() - 1 + lateness <= wm);
    }

    private void emit(WindowId id, Contents c) {
        emitted.add(new Emission(id.key(), id.spec(), id.start(), id.start() + specs.get(id.spec()).sizeMillis(),
                c.count, c.sum, c.min, c.max));
    }

    int openWindows() {
        return windows.size();
    }
}
