package io.github.flinkkafkaavg.examples;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.util.TimeUtils;

/**
 * The {@code --name value} command line of the example jobs and of the benchmarks — the one parser of the project's
 * programs: unknown options and bad values fail with a message naming the option, so a typo never silently falls
 * back to a default. Not library API: it lives with the programs that use it.
 */
public final class Args {

    private final Map<String, String> values = new LinkedHashMap<>();

    private Args() {}

    /**
     * Reads a command line.
     *
     * @param args the command line
     * @param options the options that take a value, without {@code --}
     * @param flags the options that take none
     * @return the options given
     * @throws IllegalArgumentException naming an unknown option, a missing value or a stray argument
     */
    public static Args parse(String[] args, Set<String> options, Set<String> flags) {
        Args parsed = new Args();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': options look like --name value");
            }
            String name = arg.substring(2);
            if (flags.contains(name)) {
                parsed.values.put(name, "");
            } else if (options.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                parsed.values.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option --" + name + "; run with --help for the list");
            }
        }
        return parsed;
    }

    /**
     * Every option given, in order, flags with an empty value.
     *
     * @return name without {@code --} to value
     */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, but was '" + value + "'");
        }
    }

    double getDouble(String name, double fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, but was '" + value + "'");
        }
    }

    Duration getDuration(String name, Duration fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return TimeUtils.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--" + name + " must be a duration such as 500ms, 10s or 5min, but was '" + value + "'");
        }
    }
}
