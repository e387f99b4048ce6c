package io.github.flinkkafkaavg.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.flinkkafkaavg.benchmarks.kafka.Reading;
import io.github.flinkkafkaavg.connectors.serde.JsonSerde;
import io.github.flinkkafkaavg.connectors.serde.RecordDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one Kafka benchmark record (65 bytes of JSON into a three-field Java record), four ways on the same
 * bytes: {@code tokensOnly} walks the tokens with Jackson's streaming parser and builds nothing (the floor of any
 * Jackson-based decoder), {@code dataBinding} is {@code ObjectMapper.readValue} — the Kafka benchmark's F0 baseline
 * and the usual hand-written decoder — {@code dataBindingFastDoubles} the same with Jackson's fast double parser
 * (which the library's mapper turns on), and {@code library} is {@code JsonSerde.of}, which binds plain records on
 * the streaming parser and leaves everything else to data binding.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
public class DecodeBenchmark {

    private static final int RECORDS = 1024;

    private byte[][] values;
    private ObjectMapper mapper;
    private ObjectMapper fastDoubles;
    private RecordDecoder<Reading> library;

    /** The records the Kafka benchmark writes: 1,000 keys, event time advancing, values with decimals. */
    @Setup
    public void setUp() {
        values = new byte[RECORDS][];
        for (int i = 0; i < RECORDS; i++) {
            String json = "{\"sensorId\":\"sensor-" + (i * 7919 % 1000) + "\",\"value\":" + (20 + (i * 31 % 997) / 100.0)
                    + ",\"timestamp\":" + (1_764_072_000_000L + i * 100L) + "}";
            values[i] = json.getBytes(StandardCharsets.UTF_8);
        }
        mapper = new ObjectMapper();
        fastDoubles = JsonMapper.builder(JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build())
                .build();
        library = JsonSerde.of(Reading.class);
        library.open();
    }

    /** Every token of every record, nothing bound. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long tokensOnly() throws Exception {
        long tokens = 0;
        for (byte[] value : values) {
            try (JsonParser parser = mapper.createParser(value)) {
                while (parser.nextToken() != null) {
                    tokens++;
                }
            }
        }
        return tokens;
    }

    /** Jackson data binding, as F0 decodes. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public double dataBinding() throws Exception {
        double sum = 0;
        for (byte[] value : values) {
            sum += mapper.readValue(value, Reading.class).value();
        }
        return sum;
    }

    /** Jackson data binding with the fast double parser: separates the parser's gain from the binder's. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public double dataBindingFastDoubles() throws Exception {
        double sum = 0;
        for (byte[] value : values) {
            sum += fastDoubles.readValue(value, Reading.class).value();
        }
        return sum;
    }

    /** The library's decoder. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public double library() throws Exception {
        double sum = 0;
        for (byte[] value : values) {
            sum += library.decode(value).value();
        }
        return sum;
    }
}
