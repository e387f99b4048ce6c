package io.github.flinkkafkaavg.connectors.serde;

import com.fasterxml.jackson.annotation.JacksonAnnotation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Binds a flat JSON object straight onto a Java record's canonical constructor with Jackson's streaming parser —
 * the decoding fast path of {@link JsonSerde#of(Class)}.
 *
 * <p>It exists because data binding was two thirds of the source thread's time in the Kafka benchmark, mostly in
 * per-call set-up (a deserialization context, a property buffer, a creator call by reflection) that a three-field
 * record does not need. It is deliberately narrow: it accepts only what it can decode exactly as Jackson's data
 * binding with {@link JsonSerde}'s mapper would — a JSON object whose record fields are strings for
 * {@code String} components, numbers for numeric ones, booleans and epoch milliseconds for {@code Instant} — and
 * answers {@code null} ("not mine") for everything else: a null or a string where a number is, a missing or
 * repeated field, trailing tokens, malformed JSON. The caller then decodes the same bytes with data binding, so a
 * value or an error is always Jackson's own, never a second opinion. Records that carry any Jackson annotation, or
 * a component of another type, get no binder at all.
 *
 * @param <T> the record type
 */
final class RecordBinder<T> {

    /** How a component is read from its JSON token. */
    private enum Kind { STRING, DOUBLE, FLOAT, LONG, INT, BOOLEAN, INSTANT }

    private final String[] names;
    /** The names as Jackson matches them against raw input bytes, in declaration order: the usual field order. */
    private final SerializedString[] expected;
    private final Kind[] kinds;
    private final Constructor<T> constructor;
    /** The names in ASCII, for {@link #scan}; null when a name is not ASCII (then only {@link #bind} runs). */
    private final byte[][] asciiNames;
    /** Whether {@link #scan} may decode this type: ASCII names and no {@code float} component. */
    private final boolean scannable;

    private RecordBinder(String[] names, Kind[] kinds, Constructor<T> constructor) {
        this.names = names;
        byte[][] ascii = new byte[names.length][];
        boolean plain = true;
        for (int i = 0; i < names.length; i++) {
            ascii[i] = names[i].getBytes(StandardCharsets.US_ASCII);
            plain &= names[i].chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
                    && kinds[i] != Kind.FLOAT;
        }
        this.asciiNames = ascii;
        this.scannable = plain;
        this.expected = new SerializedString[names.length];
        for (int i = 0; i < names.length; i++) {
            expected[i] = new SerializedString(names[i]);
        }
        this.kinds = kinds;
        this.constructor = constructor;
    }

    /**
     * A binder for a record type, or null when the type must go through data binding: not a record, a component
     * type outside the supported ones, a Jackson annotation anywhere on the type (renames, creators, custom
     * deserializers change what the JSON means), or a constructor this module may not call.
     */
    static <T> RecordBinder<T> forType(Class<T> type) {
        if (!type.isRecord() || hasJacksonAnnotation(type)) {
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        String[] names = new String[components.length];
        Kind[] kinds = new Kind[components.length];
        Class<?>[] parameterTypes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            Kind kind = kindOf(components[i].getType());
            if (kind == null) {
                return null;
            }
            names[i] = components[i].getName().intern();
            kinds[i] = kind;
            parameterTypes[i] = components[i].getType();
        }
        try {
            Constructor<T> canonical = type.getDeclaredConstructor(parameterTypes);
            canonical.setAccessible(true);
            return new RecordBinder<>(names, kinds, canonical);
        } catch (ReflectiveOperationException | RuntimeException inaccessible) {
            return null;
        }
    }

    /**
     * The fast paths in order: {@link #scan}, then {@link #bind} when the scanner answers null. Null means data
     * binding must decode the bytes — also when the record's constructor refused the values, so that data binding
     * calls it once more and reports the refusal in its own words, rather than every path calling it in turn.
     *
     * @param value the whole value
     * @param mapper the mapper whose parser {@link #bind} uses
     * @return the record, or null
     */
    T decode(byte[] value, ObjectMapper mapper) {
        try {
            T scanned = scan(value);
            if (scanned != null) {
                return scanned;
            }
            try (JsonParser parser = mapper.createParser(value)) {
                return bind(parser);
            }
        } catch (Exception notPlain) {
            return null;
        }
    }

    /**
     * Decodes the commonest input of all without a parser: one flat JSON object of ASCII strings without escapes,
     * plain numbers, booleans, with whitespace anywhere JSON allows it. Anything else — an escape, a non-ASCII byte,
     * a nested value, a null, a number of more than 18 digits — answers null, and {@link #bind} (then data binding)
     * decodes the same bytes. Where it answers, it gives what data binding gives: strings are the bytes as
     * characters, integral numbers go through {@code Long.parseLong} (so {@code -0} is {@code 0.0}, as Jackson
     * reads it), the others through {@code Double.parseDouble}, which rounds correctly, as Jackson's parser does.
     *
     * @param in the whole value
     * @return the record, or null when this input is not for this method
     * @throws Exception what the record's constructor throws
     */
    T scan(byte[] in) throws Exception {
        if (!scannable) {
            return null;
        }
        int n = in.length;
        int at = skipWhitespace(in, 0);
        if (at >= n || in[at] != '{') {
            return null;
        }
        Object[] values = new Object[names.length];
        int found = 0;
        int guess = 0;
        at = skipWhitespace(in, at + 1);
        if (at < n && in[at] == '}') {
            return null; // no fields: data binding says which are missing
        }
        while (true) {
            if (at >= n || in[at] != '"') {
                return null;
            }
            int nameStart = at + 1;
            int nameEnd = endOfPlainString(in, nameStart);
            if (nameEnd < 0) {
                return null;
            }
            int index = guess < names.length && matches(in, nameStart, nameEnd, asciiNames[guess]) ? guess
                    : indexOf(in, nameStart, nameEnd);
            at = skipWhitespace(in, nameEnd + 1);
            if (at >= n || in[at] != ':') {
                return null;
            }
            at = skipWhitespace(in, at + 1);
            if (at >= n) {
                return null;
            }
            int end;
            if (index < 0) {
                end = skipScalar(in, at);
            } else {
                if (values[index] != null) {
                    return null;
                }
                end = readValue(kinds[index], in, at, values, index);
                found++;
                guess = index + 1;
            }
            if (end < 0) {
                return null;
            }
            at = skipWhitespace(in, end);
            if (at >= n) {
                return null;
            }
            if (in[at] == ',') {
                at = skipWhitespace(in, at + 1);
            } else if (in[at] == '}') {
                break;
            } else {
                return null;
            }
        }
        if (found != names.length || skipWhitespace(in, at + 1) != n) {
            return null;
        }
        return constructor.newInstance(values);
    }

    /** Reads one value of a known field into {@code values[index]}; the index after it, or -1 when not plain. */
    private static int readValue(Kind kind, byte[] in, int at, Object[] values, int index) {
        switch (kind) {
            case STRING -> {
                if (in[at] != '"') {
                    return -1;
                }
                int end = endOfPlainString(in, at + 1);
                if (end < 0) {
                    return -1;
                }
                values[index] = new String(in, at + 1, end - at - 1, StandardCharsets.ISO_8859_1);
                return end + 1;
            }
            case BOOLEAN -> {
                if (literal(in, at, TRUE)) {
                    values[index] = Boolean.TRUE;
                    return at + 4;
                }
                if (literal(in, at, FALSE)) {
                    values[index] = Boolean.FALSE;
                    return at + 5;
                }
                return -1;
            }
            default -> {
                int end = endOfNumber(in, at);
                if (end < 0) {
                    return -1;
                }
                boolean integral = true;
                for (int i = at; i < end; i++) {
                    if (in[i] == '.' || in[i] == 'e' || in[i] == 'E') {
                        integral = false;
                        break;
                    }
                }
                int digits = end - at - (in[at] == '-' ? 1 : 0);
                String text = new String(in, at, end - at, StandardCharsets.ISO_8859_1);
                switch (kind) {
                    case DOUBLE -> {
                        if (integral) {
                            if (digits > 18) {
                                return -1;
                            }
                            values[index] = (double) Long.parseLong(text);
                        } else {
                            values[index] = Double.parseDouble(text);
                        }
                    }
                    case LONG, INSTANT -> {
                        if (!integral || digits > 18) {
                            return -1;
                        }
                        long v = Long.parseLong(text);
                        values[index] = kind == Kind.LONG ? (Object) v : Instant.ofEpochMilli(v);
                    }
                    case INT -> {
                        if (!integral || digits > 9) {
                            return -1;
                        }
                        values[index] = Integer.parseInt(text);
                    }
                    default -> {
                        return -1;
                    }
                }
                return end;
            }
        }
    }

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    /** Skips a string, number or literal of an unknown field; -1 for a nested value or anything not plain. */
    private static int skipScalar(byte[] in, int at) {
        byte b = in[at];
        if (b == '"') {
            int end = endOfPlainString(in, at + 1);
            return end < 0 ? -1 : end + 1;
        }
        if (literal(in, at, TRUE) || literal(in, at, NULL)) {
            return at + 4;
        }
        if (literal(in, at, FALSE)) {
            return at + 5;
        }
        return endOfNumber(in, at);
    }

    /**
     * The index of the closing quote of a string of printable ASCII without escapes, or -1; also for strings of more
     * than 4,096 characters, far below the limit the mapper enforces, so that limit stays the mapper's to apply.
     */
    private static int endOfPlainString(byte[] in, int from) {
        int limit = Math.min(in.length, from + 4_097);
        for (int i = from; i < limit; i++) {
            byte b = in[i];
            if (b == '"') {
                return i;
            }
            if (b < 0x20 || b >= 0x7f || b == '\\') {
                return -1;
            }
        }
        return -1;
    }

    /**
     * The end of a JSON number at {@code at} — {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?} followed by
     * whitespace, a comma or a brace — or -1, also for numbers of more than 100 characters.
     */
    private static int endOfNumber(byte[] in, int at) {
        int n = in.length;
        int i = at;
        if (i < n && in[i] == '-') {
            i++;
        }
        if (i >= n) {
            return -1;
        }
        if (in[i] == '0') {
            i++;
        } else if (in[i] >= '1' && in[i] <= '9') {
            while (i < n && in[i] >= '0' && in[i] <= '9') {
                i++;
            }
        } else {
            return -1;
        }
        if (i < n && in[i] == '.') {
            int digits = ++i;
            while (i < n && in[i] >= '0' && in[i] <= '9') {
                i++;
            }
            if (i == digits) {
                return -1;
            }
        }
        if (i < n && (in[i] == 'e' || in[i] == 'E')) {
            i++;
            if (i < n && (in[i] == '+' || in[i] == '-')) {
                i++;
            }
            int digits = i;
            while (i < n && in[i] >= '0' && in[i] <= '9') {
                i++;
            }
            if (i == digits) {
                return -1;
            }
        }
        if (i - at > 100 || i >= n) {
            return -1;
        }
        byte next = in[i];
        return next == ',' || next == '}' || isWhitespace(next) ? i : -1;
    }

    private static boolean literal(byte[] in, int at, byte[] word) {
        if (at + word.length >= in.length) {
            return false; // a literal is always followed by something in an object
        }
        for (int i = 0; i < word.length; i++) {
            if (in[at + i] != word[i]) {
                return false;
            }
        }
        byte next = in[at + word.length];
        return next == ',' || next == '}' || isWhitespace(next);
    }

    private static int skipWhitespace(byte[] in, int at) {
        while (at < in.length && isWhitespace(in[at])) {
            at++;
        }
        return at;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static boolean matches(byte[] in, int from, int to, byte[] name) {
        return to - from == name.length && Arrays.equals(in, from, to, name, 0, name.length);
    }

    private int indexOf(byte[] in, int from, int to) {
        for (int i = 0; i < asciiNames.length; i++) {
            if (matches(in, from, to, asciiNames[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Decodes the object the parser is at the start of, or answers null when the input is not the plain shape this
     * binder decodes exactly as data binding does.
     *
     * @param parser a parser over the whole value, before its first token
     * @return the record, or null: decode the same bytes with data binding
     * @throws Exception whatever the parser or the record's constructor throw; the caller falls back on that too
     */
    T bind(JsonParser parser) throws Exception {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        Object[] values = new Object[names.length];
        int found = 0;
        int guess = 0;
        while (true) {
            int index;
            if (guess < expected.length && parser.nextFieldName(expected[guess])) {
                index = guess; // the field the record declares next: matched on the raw bytes, no name lookup
            } else {
                if (guess >= expected.length) {
                    parser.nextToken();
                } // else nextFieldName has moved to the next token already
                if (parser.currentToken() != JsonToken.FIELD_NAME) {
                    break;
                }
                index = indexOf(parser.currentName());
            }
            if (index >= 0) {
                guess = index + 1;
            }
            JsonToken token = parser.nextToken();
            if (index < 0) {
                parser.skipChildren();
                continue;
            }
            if (values[index] != null) {
                return null;
            }
            Object value = read(kinds[index], token, parser);
            if (value == null) {
                return null;
            }
            values[index] = value;
            found++;
        }
        if (parser.currentToken() != JsonToken.END_OBJECT || found != names.length || parser.nextToken() != null) {
            return null;
        }
        return constructor.newInstance(values);
    }

    private int indexOf(String name) {
        // Jackson interns field names by default, so the identity check usually decides; equals covers the rest.
        for (int i = 0; i < names.length; i++) {
            if (names[i] == name) {
                return i;
            }
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static Object read(Kind kind, JsonToken token, JsonParser parser) throws Exception {
        switch (kind) {
            case STRING:
                return token == JsonToken.VALUE_STRING ? parser.getText() : null;
            case DOUBLE:
                return isNumber(token) ? (Object) parser.getDoubleValue() : null;
            case FLOAT:
                return isNumber(token) ? (Object) parser.getFloatValue() : null;
            case LONG:
                return isLong(token, parser) ? (Object) parser.getLongValue() : null;
            case INT:
                return token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT
                        ? (Object) parser.getIntValue() : null;
            case BOOLEAN:
                return token == JsonToken.VALUE_TRUE ? Boolean.TRUE : token == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
            case INSTANT:
                return isLong(token, parser) ? Instant.ofEpochMilli(parser.getLongValue()) : null;
            default:
                return null;
        }
    }

    private static boolean isNumber(JsonToken token) {
        return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }

    private static boolean isLong(JsonToken token, JsonParser parser) throws Exception {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            return false;
        }
        JsonParser.NumberType numberType = parser.getNumberType();
        return numberType == JsonParser.NumberType.INT || numberType == JsonParser.NumberType.LONG;
    }

    private static Kind kindOf(Class<?> type) {
        if (type == String.class) {
            return Kind.STRING;
        } else if (type == double.class || type == Double.class) {
            return Kind.DOUBLE;
        } else if (type == float.class || type == Float.class) {
            return Kind.FLOAT;
        } else if (type == long.class || type == Long.class) {
            return Kind.LONG;
        } else if (type == int.class || type == Integer.class) {
            return Kind.INT;
        } else if (type == boolean.class || type == Boolean.class) {
            return Kind.BOOLEAN;
        } else if (type == Instant.class) {
            return Kind.INSTANT;
        }
        return null;
    }

    private static boolean hasJacksonAnnotation(Class<?> type) {
        List<AnnotatedElement> elements = new ArrayList<>();
        elements.add(type);
        elements.addAll(List.of(type.getDeclaredFields()));
        elements.addAll(List.of(type.getDeclaredMethods()));
        elements.addAll(List.of(type.getDeclaredConstructors()));
        for (RecordComponent component : type.getRecordComponents()) {
            elements.add(component);
        }
        for (Executable executable : type.getDeclaredConstructors()) {
            elements.addAll(List.of(executable.getParameters()));
        }
        for (Executable executable : type.getDeclaredMethods()) {
            elements.addAll(List.of(executable.getParameters()));
        }
        for (AnnotatedElement element : elements) {
            for (Annotation annotation : element.getAnnotations()) {
                Class<? extends Annotation> annotationType = annotation.annotationType();
                if (annotationType.isAnnotationPresent(JacksonAnnotation.class)
                        || annotationType.getName().startsWith("com.fasterxml.jackson.")) {
                    return true;
                }
            }
        }
        return false;
    }
}
