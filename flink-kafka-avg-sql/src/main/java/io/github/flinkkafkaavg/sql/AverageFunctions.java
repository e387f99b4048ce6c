package io.github.flinkkafkaavg.sql;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import org.apache.flink.table.api.TableEnvironment;

/**
 * Registers the library's SQL functions under their SQL names, for the Table API and for SQL run from Java.
 *
 * <pre>{@code
 * TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
 * AverageFunctions.register(tEnv);
 * tEnv.executeSql("SELECT * FROM SLIDING_AVERAGE(input => TABLE readings PARTITION BY sensor_id, ...)");
 * }</pre>
 *
 * <p>The SQL client does the same with {@code CREATE FUNCTION SLIDING_AVERAGE AS
 * 'io.github.flinkkafkaavg.sql.SlidingAverageFunction'} (the JAR on the class path or named with {@code USING JAR}).
 */
@PublicEvolving
public final class AverageFunctions {

    /** The SQL name of {@link SlidingAverageFunction}. */
    public static final String SLIDING_AVERAGE = "SLIDING_AVERAGE";
    /** The SQL name of {@link MovingAverageFunction}. */
    public static final String MOVING_AVERAGE = "MOVING_AVERAGE";

    private AverageFunctions() {}

    /**
     * Registers {@code SLIDING_AVERAGE} and {@code MOVING_AVERAGE} as temporary system functions.
     *
     * @param tableEnv the environment
     */
    public static void register(TableEnvironment tableEnv) {
        tableEnv.createTemporarySystemFunction(SLIDING_AVERAGE, SlidingAverageFunction.class);
        tableEnv.createTemporarySystemFunction(MOVING_AVERAGE, MovingAverageFunction.class);
    }
}
