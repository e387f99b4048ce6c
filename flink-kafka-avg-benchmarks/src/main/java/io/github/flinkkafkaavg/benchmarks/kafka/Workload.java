package io.github.flinkkafkaavg.benchmarks.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The input: what is pre-loaded into Kafka, and how many results it must give. */
final class Workload {

    static final long BASE = 1_764_000_000_000L;
    static final long WINDOW_MS = 60_000;
    static final long SLIDE_MS = 5_000;
    /** Records per second of event time. */
    static long perSecond = 10_000;

    static long timestamp(long i) {
        return BASE + i * 1_000 / perSecond;
    }

    /** Writes the records as fast as the broker takes them; returns the bytes of JSON written. */
    static long preload(String bootstrap, String topic, long records, int keys) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        props.setProperty(ProducerConfig.ACKS_CONFIG, "1");
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < records; i++) {
                String key = "sensor-" + (i * 7919 % keys);
                double value = (i * 31 % 10_000) / 100.0;
                byte[] json = String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"value\":%s,\"timestamp\":%d}", key,
                        Double.toString(value), timestamp(i)).getBytes(StandardCharsets.UTF_8);
                bytes += json.length;
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), json));
            }
            producer.flush();
        }
        return bytes;
    }

    /** The number of (key, window) results the input has: every window that holds at least one record. */
    static long expectedWindows(long records, int keys) {
        java.util.Set<Long> windows = new java.util.HashSet<>();
        for (long i = 0; i < records; i++) {
            long ts = timestamp(i);
            long key = i * 7919 % keys;
            for (long start = Math.floorDiv(ts, SLIDE_MS) * SLIDE_MS; start > ts - WINDOW_MS; start -= SLIDE_MS) {
                windows.add(key * 1_000_000_000L + (start - BASE + WINDOW_MS) / SLIDE_MS);
            }
        }
        return windows.size();
    }

    private Workload() {}
}
