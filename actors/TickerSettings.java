package actors;

import com.typesafe.config.Config;
import conditions.BarInterval;
import conditions.ModelConfig;
import java.time.Duration;

/**
 * How ticker entities behave, from {@code tickwatch} in the config.
 *
 * @param model          bar interval, session filter and history kept per symbol
 * @param clockGrace     a forming bar closes this long after the feed clock passes its end
 * @param snapshotEvery  a snapshot every this many events (older events are then deleted)
 * @param ackTimeout     how long an entity waits for the router to confirm a hit
 * @param retryInterval  pause before a hit that was not confirmed is sent again
 * @param rememberedBatches client batch ids each entity remembers, to answer a batch sent again
 */
public record TickerSettings(ModelConfig model, Duration clockGrace, int snapshotEvery, Duration ackTimeout,
                             Duration retryInterval, int rememberedBatches) {

    public TickerSettings {
        if (snapshotEvery < 1) {
            throw new IllegalArgumentException("tickwatch.snapshot-every must be at least 1, got " + snapshotEvery);
        }
        if (rememberedBatches < 1) {
            throw new IllegalArgumentException("tickwatch.ingest.remembered-batches must be at least 1, got "
                    + rememberedBatches);
        }
    }

    /**
     * Reads {@code tickwatch.model}, {@code tickwatch.clock}, {@code tickwatch.snapshot-every},
     * {@code tickwatch.hits} and {@code tickwatch.ingest.remembered-batches}.
     */
    public static TickerSettings from(Config root) {
        Config t = root.getConfig("tickwatch");
        ModelConfig model = new ModelConfig(BarInterval.parse(t.getString("model.interval")),
                t.getBoolean("model.session-only"), t.getInt("model.history"));
        return new TickerSettings(model, t.getDuration("clock.grace"), t.getInt("snapshot-every"),
                t.getDuration("hits.ack-timeout"), t.getDuration("hits.retry-interval"),
                t.getInt("ingest.remembered-batches"));
    }

    public TickerSettings withClockGrace(Duration grace) {
        return new TickerSettings(model, grace, snapshotEvery, ackTimeout, retryInterval, rememberedBatches);
    }

    public TickerSettings withSnapshotEvery(int n) {
        return new TickerSettings(model, clockGrace, n, ackTimeout, retryInterval, rememberedBatches);
    }
}
