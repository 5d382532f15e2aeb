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
 * @param maxFuture      a tick stamped further than this ahead of the node's wall clock is rejected
 *                       as {@code future} (it would make every later real tick {@code late})
 * @param passivateAfter an entity that received nothing for this long, and has no forming bar and
 *                       no hit waiting for its sinks, stops until its next message (0: never)
 */
public record TickerSettings(ModelConfig model, Duration clockGrace, int snapshotEvery, Duration ackTimeout,
                             Duration retryInterval, int rememberedBatches, Duration maxFuture,
                             Duration passivateAfter) {

    /** The default {@code tickwatch.ingest.max-future}. */
    public static final Duration MAX_FUTURE = Duration.ofMinutes(5);

    public TickerSettings {
        if (snapshotEvery < 1) {
            throw new IllegalArgumentException("tickwatch.snapshot-every must be at least 1, got " + snapshotEvery);
        }
        if (rememberedBatches < 1) {
            throw new IllegalArgumentException("tickwatch.ingest.remembered-batches must be at least 1, got "
                    + rememberedBatches);
        }
        if (maxFuture.isNegative()) {
            throw new IllegalArgumentException("tickwatch.ingest.max-future must not be negative, got " + maxFuture);
        }
        if (passivateAfter.isNegative()) {
            throw new IllegalArgumentException("tickwatch.passivate-after must not be negative, got " + passivateAfter);
        }
    }

    /** Never passivating. */
    public TickerSettings(ModelConfig model, Duration clockGrace, int snapshotEvery, Duration ackTimeout,
                          Duration retryInterval, int rememberedBatches, Duration maxFuture) {
        this(model, clockGrace, snapshotEvery, ackTimeout, retryInterval, rememberedBatches, maxFuture, Duration.ZERO);
    }

    /** With the default {@link #MAX_FUTURE}. */
    public TickerSettings(ModelConfig model, Duration clockGrace, int snapshotEvery, Duration ackTimeout,
                          Duration retryInterval, int rememberedBatches) {
        this(model, clockGrace, snapshotEvery, ackTimeout, retryInterval, rememberedBatches, MAX_FUTURE);
    }

    /**
     * Reads {@code tickwatch.model}, {@code tickwatch.clock}, {@code tickwatch.snapshot-every},
     * {@code tickwatch.hits}, {@code tickwatch.ingest.remembered-batches}, {@code tickwatch.ingest.max-future} and
     * {@code tickwatch.passivate-after}.
     */
    public static TickerSettings from(Config root) {
        Config t = root.getConfig("tickwatch");
        ModelConfig model = new ModelConfig(BarInterval.parse(t.getString("model.interval")),
                t.getBoolean("model.session-only"), t.getInt("model.history"));
        return new TickerSettings(model, t.getDuration("clock.grace"), t.getInt("snapshot-every"),
                t.getDuration("hits.ack-timeout"), t.getDuration("hits.retry-interval"),
                t.getInt("ingest.remembered-batches"), t.getDuration("ingest.max-future"),
                t.getDuration("passivate-after"));
    }

    public TickerSettings withClockGrace(Duration grace) {
        return new TickerSettings(model, grace, snapshotEvery, ackTimeout, retryInterval, rememberedBatches, maxFuture,
                passivateAfter);
    }

    public TickerSettings withSnapshotEvery(int n) {
        return new TickerSettings(model, clockGrace, n, ackTimeout, retryInterval, rememberedBatches, maxFuture,
                passivateAfter);
    }

    public TickerSettings withMaxFuture(Duration d) {
        return new TickerSettings(model, clockGrace, snapshotEvery, ackTimeout, retryInterval, rememberedBatches, d,
                passivateAfter);
    }

    public TickerSettings withPassivateAfter(Duration d) {
        return new TickerSettings(model, clockGrace, snapshotEvery, ackTimeout, retryInterval, rememberedBatches,
                maxFuture, d);
    }
}
