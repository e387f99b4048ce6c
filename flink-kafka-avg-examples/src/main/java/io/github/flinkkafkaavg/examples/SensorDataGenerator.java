package io.github.flinkkafkaavg.examples;

import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes realistic JSON sensor readings to a Kafka topic at a steady rate, on its own thread, until closed.
 *
 * <p>Each sensor follows a daily temperature curve with its own offset plus noise. Event time is the wall clock,
 * with the disorder a real fleet shows: about 5% of readings arrive up to 1.5 s late (within the demo's watermark
 * bound, so they still count), 0.5% arrive 5–15 s late (too late for some windows), and 0.2% are malformed JSON
 * (skipped and counted by the job). The seed makes a run repeatable apart from timing.
 */
final class SensorDataGenerator implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final int sensors;
    private final int ratePerSecond;
    private final Random random;
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;

    SensorDataGenerator(String bootstrapServers, String topic, int sensors, int ratePerSecond, long seed) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        this.topic = topic;
        this.sensors = sensors;
        this.ratePerSecond = ratePerSecond;
        this.random = new Random(seed);
        this.thread = new Thread(this::run, "sensor-data-generator");
        this.thread.setDaemon(true);
    }

    SensorDataGenerator start() {
        thread.start();
        return this;
    }

    long sent() {
        return sent.get();
    }

    private void run() {
        long intervalNanos = 1_000_000_000L / ratePerSecond;
        long next = System.nanoTime();
        while (running) {
            long now = System.currentTimeMillis();
            String sensor = "sensor-" + random.nextInt(sensors);
            try {
                producer.send(new ProducerRecord<>(topic, sensor, nextValue(sensor, now)));
            } catch (KafkaException e) {
                if (!running) {
                    return; // closing while a send waited: on Ctrl-C the broker may already be gone, that is fine
                }
                throw e;
            }
            sent.incrementAndGet();
            next += intervalNanos;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private String nextValue(String sensor, long now) {
        double roll = random.nextDouble();
        if (roll < 0.002) {
            return "{\"sensorId\":\"" + sensor + "\",\"value\":"; // truncated: malformed on purpose
        }
        long eventTime = now;
        if (roll < 0.007) {
            eventTime -= 5_000 + random.nextInt(10_000);
        } else if (roll < 0.057) {
            eventTime -= random.nextInt(1_500);
        }
        int index = Integer.parseInt(sensor.substring("sensor-".length()));
        double dayFraction = (eventTime % 86_400_000L) / 86_400_000.0;
        double celsius = 18 + index + 6 * Math.sin(2 * Math.PI * (dayFraction - 0.25)) + random.nextGaussian() * 0.8;
        return String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"value\":%.3f,\"timestamp\":%d}", sensor, celsius, eventTime);
    }

    @Override
    public void close() {
        running = false; // no interrupt: an interrupted KafkaProducer.send throws instead of stopping quietly
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
