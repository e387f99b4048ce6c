package io.github.flinkkafkaavg.examples.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Starts a Flink process's real main class in a JVM that exits when its parent goes: the parent holds the child's
 * stdin open, and end-of-file — the parent exited, even by {@code kill -9} — ends the child too. So a killed test
 * run or a closed terminal never leaves a JobManager or TaskManager behind.
 */
public final class ChildMain {

    private ChildMain() {}

    /**
     * Runs {@code args[0]}'s main with the remaining arguments.
     *
     * @param args the main class, then its arguments
     * @throws Exception whatever that main throws
     */
    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(ChildMain::exitWhenParentGoes, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    private static void exitWhenParentGoes() {
        InputStream in = System.in;
        try {
            while (in.read() >= 0) {
                // the parent writes nothing; only end-of-file matters
            }
        } catch (IOException ignored) {
            // a broken pipe means the same as end-of-file
        }
        Runtime.getRuntime().halt(1);
    }
}
