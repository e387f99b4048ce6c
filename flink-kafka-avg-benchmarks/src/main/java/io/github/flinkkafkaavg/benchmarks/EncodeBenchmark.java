package io.github.flinkkafkaavg.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.github.flinkkafkaavg.connectors.serde.WindowAverageKafkaSerializer;
import io.github.flinkkafkaavg.core.WindowAverage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * Turning one result into the Kafka record the job sends (key bytes, JSON value, timestamp), three ways on the same
 * results: {@code generatorPerResult} creates a Jackson generator per result and writes doubles with
 * {@code Double.toString} — what a hand-written serializer does, and what the library did before 2026-12-06 —
 * {@code generatorPerResultFastDoubles} the same with Jackson's Schubfach double writer, and {@code library} is
 * {@code WindowAverageKafkaSerializer}, which writes with the fast double writer through one generator per writer.
 * The results are those of a job at 100,000 keys: keys {@code sensor-N}, averages of readings with three decimals.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
public class EncodeBenchmark {

    private static final int RESULTS = 1024;
    private static final String TOPIC = "averages";

    private WindowAverage<String>[] results;
    private JsonFactory plain;
    private JsonFactory fastDoubles;
    private WindowAverageKafkaSerializer<String> library;

    /** Results as the Kafka benchmark's job emits them at 100,000 keys. */
    @Setup
    @SuppressWarnings("unchecked")
    public void setUp() {
        results = new WindowAverage[RESULTS];
        for (int i = 0; i < RESULTS; i++) {
            long count = 1 + i % 12;
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (long j = 0; j < count; j++) {
                double v = (15_000 + (i * 7_919 + j * 104_729) % 10_000) / 1_000.0;
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            long start = 1_764_072_000_000L + i * 5_000L;
            results[i] = new WindowAverage<>("sensor-" + (i * 7_919 % 100_000), start, start + 60_000, count, sum, min,
                    max);
        }
        plain = new JsonFactory();
        fastDoubles = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
        library = new WindowAverageKafkaSerializer<>(TOPIC);
    }

    /** A generator per result, doubles by {@code Double.toString}. */
    @Benchmark
    @OperationsPerInvocation(RESULTS)
    public long generatorPerResult() throws IOException {
        return perResult(plain);
    }

    /** A generator per result, doubles by Schubfach: separates the double writer's gain from the generator's. */
    @Benchmark
    @OperationsPerInvocation(RESULTS)
    public long generatorPerResultFastDoubles() throws IOException {
        return perResult(fastDoubles);
    }

    /** The library's serializer. */
    @Benchmark
    @OperationsPerInvocation(RESULTS)
    public long library() {
        long bytes = 0;
        for (WindowAverage<String> r : results) {
            bytes += library.serialize(r, null, null).value().length;
        }
        return bytes;
    }

    private long perResult(JsonFactory factory) throws IOException {
        long bytes = 0;
        for (WindowAverage<String> r : results) {
            byte[] key = r.key().getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream(160);
            try (JsonGenerator json = factory.createGenerator(out)) {
                json.writeStartObject();
                json.writeStringField("key", r.key());
                json.writeNumberField("windowStart", r.windowStart());
                json.writeNumberField("windowEnd", r.windowEnd());
                json.writeNumberField("average", r.average());
                json.writeNumberField("count", r.count());
                json.writeNumberField("sum", r.sum());
                json.writeNumberField("min", r.min());
                json.writeNumberField("max", r.max());
                json.writeEndObject();
            }
            bytes += new ProducerRecord<>(TOPIC, null, r.windowEnd() - 1, key, out.toByteArray()).value().length;
        }
        return bytes;
    }
}
