package io.github.flinkkafkaavg.connectors.internal;

import java.io.Serializable;

/**
 * The keys a pipeline's destinations can hold, checked where a record enters (decoding, or {@code ToSample}) like
 * its event time: a key a destination refuses would otherwise fail the sink on every batch that holds it — a restart
 * loop — or be altered there without a word.
 *
 * <p>Kafka takes any string (the result's JSON escapes what it must). A PostgreSQL {@code text} column
 * ({@code toDatabase}) cannot hold U+0000 (the server refuses the whole batch); the driver writes an unpaired
 * surrogate — a string that is not valid Unicode, e.g. from a JSON escape {@code \ud800} — as {@code ?}, so that two
 * such keys would share one row; and the table's primary key is a B-tree index, whose entries hold at most 2,704
 * bytes, so a long key fails the batch as U+0000 does. Keys of up to {@value #MAX_KEY_BYTES} bytes in UTF-8 always
 * fit, whatever the rest of the entry.
 */
public final class KeyCheck implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Any key. */
    public static final KeyCheck ANY = new KeyCheck(false);

    /** Keys a PostgreSQL {@code text} column holds exactly. */
    public static final KeyCheck POSTGRES_TEXT = new KeyCheck(true);

    /** The longest key, in UTF-8 bytes, written to a PostgreSQL table: well inside a B-tree entry's 2,704 bytes. */
    public static final int MAX_KEY_BYTES = 2_048;

    private final boolean postgresText;

    private KeyCheck(boolean postgresText) {
        this.postgresText = postgresText;
    }

    /**
     * Why {@code key} cannot be written, or null when it can.
     *
     * @param key the record's key
     * @return the reason, or null
     */
    public String check(String key) {
        if (!postgresText) {
            return null;
        }
        long bytes = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a pair: 2 here, 2 below
            if (c == 0) {
                return "the key contains the character U+0000 (at index " + i + "), which a PostgreSQL text column"
                        + " cannot hold (toDatabase): remove it where the key is produced or read";
            }
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                bytes += 2;
                i++;
            } else if (Character.isSurrogate(c)) {
                return "the key is not valid Unicode: an unpaired surrogate U+" + Integer.toHexString(c).toUpperCase()
                        + " at index " + i + ", which PostgreSQL would store as '?', so that such keys would share rows"
                        + " (toDatabase): fix the text encoding where the key is produced";
            }
        }
        if (bytes > MAX_KEY_BYTES) {
            return "the key is " + bytes + " bytes in UTF-8, more than the " + MAX_KEY_BYTES + " a PostgreSQL table's"
                    + " primary key holds here (toDatabase; its index entries hold at most 2,704 bytes): shorten or"
                    + " hash the key where it is produced";
        }
        return null;
    }

    @Override
    public String toString() {
        return postgresText ? "KeyCheck{PostgreSQL text}" : "KeyCheck{any}";
    }
}
