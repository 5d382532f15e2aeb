package actors;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import persistence.StoredHit;

/**
 * One ticker entity's live events ({@link LiveTicker}) on the node's event stream, after each write:
 * its new hits, each bar that closed, and the forming bar at most once per
 * {@code tickwatch.live.bar-interval} (the latest state: when a write falls inside the interval, a
 * timer publishes the state at its end, so the last update is never held back). The entity's hot
 * path pays one local message per event; nothing here waits. Forming bars are made only while
 * someone watches the stream somewhere ({@link LiveDemand}).
 */
final class LivePublisher {
    /** The entity's timer key and message for a throttled forming bar. */
    static final Object TIMER = "live-bar";

    private final ActorSystem<?> system;
    private final LiveDemand demand;
    private final TimerScheduler<TickerEntity.Command> timers;
    private final long intervalNanos;
    private long lastFormingAt = Long.MIN_VALUE;
    private long closedSeen = -1;

    LivePublisher(ActorSystem<?> system, TimerScheduler<TickerEntity.Command> timers) {
        this.system = system;
        this.demand = LiveDemand.get(system);
        this.timers = timers;
        var config = system.settings().config();
        Duration interval = config.hasPath("tickwatch.live.bar-interval")
                ? config.getDuration("tickwatch.live.bar-interval") : Duration.ofMillis(500);
        this.intervalNanos = interval.toNanos();
    }

    /** After recovery: bars closed before now are not news. */
    void recovered(TickerState s) {
        closedSeen = s.barsClosed();
    }

    /** After a write that stored {@code hits} (found now, not resent ones) and left {@code after}. */
    void written(TickerState after, List<StoredHit> hits) {
        long closed = after.barsClosed();
        if (closedSeen >= 0 && closed > closedSeen) {
            publish(new LiveTicker.Bar(after.symbolName(), true, after.lastBarJson(), after.accepted()));
        }
        closedSeen = closed;
        for (StoredHit h : hits) {
            publish(LiveTicker.HitFound.of(h));
        }
        if (!demand.wanted() || timers.isTimerActive(TIMER)) {
            return; // no one watches; or the timer publishes the latest forming state
        }
        long now = System.nanoTime();
        if (lastFormingAt == Long.MIN_VALUE || now - lastFormingAt >= intervalNanos) {
            forming(after);
        } else {
            timers.startSingleTimer(TIMER, TickerEntity.LiveFlush.INSTANCE,
                    Duration.ofNanos(intervalNanos - (now - lastFormingAt)));
        }
    }

    /** Publishes the forming bar now (the throttle's timer fired). */
    void forming(TickerState s) {
        lastFormingAt = System.nanoTime();
        var bar = s.formingJson();
        if (bar != null) {
            publish(new LiveTicker.Bar(s.symbolName(), false, bar, s.accepted()));
        }
    }

    private void publish(LiveEvent e) {
        system.eventStream().tell(new EventStream.Publish<>(e));
    }
}
