package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.Internal;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.lang.reflect.RecordComponent;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns what a decoder threw into a reason for the person reading the dead-letter topic, in the vocabulary every
 * input format uses: <em>where</em> (the field, the column, the JSON), <em>what was found</em> (missing, null, the
 * text "warm", an array) and <em>what was expected</em> ({@code field "value" is null; expected a number}).
 *
 * <p>Jackson's own messages are written for the programmer of the decoder: they name its classes and switches
 * ({@code DeserializationFeature...}, {@code (although at least one Creator exists)}) and quote the input
 * ({@code [Source: REDACTED ...]}), none of which a reader of the dead-letter topic can act on. They are kept,
 * cleaned of control characters, as the dead letter's detail ({@link #detail}) for whoever debugs the decoder.
 */
@Internal
public final class DecodeErrors {

    private static final Pattern MISSING = Pattern.compile("Missing (?:required )?creator property '([^']*)'");
    private static final Pattern NULL_CREATOR = Pattern.compile("Null value for creator property '([^']*)'");
    private static final Pattern FROM_KIND = Pattern.compile("from (Array|Object|String|Boolean|Integer|Number"
            + "|Floating-point|Null|Embedded Object) value");
    private static final Pattern NON_STANDARD = Pattern.compile("Non-standard token '([^']*)'");

    private DecodeErrors() {}

    /**
     * The reason for a decoding failure of a record of {@code type}.
     *
     * @param e what the decoder threw
     * @param type the type decoded, or null when unknown
     * @return one sentence: where, what was found, what was expected
     */
    public static String reason(Throwable e, Class<?> type) {
        if (e instanceof JsonMappingException && e.getCause() instanceof StreamReadException parse) {
            e = parse; // data binding wraps what the parser found: that is the reason
        }
        if (e instanceof ValueInstantiationException) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return "the values were refused by " + name(type) + "'s constructor: " + oneLine(cause.getMessage() == null
                    ? cause.getClass().getSimpleName() : cause.getMessage());
        }
        if (e instanceof MismatchedInputException m) {
            return mismatch(m, type);
        }
        if (e instanceof StreamReadException || e instanceof JsonProcessingException && !(e instanceof DatabindException)) {
            JsonProcessingException p = (JsonProcessingException) e;
            return "malformed JSON" + at(p.getLocation()) + ": " + clean(p.getOriginalMessage());
        }
        if (e instanceof JsonMappingException m) {
            return "the JSON does not fit " + name(type) + ": " + clean(m.getOriginalMessage());
        }
        return "cannot decode: " + oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /**
     * The decoder's own message, for debugging: one line, control characters escaped, at most 1,000 characters.
     *
     * @param e what the decoder threw
     * @return the message
     */
    public static String detail(Throwable e) {
        String message = e instanceof JsonProcessingException p ? p.getOriginalMessage() + at(p.getLocation())
                : e.getMessage();
        String text = e.getClass().getName() + ": " + (message == null ? "" : message);
        return escape(text.length() <= 1_000 ? text : text.substring(0, 997) + "...");
    }

    private static String mismatch(MismatchedInputException m, Class<?> type) {
        String message = m.getOriginalMessage() == null ? "" : m.getOriginalMessage();
        Matcher missing = MISSING.matcher(message);
        if (missing.find()) {
            String field = missing.group(1);
            return "field \"" + field + "\" is missing; expected " + expected(componentType(type, field));
        }
        Matcher nullCreator = NULL_CREATOR.matcher(message);
        if (nullCreator.find()) {
            String field = nullCreator.group(1);
            return "field \"" + field + "\" is null; expected " + expected(componentType(type, field));
        }
        if (message.startsWith("Trailing token")) {
            return "the JSON goes on after the first value" + at(m.getLocation()) + "; expected one JSON object per"
                    + " record";
        }
        String where = where(m.getPath());
        Class<?> target = m.getTargetType() != null ? m.getTargetType() : where.equals("the JSON") ? type : null;
        String found;
        if (message.contains("Cannot map `null`") || message.contains("from Null value")) {
            found = "null";
        } else if (m instanceof InvalidFormatException f) {
            found = value(f.getValue());
        } else {
            Matcher kind = FROM_KIND.matcher(message);
            found = kind.find() ? article(kind.group(1)) : "of another type";
        }
        if (where.equals("the JSON") && target != null && target == type && found.equals("null")) {
            return "the JSON is null; expected " + expected(type);
        }
        return where + " is " + found + "; expected " + expected(target);
    }

