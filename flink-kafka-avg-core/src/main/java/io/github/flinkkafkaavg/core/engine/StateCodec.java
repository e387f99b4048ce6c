package io.github.flinkkafkaavg.core.engine;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The byte formats of the engine's per-key state, in the engine so that the state's internals stay private to it:
 * a host's serializers (Flink's, in {@code core.internal}) only frame these bytes. The formats are those of release
 * 0.1 and must stay readable: a savepoint written by any release restores with every later one.
 *
 * <p>{@link SlidingWindowEngine.KeyState}: {@code firedThrough:long, timer:long, sliceCount:int}, then when
 * {@code sliceCount > 0} {@code base:long}, and for each slice {@code count:long} followed, when the count is
 * positive, by {@code sumHi, sumLo, min, max} as doubles — at most 40 bytes a slice, 8 for an empty one inside the
 * run; the segment tree above the slices is rebuilt on read. A slice holding values of magnitude 2^512 or more, whose
 * scaled sum is kept apart so that no sum overflows, has its count negated and {@code bigHi, bigLo} after the four
 * doubles: every slice a release before that wrote reads as it was, and a slice without such values is written as it
 * always was.
 *
 * <p>{@link KeyHeader}: {@code firedThrough:long, timer:long, empty:boolean}, then when not empty
 * {@code base:long, top:long}, then {@code pending:byte} and for each pending slice {@code slice:long, count:long,
 * sumHi, sumLo, min, max} as doubles — 18 bytes, 34 with live slices, plus 48 per pending slice, as it is what a
 * serializing backend reads and writes per record. A big pending slice is marked as in the slices.
 *
 * <p>{@link CountWindow}: {@code capacity:int, count:int}, then the values oldest first as doubles; the running sum
 * is rebuilt exactly on read.
 */
@PublicEvolving
public final class StateCodec {

    private StateCodec() {}

    /**
     * Writes a key's slices and bookkeeping.
     *
     * @param state the state
     * @param out where to
     * @throws IOException when {@code out} fails
     */
    public static void write(SlidingWindowEngine.KeyState state, DataOutput out) throws IOException {
        out.writeLong(state.firedThrough());
        out.writeLong(state.timer());
        SliceRing ring = state.ring();
        if (ring.isEmpty()) {
            out.writeInt(0);
            return;
        }
        out.writeInt((int) (ring.top() - ring.base() + 1));
        out.writeLong(ring.base());
        for (long i = ring.base(); i <= ring.top(); i++) {
            long n = ring.sliceCount(i);
            boolean big = n > 0 && (ring.sliceBigHi(i) != 0 || ring.sliceBigLo(i) != 0);
            out.writeLong(big ? -n : n);
            if (n > 0) {
                out.writeDouble(ring.sliceSumHi(i));
                out.writeDouble(ring.sliceSumLo(i));
                out.writeDouble(ring.sliceMin(i));
                out.writeDouble(ring.sliceMax(i));
            }
            if (big) {
                out.writeDouble(ring.sliceBigHi(i));
                out.writeDouble(ring.sliceBigLo(i));
            }
        }
    }

