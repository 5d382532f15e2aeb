package engine.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Every log line written while it is open: {@code LEVEL logger [thread] - message}, then its MDC
 * and stack trace: what an operator would read. Attached to the root logger beside the configured appenders.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    public static LogCapture open() {
        LogCapture c = new LogCapture();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        c.setContext(root.getLoggerContext());
        c.setName("capture-" + System.nanoTime());
        c.start();
        root.addAppender(c);
        return c;
    }

    @Override
    protected void append(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder()
                .append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" [").append(e.getThreadName())
                .append("] - ").append(e.getFormattedMessage());
        e.getMDCPropertyMap().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        if (e.getThrowableProxy() != null) {
            sb.append('\n').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
        }
        lines.add(sb.toString());
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines holding {@code text}. */
    public List<String> containing(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }

    /**
     * Logs a marker through Pekko's logging (the event stream and its single logger actor, which
     * Pekko HTTP logs through too) and waits until it is captured: everything Pekko logged before
     * the call is captured then.
     *
     * @return the marker
     */
    public String flush(org.apache.pekko.actor.typed.ActorSystem<?> system) {
        String marker = "log-capture-marker-" + System.nanoTime();
        system.classicSystem().log().info(marker);
        await(marker);
        return marker;
    }

    /** Waits until a line holds {@code text}; fails after 20 s. */
    public void await(String text) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (containing(text).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log line holds " + text + " within 20 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(this);
        stop();
    }
}
