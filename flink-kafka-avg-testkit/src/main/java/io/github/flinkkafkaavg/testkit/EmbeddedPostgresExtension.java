package io.github.flinkkafkaavg.testkit;

import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that runs one {@link EmbeddedPostgres} per test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedPostgresExtension POSTGRES = new EmbeddedPostgresExtension();
 *
 * @Test
 * void writesRows() {
 *     String url = POSTGRES.database().jdbcUrl();
 *     ...
 *     assertThat(POSTGRES.database().query("SELECT count(*) AS n FROM averages")).hasSize(1);
 * }
 * }</pre>
 *
 * <p>Register it on a {@code static} field: the server starts before the first test of the class and stops, with
 * its temporary folder deleted, after the last. Tests share the database, so give each test its own table names.
 */
@PublicEvolving
public final class EmbeddedPostgresExtension implements BeforeAllCallback, AfterAllCallback {

    private final UnaryOperator<EmbeddedPostgres.Builder> customizer;
    private EmbeddedPostgres database;

    /** An extension for a server with the default database, user and password. */
    public EmbeddedPostgresExtension() {
        this(UnaryOperator.identity());
    }

    /**
     * An extension whose server is described by the given function, e.g. {@code b -> b.user("app", "secret")}.
     *
     * @param customizer adjusts the default {@link EmbeddedPostgres.Builder}
     */
    public EmbeddedPostgresExtension(UnaryOperator<EmbeddedPostgres.Builder> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database = customizer.apply(EmbeddedPostgres.builder()).build().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (database != null) {
            database.close();
            database = null;
        }
    }

    /**
     * The running server.
     *
     * @return the server of the current test class
     * @throws IllegalStateException outside a test, or when the extension is not on a static field
     */
    public EmbeddedPostgres database() {
        if (database == null) {
            throw new IllegalStateException("EmbeddedPostgres is not running: register EmbeddedPostgresExtension on a"
                    + " static field with @RegisterExtension");
        }
        return database;
    }
}
