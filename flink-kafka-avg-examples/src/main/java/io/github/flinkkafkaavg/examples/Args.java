package io.github.flinkkafkaavg.examples;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.util.TimeUtils;

/**
 * The {@code --name value} command line of the example jobs: unknown options and bad values fail with a message
 * naming the option, so a typo never silently falls back to a default.
 */
final class Args {

    private final Map<String, String> values = new LinkedHashMap<>();

    private Args() {}

    static Args parse(String[] args, Set<String> options, Set<String> flags) {
        Args parsed = new Args();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': options look like --name value");
            }
            String name = arg.substring(2);
            if (flags.contains(name)) {
                parsed.values.put(name, "true");
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
