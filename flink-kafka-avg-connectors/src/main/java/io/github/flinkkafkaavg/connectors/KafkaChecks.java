package io.github.flinkkafkaavg.connectors;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code SlidingAverage.build} asks Kafka before it adds the job: are the servers reachable, do the credentials
 * and certificates work, do the topics exist with enough partitions. A Flink job would otherwise start and then
 * restart forever (wrong password), wait for a topic that never comes, or leave readers idle; here the answer comes
 * within a bounded time, in one sentence that names the servers, the topic and the fix.
 */
final class KafkaChecks {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaChecks.class);

    private KafkaChecks() {}

    static void requireCreatable(int partitions, short replicationFactor) {
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("createIfMissing needs at least 1 partition and 1 replica, but got "
                    + partitions + " partition(s) and " + replicationFactor + " replica(s)");
        }
    }

    /**
     * What a topic accepts as record timestamps: {@code message.timestamp.type} and the two bounds the broker checks
     * a CreateTime record's timestamp against, relative to its own clock.
     *
     * @param logAppendTime whether the broker stamps records itself (then it checks nothing)
     * @param afterMaxMs how far ahead of the broker's clock a timestamp may be
     * @param beforeMaxMs how far behind it a timestamp may be
     * @param source where the numbers come from, for messages
     */
    record TopicTimestamps(boolean logAppendTime, long afterMaxMs, long beforeMaxMs, String source) {
        /** Kafka 4's broker defaults: CreateTime, at most 1 hour ahead, any time behind. */
        static final TopicTimestamps KAFKA_DEFAULTS = new TopicTimestamps(false, 3_600_000L, Long.MAX_VALUE,
                "Kafka's defaults (the topic was not asked: skipKafkaChecks)");
    }

    /**
     * Checks servers, credentials and topics, and answers what the first output topic (the results') accepts as
     * timestamps.
     */
    static TopicTimestamps verify(KafkaIn in, String groupId, List<KafkaOut> outs, int sourceParallelism,
            Duration timeout) {
        String inWhere = "fromKafka(" + in.describe() + ")";
        try (Admin admin = admin(in.endpoint.bootstrapServers(), in.clientProperties(), timeout, "connect for " + inWhere,
                in.endpoint.security())) {
            if (in.pattern != null) {
                call(admin.listTopics().names(), timeout, "list topics", in.endpoint.bootstrapServers(), in.endpoint.security());
            }
            Map<String, Integer> partitionCounts = new HashMap<>();
            for (String topic : in.topics) {
                int partitions = partitions(admin, topic, in.endpoint.createPartitions(), in.endpoint.createReplicationFactor(), timeout,
                        in.endpoint.bootstrapServers(), in.endpoint.security(), "KafkaIn.topic(\"" + topic + "\")");
                if (partitions < sourceParallelism) {
                    throw new IllegalStateException("input topic " + topic + " on " + in.endpoint.bootstrapServers() + " has "
                            + partitions + " partition(s), fewer than the source parallelism " + sourceParallelism
                            + ": " + (sourceParallelism - partitions) + " reader(s) would idle. Add partitions"
                            + " (kafka-topics.sh --alter --topic " + topic + " --partitions " + sourceParallelism
                            + ") or lower the parallelism to " + partitions);
                }
                partitionCounts.put(topic, partitions);
            }
            if (in.bounded && in.pattern == null) {
                // Informational: a user allowed to read but not to describe the group still gets a job.
                try {
                    long readable = readable(admin, in, groupId, partitionCounts, timeout);
                    if (readable == 0) {
                        LOG.warn(nothingToRead(in, groupId));
                    } else {
                        LOG.info("{}: bounded, {} record(s) to read", inWhere, readable);
                    }
                } catch (IllegalStateException e) {
                    LOG.info("{}: bounded; cannot count the records to read: {}", inWhere, e.getMessage());
                }
            }
        }
        TopicTimestamps results = null;
        for (KafkaOut out : outs) {
            String where = "toKafka(" + out.topic + ")";
            try (Admin admin = admin(out.endpoint.bootstrapServers(), out.clientProperties(), timeout, "connect for " + where,
                    out.endpoint.security())) {
                partitions(admin, out.topic, out.endpoint.createPartitions(), out.endpoint.createReplicationFactor(), timeout,
                        out.endpoint.bootstrapServers(), out.endpoint.security(), "KafkaOut.topic(\"" + out.topic + "\")");
                if (results == null) {
                    results = timestamps(admin, out.topic, timeout, out.endpoint.bootstrapServers(), out.endpoint.security());
                }
            }
        }
        return results;
    }

    /**
     * How many records a bounded input will read: per partition, from where it starts (its {@link KafkaIn.Start}, the
     * group's committed offset where that applies) to the end offset now, which is where a bounded source stops.
     */
    static long readable(Admin admin, KafkaIn in, String groupId, Duration timeout) {
        Map<String, Integer> partitionCounts = new HashMap<>();
        for (String topic : in.topics) {
            partitionCounts.put(topic, describe(admin, topic, timeout, in.endpoint.bootstrapServers(),
                    in.endpoint.security()).partitions().size());
        }
        return readable(admin, in, groupId, partitionCounts, timeout);
    }

    /** As above, for topics whose partition counts the caller has just read (Kafka numbers partitions from 0). */
    static long readable(Admin admin, KafkaIn in, String groupId, Map<String, Integer> partitionCounts,
            Duration timeout) {
        String servers = in.endpoint.bootstrapServers();
        KafkaSecurity security = in.endpoint.security();
        List<TopicPartition> partitions = new java.util.ArrayList<>();
        partitionCounts.forEach((topic, n) -> {
            for (int p = 0; p < n; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        });
        Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest(), timeout, servers, security);
        Map<TopicPartition, Long> start = switch (in.start) {
            case EARLIEST -> offsets(admin, partitions, OffsetSpec.earliest(), timeout, servers, security);
            case LATEST -> end;
            case TIMESTAMP -> offsets(admin, partitions, OffsetSpec.forTimestamp(in.startTimestamp), timeout, servers,
                    security);
            case COMMITTED_OR_EARLIEST, COMMITTED_OR_LATEST -> {
                Map<TopicPartition, OffsetAndMetadata> committed = call(admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata(), timeout, "read the offsets of group " + groupId, servers,
                        security);
                Map<TopicPartition, Long> otherwise = in.start == KafkaIn.Start.COMMITTED_OR_LATEST ? end
                        : offsets(admin, partitions, OffsetSpec.earliest(), timeout, servers, security);
                Map<TopicPartition, Long> from = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    OffsetAndMetadata c = committed.get(tp);
                    from.put(tp, c != null ? c.offset() : otherwise.get(tp));
                }
                yield from;
            }
        };
        long readable = 0;
        for (TopicPartition tp : partitions) {
            long from = start.get(tp) < 0 ? end.get(tp) : start.get(tp);   // -1: no record at or after the timestamp
            readable += Math.max(0, end.get(tp) - from);
        }
        return readable;
    }

    static String nothingToRead(KafkaIn in, String groupId) {
        String from = switch (in.start) {
            case EARLIEST -> "the earliest offsets";
            case LATEST -> "the latest offsets (startingAtLatest)";
            case TIMESTAMP -> "the first records at or after " + java.time.Instant.ofEpochMilli(in.startTimestamp);
            case COMMITTED_OR_EARLIEST -> "the offsets committed by group " + groupId + " (else the earliest)";
            case COMMITTED_OR_LATEST -> "the offsets committed by group " + groupId + " (else the latest)";
        };
        return "fromKafka(" + in.describe() + "): bounded, and there is nothing to read: from " + from + " to the end"
                + " of every partition on " + in.endpoint.bootstrapServers() + " there is no record, so the job will"
                + " finish without results. Write the records before building the job, or read from earlier"
                + (in.start == KafkaIn.Start.EARLIEST ? "" : " (KafkaIn.startingAtEarliest(), or another groupId)");
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec,
            Duration timeout, String servers, KafkaSecurity security) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        call(admin.listOffsets(request).all(), timeout, "list the offsets of " + partitions.size() + " partition(s)",
                servers, security).forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /** The topic's effective timestamp settings: its own where set, else the broker's. */
    private static TopicTimestamps timestamps(Admin admin, String topic, Duration timeout, String servers,
            KafkaSecurity security) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = call(admin.describeConfigs(List.of(resource)).all(), timeout, "describe the configuration of"
                + " topic " + topic, servers, security).get(resource);
        ConfigEntry type = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        ConfigEntry after = config.get(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
        ConfigEntry before = config.get(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
        return new TopicTimestamps(type != null && "LogAppendTime".equals(type.value()),
                after == null ? TopicTimestamps.KAFKA_DEFAULTS.afterMaxMs() : Long.parseLong(after.value()),
                before == null ? Long.MAX_VALUE : Long.parseLong(before.value()),
                "topic " + topic + " on " + servers);
    }

    /** The topic's partition count, creating it first when the user asked for that. */
    private static int partitions(Admin admin, String topic, int createPartitions, short replicas, Duration timeout,
            String servers, KafkaSecurity security, String setting) {
        try {
            return describe(admin, topic, timeout, servers, security).partitions().size();
        } catch (MissingTopic missing) {
            if (createPartitions == 0) {
                throw missingTopic(topic, servers, setting + ".createIfMissing(partitions, replicationFactor)");
            }
        }
        create(admin, topic, createPartitions, replicas, Map.of(), timeout, servers, security);
        return describe(admin, topic, timeout, servers, security).partitions().size();
    }

    /**
     * The one answer to a topic that is not there, from the builder's checks and from {@link Topics} alike.
     *
     * @param fix how the caller's own API creates it, e.g. {@code KafkaIn.topic("t").createIfMissing(...)}
     */
    static IllegalStateException missingTopic(String topic, String servers, String fix) {
        return new IllegalStateException("topic " + topic + " does not exist on Kafka at " + servers
                + ": create it (kafka-topics.sh --create --topic " + topic + "), or let the job create it with "
                + fix);
    }

    /**
     * Creates a topic and waits until it is served ({@link #awaitServed}); a topic that exists already is left as it
     * is. The one way the library creates topics.
     *
     * @return true when this call created it
     */
    static boolean create(Admin admin, String topic, int partitions, short replicas, Map<String, String> configs,
            Duration timeout, String servers, KafkaSecurity security) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replicas).configs(configs)))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            awaitServed(admin, topic, partitions, timeout);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw explain("create topic " + topic, servers, security, e.getCause(), timeout);
        } catch (TimeoutException e) {
            throw explain("create topic " + topic, servers, security, e, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw explain("create topic " + topic, servers, security, e, timeout);
        }
    }

    /**
     * Waits until the leader of every partition of a topic just created serves it. Brokers apply a new topic
     * asynchronously, and an idempotent producer that writes in that gap can lose a batch without an error
     * (KAFKA-15591: the first request fails with NOT_LEADER_OR_FOLLOWER, a later one lands, and the retried first one
     * is refused as out of order until {@code delivery.timeout.ms}); a transactional producer stalls instead. A
     * ListOffsets request is answered by the same replica manager that takes produce requests, so once every
     * partition answers, writing is safe.
     */
    static void awaitServed(Admin admin, String topic, int partitions, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                admin.listOffsets(latest).all().get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
                        TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    static TopicDescription describe(Admin admin, String topic, Duration timeout, String servers,
            KafkaSecurity security) {
        return call(admin.describeTopics(List.of(topic)).allTopicNames(), timeout, "describe topic " + topic,
                servers, security).get(topic);
    }

    private static <V> V call(KafkaFuture<V> future, Duration timeout, String what, String servers,
            KafkaSecurity security) {
        try {
            // A little longer than the client's own API timeout, so that its (more precise) error wins.
            return future.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new MissingTopic();
            }
            throw explain(what, servers, security, e.getCause(), timeout);
        } catch (TimeoutException e) {
            throw explain(what, servers, security, e, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw explain(what, servers, security, e, timeout);
        }
    }

    /**
     * An admin client for the checks and for {@link Topics}: the client's own properties (security included), bounded
     * waits, and a failure to create it (e.g. a secret file missing here) explained like any other.
     */
    static Admin admin(String servers, Map<String, String> clientProperties, Duration timeout, String what,
            KafkaSecurity security) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(millis));
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(millis, 15_000)));
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "flink-kafka-avg-check");
        try {
            return Admin.create(props);
        } catch (RuntimeException e) {
            throw explain(what, servers, security, e, timeout);
        }
    }

    /**
     * One sentence for a failed Kafka call: what failed, against which servers with which security, why, and the
     * fix. Never the password: Kafka's own messages for these failures do not carry it, and neither do ours.
     */
    static IllegalStateException explain(String what, String servers, KafkaSecurity security, Throwable cause,
            Duration timeout) {
        String with = security == null ? "PLAINTEXT" : security.describe();
        String prefix = "cannot " + what + " on Kafka at " + servers + " (" + with + "): ";
        Throwable root = cause;
        while (root != null && !(root instanceof SaslAuthenticationException)
                && !(root instanceof SslAuthenticationException) && !(root instanceof AuthorizationException)
                && !(root instanceof ConfigException) && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why;
        if (root instanceof SaslAuthenticationException) {
            why = "SASL authentication failed (" + root.getMessage() + "). Check the user name, the password and the"
                    + " mechanism; SCRAM users exist per mechanism on the brokers (kafka-configs.sh --alter"
                    + " --add-config 'SCRAM-SHA-512=[password=...]' --entity-type users --entity-name USER)";
        } else if (root instanceof SslAuthenticationException) {
            String tls = deepestMessage(root);
            why = "the TLS handshake failed (" + tls + "). " + (tls.contains("PKIX") || tls.contains("certification path")
                    ? "The brokers' certificate is not signed by a CA this client trusts: give that CA with"
                            + " KafkaSecurity.trustStore(path, password)"
                    : tls.contains("bad_certificate") || tls.contains("certificate_required")
                            ? "The brokers require a client certificate they trust: give one with"
                                    + " KafkaSecurity.keyStore(path, storePassword, keyPassword)"
                    : tls.contains("No subject alternative") || tls.contains("doesn't match")
                            ? "The certificate does not name the host connected to: fix the certificate, or, knowing"
                                    + " the risk, KafkaSecurity.withoutHostnameVerification()"
                            : "Check that the listener at these servers speaks TLS and that the client's key and trust"
                                    + " stores are right");
        } else if (root instanceof AuthorizationException) {
            why = "not authorized (" + root.getMessage() + "): grant the job's user the ACLs it needs (Describe and"
                    + " Read on input topics and the consumer group; Describe and Write on outputs; Write and"
                    + " Describe on its transactional ids)";
        } else if (root instanceof ConfigException) {
            why = "the Kafka client configuration is invalid: " + root.getMessage();
        } else if (cause instanceof TimeoutException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            why = "no answer within " + timeout.toSeconds() + " s. Is Kafka running there, and reachable from this"
                    + " machine? A listener that expects TLS or SASL does not answer a client that speaks another"
                    + " protocol: check KafkaIn.security(...) against the listener's security.protocol";
        } else {
            why = cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        IllegalStateException e = new IllegalStateException(prefix + why);
        // Kafka's exceptions carry no passwords; keep the root for the curious, but not the long chain above it.
        if (root != null) {
            e.initCause(root);
        }
        return e;
    }

    private static String deepestMessage(Throwable t) {
        String message = t.getMessage();
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            if (c.getMessage() != null && (c instanceof SSLException || c.getCause() == null
                    || c.getClass().getName().startsWith("sun.security") || c.getClass().getName().startsWith("java.security"))) {
                message = c.getMessage();
            }
            t = c;
        }
        return message == null ? "no detail" : message;
    }

    /** A topic that does not exist; caught where a missing topic may be created. */
    static final class MissingTopic extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingTopic() {
            super(null, null, false, false);
        }
    }
}
