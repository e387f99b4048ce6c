package io.github.flinkkafkaavg.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the broker's class path comes from: this module's classes, or a test kit JAR, never a build machine's path. */
class BrokerLibraryTest {

    @Test
    void inADirectoryOfClassesTheJarsAreUsedWhereTheyLie(@TempDir Path classes) throws IOException {
        Path lib = Files.createDirectories(classes.resolve(BrokerLibrary.PREFIX));
        Files.write(lib.resolve("kafka_2.13-4.2.0.jar"), new byte[] {1});
        Files.write(lib.resolve("kafka-clients-4.2.0.jar"), new byte[] {2});

        assertThat(BrokerLibrary.locate(classes)).containsExactly(lib.resolve("kafka-clients-4.2.0.jar"),
                lib.resolve("kafka_2.13-4.2.0.jar"));
    }

    @Test
    void fromAJarTheyAreExtractedWhole(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("flink-kafka-avg-testkit.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            entry(out, BrokerLibrary.PREFIX + "kafka_2.13-4.2.0.jar", new byte[] {1, 2, 3});
            entry(out, BrokerLibrary.PREFIX + "scala-library-2.13.17.jar", new byte[] {4});
            entry(out, "io/github/flinkkafkaavg/testkit/EmbeddedKafka.class", new byte[] {5});
        }

        List<Path> jars = BrokerLibrary.locate(jar);

        assertThat(jars).extracting(p -> p.getFileName().toString())
                .containsExactly("kafka_2.13-4.2.0.jar", "scala-library-2.13.17.jar");
        assertThat(Files.readAllBytes(jars.get(0))).containsExactly(1, 2, 3);
    }

    @Test
    void withoutTheBrokerJarsItSaysWhereItLookedAndWhatToDo(@TempDir Path classes) {
        assertThatThrownBy(() -> BrokerLibrary.locate(classes))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("EmbeddedKafka cannot start a broker: no Kafka broker JARs (" + BrokerLibrary.PREFIX
                        + "kafka_2.13-*.jar) in " + classes + ". They are part of the flink-kafka-avg-testkit JAR: use"
                        + " that JAR as a test dependency as published (not shaded or repackaged), or build the module"
                        + " with Maven, which copies them there");
    }

    private static void entry(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        ((OutputStream) out).write(bytes);
        out.closeEntry();
    }
}
