package io.github.flinkkafkaavg.testkit;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;

/**
 * A real Apache Kafka cluster in KRaft mode on 127.0.0.1, each node a child JVM, for tests and demos.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
 *     kafka.createTopic("readings", 4);
 *     String bootstrap = kafka.bootstrapServers();   // "127.0.0.1:PORT"
 *     ...
 * }
 * }</pre>
 *
 * <p>Every node is a combined broker and controller ({@code process.roles=broker,controller}) with its own free
 * ports and a log directory under one temporary folder that {@link #close()} deletes. The broker runs in its own
 * JVM on the class path Maven resolved for {@code kafka_2.13} when this module was built, so its Scala, Jackson and
 * logging jars never meet Flink's. Transactions work out of the box (the internal topics are sized for the node
 * count) and topics are never created automatically. Optional listeners: SASL_PLAINTEXT for the users given to
 * {@link Builder#saslPlainUser(String, String)} (PLAIN) and {@link Builder#scramUser(String, String)} (SCRAM-SHA-256
 * and -512); with {@link Builder#tls()} also SSL and SASL_SSL, with a test CA made at start.
 *
 * <p>A node can be stopped and started again on the same ports and log directory ({@link #stopNode(int)},
 * {@link #startNode(int)}), which is how failure tests simulate a broker outage. Every child JVM watches its
 * standard input and exits when this JVM goes away, so no broker outlives the process that started it.
 */
