package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A PostgreSQL table for window results, written with an idempotent upsert through Flink's JDBC sink
 * ({@code flink-connector-jdbc}): {@link SlidingAverage.Windowed#toDatabase}.
 *
 * <pre>{@code
 * DatabaseOut.postgres("jdbc:postgresql://db:5432/metrics")
 *     .table("sensor_averages")
 *     .user("flink").password(Secret.fromEnv("PG_PASSWORD"))
 *     .createTableIfMissing()           // else the table must exist with the columns below
 * }</pre>
 *
 * <p>Each result is one row: {@code key text, window_start bigint, window_end bigint} (epoch milliseconds, which
 * hold every event time a window can have; {@code to_timestamp(window_start / 1000.0)} turns them into times),
 * {@code count bigint, average, sum, min, max double precision}. By default the table keeps one row per window,
 * keyed by {@code (key, window_start, window_end)}: a write is {@code INSERT ... ON CONFLICT (key, window_start,
 * window_end) DO UPDATE}, so a result written twice (at-least-once delivery replays what followed the last
 * checkpoint after a restore) leaves the same row, and a window re-fired by a late record replaces its earlier row.
 * With {@link #latestPerKey()} the table keeps one row per key, the latest window, and an older window never
 * replaces a newer one ({@code ... WHERE table.window_end <= excluded.window_end}). At-least-once delivery plus
 * these idempotent writes give the table exactly-once content without XA transactions.
 *
 * <p>Rows are written in batches ({@link #batch}: 500 rows or 200 ms by default), every batch flushed before a
 * checkpoint completes, with up to 3 retries of a failed batch. Instances are immutable.
 */
@PublicEvolving
public final class DatabaseOut {

    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    /** What the table keeps. */
    enum Mode { PER_WINDOW, LATEST_PER_KEY }

    final String url;
    String table;
    String user;
    Secret password;
    Mode mode = Mode.PER_WINDOW;
    boolean createTableIfMissing;
    int batchRows = 500;
    Duration batchInterval = Duration.ofMillis(200);
    int maxRetries = 3;

    private DatabaseOut(String url) {
        this.url = url;
    }

    private DatabaseOut copy() {
        DatabaseOut c = new DatabaseOut(url);
        c.table = table;
        c.user = user;
        c.password = password;
        c.mode = mode;
        c.createTableIfMissing = createTableIfMissing;
        c.batchRows = batchRows;
        c.batchInterval = batchInterval;
        c.maxRetries = maxRetries;
        return c;
    }

    /**
     * A PostgreSQL database.
     *
     * @param jdbcUrl e.g. {@code jdbc:postgresql://db:5432/metrics}; credentials go to {@link #user} and
     *     {@link #password}, not into the URL
     * @return the output, still without a table
     */
    public static DatabaseOut postgres(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("toDatabase: the URL must start with jdbc:postgresql:, e.g."
                    + " jdbc:postgresql://db:5432/metrics, but was " + jdbcUrl);
        }
        if (jdbcUrl.matches("(?i).*[?&]password=.*")) {
            throw new IllegalArgumentException("toDatabase: the URL carries a password, which would show in logs and"
                    + " the job graph: remove it and use .password(Secret.fromEnv(\"PG_PASSWORD\"))");
        }
        return new DatabaseOut(jdbcUrl);
    }

    /**
     * The table: a name, or {@code schema.name}; unquoted, so PostgreSQL folds it to lower case.
     *
     * @param table letters, digits and {@code _}, not starting with a digit
     * @return a new output
     */
    public DatabaseOut table(String table) {
        if (table == null || !TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("toDatabase: table must be a name or schema.name of letters, digits"
                    + " and '_', but was " + table);
        }
        DatabaseOut c = copy();
        c.table = table;
        return c;
    }

    /**
     * The database user.
     *
     * @param user the user name
     * @return a new output
     */
    public DatabaseOut user(String user) {
        DatabaseOut c = copy();
        c.user = Objects.requireNonNull(user, "user");
        return c;
    }

    /**
     * The user's password. Environment variables and files are read where the connection is made (the client that
     * builds the job, for its checks, and every TaskManager), so only their names travel in the job graph.
     *
     * @param password the secret
     * @return a new output
     */
    public DatabaseOut password(Secret password) {
        DatabaseOut c = copy();
        c.password = Objects.requireNonNull(password, "password");
        return c;
    }

    /**
     * One row per key, its latest window, instead of one row per window: for "the current average" tables. A
     * re-fire of the latest window replaces it; a replayed or re-fired older window does not.
     *
     * @return a new output
     */
    public DatabaseOut latestPerKey() {
        DatabaseOut c = copy();
        c.mode = Mode.LATEST_PER_KEY;
        return c;
    }

    /**
     * Creates the table when {@code build} finds none, with the columns and the primary key described above.
     * Without it a missing table fails {@code build} with the statement that would create it.
     *
     * @return a new output
     */
    public DatabaseOut createTableIfMissing() {
        DatabaseOut c = copy();
        c.createTableIfMissing = true;
        return c;
    }

    /**
     * How rows are batched: a batch is written when it holds {@code rows} rows or {@code interval} after its first,
     * whichever comes first, and always before a checkpoint completes.
     *
     * @param rows at least 1; default 500
     * @param interval positive; default 200 ms
     * @return a new output
     */
    public DatabaseOut batch(int rows, Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (rows < 1 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("toDatabase: batch(rows, interval) needs rows >= 1 and a positive"
                    + " interval, but got " + rows + " and " + interval);
        }
        DatabaseOut c = copy();
        c.batchRows = rows;
        c.batchInterval = interval;
        return c;
    }

    /**
     * How often a failed batch is retried (with a growing pause) before the task fails and Flink restarts it from
     * the last checkpoint.
     *
     * @param retries zero or more; default 3
     * @return a new output
     */
    public DatabaseOut maxRetries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("toDatabase: maxRetries must be >= 0, but was " + retries);
        }
        DatabaseOut c = copy();
        c.maxRetries = retries;
        return c;
    }

    /**
     * The table and where it lives, never the password.
     *
     * @return e.g. {@code DatabaseOut{jdbc:postgresql://db:5432/metrics, table=averages, per window}}
     */
    @Override
    public String toString() {
        return "DatabaseOut{" + url + ", table=" + table + ", user=" + user + ", password=" + password + ", "
                + (mode == Mode.PER_WINDOW ? "per window" : "latest per key") + "}";
    }
}
