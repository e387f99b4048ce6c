package io.github.flinkkafkaavg.connectors.serde;

import com.fasterxml.jackson.core.JsonPointer;
import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A JSONPath of the simple form {@code $.a.b[0].c}, kept as text and turned into a Jackson pointer. */
final class JsonPath implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Pattern SEGMENT = Pattern.compile("\\.([A-Za-z_$@-][A-Za-z0-9_$@-]*)|\\[(\\d+)]|\\['([^']+)']");

    private final String text;
    private final String pointer;
    private transient JsonPointer compiled;

    private JsonPath(String text, String pointer) {
        this.text = text;
        this.pointer = pointer;
    }

    static JsonPath parse(String what, String path) {
        if (path == null || !path.startsWith("$") || path.length() < 2) {
            throw new IllegalArgumentException(what + " must look like $.field or $.a.b[0].c, but was " + path);
        }
        StringBuilder pointer = new StringBuilder();
        Matcher m = SEGMENT.matcher(path);
        int at = 1;
        while (at < path.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException(what + " must look like $.field or $.a.b[0].c, but was " + path
                        + " (cannot read it from position " + at + ")");
            }
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            pointer.append('/').append(name.replace("~", "~0").replace("/", "~1"));
            at = m.end();
        }
        return new JsonPath(path, pointer.toString());
    }

    JsonPointer pointer() {
        if (compiled == null) {
            compiled = JsonPointer.compile(pointer);
        }
        return compiled;
    }

    @Override
    public String toString() {
        return text;
    }
}
