package io.github.flinkkafkaavg.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One node's broker as a child JVM ({@link BrokerMain}): its files in the node's folder, its start, and its stop —
 * clean (the child watches its standard input and shuts down when it closes, so no broker outlives the JVM that
 * started it), or a kill, as a crash would.
 */
final class BrokerProcess {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final int id;
    private final Path dir;
    private Process process;
    private OutputStream lifeline;
    private boolean expectedAlive;

    BrokerProcess(int id, Path dir) {
        this.id = id;
        this.dir = dir;
    }

    /** Writes {@code server.properties} and the broker's logging configuration into the node's folder. */
    void writeFiles(Map<String, String> serverProperties) {
        Properties properties = new Properties();
        properties.putAll(serverProperties);
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(dir.resolve("server.properties"))) {
                properties.store(out, "written by EmbeddedKafka");
            }
            Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                    "rootLogger.level = INFO",
                    "rootLogger.appenderRef.out.ref = out",
                    "appender.out.type = Console",
                    "appender.out.name = out",
                    "appender.out.layout.type = PatternLayout",
                    "appender.out.layout.pattern = %d{HH:mm:ss,SSS} %-5p [%t] %c{1}: %m%n",
                    "logger.kafka.name = kafka",
                    "logger.kafka.level = INFO",
                    "logger.state.name = state.change.logger",
                    "logger.state.level = WARN",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the configuration of Kafka node " + id, e);
        }
    }

    void launch(String classpath, String clusterId, boolean format) {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(
                java.toString(),
                "-Xms256m", "-Xmx1g", "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + dir,
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                "-Dlog4j2.disable.jmx=true",
                "-cp", classpath,
                BrokerMain.class.getName(),
                dir.resolve("server.properties").toString(),
                clusterId,
                String.valueOf(format));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka node " + id + " with " + java, e);
        }
        lifeline = process.getOutputStream();
        expectedAlive = true;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    void requestStop() {
        expectedAlive = false;
        if (lifeline != null) {
            try {
                lifeline.close();
            } catch (IOException e) {
                process.destroy();
            }
            lifeline = null;
        }
    }

    void awaitStop() {
        if (process == null) {
            return;
        }
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        requestStop();
        awaitStop();
    }

    void kill() {
        expectedAlive = false;
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lifeline = null;
    }

    String logTail() {
        Path log = dir.resolve("broker.log");
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Whether it should be running: started and not stopped or killed since. */
    boolean expectedAlive() {
        return expectedAlive;
    }

    long pid() {
        return process.pid();
    }

    int exitValue() {
        return process.exitValue();
    }
}
