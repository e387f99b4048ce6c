package io.github.flinkkafkaavg.connectors.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps one decode task's share of dead letters and their most common reason, so that a job whose records are
 * (nearly) all dead letters — a field called {@code px} where the job reads {@code price}, say — says so loudly
 * instead of finishing "successfully" with no result.
 *
 * <p>Reasons are grouped by their shape: numbers and quoted values are left out, so {@code event time 17 ... ahead}
 * and {@code event time 18 ... ahead} count as one reason, while {@code field "price" is missing} and
 * {@code field "ts" is missing} stay two; the first full reason of each shape is kept as its example. At most
 * {@value #MAX_SHAPES} shapes are kept, so a stream of ever-new reasons cannot grow it. Plain Java, not thread-safe.
 */
public final class DeadLetterRatio {

    /** The share of dead letters from which the job is said to be failing to average its input. */
    public static final double ALARM_RATIO = 0.5;
    /** How many records a task reads before it judges the share. */
    public static final long ALARM_AFTER = 100;
    static final int MAX_SHAPES = 64;
    private static final Pattern NUMBERS = Pattern.compile("-?\\d[\\d.,:TZ+-]*");
    private static final Pattern QUOTED_VALUE = Pattern.compile("(the string |line |is )\"[^\"]*\"");

    private long records;
    private long deadLetters;
    private final Map<String, long[]> counts = new HashMap<>();
    private final Map<String, String> examples = new HashMap<>();
    private boolean alarmed;

    /**
     * Counts a record that decoded.
     */
    public void sample() {
        records++;
    }

    /**
     * Counts a dead letter.
     *
     * @param reason its reason
     */
    public void deadLetter(String reason) {
        records++;
        deadLetters++;
        String shape = reason == null ? "" : QUOTED_VALUE.matcher(NUMBERS.matcher(reason).replaceAll("#"))
                .replaceAll("$1\"…\"");
        long[] count = counts.get(shape);
        if (count == null) {
            if (counts.size() >= MAX_SHAPES) {
                shape = "(other reasons)";
                count = counts.computeIfAbsent(shape, s -> new long[1]);
            } else {
                count = new long[1];
                counts.put(shape, count);
                examples.put(shape, reason);
            }
        }
        count[0]++;
    }

    /**
     * The share of dead letters so far.
     *
     * @return 0 to 1; 0 before the first record
     */
    public double ratio() {
        return records == 0 ? 0 : (double) deadLetters / records;
    }

    /**
     * The records counted.
     *
     * @return the count
     */
    public long records() {
        return records;
    }

    /**
     * The one alarm to log, the first time the task has read {@link #ALARM_AFTER} records (or {@code finished}) and
     * at least {@link #ALARM_RATIO} of them were dead letters; null otherwise and ever after.
     *
     * @param finished whether the input has ended, so that a short input is judged too
     * @param where what the task reads, for the message
     * @return the message, or null
     */
    public String alarm(boolean finished, String where) {
        if (alarmed || records == 0 || (records < ALARM_AFTER && !finished) || ratio() < ALARM_RATIO) {
            return null;
        }
        alarmed = true;
        return describe(where) + ". Check the input format and the key, value and event-time settings against the"
                + " records; the dead letters keep the original bytes and this reason";
    }

    /**
     * What the task has seen, for an alarm or a failure: the share, the counts and the most common reason.
     *
     * @param where what the task reads
     * @return one sentence
     */
    public String describe(String where) {
        String top = null;
        long topCount = 0;
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            if (e.getValue()[0] > topCount) {
                topCount = e.getValue()[0];
                top = e.getKey();
            }
        }
        String example = top == null ? null : examples.getOrDefault(top, top);
        return String.format(java.util.Locale.ROOT, "%.1f%% of the %,d records read from %s could not be averaged"
                        + " (%,d dead letters); the most common reason, %,d times: %s", 100 * ratio(), records, where,
                deadLetters, topCount, example);
    }
}
