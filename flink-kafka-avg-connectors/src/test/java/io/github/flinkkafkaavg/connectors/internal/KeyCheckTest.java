package io.github.flinkkafkaavg.connectors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyCheckTest {

    @Test
    void postgresTextRefusesNulAndUnpairedSurrogatesOnly() {
        KeyCheck text = KeyCheck.POSTGRES_TEXT;
        for (String fine : new String[] {"", "sensor-1", "smile \uD83D\uDE00", "\uD83D\uDE00\uD83D\uDE00", "tab\tnew\nline",
                "\u007F\u0085\uFFFF", "ä€"}) {
            assertThat(text.check(fine)).as("%s", fine).isNull();
        }
        assertThat(text.check("a\u0000b")).contains("U+0000 (at index 1)").contains("PostgreSQL text column");
        assertThat(text.check("lone\uD800")).contains("unpaired surrogate U+D800 at index 4");
        assertThat(text.check("\uD800x")).contains("U+D800 at index 0");
        assertThat(text.check("x\uDC00")).contains("U+DC00 at index 1");
        assertThat(text.check("\uDE00\uD83D")).contains("U+DE00 at index 0"); // a pair in the wrong order
        assertThat(text.check("\uD83D\uDE00\uDE00")).contains("U+DE00 at index 2");
    }

    @Test
    void postgresTextRefusesKeysLongerThanItsIndexHoldsCountingUtf8Bytes() {
        KeyCheck text = KeyCheck.POSTGRES_TEXT;
        assertThat(text.check("a".repeat(KeyCheck.MAX_KEY_BYTES))).isNull();
        assertThat(text.check("a".repeat(KeyCheck.MAX_KEY_BYTES + 1))).contains("2049 bytes in UTF-8");
        assertThat(text.check("ä".repeat(1_024))).isNull();                    // 2 bytes each
        assertThat(text.check("ä".repeat(1_024) + "a")).contains("2049 bytes");
        assertThat(text.check("€".repeat(682) + "aa")).isNull();               // 3 bytes each: 2,048
        assertThat(text.check("€".repeat(683))).contains("2049 bytes");
        assertThat(text.check("\uD83D\uDE00".repeat(512))).isNull();           // 4 bytes a pair
        assertThat(text.check("\uD83D\uDE00".repeat(512) + "a")).contains("2049 bytes");
    }

    @Test
    void kafkaRefusesOnlyWhatUtf8CannotEncode() {
        KeyCheck kafka = KeyCheck.UNICODE;
        assertThat(kafka.check("a\u0000b")).isNull();
        assertThat(kafka.check("x".repeat(10_000))).isNull();
        assertThat(kafka.check("smile \uD83D\uDE00")).isNull();
        assertThat(kafka.check("lone\uD800")).contains("unpaired surrogate U+D800 at index 4")
                .contains("Kafka record key").doesNotContain("PostgreSQL");
        assertThat(KeyCheck.POSTGRES_TEXT.check("lone\uD800")).contains("Kafka record key and PostgreSQL row");
    }

    @Test
    void anyKeyPassesWhenNoDestinationRefusesIt() {
        assertThat(KeyCheck.ANY.check("a\u0000\uD800" + "x".repeat(10_000))).isNull();
    }
}
