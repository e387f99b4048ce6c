package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chunk formats, and the view a partial load builds: chunk aggregates must be as exact as the slices. */
class SliceChunksTest {

    private static final double MAX = Double.MAX_VALUE;

    @Test
    void aWindowOverChunkAggregatesEqualsTheSameWindowOverTheSlices() {
        Random random = new Random(42);
        double[] extremes = {MAX, -MAX, 0x1p600, -0x1p600, Double.MIN_VALUE, 1e-300, 3.5, -0.0};
        for (int round = 0; round < 200; round++) {
            SliceRing full = new SliceRing();
            long base = random.nextInt(2_000) - 1_000;
            int span = 1 + random.nextInt(60);
            for (int v = 0; v < 300; v++) {
                long slice = base + random.nextInt(span);
                double value = random.nextInt(4) == 0 ? extremes[random.nextInt(extremes.length)]
                        : random.nextGaussian() * 1e6;
                full.add(slice, value);
            }
            SliceChunks.Index index = new SliceChunks.Index(1 + random.nextInt(8));
            byte[][] stored = new byte[(int) (index.chunkOf(full.top()) - index.chunkOf(full.base()) + 1)][];
            SliceRing.Aggregate scratch = new SliceRing.Aggregate();
            for (long c = index.chunkOf(full.base()); c <= index.chunkOf(full.top()); c++) {
                byte[] bytes = SliceChunks.encodeChunk(full, index, c);
                stored[(int) (c - index.chunkOf(full.base()))] = bytes;
                if (bytes != null) {
                    index.entries.put(c, SliceChunks.summarise(full, index, c, scratch));
                }
            }
            SliceChunks.Index read = SliceChunks.readIndex(SliceChunks.write(index));
            // The first and last chunk read, every other one as its aggregate: what a fire builds.
            SliceRing view = new SliceRing();
            long first = read.entries.firstKey();
            long last = read.entries.lastKey();
            for (var e : read.entries.entrySet()) {
                long c = e.getKey();
                if (c == first || c == last) {
                    SliceChunks.restoreChunk(stored[(int) (c - index.chunkOf(full.base()))], read, c, Long.MIN_VALUE, view);
                } else {
                    SliceChunks.restoreSummary(read, c, e.getValue(), view);
                }
            }
            assertThat(view.base()).isEqualTo(full.base());
            assertThat(view.top()).isEqualTo(full.top());
            // Windows from a slice of the first chunk to one of the last, as a fire queries them.
            for (long from = read.firstSlice(first); from <= read.lastSlice(first); from++) {
                for (long to = read.firstSlice(last); to <= read.lastSlice(last); to++) {
                    SliceRing.Aggregate expected = new SliceRing.Aggregate();
                    SliceRing.Aggregate actual = new SliceRing.Aggregate();
                    full.query(from, to + 1, expected);
                    view.query(from, to + 1, actual);
                    assertThat(actual.count()).isEqualTo(expected.count());
                    assertThat(actual.min()).isEqualTo(expected.min());
                    assertThat(actual.max()).isEqualTo(expected.max());
                    if (expected.count() > 0) {
                        // Summed in another order (a chunk's slices first): equal within what double-double holds,
                        // 2^-100 of the largest magnitude — the engine's own bound, which mixing 2^1023 and 2^600
                        // in one window reaches.
                        double largest = Math.max(Math.abs(expected.min()), Math.abs(expected.max()));
                        assertThat(actual.average()).isCloseTo(expected.average(), within(largest * 0x1p-100));
                    }
                    assertThat(view.nextNonEmpty(from)).isEqualTo(full.nextNonEmpty(from));
                }
            }
        }
    }

    @Test
    void aChunkOfAnUnknownFormatFailsWithTheReason() {
        SliceRing ring = new SliceRing();
        ring.add(3, 1.0);
        SliceChunks.Index index = new SliceChunks.Index(4);
        byte[] bytes = SliceChunks.encodeChunk(ring, index, 0);
        bytes[0] = 9;
        assertThatThrownBy(() -> SliceChunks.restoreChunk(bytes, index, 0, Long.MIN_VALUE, new SliceRing()))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the chunk was written in format 9, which this release does not know");
    }
}
