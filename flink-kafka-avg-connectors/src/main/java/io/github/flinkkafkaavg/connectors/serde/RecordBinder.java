package io.github.flinkkafkaavg.connectors.serde;

import com.fasterxml.jackson.annotation.JacksonAnnotation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
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

    private RecordBinder(String[] names, Kind[] kinds, Constructor<T> constructor) {
        this.names = names;
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
