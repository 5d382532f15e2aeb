package actors;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import persistence.StoredHit;
import persistence.TickerEvent;
import persistence.TickerEvent.HitDelivered;

/**
 * Sends a ticker's recorded hits to the {@link HitRouter} until every sink has confirmed them.
 *
 * <p>The hits themselves wait in the {@link TickerState} (pending, so they survive snapshots
 * that delete older events); this class keeps one incarnation's bookkeeping:
 * <ul>
 *   <li>a hit is sent once at a time (in flight until the router answers);</li>
 *   <li>a hit not confirmed within {@code tickwatch.hits.ack-timeout} is sent again after
 *       {@code tickwatch.hits.retry-interval}, and after recovery every pending hit is sent again
 *       (sinks drop ids they have handled);</li>
 *   <li>a confirmation becomes a {@link HitDelivered} event carried by the entity's next write, or
 *       written on its own after {@link #FLUSH_AFTER}.</li>
 * </ul>
 */
final class HitOutbox {
    /**
     * How long a confirmation may wait for the entity's next tick write to carry it. Storing each
     * one on its own doubled the journal writes of a busy symbol (a hit per bar is a write per bar).
     */
    static final Duration FLUSH_AFTER = Duration.ofMillis(500);
    private static final String FLUSH = "flush-confirmed";

    private final ActorContext<TickerEntity.Command> ctx;
    private final TimerScheduler<TickerEntity.Command> timers;
    private final ActorRef<HitRouter.Command> router;
    private final TickerSettings settings;
    /** Hits sent to the router and not yet answered. */
    private final Set<String> inFlight = new HashSet<>();
    /**
     * Hits every sink has confirmed, whose HitDelivered is not stored yet. Lost on a crash, which is
     * harmless: those hits are sent again and every sink drops ids it has handled.
     */
    private final Set<String> confirmed = new LinkedHashSet<>();

    HitOutbox(ActorContext<TickerEntity.Command> ctx, TimerScheduler<TickerEntity.Command> timers,
              ActorRef<HitRouter.Command> router, TickerSettings settings) {
        this.ctx = ctx;
        this.timers = timers;
        this.router = router;
        this.settings = settings;
    }

    /** Hands hits to the router (each unless it is in flight already). */
    void send(List<StoredHit> hits) {
        for (StoredHit h : hits) {
            send(h);
        }
    }

    private void send(StoredHit hit) {
        if (!inFlight.add(hit.id())) {
            return;
        }
        String id = hit.id();
        ctx.ask(HitRouter.Ack.class, router, settings.ackTimeout(), replyTo -> new HitRouter.Route(hit, replyTo),
                (ack, failure) -> ack != null ? new TickerEntity.HitAcked(id) : new TickerEntity.HitNotAcked(id));
    }

    /** Every sink has the hit: its confirmation waits for the next write (at most {@link #FLUSH_AFTER}). */
    void acked(TickerState s, String hitId) {
        inFlight.remove(hitId);
        timers.cancel(retryKey(hitId));
        if (s.isPending(hitId)) {
            confirmed.add(hitId);
            if (!timers.isTimerActive(FLUSH)) {
                timers.startSingleTimer(FLUSH, TickerEntity.FlushConfirmed.INSTANCE, FLUSH_AFTER);
            }
        }
    }

    /** The router did not confirm in time: send it again after the retry interval. */
    void notAcked(TickerState s, String hitId) {
        inFlight.remove(hitId);
        if (s.isPending(hitId)) {
            ctx.getLog().debug("hit {} not confirmed within {}; retrying in {}", hitId, settings.ackTimeout(),
                    settings.retryInterval());
            timers.startSingleTimer(retryKey(hitId), new TickerEntity.RetryHit(hitId), settings.retryInterval());
        }
    }

    /** The retry interval of a hit passed. */
    void retry(TickerState s, String hitId) {
        StoredHit h = s.pendingHit(hitId);
        if (h != null) {
            send(h);
        }
    }

    /** Adds a HitDelivered for each confirmed hit to a write that is about to happen anyway. */
    void carryConfirmed(TickerState s, List<TickerEvent> events) {
        for (String id : confirmed) {
            if (s.isPending(id)) {
                events.add(new HitDelivered(id));
            }
        }
        confirmed.clear();
        timers.cancel(FLUSH);
    }

    private static String retryKey(String hitId) {
        return "retry:" + hitId;
    }
}
