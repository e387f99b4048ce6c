package io.github.flinkkafkaavg.core.typeutils;

import io.github.flinkkafkaavg.core.annotation.Internal;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What every serializer of engine state shares: a mutable value of variable length, read whole and copied deep,
 * its bytes those of {@code StateCodec}. The DataStream operators' serializers and the SQL functions' RAW types
 * differ only in their class (savepoints name it) and snapshot, not in the bytes.
 *
 * @param <T> the state type
 */
@Internal
public abstract class CodecSerializer<T> extends TypeSerializerSingleton<T> {

    private static final long serialVersionUID = 1L;

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public final void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }
}
