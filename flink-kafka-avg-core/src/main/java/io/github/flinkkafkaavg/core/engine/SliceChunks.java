package io.github.flinkkafkaavg.core.engine;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;

/**
 * A key's slices as a serializing backend stores them under {@link KeyedSlidingWindows.Layout#HEADER_FIRST}: cut
 * into chunks of {@code C} consecutive slice indexes (chunk {@code c} holds slices {@code [c·C, c·C + C)}), each
 * chunk one stored value, plus one {@link Index} value with every stored chunk's count, exact sum, minimum, maximum
 * and first non-empty slice.
 *
 * <p>Why: a window of {@code W/g} slices fires once per slide. Read whole, the ring costs {@code 40·W/g} bytes per
 * fire (24 KB at W/S 600, 144 KB at 3,600). A fire needs only the chunks where its windows start and end and where
 * values wait to be merged; every chunk in between enters as its aggregate from the index. With {@code C ≈ √(W/g)}
 * a fire reads the index and two or three chunks, {@code O(√(W/g))} bytes (about 3.5 KB at W/S 600, 8 KB at 3,600),
 * and writes only the chunks its merged values changed.
 *
 * <p>The view a partial load builds is a {@link SliceRing} that is exact in every loaded chunk and holds each other
 * chunk as one slice — at the chunk's first non-empty slice — carrying the chunk's whole aggregate. Queries whose
 * ends lie in loaded chunks, and {@code nextNonEmpty} from a slice in a loaded chunk, give the same answers as on
 * the full ring; {@link SlidingWindowEngine#slicesReadByTimer} names the slices a fire reads that way.
 *
 * <p>Formats (version byte first, so that they can change): a chunk is {@code version:byte, first:short, slots:short}
 * then per slot the slice encoding of {@link StateCodec} (count, negated when the slice has values of magnitude
 * 2^512 and more, then sumHi, sumLo, min, max and for such slices bigHi, bigLo) — 40 bytes a slice as before. The
 * index is {@code version:byte, chunkSlices:int, entries:int}, then per entry {@code chunk:long, first:short} and
 * the same slice encoding of the chunk's aggregate.
 */
final class SliceChunks {

    private static final byte VERSION = 1;

    private SliceChunks() {}

    /** One stored chunk's aggregate: what a fire uses for a chunk it does not read. */
    static final class Entry {
        long count;
        int first;
        double hi;
        double lo;
        double min;
        double max;
        double bigHi;
        double bigLo;
    }

    /** Every stored chunk of a key with its aggregate, by chunk number; the chunk size the chunks were cut with. */
    static final class Index {
        final int chunkSlices;
        final TreeMap<Long, Entry> entries = new TreeMap<>();

        Index(int chunkSlices) {
            this.chunkSlices = chunkSlices;
        }

        long chunkOf(long slice) {
            return Math.floorDiv(slice, (long) chunkSlices);
        }

        long firstSlice(long chunk) {
            return chunk * chunkSlices;
        }

        /** The last slice of a chunk, saturated: chunks at the top of the slice range may reach past a long. */
        long lastSlice(long chunk) {
            long first = firstSlice(chunk);
            long last = first + (chunkSlices - 1);
            return last < first ? Long.MAX_VALUE : last;
        }
    }

    // Big-endian, as DataOutput writes: the formats are the same bytes a DataOutputStream would produce, written
    // straight into one array of the exact size (a stream's per-field calls were a third of a fire's cost).
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private static long getLong(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }

    private static double getDouble(byte[] b, int at) {
        return Double.longBitsToDouble((long) LONG.get(b, at));
    }

    private static int putLong(byte[] b, int at, long v) {
        LONG.set(b, at, v);
        return at + 8;
    }

    private static int putDouble(byte[] b, int at, double v) {
        LONG.set(b, at, Double.doubleToRawLongBits(v));
        return at + 8;
    }

    static Index readIndex(byte[] bytes) {
        try {
            checkVersion(bytes, "chunk index");
            Index index = new Index((int) INT.get(bytes, 1));
            int entries = (int) INT.get(bytes, 5);
            int at = 9;
            for (int e = 0; e < entries; e++) {
                long chunk = getLong(bytes, at);
                Entry entry = new Entry();
                entry.first = Short.toUnsignedInt((short) SHORT.get(bytes, at + 8));
                long count = getLong(bytes, at + 10);
                entry.count = Math.abs(count);
                entry.hi = getDouble(bytes, at + 18);
                entry.lo = getDouble(bytes, at + 26);
                entry.min = getDouble(bytes, at + 34);
                entry.max = getDouble(bytes, at + 42);
                at += 50;
                if (count < 0) {
                    entry.bigHi = getDouble(bytes, at);
                    entry.bigLo = getDouble(bytes, at + 8);
                    at += 16;
                }
                index.entries.put(chunk, entry);
            }
            return index;
        } catch (IndexOutOfBoundsException | IOException e) {
            throw new IllegalStateException("a stored chunk index does not read: " + e.getMessage(), e);
        }
    }

    static byte[] write(Index index) {
        int size = 9;
        for (Entry entry : index.entries.values()) {
            size += isBig(entry.bigHi, entry.bigLo) ? 66 : 50;
        }
        byte[] b = new byte[size];
        b[0] = VERSION;
        INT.set(b, 1, index.chunkSlices);
        INT.set(b, 5, index.entries.size());
        int at = 9;
        for (Map.Entry<Long, Entry> e : index.entries.entrySet()) {
            Entry entry = e.getValue();
            boolean big = isBig(entry.bigHi, entry.bigLo);
            at = putLong(b, at, e.getKey());
            SHORT.set(b, at, (short) entry.first);
            at = putLong(b, at + 2, big ? -entry.count : entry.count);
            at = putDouble(b, at, entry.hi);
            at = putDouble(b, at, entry.lo);
            at = putDouble(b, at, entry.min);
            at = putDouble(b, at, entry.max);
            if (big) {
                at = putDouble(b, at, entry.bigHi);
                at = putDouble(b, at, entry.bigLo);
            }
        }
        return b;
    }

