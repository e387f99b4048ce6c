package io.github.flinkkafkaavg.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script as Flink's SQL client reads one — statements ended by {@code ;}, {@code --} comments to the end of a
 * line — with each {@code ${name}} in a statement replaced by its value. Quotes are respected: a {@code ;} or {@code --}
 * inside {@code '...'}, {@code "..."} or {@code `...`} is text; an {@code EXECUTE STATEMENT SET BEGIN ... END} is one
 * statement, its inner {@code ;} included.
 */
final class SqlScript {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    private SqlScript() {}

    /**
     * The script's statements, variables filled in, comments and blank statements left out.
     *
     * @param script the script's text
     * @param variables the value of each {@code ${name}}
     * @return the statements, without their {@code ;}
     * @throws IllegalArgumentException when the script uses a variable with no value, or a quote is not closed
     */
    static List<String> statements(String script, Map<String, String> variables) {
        // Split first: a comment may mention ${...}, and a value may hold a ';' or a quote.
        List<String> statements = new ArrayList<>();
        for (String statement : split(script)) {
            Matcher m = VARIABLE.matcher(statement);
            StringBuilder filled = new StringBuilder();
            while (m.find()) {
                String value = variables.get(m.group(1));
                if (value == null) {
                    throw new IllegalArgumentException("the script uses ${" + m.group(1) + "}, which has no value; the"
                            + " variables are " + new TreeSet<>(variables.keySet()));
                }
                m.appendReplacement(filled, Matcher.quoteReplacement(value));
            }
            m.appendTail(filled);
            statements.add(filled.toString());
        }
        return statements;
    }

    private static List<String> split(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                current.append(c);
                if (c == quote) {
                    quote = 0; // a doubled quote ('it''s') closes and reopens: the same text
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
                current.append(c);
            } else if (c == '-' && i + 1 < text.length() && text.charAt(i + 1) == '-') {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end - 1; // the newline itself is kept
            } else if (c == ';' && !insideStatementSet(current)) {
                add(statements, current);
            } else {
                current.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("the script ends inside a " + quote + "-quoted text: " + current.toString().strip());
        }
        add(statements, current);
        return statements;
    }

    /**
     * Whether {@code current} is an open {@code EXECUTE STATEMENT SET BEGIN ... END} (or {@code BEGIN STATEMENT SET}):
     * its inner statements' {@code ;} belong to it, and the {@code ;} after {@code END} ends it.
     */
    private static boolean insideStatementSet(StringBuilder current) {
        String text = current.toString().strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        boolean set = text.startsWith("EXECUTE STATEMENT SET BEGIN") || text.startsWith("BEGIN STATEMENT SET");
        return set && !text.endsWith(" END");
    }

    private static void add(List<String> statements, StringBuilder current) {
        String statement = current.toString().strip();
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
        current.setLength(0);
    }
}
