package io.github.flinkkafkaavg.core.internal;

import io.github.flinkkafkaavg.core.engine.SliceRing;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Saves one key's {@link SlidingWindowEngine.KeyState} in checkpoints and savepoints: only the live slices, each
 * at most 40 bytes (an empty slice inside the run takes 8), plus two timestamps. The segment tree above the slices
 * is rebuilt on restore. Format version 1; see {@link Snapshot}.
 *
 * <p>Format: {@code firedThrough:long, timer:long, sliceCount:int}, then when {@code sliceCount > 0}
 * {@code base:long}, and for each slice {@code count:long} followed, when the count is positive, by
 * {@code sumHi, sumLo, min, max} as doubles. A slice holding values of magnitude 2^512 or more, whose scaled sum is
 * kept apart so that no sum overflows, is written with its count negated and {@code bigHi, bigLo} after the four
 * doubles: every slice a release before that wrote reads as it was, and a slice without such values is written as
 * it always was.
 */
public final class SlidingStateSerializer extends TypeSerializerSingleton<SlidingWindowEngine.KeyState> {

    private static final long serialVersionUID = 1L;

    /** The one instance; the serializer holds no configuration. */
    public static final SlidingStateSerializer INSTANCE = new SlidingStateSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public SlidingWindowEngine.KeyState createInstance() {
        return new SlidingWindowEngine.KeyState();
    }

    @Override
    public SlidingWindowEngine.KeyState copy(SlidingWindowEngine.KeyState from) {
        // The heap backend copies state that a running snapshot still reads before it is changed: copy deeply.
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

    @Override
    public SlidingWindowEngine.KeyState copy(SlidingWindowEngine.KeyState from, SlidingWindowEngine.KeyState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SlidingWindowEngine.KeyState state, DataOutputView out) throws IOException {
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

    @Override
    public SlidingWindowEngine.KeyState deserialize(DataInputView in) throws IOException {
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

    @Override
    public SlidingWindowEngine.KeyState deserialize(SlidingWindowEngine.KeyState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<SlidingWindowEngine.KeyState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Version 1 of the sliding-average state format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SlidingWindowEngine.KeyState> {
        /** For Flink's reflective restore. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