@PublicEvolving
public final class EmbeddedKafka implements AutoCloseable {

    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);

    private final int nodeCount;
    private final BrokerConfig config;
    private final Map<String, String> saslUsers;
    private final Map<String, String> scramUsers;
    private final boolean tls;
    private final boolean tlsClientAuth;
    private final Duration startTimeout;
    private final Path root;
    private final String clusterId = Uuid.randomUuid().toString();
    private final List<Node> nodes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::closeQuietly, "embedded-kafka-shutdown");
    private boolean started;
    private boolean closed;

    private EmbeddedKafka(Builder builder) {
        this.nodeCount = builder.nodes;
        this.saslUsers = Map.copyOf(builder.saslUsers);
        this.scramUsers = Map.copyOf(builder.scramUsers);
        this.tls = builder.tls || builder.tlsClientAuth;
        this.tlsClientAuth = builder.tlsClientAuth;
        this.config = new BrokerConfig(nodeCount, builder.brokerProperties, saslUsers, tlsClientAuth);
        this.startTimeout = builder.startTimeout;
        try {
            this.root = Files.createTempDirectory("embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the Kafka logs", e);
        }
    }

    /**
     * Starts describing a cluster: one node, no SASL listener, default broker settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts every node and waits until all of them have joined the cluster.
     *
     * @return this cluster, started
     * @throws IllegalStateException when a node does not come up within the start timeout; the message carries the
     *     tail of that node's log
     */
    public synchronized EmbeddedKafka start() {
        if (started) {
            throw new IllegalStateException("EmbeddedKafka is already started");
        }
        started = true;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            if (tls) {
                TestCertificates.create(root.resolve("tls"));
            }
            boolean sasl = hasSasl();
            int perNode = 2 + (sasl ? 1 : 0) + (tls ? 1 : 0) + (sasl && tls ? 1 : 0);
            java.util.Iterator<Integer> ports = freePorts(nodeCount * perNode).iterator();
            for (int id = 1; id <= nodeCount; id++) {
                nodes.add(new Node(new BrokerConfig.Ports(id, ports.next(), ports.next(), sasl ? ports.next() : -1,
                        tls ? ports.next() : -1, sasl && tls ? ports.next() : -1), new BrokerProcess(id, nodeDir(id))));
            }
            String voters = BrokerConfig.voters(nodes.stream().map(Node::ports).toList());
            String classpath = BrokerLibrary.classpath();
            for (Node node : nodes) {
                Path dir = nodeDir(node.ports().id());
                node.broker().writeFiles(config.serverProperties(node.ports(), voters, dir.resolve("data"),
                        root.resolve("tls")));
                node.broker().launch(classpath, clusterId, true);
            }
            awaitBrokers(nodeCount);
            createScramUsers();
            return this;
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * The PLAINTEXT bootstrap servers of all nodes, e.g. {@code 127.0.0.1:41234}.
     *
     * @return comma-separated host:port pairs
     */
    public String bootstrapServers() {
        requireStarted();
        return nodes.stream().map(n -> "127.0.0.1:" + n.ports().port()).collect(Collectors.joining(","));
    }

    /**
     * The SASL_PLAINTEXT (mechanism PLAIN) bootstrap servers of all nodes.
     *
     * @return comma-separated host:port pairs
     * @throws IllegalStateException when the cluster was built without {@link Builder#saslPlainUser(String, String)}
     */
    public String saslPlainBootstrapServers() {
        return saslPlaintextBootstrapServers();
    }

    /**
     * The SASL_PLAINTEXT bootstrap servers of all nodes; the listener offers PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512.
     *
     * @return comma-separated host:port pairs
     * @throws IllegalStateException when the cluster was built without SASL users
     */
    public String saslPlaintextBootstrapServers() {
        requireStarted();
        if (!hasSasl()) {
            throw new IllegalStateException("no SASL listener: call EmbeddedKafka.builder().saslPlainUser(user, password)"
                    + " or .scramUser(user, password) to add one");
        }
        return nodes.stream().map(n -> "127.0.0.1:" + n.ports().saslPort()).collect(Collectors.joining(","));
    }

    /**
     * The SSL (TLS without SASL) bootstrap servers of all nodes; their certificate is signed by the test CA in
     * {@link #tlsTrustStore()} and names {@code 127.0.0.1} and {@code localhost}.
     *
     * @return comma-separated host:port pairs
     * @throws IllegalStateException when the cluster was built without {@link Builder#tls()}
     */
    public String sslBootstrapServers() {
        requireTls();
        return nodes.stream().map(n -> "127.0.0.1:" + n.ports().sslPort()).collect(Collectors.joining(","));
    }

    /**
     * The SASL_SSL bootstrap servers of all nodes (SASL users and {@link Builder#tls()} both given).
     *
     * @return comma-separated host:port pairs
     */
    public String saslSslBootstrapServers() {
        requireTls();
        if (!hasSasl()) {
            throw new IllegalStateException("no SASL_SSL listener: add SASL users with saslPlainUser or scramUser");
        }
        return nodes.stream().map(n -> "127.0.0.1:" + n.ports().saslSslPort()).collect(Collectors.joining(","));
    }

    /**
     * The PKCS12 trust store holding the test CA that signed the brokers' certificate, created at start.
     *
     * @return the file, inside {@link #rootDirectory()}
     */
    public Path tlsTrustStore() {
        requireTls();
        return root.resolve("tls").resolve(TestCertificates.TRUST_STORE);
    }

    /**
     * The password of {@link #tlsTrustStore()}.
     *
     * @return the password
     */
    public String tlsTrustStorePassword() {
        requireTls();
        return TestCertificates.TRUST_STORE_PASSWORD;
    }

    /**
     * The test CA's certificate as a PEM file, for clients that take PEM trust.
     *
     * @return the file, inside {@link #rootDirectory()}
     */
    public Path tlsCaPem() {
        requireTls();
        return root.resolve("tls").resolve(TestCertificates.CA_PEM);
    }

    /**
     * A PKCS12 key store with a client certificate signed by the test CA, for the SSL listener of a cluster built
     * with {@link Builder#tlsClientAuth()}.
     *
     * @return the file, inside {@link #rootDirectory()}
     */
    public Path tlsClientKeyStore() {
        requireTls();
        return root.resolve("tls").resolve(TestCertificates.CLIENT_STORE);
    }

    /**
     * The password of {@link #tlsClientKeyStore()} and of the key in it.
     *
     * @return the password
     */
    public String tlsClientKeyStorePassword() {
        requireTls();
        return TestCertificates.CLIENT_STORE_PASSWORD;
    }

    private void requireTls() {
        requireStarted();
        if (!tls) {
            throw new IllegalStateException("no TLS listener: call EmbeddedKafka.builder().tls() to add one");
        }
    }

    private boolean hasSasl() {
        return !saslUsers.isEmpty() || !scramUsers.isEmpty();
    }

    private void createScramUsers() {
        if (scramUsers.isEmpty()) {
            return;
        }
        List<ScramMechanism> mechanisms = List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512);
        try (Admin admin = admin()) {
            // The broker refuses two alterations of one user in one request: one request per mechanism.
            for (ScramMechanism mechanism : mechanisms) {
                List<UserScramCredentialAlteration> upserts = new ArrayList<>();
                scramUsers.forEach((user, password) -> upserts.add(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(mechanism, 4096), password)));
                admin.alterUserScramCredentials(upserts).all().get(60, TimeUnit.SECONDS);
            }
            // The credentials reach every broker through the metadata log: wait until they are all described.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.describeUserScramCredentials(List.copyOf(scramUsers.keySet())).all()
                    .get(30, TimeUnit.SECONDS).values().stream()
                    .mapToInt(d -> d.credentialInfos().size()).sum() < scramUsers.size() * mechanisms.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("SCRAM users " + scramUsers.keySet() + " did not appear within 30 s");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating SCRAM users", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create SCRAM users " + scramUsers.keySet() + ": " + e, e);
        }
    }

    /**
     * Client properties that reach this cluster over PLAINTEXT: just {@code bootstrap.servers}.
     *
     * @return a new, mutable properties object
     */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return properties;
    }

    /**
     * A new admin client for this cluster; the caller closes it.
     *
     * @return an admin client
     */
    public Admin admin() {
        Properties properties = clientProperties();
        properties.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        properties.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(properties);
    }

    /**
     * Creates a topic with the given partition count and a replication factor of {@code min(3, nodes)}, and waits
     * until it exists.
     *
     * @param name the topic name
     * @param partitions the number of partitions, at least 1
     */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, (short) Math.min(3, nodeCount), Map.of());
    }

    /**
     * Creates a topic and waits until the leader of every partition serves it, so that records may be written at once.
     *
     * @param name the topic name
     * @param partitions the number of partitions, at least 1
     * @param replicationFactor at most the number of nodes
     * @param configs topic configs such as {@code min.insync.replicas}
     */
    public void createTopic(String name, int partitions, short replicationFactor, Map<String, String> configs) {
        if (replicationFactor > nodeCount) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " exceeds the "
                    + nodeCount + " node(s) of this cluster: use EmbeddedKafka.builder().nodes(" + replicationFactor + ")");
        }
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, replicationFactor).configs(configs)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
            // Brokers apply a new topic asynchronously, and records written before they do can be lost without an
            // error (KAFKA-15591), so return only once the leader of every partition answers a ListOffsets request.
            Map<TopicPartition, OffsetSpec> ends = IntStream.range(0, partitions).boxed()
                    .collect(Collectors.toMap(p -> new TopicPartition(name, p), p -> OffsetSpec.latest()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!answered(admin.listOffsets(ends).all(), deadline)) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name + " on " + bootstrapServers() + ": " + e, e);
        }
    }

    private static boolean answered(KafkaFuture<?> request, long deadlineNanos)
            throws ExecutionException, TimeoutException, InterruptedException {
        try {
            request.get(60, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException && System.nanoTime() < deadlineNanos) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The number of nodes this cluster was built with.
     *
     * @return the node count
     */
    public int nodeCount() {
        return nodeCount;
    }

    /**
     * Stops one node cleanly (controlled shutdown), keeping its ports and log directory for {@link #startNode(int)}.
     *
     * @param nodeId the node id, from 1 to {@link #nodeCount()}
     */
    public synchronized void stopNode(int nodeId) {
        node(nodeId).broker().stop();
    }

    /**
     * Kills one node at once ({@code SIGKILL}), as a crash would, keeping its log directory.
     *
     * @param nodeId the node id, from 1 to {@link #nodeCount()}
     */
    public synchronized void killNode(int nodeId) {
        node(nodeId).broker().kill();
    }

    /**
     * Starts a node that was stopped, on the same ports and log directory, and waits until the cluster counts it.
     *
     * @param nodeId the node id, from 1 to {@link #nodeCount()}
     */
    public synchronized void startNode(int nodeId) {
        Node node = node(nodeId);
        if (node.broker().isAlive()) {
            throw new IllegalStateException("node " + nodeId + " is running already");
        }
        node.broker().launch(BrokerLibrary.classpath(), clusterId, false);
        awaitBrokers((int) nodes.stream().filter(n -> n.broker().isAlive()).count());
    }

    /**
     * The process ids of the running nodes, so that a caller can check that none outlive {@link #close()}.
     *
     * @return the pids, in node order
     */
    public synchronized List<Long> pids() {
        return nodes.stream().filter(n -> n.broker().isAlive()).map(n -> n.broker().pid()).toList();
    }

    /**
     * The folder holding every node's data, configuration and log; deleted by {@link #close()}.
     *
     * @return the root folder
     */
    public Path rootDirectory() {
        return root;
    }

    /** Stops every node, waits for the processes to end and deletes the temporary folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Stop all nodes at once: a node that waits for a quorum that is already leaving can hang its shutdown.
        nodes.forEach(n -> n.broker().requestStop());
        nodes.forEach(n -> n.broker().awaitStop());
        deleteRecursively(root);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already, and this may be that hook
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("EmbeddedKafka: error while closing: " + e);
        }
    }

    private void requireStarted() {
        if (!started || closed) {
            throw new IllegalStateException("EmbeddedKafka is " + (closed ? "closed" : "not started: call start()"));
        }
    }

    private Node node(int nodeId) {
        requireStarted();
        if (nodeId < 1 || nodeId > nodeCount) {
            throw new IllegalArgumentException("node id " + nodeId + " is not between 1 and " + nodeCount);
        }
        return nodes.get(nodeId - 1);
    }

    private void awaitBrokers(int expected) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        Exception last = null;
        Admin admin = admin();
        try {
            while (System.nanoTime() < deadline) {
                for (Node node : nodes) {
                    if (node.broker().expectedAlive() && !node.broker().isAlive()) {
                        throw new IllegalStateException("Kafka node " + node.ports().id() + " exited with code "
                                + node.broker().exitValue() + " while starting; its log ends with:\n"
                                + node.broker().logTail());
                    }
                }
                try {
                    int seen = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000))
                            .nodes().get(6, TimeUnit.SECONDS).size();
                    if (seen >= expected) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka to start", e);
        } finally {
            // A pending describe would otherwise hold close() for the whole default API timeout.
            admin.close(Duration.ZERO);
        }
        throw new IllegalStateException("Kafka did not report " + expected + " broker(s) on " + bootstrapServers()
                + " within " + startTimeout.toSeconds() + " s (last error: " + last + "); node 1's log ends with:\n"
                + nodes.get(0).broker().logTail());
    }

    private Path nodeDir(int id) {
        return root.resolve("node-" + id);
    }

    /**
     * {@code count} distinct free ports of 127.0.0.1. All sockets stay open until every port is taken: a port closed
     * before the next is asked for may be handed out again, and once two listeners of a node got the same port
     * ("If you have two listeners on the same port then one needs to be IPv4 and the other IPv6"), so the broker
     * did not start.
     */
    private static List<Integer> freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                socket.setReuseAddress(true);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing a listening socket that accepted nothing; nothing to do
                }
            }
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }

    /** One node: its ports and its process. */
    private record Node(BrokerConfig.Ports ports, BrokerProcess broker) {}

    /**
     * Describes an {@link EmbeddedKafka} cluster before it starts.
     *
     * <p>Defaults: one node, no SASL listener, a 90 s start timeout, the broker settings described on
     * {@link EmbeddedKafka}.
     */
    public static final class Builder {
        private int nodes = 1;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private final Map<String, String> saslUsers = new LinkedHashMap<>();
        private final Map<String, String> scramUsers = new LinkedHashMap<>();
        private boolean tls;
        private boolean tlsClientAuth;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;

        private Builder() {}

        /**
         * The number of nodes, each a combined broker and controller in its own JVM; replicated internal topics use
         * {@code min(3, nodes)} replicas and {@code min(2, nodes)} in-sync replicas.
         *
         * @param nodes from 1 to 5
         * @return this builder
         */
        public Builder nodes(int nodes) {
            if (nodes < 1 || nodes > 5) {
                throw new IllegalArgumentException("nodes must be between 1 and 5, but was " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /**
         * Sets one broker property on every node, overriding the defaults (e.g. {@code transaction.max.timeout.ms}).
         *
         * @param key a Kafka broker config name
         * @param value its value
         * @return this builder
         */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds a SASL_PLAINTEXT listener with mechanism PLAIN that accepts this user (call again for more users).
         *
         * @param user the user name
         * @param password the password
         * @return this builder
         */
        public Builder saslPlainUser(String user, String password) {
            saslUsers.put(Objects.requireNonNull(user, "user"), Objects.requireNonNull(password, "password"));
            return this;
        }

        /**
         * Adds a SASL listener (SASL_PLAINTEXT, and SASL_SSL with {@link #tls()}) where this user logs in with
         * SCRAM-SHA-256 or SCRAM-SHA-512; the credentials are created through the admin API once the cluster is up.
         *
         * @param user the user name
         * @param password the password
         * @return this builder
         */
        public Builder scramUser(String user, String password) {
            scramUsers.put(Objects.requireNonNull(user, "user"), Objects.requireNonNull(password, "password"));
            return this;
        }

        /**
         * Adds a TLS listener (SSL, and SASL_SSL when there are SASL users) with a certificate for {@code 127.0.0.1}
         * and {@code localhost}, signed by a CA generated with the JDK's keytool at start; clients trust it through
         * {@link EmbeddedKafka#tlsTrustStore()}.
         *
         * @return this builder
         */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * As {@link #tls()}, and the SSL listener requires a client certificate signed by the test CA
         * ({@code ssl.client.auth=required}): mutual TLS with {@link EmbeddedKafka#tlsClientKeyStore()}.
         *
         * @return this builder
         */
        public Builder tlsClientAuth() {
            this.tlsClientAuth = true;
            return this;
        }

        /**
         * How long {@link EmbeddedKafka#start()} waits for all nodes to join before it fails.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, but was " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Creates the cluster description and its temporary folder; call {@link EmbeddedKafka#start()} next.
         *
         * @return a cluster, not started yet
         */
        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }
    }

    /**
     * The names of the topics on this cluster, internal ones excluded.
     *
     * @return topic names
     */
    public Set<String> topics() {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list topics on " + bootstrapServers() + ": " + e, e);
        }
    }
}
