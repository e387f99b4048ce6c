package io.github.flinkkafkaavg.examples;

import io.github.flinkkafkaavg.connectors.serde.WindowAverageJson;
import io.github.flinkkafkaavg.core.WindowAverage;
import io.github.flinkkafkaavg.examples.cluster.LocalFlinkCluster;
import io.github.flinkkafkaavg.testkit.EmbeddedKafka;
import io.github.flinkkafkaavg.testkit.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code scripts/local-cluster}: the sensor job's shaded JAR on a real standalone Flink cluster — a JobManager and two
 * TaskManagers as separate JVMs on 127.0.0.1, started from Flink's Maven jars — with a Kafka broker in its own JVM
 * and the sensor data generator; the job is submitted with Flink's CLI ({@code flink run -d -m HOST:PORT -p 2}).
 * Prints progress every 5 s, can kill a TaskManager on the way, then cancels the job and stops every process it
 * started (also on Ctrl-C).
 */
public final class LocalClusterRun {

    static final String HELP = String.join("\n",
            "scripts/local-cluster: the sensor job JAR on a standalone Flink cluster (1 JobManager + 2 TaskManagers,",
            "separate JVMs) with a Kafka broker in its own JVM, submitted with Flink's CLI at parallelism 2.",
            "",
            "Options (all optional):",
            "  --duration D                    how long to run, e.g. 60s (default 60s)",
            "  --rate N                        readings per second (default 500)",
            "  --sensors N                     number of sensors (default 8)",
            "  --kill-taskmanager-after D      kill TaskManager 2 with SIGKILL after D, to watch the job recover",
            "  --help                          print this help");

    private LocalClusterRun() {}

    /**
     * Runs it; {@code --help} prints the options.
     *
     * @param args the command line
     * @throws Exception when a part fails to start
     */
    public static void main(String[] args) throws Exception {
        Args parsed = Args.parse(args, Set.of("duration", "rate", "sensors", "kill-taskmanager-after"), Set.of("help"));
        if (parsed.has("help")) {
            System.out.println(HELP);
            return;
        }
        Duration duration = parsed.getDuration("duration", Duration.ofSeconds(60));
        int rate = parsed.getInt("rate", 500);
        int sensors = parsed.getInt("sensors", 8);
        Duration killAfter = parsed.getDuration("kill-taskmanager-after", null);
        Path jar = jobJar();

        CountDownLatch finished = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopped.countDown(); // no interrupt: the main thread stops at its next check and cleans up
            try {
                finished.await(); // let the main thread stop the job, the cluster and the broker
            } catch (InterruptedException ignored) {
                // the JVM is going anyway
            }
        }));
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopic("readings", 4);
            kafka.createTopic("averages", 2);
            kafka.createTopic("readings-dlq", 1);
            System.out.printf("Kafka (pid %s) on %s.%n", kafka.pids(), bootstrap);
            try (LocalFlinkCluster cluster = LocalFlinkCluster.start(2, 2, Map.of(
                    "restart-strategy.type", "fixed-delay",
                    "restart-strategy.fixed-delay.attempts", "30",
                    "restart-strategy.fixed-delay.delay", "2 s"))) {
                System.out.printf("Flink cluster up: JobManager and TaskManagers (pids %s), REST on http://%s,"
                        + " FLINK_CONF_DIR=%s%n", cluster.pids(), cluster.restAddress(), cluster.configDirectory());
                String job = cluster.submit(jar, 2, List.of("--bootstrap-servers", bootstrap, "--input-topic",
                        "readings", "--output-topic", "averages", "--window", "10s", "--slide", "2s",
                        "--checkpoint-interval", "2s", "--dead-letter-topic", "readings-dlq"));
                System.out.printf("Submitted %s with: flink run -d -m %s -p 2 %s ...; job %s%n", jar.getFileName(),
                        cluster.restAddress(), jar.getFileName(), job);
                cluster.awaitJobState(job, "RUNNING", Duration.ofSeconds(60));
                run(cluster, job, bootstrap, duration, rate, sensors, killAfter, stopped);
                cluster.cancel(job);
            }
        } catch (Exception e) {
            if (stopped.getCount() > 0) {
                throw e;
            }
            System.out.println("(while stopping: " + e + ")"); // Ctrl-C raced a REST call or Kafka read
        } finally {
            System.out.println("Stopped the job, the cluster and the broker.");
            finished.countDown();
        }
    }

    private static void run(LocalFlinkCluster cluster, String job, String bootstrap, Duration duration, int rate,
            int sensors, Duration killAfter, CountDownLatch stopped) throws Exception {
        long start = System.nanoTime();
        boolean killed = killAfter == null;
        try (SensorDataGenerator generator = new SensorDataGenerator(bootstrap, "readings", sensors, rate, 7).start()) {
            while (stopped.getCount() > 0 && System.nanoTime() - start < duration.toNanos()) {
                if (stopped.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    break; // Ctrl-C
                }
                long elapsed = Duration.ofNanos(System.nanoTime() - start).toSeconds();
                if (!killed && elapsed >= killAfter.toSeconds()) {
                    System.out.printf("Killing TaskManager 2 (pid %d) with SIGKILL.%n", cluster.killTaskManager(1));
                    killed = true;
                }
                List<ConsumerRecord<byte[], byte[]>> results = TopicReader.readAll(bootstrap, "averages", true);
                var checkpoints = cluster.checkpoints(job);
                System.out.printf("%3d s  sent %d  averages (read_committed) %d  job %s  checkpoints %d%s%n", elapsed,
                        generator.sent(), results.size(), cluster.jobState(job),
                        checkpoints.path("counts").path("completed").asLong(),
                        checkpoints.path("latest").path("restored").isObject()
                                ? "  restored from checkpoint " + checkpoints.path("latest").path("restored").path("id")
                                : "");
                if (!results.isEmpty()) {
                    WindowAverage<String> last = results.stream().map(r -> WindowAverageJson.fromJson(r.value()))
                            .max(java.util.Comparator.comparingLong(WindowAverage::windowEnd)).orElseThrow();
                    System.out.printf("       latest: %s [%d, %d) average %.3f over %d readings%n", last.key(),
                            last.windowStart(), last.windowEnd(), last.average(), last.count());
                }
            }
        }
    }

    /** The sensor job's shaded JAR from this build. */
    private static Path jobJar() throws Exception {
        Path target = Paths.get("flink-kafka-avg-examples", "target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-sensor-job.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no *-sensor-job.jar in " + target.toAbsolutePath()));
        }
    }
}
