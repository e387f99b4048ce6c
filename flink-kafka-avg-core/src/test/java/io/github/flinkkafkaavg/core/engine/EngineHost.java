package io.github.flinkkafkaavg.core.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Plays the Flink operator's part for engine tests: one KeyState per key, timers fired as the watermark passes. */
final class EngineHost {

    record Emission(String key, int spec, long start, long end, long count, double sum, double average, double min, double max) {
        String id() {
            return key + "/" + spec + "/" + start + "/" + end + "/" + count + "/" + min + "/" + max;
        }
    }

    final SlidingWindowEngine engine;
    final Map<String, SlidingWindowEngine.KeyState> states = new HashMap<>();
    final List<Emission> emitted = new ArrayList<>();
    long watermark = Long.MIN_VALUE;
    long late;
    long tooFar;

    EngineHost(SlidingWindowEngine engine) {
        this.engine = engine;
    }

    SlidingWindowEngine.Outcome element(String key, long ts, double value) {
        SlidingWindowEngine.KeyState state = states.computeIfAbsent(key, k -> new SlidingWindowEngine.KeyState());
        SlidingWindowEngine.Outcome outcome = engine.onElement(state, ts, value, watermark, sink(key));
        if (outcome == SlidingWindowEngine.Outcome.LATE) {
            late++;
        } else if (outcome == SlidingWindowEngine.Outcome.TOO_FAR_AHEAD) {
            tooFar++;
        }
        if (state.isEmpty()) {
            states.remove(key);
        }
        return outcome;
    }

    void watermark(long wm) {
        if (wm <= watermark) {
            return;
        }
        watermark = wm;
        for (var it = states.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            SlidingWindowEngine.KeyState state = entry.getValue();
            if (state.timer() != SlidingWindowEngine.NO_TIMER && state.timer() <= wm) {
                engine.onTimer(state, wm, sink(entry.getKey()));
                if (state.timer() != SlidingWindowEngine.NO_TIMER && state.timer() <= wm) {
                    throw new AssertionError("engine set a timer " + state.timer() + " that is already due at " + wm);
                }
            }
            if (state.isEmpty()) {
                it.remove();
            }
        }
    }

    private SlidingWindowEngine.WindowSink sink(String key) {
        return (spec, start, end, w) ->
                emitted.add(new Emission(key, spec, start, end, w.count(), w.sum(), w.average(), w.min(), w.max()));
    }
}
