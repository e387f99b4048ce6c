package io.github.flinkkafkaavg.examples;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;

/**
 * Decodes {@link SensorReading} JSON; a record that does not decode, or carries a non-finite value, is skipped and
 * counted in the {@code invalidRecords} metric rather than failing the job.
 */
public final class SensorReadingDeserializer implements DeserializationSchema<SensorReading> {

    private static final long serialVersionUID = 1L;

    private transient ObjectMapper mapper;
    private transient Counter invalid;

    @Override
    public void open(InitializationContext context) {
        // The mapper is not serializable: build it on the task, as flink-json does.
        mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        invalid = context.getMetricGroup().counter("invalidRecords");
    }

    @Override
    public SensorReading deserialize(byte[] message) throws IOException {
        try {
            SensorReading reading = mapper.readValue(message, SensorReading.class);
            if (reading.sensorId() == null || !Double.isFinite(reading.value())) {
                invalid.inc();
                return null;
            }
            return reading;
        } catch (IOException | RuntimeException e) {
            invalid.inc();
            return null;
        }
    }

    @Override
    public boolean isEndOfStream(SensorReading nextElement) {
        return false;
    }

    @Override
    public TypeInformation<SensorReading> getProducedType() {
        return TypeInformation.of(SensorReading.class);
    }
}
