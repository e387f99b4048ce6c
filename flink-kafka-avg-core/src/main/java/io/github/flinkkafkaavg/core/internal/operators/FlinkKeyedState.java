package io.github.flinkkafkaavg.core.internal.operators;

import io.github.flinkkafkaavg.core.engine.KeyHeader;
import io.github.flinkkafkaavg.core.engine.KeyedSlidingWindows;
import io.github.flinkkafkaavg.core.engine.SlidingWindowEngine;
import java.io.IOException;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimerService;

/**
 * Flink's keyed state and event-time timers as the engine's store and timers: the operator's current key, its two
 * value states, its timer service. It decides nothing; {@link KeyedSlidingWindows} does.
 *
 * @param <K> the key type
 */
final class FlinkKeyedState<K> implements KeyedSlidingWindows.Store<K>, KeyedSlidingWindows.Timers {

    private final AbstractStreamOperator<?> operator;
    private final ValueState<SlidingWindowEngine.KeyState> slices;
    private final ValueState<KeyHeader> headers;
    private final ValueState<byte[]> chunkIndex;
    private final MapState<Long, byte[]> chunks;
    private final InternalTimerService<VoidNamespace> timers;
    private final TypeSerializer<K> keySerializer;

    @SuppressWarnings("unchecked")
    FlinkKeyedState(AbstractStreamOperator<?> operator, ValueState<SlidingWindowEngine.KeyState> slices,
            ValueState<KeyHeader> headers, ValueState<byte[]> chunkIndex, MapState<Long, byte[]> chunks,
            InternalTimerService<VoidNamespace> timers) {
        this.operator = operator;
        this.slices = slices;
        this.headers = headers;
        this.chunkIndex = chunkIndex;
        this.chunks = chunks;
        this.timers = timers;
        this.keySerializer = (TypeSerializer<K>) operator.getKeyedStateBackend().getKeySerializer();
    }

    @Override
    @SuppressWarnings("unchecked")
    public K currentKey() {
        return (K) operator.getCurrentKey();
    }

    @Override
    public void setCurrentKey(K key) {
        operator.setCurrentKey(key);
    }

    @Override
    public K copyKey(K key) {
        return keySerializer.copy(key);
    }

    @Override
    public SlidingWindowEngine.KeyState readSlices() throws IOException {
        return slices.value();
    }

    @Override
    public void writeSlices(SlidingWindowEngine.KeyState state) throws IOException {
        if (state == null) {
            slices.clear();
        } else {
            slices.update(state);
        }
    }

    @Override
    public KeyHeader readHeader() throws IOException {
        return headers.value();
    }

    @Override
    public void writeHeader(KeyHeader header) throws IOException {
        if (header == null) {
            headers.clear();
        } else {
            headers.update(header);
        }
    }

    @Override
    public byte[] readChunkIndex() throws IOException {
        return chunkIndex.value();
    }

    @Override
    public void writeChunkIndex(byte[] index) throws IOException {
        if (index == null) {
            chunkIndex.clear();
        } else {
            chunkIndex.update(index);
        }
    }

    @Override
    public byte[] readChunk(long chunk) throws IOException {
        try {
            return chunks.get(chunk);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    @Override
    public void writeChunk(long chunk, byte[] bytes) throws IOException {
        try {
            if (bytes == null) {
                chunks.remove(chunk);
            } else {
                chunks.put(chunk, bytes);
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    @Override
    public void register(long time) {
        timers.registerEventTimeTimer(VoidNamespace.INSTANCE, time);
    }

    @Override
    public void delete(long time) {
        timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, time);
    }
}
