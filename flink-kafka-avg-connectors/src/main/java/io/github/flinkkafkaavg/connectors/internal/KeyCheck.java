package io.github.flinkkafkaavg.connectors.internal;

import java.io.Serializable;

/**
 * The keys a pipeline's destinations can hold, checked where a record enters (decoding, or {@code ToSample}) like
 * its event time: a key a destination refuses would otherwise fail the sink on every batch that holds it — a restart
 * loop — or be altered there without a word.
 *
 * <p>Kafka: the result's JSON escapes whatever it must, but its record key is the key in UTF-8, which cannot encode
 * an unpaired surrogate — a string that is not valid Unicode, e.g. from a JSON escape {@code \ud800} — and writes
 * {@code ?} instead, so that two such keys would share one record key (one partition's order, one entry of a
 * compacted topic or an {@code upsert-kafka} table). A PostgreSQL {@code text} column ({@code toDatabase}) has the
 * same problem (the driver writes {@code ?}), and further cannot hold U+0000 (the server refuses the whole batch);
 * and the table's primary key is a B-tree index, whose entries hold at most 2,704 bytes, so a long key fails the
 * batch as U+0000 does. Keys of up to {@value #MAX_KEY_BYTES} bytes in UTF-8 always fit, whatever the rest of the
 * entry.
 */
public final class KeyCheck implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Any key: the results go to the caller's own stream ({@code apply} without a database). */
    public static final KeyCheck ANY = new KeyCheck(false, false);

    /** Valid Unicode, as a UTF-8 Kafka record key needs: the builder's Kafka outputs. */
    public static final KeyCheck UNICODE = new KeyCheck(true, false);

    /** Keys a PostgreSQL {@code text} column (and primary key) holds exactly; valid Unicode too. */
    public static final KeyCheck POSTGRES_TEXT = new KeyCheck(true, true);

    /** The longest key, in UTF-8 bytes, written to a PostgreSQL table: well inside a B-tree entry's 2,704 bytes. */
    public static final int MAX_KEY_BYTES = 2_048;

    private final boolean unicode;
    private final boolean postgresText;

    private KeyCheck(boolean unicode, boolean postgresText) {
        this.unicode = unicode;
        this.postgresText = postgresText;
    }

    /**
     * Why {@code key} cannot be written, or null when it can.
     *
     * @param key the record's key
     * @return the reason, or null
     */
    public String check(String key) {
        if (!unicode) {
            return null;
        }
        long bytes = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a pair: 2 here, 2 below
            if (c == 0 && postgresText) {
                return "the key contains the character U+0000 (at index " + i + "), which a PostgreSQL text column"
                        + " cannot hold (toDatabase): remove it where the key is produced or read";
            }
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                bytes += 2;
                i++;
            } else if (Character.isSurrogate(c)) {
                return "the key is not valid Unicode: an unpaired surrogate U+" + Integer.toHexString(c).toUpperCase()
                        + " at index " + i + ", which UTF-8 cannot encode: it would be written as '?' (the results' "
                        + (postgresText ? "Kafka record key and PostgreSQL row" : "Kafka record key")
                        + "), shared with other such keys; fix the text encoding where the key is produced";
            }
        }
        if (postgresText && bytes > MAX_KEY_BYTES) {
            return "the key is " + bytes + " bytes in UTF-8, more than the " + MAX_KEY_BYTES + " a PostgreSQL table's"
                    + " primary key holds here (toDatabase; its index entries hold at most 2,704 bytes): shorten or"
                    + " hash the key where it is produced";
        }
        return null;
    }

    @Override
    public String toString() {
        return postgresText ? "KeyCheck{PostgreSQL text}" : unicode ? "KeyCheck{Unicode}" : "KeyCheck{any}";
    }
}
