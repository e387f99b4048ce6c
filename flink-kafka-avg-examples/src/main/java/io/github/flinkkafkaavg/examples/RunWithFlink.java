package io.github.flinkkafkaavg.examples;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The {@code Main-Class} of every example job JAR, for {@code java -jar}. {@code flink run} does not come here: it
 * takes the job from the manifest's {@code program-class}, which Flink reads before {@code Main-Class}.
 *
 * <p>A job JAR holds no Flink (a cluster provides it), so {@code java -jar sensor-job.jar} would end in
 * {@code NoClassDefFoundError: StreamExecutionEnvironment}. This class uses no Flink type: it says how to run the
 * job instead, or runs it when Flink is on the class path after all ({@code java -cp flink-dist.jar:job.jar ...}).
 */
public final class RunWithFlink {

    private RunWithFlink() {}

    /**
     * Runs the JAR's job when Flink is on the class path; otherwise prints how to run it and exits with code 2.
     *
     * @param args the job's arguments
     * @throws Exception what the job throws
     */
    public static void main(String[] args) throws Exception {
        Path jar = ownJar();
        String job = programClass(jar);
        if (job == null) {
            System.err.println("no program-class in the manifest of " + jar + ": this class only starts example job JARs");
            System.exit(2);
        }
        if (!flinkPresent()) {
            System.err.println(howToRun(jar.getFileName().toString(), job));
            System.exit(2);
        }
        try {
            Class.forName(job).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    static String howToRun(String jar, String job) {
        return String.join("\n",
                jar + " is a Flink job (" + job + "). Flink is not inside the JAR: a Flink cluster provides it.",
                "Run it on a cluster with",
                "  flink run " + jar + " [options]",
                "and list its options with",
                "  flink run " + jar + " --help",
                "Without a Flink installation: ./demo in the flink-kafka-avg repository runs the sensor job on an"
                        + " embedded Flink and Kafka.");
    }

    private static boolean flinkPresent() {
        try {
            Class.forName("org.apache.flink.streaming.api.environment.StreamExecutionEnvironment", false,
                    RunWithFlink.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static Path ownJar() throws URISyntaxException {
        URL location = RunWithFlink.class.getProtectionDomain().getCodeSource().getLocation();
        return Paths.get(location.toURI());
    }

    private static String programClass(Path jar) throws IOException {
        if (!jar.toString().endsWith(".jar")) {
            return null;
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return manifest == null ? null : manifest.getMainAttributes().getValue("program-class");
        }
    }
}
