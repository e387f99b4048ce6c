package io.github.flinkkafkaavg.testkit;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The oracle of a sliding-window average, computed independently of the code under test: every window
 * {@code [k·slide, k·slide + size)} that holds a value of a key, with its exact count and {@link BigDecimal} sum.
 * Feed it the input with {@link #add}, then every result the job produced with {@link #observe}; {@link
 * #assertExactlyOnce()} fails, listing them, on results with a wrong count or an average off by more than 1e-12
 * (relative), on windows seen twice, and on windows never seen.
 */
@PublicEvolving
public final class ExpectedWindows {

    private static final BigDecimal TOLERANCE = new BigDecimal("1e-12");

    private final long size;
    private final long slide;
    private final Map<String, BigDecimal[]> expected = new TreeMap<>(); // id -> {count, sum}
    private final Map<String, Integer> seen = new HashMap<>();
    private final List<String> wrong = new ArrayList<>();

    /**
     * An empty oracle for windows of {@code size} sliding by {@code slide} (both in milliseconds).
     *
     * @param size the window size
     * @param slide the slide; equal to the size for tumbling windows
     */
    public ExpectedWindows(long size, long slide) {
        this.size = size;
        this.slide = slide;
    }

    /**
     * Adds one input value to every window that covers its timestamp.
     *
     * @param key the key
     * @param timestamp the event time, epoch milliseconds
     * @param value the value, exactly as the job sees it (e.g. {@code new BigDecimal(aDouble)})
     * @return this
     */
    public ExpectedWindows add(String key, long timestamp, BigDecimal value) {
        for (long start = Math.floorDiv(timestamp, slide) * slide; start > timestamp - size; start -= slide) {
            BigDecimal[] e = expected.computeIfAbsent(id(key, start), k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
            e[0] = e[0].add(BigDecimal.ONE);
            e[1] = e[1].add(value);
        }
        return this;
    }

    /**
     * Records one result of the job.
     *
     * @param key the result's key
     * @param start its window start
     * @param end its window end
     * @param count its count
     * @param average its average
     */
    public void observe(String key, long start, long end, long count, double average) {
        String id = id(key, start);
        seen.merge(id, 1, Integer::sum);
        BigDecimal[] e = expected.get(id);
        if (e == null || end - start != size || count != e[0].longValue()) {
            wrong.add(id + " [" + start + ", " + end + ") count " + count + (e == null ? " (no such window)"
                    : " (expected " + e[0] + ")"));
            return;
        }
        BigDecimal exact = e[1].divide(e[0], MathContext.DECIMAL128);
        if (new BigDecimal(average).subtract(exact).abs().compareTo(exact.abs().multiply(TOLERANCE)) > 0
                && !(exact.signum() == 0 && Math.abs(average) < 1e-300)) {
            wrong.add(id + " average " + average + " (exact " + exact + ")");
        }
    }

    /**
     * How many windows the input has.
     *
     * @return the number of expected windows
     */
    public int size() {
        return expected.size();
    }

    /**
     * The results observed twice or more.
     *
     * @return their window ids, {@code key@start}
     */
    public List<String> duplicated() {
        return seen.entrySet().stream().filter(x -> x.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
    }

    /**
     * The expected windows never observed.
     *
     * @return their window ids, {@code key@start}
     */
    public List<String> missing() {
        return expected.keySet().stream().filter(id -> !seen.containsKey(id)).toList();
    }

    /**
     * The observed results that match no expected window, or not its count or average.
     *
     * @return a description of each
     */
    public List<String> wrong() {
        return List.copyOf(wrong);
    }

    /**
     * Every expected window observed exactly once, with its count and average.
     *
     * @throws AssertionError listing the wrong, duplicated and missing windows (the first 20 of each)
     */
    public void assertExactlyOnce() {
        if (!wrong.isEmpty() || !duplicated().isEmpty() || !missing().isEmpty()) {
            throw new AssertionError("not every window exactly once: " + wrong.size() + " wrong "
                    + first(wrong) + ", " + duplicated().size() + " duplicated " + first(duplicated()) + ", "
                    + missing().size() + " missing " + first(missing()) + " (of " + expected.size() + " windows)");
        }
    }

    private static List<String> first(List<String> list) {
        return list.subList(0, Math.min(20, list.size()));
    }

    private static String id(String key, long start) {
        return key + "@" + start;
    }
}
