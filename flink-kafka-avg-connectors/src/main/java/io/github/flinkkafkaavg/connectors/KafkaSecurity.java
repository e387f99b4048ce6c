package io.github.flinkkafkaavg.connectors;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import io.github.flinkkafkaavg.connectors.internal.SecretConfigProvider;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * How the job authenticates to Kafka and encrypts the connection: TLS, SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)
 * or both. An immutable value; each setter returns a new one. Give it to {@link KafkaIn#security}, and the outputs
 * use it too unless {@link KafkaOut#security} says otherwise.
 *
 * <pre>{@code
 * KafkaSecurity.saslOverTls(SaslMechanism.SCRAM_SHA_512, "averages-job", Secret.fromEnv("KAFKA_PASSWORD"))
 *         .trustStore(Path.of("/etc/kafka/ca.p12"), Secret.fromFile(Path.of("/run/secrets/ca-password")))
 * }</pre>
 *
 * <p>It becomes ordinary Kafka client properties ({@link #clientProperties()}): {@code security.protocol},
 * {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.*}, {@code ssl.keystore.*}. Anything it
 * does not cover (OAUTHBEARER, GSSAPI, a custom SSL engine) passes through {@link KafkaIn#property} as raw client
 * properties. Passwords are {@link Secret}s: from environment variables and files they are resolved by the Kafka
 * client where it runs and never enter the job graph. Without a trust store the JVM's default CAs verify the
 * brokers — right for cloud-managed Kafka with publicly signed certificates. {@link #toString()} names the protocol,
 * mechanism, user and files, never a password.
 */
@PublicEvolving
public final class KafkaSecurity {

    /** SASL mechanisms with user name and password. */
    public enum SaslMechanism {
        /** Password sent to the broker as is: use it over TLS only. */
        PLAIN("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"),
        /** Salted challenge-response with SHA-256; the password never crosses the wire. */
        SCRAM_SHA_256("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule"),
        /** Salted challenge-response with SHA-512; the password never crosses the wire. */
        SCRAM_SHA_512("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

        private final String kafkaName;
        private final String loginModule;

        SaslMechanism(String kafkaName, String loginModule) {
            this.kafkaName = kafkaName;
            this.loginModule = loginModule;
        }

        /**
         * The mechanism's name in Kafka's {@code sasl.mechanism}.
         *
         * @return e.g. {@code SCRAM-SHA-512}
         */
        public String kafkaName() {
            return kafkaName;
        }
    }

    private final String protocol;
    private final SaslMechanism mechanism;
    private final String user;
    private final Secret password;
    private final Store trustStore;
    private final Store keyStore;
    private final Secret keyPassword;
    private final boolean verifyHostname;

    private KafkaSecurity(String protocol, SaslMechanism mechanism, String user, Secret password, Store trustStore,
            Store keyStore, Secret keyPassword, boolean verifyHostname) {
        this.protocol = protocol;
        this.mechanism = mechanism;
        this.user = user;
        this.password = password;
        this.trustStore = trustStore;
        this.keyStore = keyStore;
        this.keyPassword = keyPassword;
        this.verifyHostname = verifyHostname;
    }

    /**
     * No authentication, no encryption ({@code PLAINTEXT}): the default; set it on an output to stop it inheriting
     * the input's security.
     *
     * @return plaintext
     */
    public static KafkaSecurity none() {
        return new KafkaSecurity("PLAINTEXT", null, null, null, null, null, null, true);
    }

    /**
     * TLS ({@code SSL}): the connection is encrypted and the brokers' certificates verified, against the JVM's
     * default CAs or {@link #trustStore}; with {@link #keyStore} the client also authenticates with its certificate
     * (mutual TLS).
     *
     * @return TLS without SASL
     */
    public static KafkaSecurity tls() {
        return new KafkaSecurity("SSL", null, null, null, null, null, null, true);
    }

    /**
     * SASL over TLS ({@code SASL_SSL}): what cloud-managed Kafka and most secured clusters expect.
     *
     * @param mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, as the broker's listener offers
     * @param user the user name (or API key)
     * @param password the password (or API secret)
     * @return SASL over TLS
     */
    public static KafkaSecurity saslOverTls(SaslMechanism mechanism, String user, Secret password) {
        return sasl("SASL_SSL", mechanism, user, password);
    }

    /**
     * SASL without TLS ({@code SASL_PLAINTEXT}). CAUTION: the data travels unencrypted, and with PLAIN so does the
     * password; use it only inside a trusted network, and prefer SCRAM there.
     *
     * @param mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
     * @param user the user name
     * @param password the password
     * @return SASL without TLS
     */
    public static KafkaSecurity saslPlaintext(SaslMechanism mechanism, String user, Secret password) {
        return sasl("SASL_PLAINTEXT", mechanism, user, password);
    }

    private static KafkaSecurity sasl(String protocol, SaslMechanism mechanism, String user, Secret password) {
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(password, "password");
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("the SASL user name must not be blank, but was " + user);
        }
        return new KafkaSecurity(protocol, mechanism, user, password, null, null, null, true);
    }

    /**
     * The brokers' CA (or certificates) as a key store file; its type follows the file name: {@code .p12}/{@code .pfx}
     * PKCS12, {@code .jks} JKS, {@code .pem}/{@code .crt} PEM (no password then), anything else PKCS12.
     * The file must exist at this path wherever the job's Kafka clients run.
     *
     * @param location the file
     * @param password the store's password, or null for PEM
     * @return a new security setting
     * @throws IllegalStateException when the protocol has no TLS
     */
    public KafkaSecurity trustStore(Path location, Secret password) {
        requireTls("trustStore");
        Store store = Store.of(location, password, "trustStore");
        return new KafkaSecurity(protocol, mechanism, user, this.password, store, keyStore, keyPassword, verifyHostname);
    }

    /**
     * The client's own certificate and key, for brokers that authenticate clients by certificate (mutual TLS,
     * {@code ssl.client.auth=required}); type by file name as for {@link #trustStore}.
     *
     * @param location the file
     * @param storePassword the store's password, or null for an unencrypted PEM file
     * @param keyPassword the key's password when it differs from the store's, else null
     * @return a new security setting
     * @throws IllegalStateException when the protocol has no TLS
     */
    public KafkaSecurity keyStore(Path location, Secret storePassword, Secret keyPassword) {
        requireTls("keyStore");
        Store store = Store.of(location, storePassword, "keyStore");
        return new KafkaSecurity(protocol, mechanism, user, password, trustStore, store, keyPassword, verifyHostname);
    }

    /**
     * Accepts a broker certificate whose names do not match the host connected to. CAUTION: a man in the middle with
     * any certificate of the trusted CA can then read and change the data; fix the certificates instead where you can.
     *
     * @return a new security setting
     * @throws IllegalStateException when the protocol has no TLS
     */
    public KafkaSecurity withoutHostnameVerification() {
        requireTls("withoutHostnameVerification");
        return new KafkaSecurity(protocol, mechanism, user, password, trustStore, keyStore, keyPassword, false);
    }

    private void requireTls(String setting) {
        if (!usesTls()) {
            throw new IllegalStateException(setting + "(...) configures TLS, but this is " + protocol
                    + ": start from KafkaSecurity.tls() or KafkaSecurity.saslOverTls(...)");
        }
    }

    /**
     * Whether the connection is encrypted ({@code SSL} or {@code SASL_SSL}).
     *
     * @return true with TLS
     */
    public boolean usesTls() {
        return protocol.endsWith("SSL");
    }

    /**
     * Kafka's {@code security.protocol}.
     *
     * @return {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}
     */
    public String protocol() {
        return protocol;
    }

    /**
     * The Kafka client properties for this setting, passwords as {@link Secret} placeholders or values; for a
     * {@code KafkaSource}, {@code KafkaSink} or client of your own. With environment or file secrets it includes the
     * {@code config.providers} entries that resolve them.
     *
     * @return an unmodifiable map, in a stable order
     */
    public Map<String, String> clientProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", protocol);
        if (mechanism != null) {
            props.put("sasl.mechanism", mechanism.kafkaName);
            props.put("sasl.jaas.config", mechanism.loginModule + " required username=\""
                    + SecretConfigProvider.escapeForJaas(user) + "\" password=\"" + password.reference(true) + "\";");
        }
        if (trustStore != null) {
            trustStore.put(props, "ssl.truststore");
        }
        if (keyStore != null) {
            keyStore.put(props, "ssl.keystore");
            // Kafka takes no store password for PEM files: the key's own password decrypts the key.
            Secret key = keyPassword != null ? keyPassword : keyStore.type.equals("PEM") ? keyStore.password : null;
            if (key != null) {
                props.put("ssl.key.password", key.reference(false));
            }
        }
        if (!verifyHostname) {
            props.put("ssl.endpoint.identification.algorithm", "");
        }
        boolean resolvedByClient = Stream.of(password, trustStore == null ? null : trustStore.password,
                        keyStore == null ? null : keyStore.password, keyPassword)
                .anyMatch(s -> s != null && s.kind() != Secret.Kind.VALUE);
        if (resolvedByClient) {
            props.put("config.providers", SecretConfigProvider.NAME);
            props.put("config.providers." + SecretConfigProvider.NAME + ".class", SecretConfigProvider.class.getName());
        }
        return Collections.unmodifiableMap(props);
    }

    /**
     * Client properties of this setting overlaid by raw ones ({@code KafkaIn.property(...)}); a raw property may not
     * repeat one this setting sets, but {@code config.providers} lists are joined.
     */
    static Map<String, String> merge(KafkaSecurity security, Map<String, String> raw, String where) {
        Map<String, String> merged = new LinkedHashMap<>(security == null ? Map.of() : security.clientProperties());
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String key = e.getKey();
            String mine = merged.get(key);
            if (mine == null) {
                merged.put(key, e.getValue());
            } else if (key.equals("config.providers")) {
                merged.put(key, e.getValue() + "," + mine);
            } else if (!key.equals("security.protocol") || !mine.equals(e.getValue())) {
                throw new IllegalArgumentException(where + ": property(\"" + key + "\", ...) and security(" + security
                        + ") both set " + key + ": keep one of them");
            }
        }
        return merged;
    }

    /**
     * What this setting does, in words, without passwords.
     *
     * @return e.g. {@code SASL_SSL, SCRAM-SHA-512 as user alice, trust store /etc/kafka/ca.p12}
     */
    public String describe() {
        StringBuilder s = new StringBuilder(protocol);
        if (mechanism != null) {
            s.append(", ").append(mechanism.kafkaName).append(" as user ").append(user);
        }
        if (trustStore != null) {
            s.append(", trust store ").append(trustStore.location);
        }
        if (keyStore != null) {
            s.append(", key store ").append(keyStore.location);
        }
        if (!verifyHostname) {
            s.append(", no hostname verification");
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "KafkaSecurity{" + describe() + '}';
    }

    /** A key or trust store file. */
    private static final class Store {
        final String location;
        final String type;
        final Secret password;

        private Store(String location, String type, Secret password) {
            this.location = location;
            this.type = type;
            this.password = password;
        }

        static Store of(Path location, Secret password, String setting) {
            Objects.requireNonNull(location, setting + " location");
            String path = location.toAbsolutePath().normalize().toString();
            String name = path.toLowerCase(Locale.ROOT);
            String type = name.endsWith(".jks") ? "JKS"
                    : name.endsWith(".pem") || name.endsWith(".crt") ? "PEM" : "PKCS12";
            if (password != null && type.equals("PEM") && setting.equals("trustStore")) {
                throw new IllegalArgumentException("trustStore(" + path + ", " + password + "): PEM trust stores have"
                        + " no password in Kafka: pass null");
            }
            if (password == null && !type.equals("PEM")) {
                throw new IllegalArgumentException(setting + "(" + path + ", null): a " + type + " store needs its"
                        + " password (only PEM files may come without one)");
            }
            return new Store(path, type, password);
        }

        void put(Map<String, String> props, String prefix) {
            props.put(prefix + ".location", location);
            props.put(prefix + ".type", type);
            if (password != null && !type.equals("PEM")) {
                props.put(prefix + ".password", password.reference(false));
            }
        }
    }
}
