package io.github.flinkkafkaavg.testkit;

/**
 * A JVM that starts an {@link EmbeddedPostgres}, prints its PID and then waits to be killed: what a build timeout
 * or a stopped IDE run does to a test JVM, for {@link EmbeddedPostgresITCase}.
 */
final class EmbeddedPostgresChild {

    private EmbeddedPostgresChild() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedPostgres db = EmbeddedPostgres.builder().build().start();
        System.out.println("postmaster " + db.pid().orElseThrow());
        System.out.flush();
        Thread.sleep(120_000); // bounded: the test kills this JVM long before
    }
}
