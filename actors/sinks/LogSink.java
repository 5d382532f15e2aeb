package actors.sinks;

import conditions.Hit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.HitJson;

/**
 * The {@code log} sink type: one INFO line per hit on the {@code tickwatch.hits} logger, written
 * before the sink confirms the hit. No settings.
 */
public final class LogSink implements HitSink {
    public static final String TYPE = "log";
    private static final Logger LOG = LoggerFactory.getLogger("tickwatch.hits");

    private final String name;

    public LogSink(String name) {
        this.name = name;
    }

    /** The factory {@link SinkTypes} registers for {@value #TYPE}. */
    public static HitSink open(SinkContext ctx) {
        return new LogSink(ctx.name());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(Hit hit) {
        LOG.info("hit {}", HitJson.line(hit));
    }
}