    private static boolean isBig(double bigHi, double bigLo) {
        return bigHi != 0 || bigLo != 0;
    }

    /**
     * A chunk's slices from {@code ring}, or null when none of them holds a value.
     *
     * @param ring the key's slices, exact in this chunk
     * @param index gives the chunk size
     * @param chunk the chunk number
     */
    static byte[] encodeChunk(SliceRing ring, Index index, long chunk) {
        if (ring.isEmpty()) {
            return null;
        }
        long from = Math.max(ring.base(), index.firstSlice(chunk));
        long to = Math.min(ring.top(), index.lastSlice(chunk));
        while (from <= to && ring.sliceCount(from) == 0) {
            from++;
        }
        while (to >= from && ring.sliceCount(to) == 0) {
            to--;
        }
        if (from > to) {
            return null;
        }
        int size = 5;
        for (long i = from; i <= to; i++) {
            long n = ring.sliceCount(i);
            size += n == 0 ? 8 : isBig(ring.sliceBigHi(i), ring.sliceBigLo(i)) ? 56 : 40;
        }
        byte[] b = new byte[size];
        b[0] = VERSION;
        SHORT.set(b, 1, (short) (from - index.firstSlice(chunk)));
        SHORT.set(b, 3, (short) (to - from + 1));
        int at = 5;
        for (long i = from; i <= to; i++) {
            long n = ring.sliceCount(i);
            boolean big = n > 0 && isBig(ring.sliceBigHi(i), ring.sliceBigLo(i));
            at = putLong(b, at, big ? -n : n);
            if (n > 0) {
                at = putDouble(b, at, ring.sliceSumHi(i));
                at = putDouble(b, at, ring.sliceSumLo(i));
                at = putDouble(b, at, ring.sliceMin(i));
                at = putDouble(b, at, ring.sliceMax(i));
            }
            if (big) {
                at = putDouble(b, at, ring.sliceBigHi(i));
                at = putDouble(b, at, ring.sliceBigLo(i));
            }
        }
        return b;
    }

    /**
     * Puts a stored chunk's slices at or after {@code from} into {@code ring}, where they must not hold values yet.
     * Slices before {@code from} are ones the key no longer counts as live (a fire that kept the header's pending
     * values saved nothing else, {@link KeyHeader#keepAfterFire}).
     *
     * @return whether the chunk held such slices
     */
    static boolean restoreChunk(byte[] bytes, Index index, long chunk, long from, SliceRing ring) {
        try {
            checkVersion(bytes, "chunk");
            long first = index.firstSlice(chunk) + Short.toUnsignedInt((short) SHORT.get(bytes, 1));
            int slots = Short.toUnsignedInt((short) SHORT.get(bytes, 3));
            boolean stale = false;
            int at = 5;
            for (long i = first; i < first + slots; i++) {
                long n = getLong(bytes, at);
                at += 8;
                if (n == 0) {
                    continue;
                }
                if (i >= from) {
                    ring.restore(i, Math.abs(n), getDouble(bytes, at), getDouble(bytes, at + 8), getDouble(bytes, at + 16),
                            getDouble(bytes, at + 24), n < 0 ? getDouble(bytes, at + 32) : 0,
                            n < 0 ? getDouble(bytes, at + 40) : 0);
                } else {
                    stale = true;
                }
                at += n < 0 ? 48 : 32;
            }
            return stale;
        } catch (IndexOutOfBoundsException | IOException e) {
            throw new IllegalStateException("a stored chunk of slices does not read: " + e.getMessage(), e);
        }
    }

    /** Puts a chunk the fire does not read into {@code ring} as one slice with the chunk's whole aggregate. */
    static void restoreSummary(Index index, long chunk, Entry entry, SliceRing ring) {
        ring.restore(index.firstSlice(chunk) + entry.first, entry.count, entry.hi, entry.lo, entry.min, entry.max,
                entry.bigHi, entry.bigLo);
    }

    /**
     * The index entry of a chunk as {@code ring} holds it, exact in this chunk; null when the chunk is empty.
     */
    static Entry summarise(SliceRing ring, Index index, long chunk, SliceRing.Aggregate scratch) {
        if (ring.isEmpty()) {
            return null;
        }
        long from = Math.max(ring.base(), index.firstSlice(chunk));
        long to = Math.min(ring.top(), index.lastSlice(chunk));
        if (from > to) {
            return null;
        }
        long first = ring.nextNonEmpty(from);
        if (first == SliceRing.NONE || first > to) {
            return null;
        }
        ring.query(from, to + 1, scratch);
        Entry entry = new Entry();
        entry.count = scratch.count();
        entry.first = (int) (first - index.firstSlice(chunk));
        entry.hi = scratch.sumHi();
        entry.lo = scratch.sumLo();
        entry.min = scratch.min();
        entry.max = scratch.max();
        entry.bigHi = scratch.bigHi();
        entry.bigLo = scratch.bigLo();
        return entry;
    }

    private static void checkVersion(byte[] bytes, String what) throws IOException {
        if (bytes.length == 0 || bytes[0] != VERSION) {
            throw new IOException("the " + what + " was written in format " + (bytes.length == 0 ? "(empty)" : bytes[0])
                    + ", which this release does not know (it reads format " + VERSION + "); restore with the release"
                    + " that wrote it or a later one");
        }
    }
}
