package io.github.flinkkafkaavg.examples.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster on 127.0.0.1 made of real processes — one JobManager, N TaskManagers, each its
 * own JVM — started from Flink's jars as Maven resolved them (there is no {@code flink-dist} archive here), the way
 * Flink's own scripts start them: the same entry points, the same memory calculation ({@code BashJavaUtils}), a
 * {@code config.yaml} with free ports. Jobs are submitted with Flink's own CLI ({@code CliFrontend run}), so a job JAR
 * that runs here runs on any standalone cluster unchanged.
 *
 * <p>Everything lives under one temporary directory (configuration, logs, each JVM's {@code java.io.tmpdir},
 * checkpoints) that {@link #close()} deletes after stopping exactly the processes it started.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    private static final String JOB_MANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String CLI = "org.apache.flink.client.cli.CliFrontend";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    /** What Flink's config.yaml passes in env.java.opts.all for Java 17; only the bash scripts read that key. */
    private static final List<String> JAVA_17_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Path root;
    private final Path conf;
    private final String classpath;
    private final int restPort;
    private final int rpcPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private final List<String> tmJvm = new ArrayList<>();
    private final List<String> tmDynamic = new ArrayList<>();
    private final Map<String, String> environment = new HashMap<>();

    private LocalFlinkCluster(Path root, int restPort, int rpcPort) throws IOException {
        this.root = root;
        this.conf = Files.createDirectories(root.resolve("conf"));
        this.restPort = restPort;
        this.rpcPort = rpcPort;
        this.classpath = clusterClasspath();
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers and waits until all have registered.
     *
     * @param taskManagers how many TaskManager processes
     * @param slotsPerTaskManager task slots each
     * @param config further {@code config.yaml} entries (e.g. a restart strategy)
     * @return the running cluster
     * @throws IOException when a process cannot be started
     * @throws InterruptedException when interrupted while waiting
     * @throws IllegalStateException with the end of the logs when the cluster does not come up within 90 s
     */
    public static LocalFlinkCluster start(int taskManagers, int slotsPerTaskManager, Map<String, String> config)
            throws IOException, InterruptedException {
        return start(taskManagers, slotsPerTaskManager, config, Map.of());
    }

    /**
     * Starts the cluster as {@link #start(int, int, Map)} does, with {@code environment} added to the environment of
     * every process it starts — JobManager, TaskManagers and the {@code flink run} client — as a deployment sets
     * variables on each machine (e.g. the one a job reads its database password from).
     *
     * @param taskManagers how many TaskManager processes
     * @param slotsPerTaskManager task slots each
     * @param config further {@code config.yaml} entries
     * @param environment variables for every process
     * @return the running cluster
     * @throws IOException when a process cannot be started
     * @throws InterruptedException when interrupted while waiting
     */
    public static LocalFlinkCluster start(int taskManagers, int slotsPerTaskManager, Map<String, String> config,
            Map<String, String> environment) throws IOException, InterruptedException {
        int[] ports = freePorts(2);
        LocalFlinkCluster cluster = new LocalFlinkCluster(Files.createTempDirectory("flink-kafka-avg-cluster-"),
                ports[0], ports[1]);
        cluster.environment.putAll(environment);
        try {
            cluster.writeConfig(slotsPerTaskManager, config);
            cluster.startJobManager();
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(taskManagers, Duration.ofSeconds(90));
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * The REST endpoint, {@code host:port}, as {@code flink run -m} takes it.
     *
     * @return the address
     */
    public String restAddress() {
        return "127.0.0.1:" + restPort;
    }

    /**
     * The directory holding {@code config.yaml}, for {@code FLINK_CONF_DIR}.
     *
     * @return the configuration directory
     */
    public Path configDirectory() {
        return conf;
    }

    /**
     * Submits a job JAR detached with Flink's CLI: {@code flink run -d -m HOST:PORT -p P JAR ARGS}.
     *
     * @param jar the job JAR
     * @param parallelism the job parallelism
     * @param args the job's own arguments
     * @return the job id the CLI printed
     * @throws IllegalStateException with the CLI's output when the submission fails
     */
    public String submit(Path jar, int parallelism, List<String> args) throws IOException, InterruptedException {
        List<String> command = java(List.of("-Xmx512m"), CLI);
        command.addAll(List.of("run", "-d", "-m", restAddress(), "-p", String.valueOf(parallelism),
                jar.toAbsolutePath().toString()));
        command.addAll(args);
        Path log = root.resolve("log/flink-run-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("FLINK_CONF_DIR", conf.toString());
        Process cli = builder.start();
        if (!cli.waitFor(3, TimeUnit.MINUTES)) {
            cli.destroyForcibly();
            throw new IllegalStateException("flink run did not finish within 3 minutes:\n" + tail(log));
        }
        String output = Files.readString(log);
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(output);
        if (cli.exitValue() != 0 || !id.find()) {
            throw new IllegalStateException("flink run failed (exit " + cli.exitValue() + "):\n" + tail(log));
        }
        return id.group(1);
    }

    /**
     * The job's state as the REST API reports it: RUNNING, RESTARTING, FINISHED, FAILED, ...
     *
     * @param jobId the job
     * @return its state
     */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /**
     * Waits until the job is in {@code state}, bounded; fails at once when it is FAILED.
     *
     * @param jobId the job
     * @param state the state to wait for
     * @param timeout how long at most
     */
    public void awaitJobState(String jobId, String state, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String now = jobState(jobId);
        while (!now.equals(state)) {
            if (now.equals("FAILED") || System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + jobId + " is " + now + ", not " + state + ":\n"
                        + tail(root.resolve("log/jobmanager.log")));
            }
            Thread.sleep(200);
            now = jobState(jobId);
        }
    }

    /**
     * The REST API's checkpoint statistics of a job ({@code counts.completed}, {@code latest.restored}, ...).
     *
     * @param jobId the job
     * @return the JSON document
     */
    public JsonNode checkpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /**
     * Cancels a job and waits until it is CANCELED.
     *
     * @param jobId the job
     */
    public void cancel(String jobId) throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        awaitJobState(jobId, "CANCELED", Duration.ofSeconds(60));
    }

    /**
     * Kills a TaskManager process with SIGKILL, as a crashed machine would go: no shutdown hook, no goodbye.
     *
     * @param index which TaskManager, from 0
     * @return its process id
     */
    public long killTaskManager(int index) throws InterruptedException {
        Process tm = taskManagers.get(index);
        tm.destroyForcibly();
        tm.waitFor(30, TimeUnit.SECONDS);
        return tm.pid();
    }

    /**
     * The process ids of the JobManager and TaskManagers, in that order.
     *
     * @return the pids
     */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        if (jobManager != null) {
            pids.add(jobManager.pid());
        }
        taskManagers.forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /**
     * The last lines of every process's log, for failure messages.
     *
     * @return the log tails
     */
    public String logTails() {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> logs = Files.list(root.resolve("log"))) {
            for (Path log : logs.sorted().toList()) {
                all.append("==> ").append(log.getFileName()).append(" <==\n").append(tail(log)).append('\n');
            }
        } catch (IOException e) {
            all.append("(logs unreadable: ").append(e.getMessage()).append(')');
        }
        return all.toString();
    }

    /**
     * Stops the TaskManagers and the JobManager (SIGTERM, then SIGKILL after 20 s) and deletes the directory — unless
     * the system property {@code flink-kafka-avg.keep-cluster-dir} is true, for reading the logs afterwards.
     */
    @Override
    public void close() {
        List<Process> all = new ArrayList<>(taskManagers);
        if (jobManager != null) {
            all.add(jobManager);
        }
        all.forEach(Process::destroy);
        for (Process p : all) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (Boolean.getBoolean("flink-kafka-avg.keep-cluster-dir")) {
            System.err.println("kept the cluster's directory (configuration, logs): " + root);
        } else {
            delete(root);
        }
    }

    private void writeConfig(int slots, Map<String, String> extra) throws IOException {
        Files.createDirectories(root.resolve("log"));
        Map<String, String> config = new java.util.LinkedHashMap<>();
        config.put("jobmanager.rpc.address", "127.0.0.1");
        config.put("jobmanager.rpc.port", String.valueOf(rpcPort)); // Flink refuses 0 here
        config.put("jobmanager.bind-host", "127.0.0.1");
        config.put("rest.address", "127.0.0.1");
        config.put("rest.bind-address", "127.0.0.1");
        config.put("rest.port", String.valueOf(restPort));
        config.put("taskmanager.host", "127.0.0.1");
        config.put("taskmanager.bind-host", "127.0.0.1");
        config.put("taskmanager.numberOfTaskSlots", String.valueOf(slots));
        // Spread a job's subtasks over all TaskManagers, so that losing one really hits the job.
        config.put("taskmanager.load-balance.mode", "SLOTS");
        config.put("jobmanager.memory.process.size", "768m");
        config.put("taskmanager.memory.process.size", "1024m");
        config.put("execution.checkpointing.dir", root.resolve("checkpoints").toUri().toString());
        // A lost TaskManager is noticed in seconds, not after the default 50 s.
        config.put("heartbeat.interval", "2 s");
        config.put("heartbeat.timeout", "10 s");
        config.putAll(extra);
        StringBuilder yaml = new StringBuilder();
        config.forEach((k, v) -> yaml.append(k).append(": ").append(v.matches("[A-Za-z0-9_./:-]+| *[0-9]+ [a-z]+")
                ? v : '"' + v + '"').append('\n'));
        Files.writeString(conf.resolve("config.yaml"), yaml);
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = MainAppender",
                "appender.main.name = MainAppender",
                "appender.main.type = File",
                "appender.main.append = true",
                "appender.main.fileName = ${sys:log.file}",
                "appender.main.layout.type = PatternLayout",
                "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN", ""));
    }

    private void startJobManager() throws IOException, InterruptedException {
        List<List<String>> params = resourceParams("GET_JM_RESOURCE_PARAMS");
        List<String> command = java(withLogging(params.get(0), "jobmanager"), JOB_MANAGER);
        command.addAll(List.of("--configDir", conf.toString()));
        command.addAll(params.get(1));
        jobManager = launch(command, "jobmanager");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                get("/overview");
                return;
            } catch (IOException notYet) {
                if (!jobManager.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the JobManager did not come up:\n"
                            + tail(root.resolve("log/jobmanager.log")));
                }
                Thread.sleep(200);
            }
        }
    }

    private void startTaskManager() throws IOException, InterruptedException {
        if (tmJvm.isEmpty()) {
            List<List<String>> params = resourceParams("GET_TM_RESOURCE_PARAMS");
            tmJvm.addAll(params.get(0));
            tmDynamic.addAll(params.get(1));
        }
        String name = "taskmanager-" + (taskManagers.size() + 1);
        List<String> command = java(withLogging(tmJvm, name), TASK_MANAGER);
        command.addAll(List.of("--configDir", conf.toString(), "-D", "taskmanager.resource-id=" + name));
        command.addAll(tmDynamic);
        taskManagers.add(launch(command, name));
    }

    private void awaitTaskManagers(int count, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (get("/taskmanagers").path("taskmanagers").size() < count) {
                if (System.nanoTime() > deadline || taskManagers.stream().anyMatch(p -> !p.isAlive())) {
                    throw new IllegalStateException(count + " TaskManagers did not register:\n" + logTails());
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for TaskManagers", e);
        }
    }

    /** JVM options and dynamic properties exactly as Flink's scripts compute them from config.yaml. */
    private List<List<String>> resourceParams(String what) throws IOException, InterruptedException {
        List<String> command = java(List.of("-Xmx128m"), BASH_JAVA_UTILS);
        command.addAll(List.of(what, "--configDir", conf.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        List<String> results = output.lines().filter(l -> l.startsWith(RESULT_PREFIX))
                .map(l -> l.substring(RESULT_PREFIX.length()).trim()).toList();
        if (p.exitValue() != 0 || results.size() < 2) {
            throw new IllegalStateException("BashJavaUtils " + what + " failed:\n" + output);
        }
        return List.of(split(results.get(results.size() - 2)), split(results.get(results.size() - 1)));
    }

    private List<String> withLogging(List<String> jvm, String name) throws IOException {
        List<String> options = new ArrayList<>(jvm);
        Path tmp = Files.createDirectories(root.resolve("tmp-" + name));
        options.add("-Djava.io.tmpdir=" + tmp);
        options.add("-Dlog.file=" + root.resolve("log/" + name + ".log"));
        options.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
        return options;
    }

    private List<String> java(List<String> jvmOptions, String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(JAVA_17_OPENS);
        command.addAll(List.of("-cp", classpath, ChildMain.class.getName(), mainClass));
        return command;
    }

    private Process launch(List<String> command, String name) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("log/" + name + ".out").toFile()));
        builder.environment().putAll(environment);
        return builder.start(); // stdin stays a pipe from this JVM: ChildMain's lifeline
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://" + restAddress() + path);
    }

    /** Flink's jars plus this class's own location (for {@link ChildMain}), as the build resolved them. */
    private static String clusterClasspath() throws IOException {
        try (InputStream in = LocalFlinkCluster.class.getResourceAsStream("flink-cluster.classpath")) {
            if (in == null) {
                throw new IllegalStateException("flink-cluster.classpath is missing: build flink-kafka-avg-examples"
                        + " with Maven, which resolves Flink's jars and writes it");
            }
            String jars = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            String self = Paths.get(ChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
            return self + java.io.File.pathSeparator + jars;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> split(String params) {
        return params.isBlank() ? List.of() : List.of(params.trim().split("\\s+"));
    }

    /**
     * Distinct free ports of 127.0.0.1, taken with all their sockets open: a port closed before the next is asked for
     * may be handed out again (EmbeddedKafka once got one port for two listeners that way).
     */
    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(" + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
