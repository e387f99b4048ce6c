package io.github.flinkkafkaavg.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a broker certificate it signed, made with the JDK's own {@code keytool} so
 * that TLS tests need nothing installed and no certificate is committed: {@code ca.pem} (the CA), {@code ca.p12}
 * (CA key), {@code broker.p12} (broker key and chain, for {@code 127.0.0.1} and {@code localhost}) and
 * {@code truststore.p12} (the CA alone, for clients) and {@code client.p12} (a client key and chain, for brokers that
 * require client certificates). Valid for two days.
 */
final class TestCertificates {

    static final String CA_PEM = "ca.pem";
    static final String TRUST_STORE = "truststore.p12";
    static final String BROKER_STORE = "broker.p12";
    static final String CLIENT_STORE = "client.p12";
    // Test-only stores in a temporary folder; the passwords protect nothing of value.
    static final String TRUST_STORE_PASSWORD = "trust-store-pw";
    static final String BROKER_STORE_PASSWORD = "broker-store-pw";
    static final String CLIENT_STORE_PASSWORD = "client-store-pw";
    private static final String CA_STORE_PASSWORD = "ca-store-pw";

    private TestCertificates() {}

    static void create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        String ca = dir.resolve("ca.p12").toString();
        String broker = dir.resolve(BROKER_STORE).toString();
        keytool(dir, "-genkeypair", "-alias", "ca", "-dname", "CN=flink-kafka-avg test CA", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-ext", "bc:c", "-storetype", "PKCS12", "-keystore", ca,
                "-storepass", CA_STORE_PASSWORD);
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", CA_STORE_PASSWORD,
                "-file", CA_PEM);
        keytool(dir, "-genkeypair", "-alias", "broker", "-dname", "CN=localhost", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", broker, "-storepass", BROKER_STORE_PASSWORD);
        keytool(dir, "-certreq", "-alias", "broker", "-keystore", broker, "-storepass", BROKER_STORE_PASSWORD,
                "-file", "broker.csr");
        keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", CA_STORE_PASSWORD,
                "-infile", "broker.csr", "-outfile", "broker.pem", "-validity", "2",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "KU=digitalSignature,keyEncipherment",
                "-ext", "EKU=serverAuth");
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", CA_PEM, "-keystore", broker,
                "-storepass", BROKER_STORE_PASSWORD);
        keytool(dir, "-importcert", "-alias", "broker", "-file", "broker.pem", "-keystore", broker,
                "-storepass", BROKER_STORE_PASSWORD);
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", CA_PEM, "-storetype", "PKCS12",
                "-keystore", dir.resolve(TRUST_STORE).toString(), "-storepass", TRUST_STORE_PASSWORD);
        String client = dir.resolve(CLIENT_STORE).toString();
        keytool(dir, "-genkeypair", "-alias", "client", "-dname", "CN=flink-kafka-avg test client", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-storetype", "PKCS12", "-keystore", client,
                "-storepass", CLIENT_STORE_PASSWORD);
        keytool(dir, "-certreq", "-alias", "client", "-keystore", client, "-storepass", CLIENT_STORE_PASSWORD,
                "-file", "client.csr");
        keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", CA_STORE_PASSWORD,
                "-infile", "client.csr", "-outfile", "client.pem", "-validity", "2", "-ext", "EKU=clientAuth");
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", CA_PEM, "-keystore", client,
                "-storepass", CLIENT_STORE_PASSWORD);
        keytool(dir, "-importcert", "-alias", "client", "-file", "client.pem", "-keystore", client,
                "-storepass", CLIENT_STORE_PASSWORD);
    }

    private static void keytool(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed with exit code "
                        + process.exitValue() + ": " + output.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool from " + System.getProperty("java.home"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
