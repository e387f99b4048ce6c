package io.github.flinkkafkaavg.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every Java block of README.md and docs/ compiles as written; blocks that show a file of the repository equal it. */
class DocsSnippetsTest {

    private static final Path ROOT = Paths.get("").toAbsolutePath().getParent();   // tests run in the module directory
    private static final Path OUT = Paths.get("target", "doc-snippets");

    private static List<DocSnippets.Block> allBlocks() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<DocSnippets.Block> blocks = new ArrayList<>();
        pages.forEach(page -> blocks.addAll(DocSnippets.blocks(page, ROOT)));
        return blocks;
    }

    private static String classpath() {
        // Surefire runs tests from a manifest-only JAR; the class path itself is in this property.
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    @Test
    void everyJavaBlockInTheReadmeAndTheDocsCompiles() throws IOException {
        List<DocSnippets.Block> blocks = allBlocks();
        assertThat(blocks.stream().filter(b -> b.language().equals("java") && b.sameAs() == null)).hasSizeGreaterThan(8);

        assertThat(DocSnippets.compile(blocks, classpath(), OUT.resolve("docs"))).isEmpty();
    }

    @Test
    void blocksThatShowAFileOfTheRepositoryEqualIt() throws IOException {
        List<DocSnippets.Block> shown = allBlocks().stream().filter(b -> b.sameAs() != null).toList();
        assertThat(shown).extracting(DocSnippets.Block::sameAs).contains(
                "flink-kafka-avg-examples/src/it/trade-averages/pom.xml");
        for (DocSnippets.Block block : shown) {
            assertThat(block.text()).as("%s shows %s", block.where(), block.sameAs())
                    .isEqualTo(Files.readString(ROOT.resolve(block.sameAs()), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aSnippetThatDoesNotCompileFailsWithItsPageAndLine() {
        String page = String.join("\n",
                "# A page",
                "",
                "```java",
                "import java.time.Duration;",
                "",
                "SlidingAverage.of(SensorReading.class)",
                "        .window(Duration.ofSeconds(60)).slid(Duration.ofSeconds(5));",
                "```",
                "",
                "```java",
                "@Test",
                "void fine() {",
                "    env.enableCheckpointing(10_000);",
                "}",
                "```",
                "",
                "```java",
                "env.enableCheckpointing(Duration.ofSeconds(10));",
                "```",
                "");
        List<DocSnippets.Block> blocks = DocSnippets.blocks("broken.md", page);

        assertThat(blocks).extracting(DocSnippets.Block::line).containsExactly(4, 11, 18);
        assertThat(DocSnippets.compile(blocks, classpath(), OUT.resolve("broken")))
                .hasSize(2)
                .anySatisfy(e -> assertThat(e).startsWith("broken.md:7: cannot find symbol"))
                .anySatisfy(e -> assertThat(e).startsWith("broken.md:18: incompatible types: java.time.Duration"));
    }
}