    /** {@code field "reading.value"}, {@code element 2 of field "values"}, or {@code the JSON} at the top. */
    private static String where(List<JsonMappingException.Reference> path) {
        if (path == null || path.isEmpty()) {
            return "the JSON";
        }
        StringBuilder field = new StringBuilder();
        String element = null;
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(ref.getFieldName());
                element = null;
            } else if (ref.getIndex() >= 0) {
                element = "element " + ref.getIndex() + " of ";
            }
        }
        if (field.length() == 0) {
            return element == null ? "the JSON" : element + "the JSON";
        }
        return (element == null ? "" : element) + "field \"" + escape(field.toString()) + "\"";
    }

    private static String article(String kind) {
        return switch (kind) {
            case "Array" -> "an array";
            case "Object", "Embedded Object" -> "an object";
            case "String" -> "a string";
            case "Boolean" -> "true or false";
            case "Null" -> "null";
            default -> "a number";
        };
    }

    /** What a value of this type is, for "expected ...". */
    static String expected(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class
                || type == java.math.BigDecimal.class) {
            return "a number";
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class
                || type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == java.math.BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == String.class || type == CharSequence.class) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "a time (epoch milliseconds, or ISO-8601 text such as \"2026-11-25T12:00:00Z\")";
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type.isRecord()) {
            return "an object with the fields " + Arrays.stream(type.getRecordComponents())
                    .map(c -> "\"" + c.getName() + "\"").collect(Collectors.joining(", "));
        }
        return "an object (" + type.getSimpleName() + ")";
    }

    private static Class<?> componentType(Class<?> type, String field) {
        if (type != null && type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                if (c.getName().equals(field)) {
                    return c.getType();
                }
            }
        }
        return null;
    }

    /** A value found in the input, as a person would write it: {@code the string "warm"}, {@code the number 12}. */
    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "the string \"" + escape(JsonSerde.abbreviate(s)) + "\"";
        }
        if (v instanceof Number n) {
            return "the number " + n;
        }
        return escape(JsonSerde.abbreviate(String.valueOf(v)));
    }

    private static String name(Class<?> type) {
        return type == null ? "the type" : type.getSimpleName();
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * Jackson's message without its advice to the decoder's programmer (feature switches, creators) and without the
     * input excerpt; non-standard tokens such as {@code NaN} said plainly.
     */
    static String clean(String message) {
        if (message == null) {
            return "no detail";
        }
        String text = oneLine(message);
        Matcher nonStandard = NON_STANDARD.matcher(text);
        if (nonStandard.find()) {
            return nonStandard.group(1) + " is not a JSON value (JSON has no NaN or Infinity)";
        }
        for (String advice : new String[] {": enable `", "; `", " (set DeserializationConfig", " (although at least one",
                ", from `StreamReadConstraints", "\n at [Source"}) {
            int at = text.indexOf(advice);
            if (at > 0) {
                text = text.substring(0, at);
            }
        }
        return text.replace("`", "");
    }

    private static String oneLine(String message) {
        return escape(JsonSerde.firstLine(message));
    }

    /**
     * Escapes what must not reach a Kafka header as is: control characters, unpaired surrogates and the replacement
     * character (which marks invalid UTF-8 in the input) become a backslash, u and four hex digits (as in JSON).
     *
     * @param text any text
     * @return the text with those characters escaped
     */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            boolean bad = c < 0x20 || (c >= 0x7F && c < 0xA0) || c == '\uFFFD'
                    || (Character.isSurrogate(c) && !paired && !(Character.isLowSurrogate(c) && i > 0
                            && Character.isHighSurrogate(text.charAt(i - 1))));
            if (bad && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (bad) {
                    out.append(String.format("\\u%04X", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
