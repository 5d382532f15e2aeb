package actors;

import conditions.Hit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.HitJson;

/** The {@code log} sink: one INFO line per hit on the {@code tickwatch.hits} logger. */
public final class LogSink implements HitSink {
    public static final String NAME = "log";
    private static final Logger LOG = LoggerFactory.getLogger("tickwatch.hits");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void deliver(Hit hit) {
        LOG.info("hit {}", HitJson.line(hit));
    }
}