    /**
     * Reads what {@link #write(SlidingWindowEngine.KeyState, DataOutput)} wrote.
     *
     * @param in where from
     * @return a new state
     * @throws IOException when {@code in} fails
     */
    public static SlidingWindowEngine.KeyState readKeyState(DataInput in) throws IOException {
        long firedThrough = in.readLong();
        long timer = in.readLong();
        int slices = in.readInt();
        SliceRing ring = new SliceRing();
        if (slices > 0) {
            ring.reserve(slices);
            long base = in.readLong();
            for (long i = base; i < base + slices; i++) {
                long n = in.readLong();
                if (n > 0) {
                    ring.restore(i, n, in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), 0, 0);
                } else if (n < 0) {
                    ring.restore(i, -n, in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(),
                            in.readDouble(), in.readDouble());
                }
            }
        }
        return new SlidingWindowEngine.KeyState(ring, firedThrough, timer);
    }

    /**
     * A deep copy, for a heap backend that copies state a running snapshot still reads before it is changed.
     *
     * @param from the state
     * @return a state that shares nothing with {@code from}
     */
    public static SlidingWindowEngine.KeyState copy(SlidingWindowEngine.KeyState from) {
        SliceRing ring = new SliceRing();
        SliceRing source = from.ring();
        if (!source.isEmpty()) {
            for (long i = source.base(); i <= source.top(); i++) {
                long n = source.sliceCount(i);
                if (n > 0) {
                    ring.restore(i, n, source.sliceSumHi(i), source.sliceSumLo(i), source.sliceMin(i), source.sliceMax(i),
                            source.sliceBigHi(i), source.sliceBigLo(i));
                }
            }
        }
        return new SlidingWindowEngine.KeyState(ring, from.firedThrough(), from.timer());
    }

    /**
     * Writes a key's header.
     *
     * @param header the header
     * @param out where to
     * @throws IOException when {@code out} fails
     */
    public static void write(KeyHeader header, DataOutput out) throws IOException {
        out.writeLong(header.firedThrough());
        out.writeLong(header.timer());
        out.writeBoolean(header.isEmpty());
        if (!header.isEmpty()) {
            out.writeLong(header.base());
            out.writeLong(header.top());
        }
        int pending = header.pendingSlices();
        out.writeByte(pending);
        for (int p = 0; p < pending; p++) {
            out.writeLong(header.pendingSlice(p));
            boolean big = header.pendingDouble(p, 4) != 0 || header.pendingDouble(p, 5) != 0;
            out.writeLong(big ? -header.pendingCount(p) : header.pendingCount(p));
            for (int field = 0; field < (big ? KeyHeader.FIELDS : 4); field++) {
                out.writeDouble(header.pendingDouble(p, field));
            }
        }
    }

    /**
     * Reads what {@link #write(KeyHeader, DataOutput)} wrote.
     *
     * @param in where from
     * @return a new header
     * @throws IOException when {@code in} fails
     */
    public static KeyHeader readHeader(DataInput in) throws IOException {
        long firedThrough = in.readLong();
        long timer = in.readLong();
        boolean empty = in.readBoolean();
        long base = empty ? 0 : in.readLong();
        long top = empty ? 0 : in.readLong();
        KeyHeader header = KeyHeader.restore(firedThrough, timer, empty, base, top);
        int pending = in.readUnsignedByte();
        for (int p = 0; p < pending; p++) {
            long slice = in.readLong();
            long count = in.readLong();
            header.restorePending(slice, Math.abs(count), in.readDouble(), in.readDouble(), in.readDouble(),
                    in.readDouble(), count < 0 ? in.readDouble() : 0, count < 0 ? in.readDouble() : 0);
        }
        return header;
    }

    /**
     * A copy that shares nothing with {@code from}.
     *
     * @param from the header
     * @return the copy
     */
    public static KeyHeader copy(KeyHeader from) {
        KeyHeader copy = KeyHeader.restore(from.firedThrough(), from.timer(), from.isEmpty(), from.base(), from.top());
        for (int p = 0; p < from.pendingSlices(); p++) {
            copy.restorePending(from.pendingSlice(p), from.pendingCount(p), from.pendingDouble(p, 0),
                    from.pendingDouble(p, 1), from.pendingDouble(p, 2), from.pendingDouble(p, 3),
                    from.pendingDouble(p, 4), from.pendingDouble(p, 5));
        }
        return copy;
    }

    /**
     * Writes a count window.
     *
     * @param window the window
     * @param out where to
     * @throws IOException when {@code out} fails
     */
    public static void write(CountWindow window, DataOutput out) throws IOException {
        double[] values = window.valuesOldestFirst();
        out.writeInt(window.capacity());
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    /**
     * A deep copy of a count window.
     *
     * @param from the window
     * @return a window that shares nothing with {@code from}
     */
    public static CountWindow copy(CountWindow from) {
        return CountWindow.restore(from.capacity(), from.valuesOldestFirst());
    }

    /**
     * Reads a count window written by {@link #write(CountWindow, DataOutput)}.
     *
     * @param in where from
     * @return the window
     * @throws IOException when {@code in} fails
     */
    public static CountWindow readCountWindow(DataInput in) throws IOException {
        int w = in.readInt();
        double[] values = new double[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
        }
        return CountWindow.restore(w, values);
    }
}
