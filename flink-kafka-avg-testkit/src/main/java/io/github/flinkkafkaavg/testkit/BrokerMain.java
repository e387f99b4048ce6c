package io.github.flinkkafkaavg.testkit;

import io.github.flinkkafkaavg.core.annotation.Internal;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Entry point of the child JVM that {@link EmbeddedKafka} starts: formats the KRaft storage when asked, then runs
 * {@code kafka.Kafka} in this JVM.
 *
 * <p>The broker stops when its standard input reaches end-of-file. The parent keeps that pipe open for as long as
 * it wants the broker, so a parent that exits — even by {@code kill -9}, when no shutdown hook runs — takes its
 * brokers with it instead of leaving orphans holding ports. It uses only the JDK and calls Kafka reflectively, so
 * that it compiles without the broker on the class path.
 *
 * <p>Arguments: {@code <server.properties> <cluster-id> <format: true|false>}.
 */
@Internal
public final class BrokerMain {

    private BrokerMain() {}

    /**
     * Formats the storage (when the third argument is {@code true}) and starts the broker.
     *
     * @param args the properties file, the KRaft cluster id and whether to format the storage first
     * @throws Exception when the storage cannot be formatted or the broker cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: BrokerMain <server.properties> <cluster-id> <format: true|false>");
        }
        String properties = args[0];
        if (Boolean.parseBoolean(args[2])) {
            format(properties, args[1]);
        }
        Thread watchdog = new Thread(BrokerMain::exitWhenParentGoes, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) new String[] {properties});
    }

    private static void format(String properties, String clusterId) throws ReflectiveOperationException {
        Method execute = Class.forName("kafka.tools.StorageTool").getMethod("execute", String[].class, PrintStream.class);
        Object exit;
        try {
            exit = execute.invoke(null, new String[] {"format", "-t", clusterId, "-c", properties, "--ignore-formatted"}, System.out);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("formatting the KRaft storage failed: " + e.getCause(), e.getCause());
        }
        if (!Integer.valueOf(0).equals(exit)) {
            throw new IllegalStateException("formatting the KRaft storage failed with exit code " + exit);
        }
    }

    private static void exitWhenParentGoes() {
        InputStream in = System.in;
        byte[] buffer = new byte[64];
        try {
            while (in.read(buffer) >= 0) {
                // the parent writes nothing; any bytes are ignored
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone, just like EOF
        }
        System.out.println("[BrokerMain] standard input closed: shutting the broker down");
        // System.exit runs Kafka's shutdown hook, which closes the log cleanly so a restart needs no recovery.
        System.exit(0);
    }
}
