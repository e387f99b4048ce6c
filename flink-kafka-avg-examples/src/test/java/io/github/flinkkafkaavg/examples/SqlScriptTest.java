package io.github.flinkkafkaavg.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsOnSemicolonsOutsideQuotesAndDropsComments() {
        String script = "-- a comment; with a semicolon\n"
                + "CREATE TABLE t (a STRING) WITH ('k' = 'v;--not a comment'); -- trailing\n"
                + "\n;  ;\n"
                + "SELECT `a;b`, \"c--d\", 'it''s;' FROM t";
        assertThat(SqlScript.statements(script, Map.of())).containsExactly(
                "CREATE TABLE t (a STRING) WITH ('k' = 'v;--not a comment')",
                "SELECT `a;b`, \"c--d\", 'it''s;' FROM t");
    }

    @Test
    void fillsInVariablesAndNamesAMissingOne() {
        assertThat(SqlScript.statements("SELECT '${a}', ${b};", Map.of("a", "x$1\\", "b", "2")))
                .isEqualTo(List.of("SELECT 'x$1\\', 2"));
        assertThatThrownBy(() -> SqlScript.statements("SELECT ${nope}", Map.of("a", "1")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("the script uses ${nope}, which has no value; the variables are [a]");
    }

    @Test
    void aStatementSetIsOneStatement() {
        assertThat(SqlScript.statements("CREATE TABLE a (x INT);\nEXECUTE STATEMENT SET\nBEGIN\n"
                + "INSERT INTO a SELECT 1;\nINSERT INTO a SELECT 2;\nEND;\nSELECT 3", Map.of())).containsExactly(
                "CREATE TABLE a (x INT)",
                "EXECUTE STATEMENT SET\nBEGIN\nINSERT INTO a SELECT 1;\nINSERT INTO a SELECT 2;\nEND",
                "SELECT 3");
    }

    @Test
    void anUnclosedQuoteIsAnError() {
        assertThatThrownBy(() -> SqlScript.statements("SELECT 'abc; SELECT 1", Map.of()))
                .hasMessageStartingWith("the script ends inside a '-quoted text");
    }

    @Test
    void theBundledScriptUsesOnlyTheJobsVariables() throws Exception {
        SqlAverageJob.Settings settings = new SqlAverageJob.Settings("b:9092", "in", "out", "dlq", "late", "g",
                java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(5), java.time.Duration.ofMillis(1500),
                java.time.Duration.ofMinutes(59), java.time.Duration.ofSeconds(10), -1, false,
                SqlAverageJob.bundledScript());
        List<String> statements = SqlScript.statements(settings.script(), settings.variables());
        assertThat(statements).hasSize(8);
        assertThat(statements.get(1)).contains("'topic' = 'in'", "INTERVAL '1.500' SECOND",
                "'scan.bounded.mode' = 'unbounded'", "UNIX_TIMESTAMP() * 1000 + 3540000");
        assertThat(statements.get(5)).contains("'topic' = 'dlq'");
        assertThat(statements.get(6)).contains("'topic' = 'late'");
        assertThat(statements.get(7)).startsWith("EXECUTE STATEMENT SET BEGIN").endsWith("END")
                .contains("size => '60000 ms'", "slide => '5000 ms'", "INSERT INTO dead_letters");
    }
}
