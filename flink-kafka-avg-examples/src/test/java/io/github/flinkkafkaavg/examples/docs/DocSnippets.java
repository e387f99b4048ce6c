package io.github.flinkkafkaavg.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * The fenced code blocks of Markdown files, and the compiler that checks the Java ones.
 *
 * <p>A block is compiled the way a reader would paste it: a whole file (it has a {@code package} line) as is; class
 * members (it starts with an annotation or a modifier) as the body of a class; anything else as the body of a
 * method. Wrapped blocks extend {@link DocsContext}, which declares what the prose around them assumes ({@code env},
 * {@code readings}, {@code SensorReading}, ...), and get the imports of {@link #IMPORTS}; a block's own {@code import}
 * lines are kept. A block right after {@code <!-- same as: path -->} must equal that file of the repository instead:
 * that is how the consumer project's pom and sources appear in the docs, and its own build compiles and runs them.
 */
final class DocSnippets {

    /** What a wrapped block may use without importing it: the library's API and the Flink and JDK types around it. */
    static final List<String> IMPORTS = List.of(
            "java.time.*", "java.util.*", "java.nio.file.Path",
            "org.apache.flink.api.common.eventtime.WatermarkStrategy",
            "org.apache.flink.streaming.api.datastream.*",
            "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment",
            "org.apache.flink.util.OutputTag",
            "org.apache.kafka.clients.consumer.ConsumerRecord",
            "io.github.flinkkafkaavg.core.*", "io.github.flinkkafkaavg.core.datastream.*",
            "io.github.flinkkafkaavg.connectors.*", "io.github.flinkkafkaavg.connectors.serde.*",
            "io.github.flinkkafkaavg.testkit.*",
            "org.junit.jupiter.api.Test", "org.junit.jupiter.api.extension.RegisterExtension");

    private static final Pattern FENCE = Pattern.compile("^```(\\w*)\\s*$");
    private static final Pattern SAME_AS = Pattern.compile("^<!--\\s*same as:\\s*(\\S+)\\s*-->\\s*$");
    private static final Pattern MEMBER_START = Pattern.compile(
            "^(@|public\\s|protected\\s|private\\s|static\\s|void\\s|abstract\\s)");
    private static final Pattern TYPE_NAME = Pattern.compile(
            "^public\\s+(?:final\\s+|abstract\\s+)*(?:class|record|interface|enum)\\s+(\\w+)", Pattern.MULTILINE);

    /** One fenced block: where it is (the line of its first code line), its language, text and "same as" file. */
    record Block(String file, int line, String language, String text, String sameAs) {
        String where() {
            return file + ":" + line;
        }
    }

    private DocSnippets() {
    }

    static List<Block> blocks(String file, String markdown) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher open = FENCE.matcher(lines[i]);
            if (!open.matches() || open.group(1).isEmpty()) {
                continue;
            }
            Matcher same = i > 0 ? SAME_AS.matcher(lines[i - 1]) : null;
            StringBuilder text = new StringBuilder();
            int start = i + 1;
            int j = start;
            while (j < lines.length && !lines[j].startsWith("```")) {
                text.append(lines[j]).append('\n');
                j++;
            }
            if (j == lines.length) {
                throw new IllegalArgumentException(file + ":" + i + ": a code block that is never closed");
            }
            blocks.add(new Block(file, start + 1, open.group(1), text.toString(),
                    same != null && same.matches() ? same.group(1) : null));
            i = j;
        }
        return blocks;
    }

    static List<Block> blocks(Path markdown, Path root) {
        try {
            return blocks(root.relativize(markdown).toString(), Files.readString(markdown, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compiles the Java blocks (those without "same as") against {@code classpath} into {@code out}; returns one line
     * per error, located in the Markdown file ("docs/api.md:42: cannot find symbol ..."), empty when all compile.
     */
    static List<String> compile(List<Block> blocks, String classpath, Path out) {
        List<Source> sources = new ArrayList<>();
        int n = 0;
        for (Block block : blocks) {
            if (block.language().equals("java") && block.sameAs() == null) {
                sources.add(source(block, n++));
            }
        }
        if (sources.isEmpty()) {
            return List.of();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> options = List.of("-classpath", classpath, "-d", out.toString(), "-proc:none", "-Xlint:none",
                "-nowarn", "--release", "17");
        javac.getTask(null, null, diagnostics, options, null, sources).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR && d.getSource() instanceof Source source) {
                int line = (int) d.getLineNumber() - source.offset + source.block.line();
                // "cannot find symbol" alone says little: javac names the symbol on the next line
                errors.add(source.block.file() + ":" + line + ": " + String.join(" ", d.getMessage(Locale.ROOT).lines()
                        .limit(2).map(String::trim).toList()));
            } else if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(d.getMessage(Locale.ROOT));
            }
        }
        return errors;
    }

    private static Source source(Block block, int n) {
        String text = block.text();
        if (text.lines().anyMatch(l -> l.startsWith("package "))) {
            Matcher type = TYPE_NAME.matcher(text);
            String name = type.find() ? type.group(1) : "Snippet" + n;
            return new Source(name, text, 1, block);
        }
        List<String> own = new ArrayList<>();
        List<String> body = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            (line.startsWith("import ") && body.stream().allMatch(String::isBlank) ? own : body).add(line);
        }
        // imports go on the first line, so that every other line keeps its distance to the block's first line
        StringBuilder header = new StringBuilder("package io.github.flinkkafkaavg.examples.docs;");
        IMPORTS.forEach(i -> header.append(" import ").append(i).append(';'));
        own.forEach(i -> header.append(' ').append(i.trim()));
        String name = "Snippet" + n;
        boolean members = body.stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("//"))
                .findFirst().map(l -> MEMBER_START.matcher(l).find()).orElse(false);
        header.append(" abstract class ").append(name).append(" extends DocsContext {")
                .append(members ? "" : " void snippet() throws Exception {");
        StringBuilder code = new StringBuilder(header).append('\n');
        for (int i = 0; i < own.size(); i++) {
            code.append('\n');                                    // an import line of the block: kept above
        }
        body.forEach(l -> code.append(l).append('\n'));
        code.append(members ? "}\n" : "}}\n");
        return new Source(name, code.toString(), 2, block);
    }

    /** A compilation unit made of a block; its line {@code offset} is the block's first line. */
    private static final class Source extends SimpleJavaFileObject {
        final String code;
        final int offset;
        final Block block;

        Source(String name, String code, int offset, Block block) {
            super(java.net.URI.create("string:///" + name + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
            this.offset = offset;
            this.block = block;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
