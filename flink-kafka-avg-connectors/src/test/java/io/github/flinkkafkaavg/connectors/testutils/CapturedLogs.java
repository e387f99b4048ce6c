package io.github.flinkkafkaavg.connectors.testutils;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log event of this JVM at DEBUG and above, with its stack trace, while open; the console keeps its own level.
 * For tests that assert a text (a password) never reaches the logs, or that a line does.
 */
public final class CapturedLogs extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final Level previousLevel;
    private final List<Appender> consoleAppenders;

    private CapturedLogs() {
        super("captured-logs", null, null, true, Property.EMPTY_ARRAY);
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        previousLevel = root.getLevel();
        consoleAppenders = List.copyOf(root.getAppenders().values());
        // Keep the console as quiet as before while the root logger lets DEBUG through to this appender.
        for (Appender appender : consoleAppenders) {
            root.removeAppender(appender.getName());
            root.addAppender(appender, previousLevel, null);
        }
        start();
        root.addAppender(this, Level.DEBUG, null);
        root.setLevel(Level.DEBUG);
        context.updateLoggers();
    }

    /**
     * Starts capturing.
     *
     * @return the capture; close it to restore the loggers
     */
    public static CapturedLogs capture() {
        return new CapturedLogs();
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
                .append(event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace);
        }
        lines.add(line.toString());
    }

    /**
     * Every line captured so far.
     *
     * @return the lines
     */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * The lines containing the text.
     *
     * @param text what to look for
     * @return the lines
     */
    public List<String> containing(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(getName());
        for (Appender appender : consoleAppenders) {
            root.removeAppender(appender.getName());
            root.addAppender(appender, null, null);
        }
        root.setLevel(previousLevel);
        context.updateLoggers();
        stop();
    }
}
