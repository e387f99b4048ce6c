package io.github.flinkkafkaavg.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.connectors.serde.InvalidRecordException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example job's command line: --help lists its options, a typo or a bad value fails naming the option. */
class ExampleJobsCommandLineTest {

    interface Main {
        void run(String[] args) throws Exception;
    }

    static Stream<Arguments> jobs() {
        return Stream.of(
                Arguments.of("sensor", (Main) SensorAverageJob::main, List.of("--window", "--slide", "--late-topic",
                        "--jdbc-url", "--jdbc-table", "--jdbc-user", "--jdbc-password-env")),
                Arguments.of("counts", (Main) WindowedCountJob::main, List.of("--window", "--slide")),
                Arguments.of("moving", (Main) MovingAverageJob::main, List.of("--last-n", "--emit-only-when-full")),
                Arguments.of("pricing", (Main) DynamicPricingJob::main,
                        List.of("--window", "--slide", "--alert-topic", "--alert-threshold", "--alert-windows")),
                Arguments.of("latency", (Main) LogLatencyJob::main, List.of("--window", "--slide", "--output-path")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void helpListsTheSharedAndTheJobsOwnOptions(String name, Main main, List<String> own) throws Exception {
        String help = stdout(main, "--help");
        assertThat(help).contains("--bootstrap-servers", "--input-topic", "--output-topic", "--checkpoint-interval",
                "--parallelism", "--dead-letter-topic", "--bounded", "--help", "--security-protocol", "--sasl-user",
                "--sasl-password-env", "--sasl-password-file", "--truststore");
        assertThat(help).contains(own);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void anUnknownOptionFailsNamingIt(String name, Main main, List<String> own) {
        assertThatThrownBy(() -> main.run(new String[] {"--windw", "10s"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option --windw");
    }

    @Test
    void securityOptionsBecomeAKafkaSecurityWithPasswordsOnlyFromEnvironmentOrFiles() {
        assertThat(JobOptions.security(args())).isNull();
        assertThat(JobOptions.security(args("--security-protocol", "sasl_ssl", "--sasl-user", "job",
                "--sasl-password-env", "KAFKA_PASSWORD", "--truststore", "/etc/kafka/ca.pem")))
                .hasToString("KafkaSecurity{SASL_SSL, SCRAM-SHA-512 as user job, trust store /etc/kafka/ca.pem}");
        assertThat(JobOptions.security(args("--security-protocol", "SASL_PLAINTEXT", "--sasl-mechanism", "plain",
                "--sasl-user", "job", "--sasl-password-file", "/run/secrets/kafka")).clientProperties())
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"job\" password=\"${fka-secret:jaas-file:/run/secrets/kafka}\";");
        assertThatThrownBy(() -> JobOptions.security(args("--security-protocol", "SASL_SSL", "--sasl-user", "job")))
                .hasMessage("--security-protocol SASL_SSL needs --sasl-password-env VAR or --sasl-password-file PATH"
                        + " (passwords are never taken on the command line)");
        assertThatThrownBy(() -> JobOptions.security(args("--sasl-user", "job")))
                .hasMessageContaining("--sasl-user and --sasl-password-* need --security-protocol SASL_SSL");
        assertThatThrownBy(() -> JobOptions.security(args("--truststore", "/ca.pem")))
                .hasMessage("--truststore needs --security-protocol SSL or SASL_SSL");
        assertThatThrownBy(() -> JobOptions.security(args("--security-protocol", "SASL_SSL", "--sasl-user", "j",
                "--sasl-password-env", "P", "--sasl-mechanism", "GSSAPI")))
                .hasMessageContaining("--sasl-mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, but was GSSAPI");
        assertThatThrownBy(() -> SensorAverageJob.main(new String[] {"--sasl-password", "hunter2"}))
                .hasMessageContaining("unknown option --sasl-password");
        assertThatThrownBy(() -> SensorAverageJob.main(new String[] {"--jdbc-user", "flink"}))
                .hasMessageContaining("--jdbc-user needs --jdbc-url");
    }

    @Test
    void theDatabaseOptionsBecomeATableWithAPasswordFromTheEnvironment() {
        SensorAverageJob.Database db = SensorAverageJob.Settings.from(Args.parse(new String[] {
            "--jdbc-url", "jdbc:postgresql://db:5432/metrics", "--jdbc-user", "flink", "--jdbc-password-env", "PG_PW"},
                SensorAverageJob.OPTIONS, SensorAverageJob.FLAGS)).database();
        assertThat(db.url()).isEqualTo("jdbc:postgresql://db:5432/metrics");
        assertThat(db.table()).isEqualTo("sensor_averages");
        assertThat(db.user()).isEqualTo("flink");
        assertThat(db.password()).hasToString("Secret(env PG_PW)");
    }

    private static Args args(String... args) {
        return Args.parse(args, JobOptions.options(), JobOptions.FLAGS);
    }

    @Test
    void badValuesFailNamingTheOption() {
        assertThatThrownBy(() -> WindowedCountJob.main(new String[] {"--window", "ten seconds"}))
                .hasMessageContaining("--window must be a duration");
        assertThatThrownBy(() -> WindowedCountJob.main(new String[] {"--window", "0s"}))
                .hasMessageContaining("--window must be positive");
        assertThatThrownBy(() -> MovingAverageJob.main(new String[] {"--last-n", "0"}))
                .hasMessageContaining("--last-n must be at least 1");
        assertThatThrownBy(() -> DynamicPricingJob.main(new String[] {"--max-surge", "high"}))
                .hasMessageContaining("--max-surge must be a number");
        assertThatThrownBy(() -> DynamicPricingJob.main(new String[] {"--alert-windows", "0"}))
                .hasMessageContaining("--alert-windows at least 1");
        assertThatThrownBy(() -> LogLatencyJob.main(new String[] {"--parallelism", "two"}))
                .hasMessageContaining("--parallelism must be a whole number");
    }

    @Test
    void theDemoChecksItsOptionsBeforeItStartsAnything() {
        assertThat(Demo.Options.parse(new String[] {"--help"})).isNull();
        assertThat(Demo.Options.parse(new String[] {"--window", "30s", "--slide", "5s"}).window())
                .isEqualTo(java.time.Duration.ofSeconds(30));
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--windw", "30s"}))
                .hasMessage("unknown option --windw; run with --help for the list");
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--window", "5s", "--slide", "10s"}))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--window 5 s --slide 10 s: ");
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--rate", "0"}))
                .hasMessage("--rate and --sensors must be at least 1, but were 0 and 5");
    }

    @Test
    void accessLogLinesParseInCombinedAndCommonFormat() throws Exception {
        LogLatencyJob.Request r = LogLatencyJob.parse("10.1.2.3 - alice [25/Nov/2026:14:00:07 +0100] "
                + "\"GET /api/orders?id=7&x=1 HTTP/1.1\" 200 512 \"https://shop/\" \"Mozilla/5.0 (X11)\" 0.123");
        assertThat(r.endpoint()).isEqualTo("GET /api/orders");
        assertThat(r.latencyMillis()).isEqualTo(123.0);
        assertThat(r.timestamp()).isEqualTo(java.time.Instant.parse("2026-11-25T13:00:07Z").toEpochMilli());
        assertThat(LogLatencyJob.parse("::1 - - [01/Jan/2026:00:00:00 +0000] \"POST /login HTTP/2.0\" 302 - 1.5")
                .latencyMillis()).isEqualTo(1500.0);
    }

    @Test
    void malformedAccessLogLinesSayWhy() {
        assertThatThrownBy(() -> LogLatencyJob.parse("GET / 200")).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("not an access-log line");
        assertThatThrownBy(() -> LogLatencyJob.parse(
                "1.2.3.4 - - [31/Foo/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 0.1"))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("bad time");
        assertThatThrownBy(() -> LogLatencyJob.parse(
                "1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 -0.1"))
                .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void wordsAreTrimmedAndLowerCasedAndBlankOrBrokenTextIsRefused() throws Exception {
        WindowedCountJob.WordDecoder decoder = new WindowedCountJob.WordDecoder();
        assertThat(decoder.decode(" Flink\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("flink");
        assertThatThrownBy(() -> decoder.decode(" \t".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("blank");
        assertThatThrownBy(() -> decoder.decode(new byte[] {(byte) 0xC3, (byte) 0x28})).hasMessageContaining("UTF-8");
    }

    private static String stdout(Main main, String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.run(args);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
