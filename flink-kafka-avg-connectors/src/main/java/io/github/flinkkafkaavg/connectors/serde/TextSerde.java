package io.github.flinkkafkaavg.connectors.serde;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.connectors.serde.Sample;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Plain-text input, the simplest alternatives to JSON.
 *
 * <pre>{@code
 * SampleExtractor numbers = TextSerde.number();                       // value "42.5", key = Kafka key
 * SampleExtractor csv = TextSerde.csv(0, 2).timestampColumn(1);      // "sensor-7,1764000000000,21.5"
 * }</pre>
 *
 * <p>{@link #number()} reads the whole value as one number and takes the key from the Kafka record key and the event
 * time from the Kafka record timestamp. {@link #csv(int, int)} splits a line on a delimiter (default comma; no
 * quoting) and reads key, value and optionally event time (epoch milliseconds) from zero-based columns. Anything
 * that does not parse, or is not finite, is an {@link InvalidRecordException}.
 */
@PublicEvolving
public final class TextSerde {

    private TextSerde() {}

    /**
     * The record value is one number in UTF-8 text, e.g. {@code 42.5}; the key is the Kafka record key.
     *
     * @return the extractor
     */
    public static SampleExtractor number() {
        return new NumberText();
    }

    /**
     * The record value is a delimited line; key and value are read from these columns.
     *
     * @param keyColumn zero-based column of the key
     * @param valueColumn zero-based column of the value
     * @return the extractor; {@link Csv#timestampColumn(int)} and {@link Csv#delimiter(char)} refine it
     */
    public static Csv csv(int keyColumn, int valueColumn) {
        return new Csv(keyColumn, valueColumn, -1, ',');
    }

    static double parse(String what, String text) throws InvalidRecordException {
        return parse(what, "", text);
    }

    /** The number in {@code text}; {@code kind} says what held it in the reason, e.g. "the string " for JSON. */
    static double parse(String what, String kind, String text) throws InvalidRecordException {
        double v;
        try {
            v = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRecordException(what + " is " + kind + "\"" + DecodeErrors.escape(JsonSerde.abbreviate(text))
                    + "\"; expected a number");
        }
        if (!Double.isFinite(v)) {
            throw new InvalidRecordException(what + " is " + v + "; expected a finite number");
        }
        return v;
    }

    private static final class NumberText implements SampleExtractor {
        private static final long serialVersionUID = 1L;

        @Override
        public Sample extract(byte[] key, byte[] value, long kafkaTimestamp) throws InvalidRecordException {
            if (key == null) {
                throw new InvalidRecordException("the Kafka record key is null; expected the key to average under");
            }
            return new Sample(new String(key, StandardCharsets.UTF_8), kafkaTimestamp,
                    parse("the value", new String(value, StandardCharsets.UTF_8)));
        }

        @Override
        public String toString() {
            return "TextSerde.number()";
        }
    }

    /** Delimited lines; see {@link TextSerde#csv(int, int)}. Immutable. */
    public static final class Csv implements SampleExtractor {
        private static final long serialVersionUID = 1L;
        private final int keyColumn;
        private final int valueColumn;
        private final int timestampColumn;
        private final char delimiter;

        private Csv(int keyColumn, int valueColumn, int timestampColumn, char delimiter) {
            if (keyColumn < 0 || valueColumn < 0) {
                throw new IllegalArgumentException("CSV columns are zero-based and not negative, but got key column "
                        + keyColumn + " and value column " + valueColumn);
            }
            this.keyColumn = keyColumn;
            this.valueColumn = valueColumn;
            this.timestampColumn = timestampColumn;
            this.delimiter = delimiter;
        }

        /**
         * Reads the event time (epoch milliseconds) from this column instead of the Kafka record timestamp.
         *
         * @param column zero-based column
         * @return a new extractor
         */
        public Csv timestampColumn(int column) {
            if (column < 0) {
                throw new IllegalArgumentException("the timestamp column is zero-based and not negative, but was " + column);
            }
            return new Csv(keyColumn, valueColumn, column, delimiter);
        }

        /**
         * The column delimiter, e.g. {@code ';'} or {@code '\t'}.
         *
         * @param delimiter one character
         * @return a new extractor
         */
        public Csv delimiter(char delimiter) {
            return new Csv(keyColumn, valueColumn, timestampColumn, delimiter);
        }

        @Override
        public Sample extract(byte[] key, byte[] value, long kafkaTimestamp) throws InvalidRecordException {
            String line = new String(value, StandardCharsets.UTF_8).strip();
            String[] columns = line.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1);
            int needed = Math.max(keyColumn, Math.max(valueColumn, timestampColumn)) + 1;
            if (columns.length < needed) {
                throw new InvalidRecordException("the line \"" + DecodeErrors.escape(JsonSerde.abbreviate(line)) + "\" has "
                        + columns.length + (columns.length == 1 ? " column" : " columns") + "; expected at least "
                        + needed);
            }
            String k = columns[keyColumn].trim();
            if (k.isEmpty()) {
                throw new InvalidRecordException("column " + keyColumn + " (the key) is empty; expected the key to"
                        + " average under");
            }
            double v = parse("column " + valueColumn, columns[valueColumn]);
            long ts = kafkaTimestamp;
            if (timestampColumn >= 0) {
                try {
                    ts = Long.parseLong(columns[timestampColumn].trim());
                } catch (NumberFormatException e) {
                    throw new InvalidRecordException("column " + timestampColumn + " is \""
                            + DecodeErrors.escape(JsonSerde.abbreviate(columns[timestampColumn])) + "\"; expected a time"
                            + " in epoch milliseconds");
                }
            }
            return new Sample(k, ts, v);
        }

        @Override
        public String toString() {
            return "TextSerde.csv(key " + keyColumn + ", value " + valueColumn
                    + (timestampColumn >= 0 ? ", timestamp " + timestampColumn : "") + ", '" + delimiter + "')";
        }
    }
}
