package io.github.flinkkafkaavg.connectors.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * The Kafka {@code ConfigProvider} behind {@code Secret.fromEnv} and {@code Secret.fromFile}: client properties hold
 * {@code ${fka-secret:env:NAME}} or {@code ${fka-secret:file:/path}}, and the Kafka client resolves them when it is
 * created, on the machine where it runs — so passwords never enter the job graph.
 *
 * <p>Kafka's own {@code EnvVarConfigProvider} and {@code DirectoryConfigProvider} come close, but return a file's
 * trailing line break as part of the password, silently leave a missing variable unresolved (the broker then reports
 * a wrong password), and cannot quote a value for {@code sasl.jaas.config}. Paths {@code jaas-env} and
 * {@code jaas-file} return the value escaped for a double-quoted JAAS option.
 *
 * <p>Public only because Kafka instantiates it by class name. A JVM started with the system property
 * {@code org.apache.kafka.automatic.config.providers} must list this class there.
 */
public final class SecretConfigProvider implements ConfigProvider {

    /** The provider's name in {@code config.providers}. */
    public static final String NAME = "fka-secret";

    /** Creates the provider; Kafka calls this by reflection. */
    public SecretConfigProvider() {}

    /**
     * The placeholder Kafka resolves through this provider.
     *
     * @param path {@code env}, {@code file}, {@code jaas-env} or {@code jaas-file}
     * @param key the variable's name or the file's path
     * @return e.g. {@code ${fka-secret:env:KAFKA_PASSWORD}}
     */
    public static String placeholder(String path, String key) {
        return "${" + NAME + ":" + path + ":" + key + "}";
    }

    /**
     * Escapes a value for a double-quoted JAAS option: JAAS reads {@code \"} and {@code \\} as escapes.
     *
     * @param value the raw value
     * @return the escaped value
     */
    public static String escapeForJaas(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> data = new HashMap<>();
        for (String key : keys) {
            String value = switch (path == null ? "" : path) {
                case "env", "jaas-env" -> env(key);
                case "file", "jaas-file" -> file(key);
                default -> throw new ConfigException("unknown secret source '" + path + "' in ${" + NAME + ":" + path
                        + ":...}: use env or file");
            };
            data.put(key, path.startsWith("jaas-") ? escapeForJaas(value) : value);
        }
        return new ConfigData(data);
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            // Left unresolved, the placeholder itself would be sent as the password: say what is missing instead.
            throw new ConfigException("environment variable " + name + " is " + (value == null ? "not set" : "empty")
                    + " on this machine; Secret.fromEnv(\"" + name + "\") reads the Kafka password from it wherever a"
                    + " Kafka client runs (the JobManager and every TaskManager)");
        }
        return value;
    }

    private static String file(String path) {
        String value;
        try {
            value = Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("secret file " + path + " does not exist on this machine; Secret.fromFile reads"
                    + " the Kafka password from it wherever a Kafka client runs (the JobManager and every TaskManager)");
        } catch (IOException e) {
            // The exception's class only: its message could quote the file.
            throw new ConfigException("cannot read secret file " + path + ": " + e.getClass().getSimpleName());
        }
        if (value.endsWith("\r\n")) {
            value = value.substring(0, value.length() - 2);
        } else if (value.endsWith("\n")) {
            value = value.substring(0, value.length() - 1);
        }
        if (value.isEmpty()) {
            throw new ConfigException("secret file " + path + " is empty");
        }
        return value;
    }

    @Override
    public void close() {}
}
