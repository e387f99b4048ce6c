package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.nio.charset.StandardCharsets;

/** Test helper: a result as its Kafka JSON text. */
final class WindowAverageKafkaSerializerBridge {
    private WindowAverageKafkaSerializerBridge() {}

    static String json(WindowAverage<?> result) {
        return new String(WindowAverageJson.toJson(result), StandardCharsets.UTF_8);
    }
}
