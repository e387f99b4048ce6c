package io.github.flinkkafkaavg.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The broker's class path, from the JARs the build copied into this module ({@value #PREFIX}).
 *
 * <p>The broker runs in a child JVM so that Kafka's server dependencies (Scala, its own Jackson, ...) never meet a
 * user's Flink test class path. Its JARs travel inside the test kit rather than as a list of paths or coordinates:
 * a list of paths names the building machine's local repository and breaks on every other machine, and coordinates
 * would need a resolver at test time. From a directory of classes (this reactor) the JARs are used where they lie;
 * from the published JAR they are extracted once per JVM into a temporary directory that is removed at exit.
 */
final class BrokerLibrary {

    static final String PREFIX = "io/github/flinkkafkaavg/testkit/broker-lib/";

    private static List<Path> jars;

    private BrokerLibrary() {
    }

    /** The broker's class path: its JARs, then the test kit itself (for {@link BrokerMain}). */
    static synchronized String classpath() {
        Path self = codeSource();
        if (jars == null) {
            jars = locate(self);
        }
        List<String> entries = new ArrayList<>();
        jars.forEach(jar -> entries.add(jar.toString()));
        entries.add(self.toString());
        return String.join(java.io.File.pathSeparator, entries);
    }

    static List<Path> locate(Path codeSource) {
        List<Path> found = Files.isDirectory(codeSource) ? inDirectory(codeSource.resolve(PREFIX)) : extract(codeSource);
        boolean broker = found.stream().anyMatch(jar -> jar.getFileName().toString().startsWith("kafka_2.13-"));
        if (!broker) {
            throw new IllegalStateException("EmbeddedKafka cannot start a broker: no Kafka broker JARs (" + PREFIX
                    + "kafka_2.13-*.jar) in " + codeSource + ". They are part of the flink-kafka-avg-testkit JAR: use"
                    + " that JAR as a test dependency as published (not shaded or repackaged), or build the module with"
                    + " Maven, which copies them there");
        }
        return found;
    }

    private static List<Path> inDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the broker JARs in " + dir, e);
        }
    }

    private static List<Path> extract(Path jar) {
        Path target;
        try {
            target = Files.createTempDirectory("flink-kafka-avg-broker-lib-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the broker JARs in "
                    + System.getProperty("java.io.tmpdir"), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(target), "broker-lib-cleanup"));
        List<Path> extracted = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.startsWith(PREFIX) && name.endsWith(".jar") && name.indexOf('/', PREFIX.length()) < 0) {
                    Path out = target.resolve(name.substring(PREFIX.length()));
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                    extracted.add(out);
                }
            }
        } catch (IOException e) {
            deleteQuietly(target);
            throw new UncheckedIOException("cannot extract the broker JARs from " + jar + " into " + target, e);
        }
        extracted.sort(Comparator.naturalOrder());
        return extracted;
    }

    private static Path codeSource() {
        try {
            return Paths.get(BrokerLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the test kit's location is not a path", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort at JVM exit: nothing left to report to
        }
    }
}
