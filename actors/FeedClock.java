package actors;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A ticker's feed clock, and the timer that closes its forming bar when no later tick comes.
 *
 * <p>Feed time is the latest accepted tick time plus the real time since that tick arrived (since
 * recovery, after a restart), so a live feed's clock runs with the wall clock; a past day pushed faster
 * than real time keeps its bars open while ticks keep coming, exactly as {@code backtest} builds
 * them. A bar is due to close when feed time passes its end plus the grace
 * ({@code tickwatch.clock.grace}); a timer wakes the entity then with {@link TickerEntity.ClockTick}.
 */
final class FeedClock {
    private static final long NONE = TickerState.NONE;
    private static final String TIMER = "clock";

    private final TimerScheduler<TickerEntity.Command> timers;
    private final long graceMillis;
    private final LongSupplier nanoTime;
    /** The latest accepted tick time seen by this incarnation, or NONE. */
    private long tickTime = NONE;
    /** {@code nanoTime} when {@link #tickTime} arrived. */
    private long arrivedNanos;

    FeedClock(TimerScheduler<TickerEntity.Command> timers, Duration grace, LongSupplier nanoTime) {
        this.timers = timers;
        this.graceMillis = grace.toMillis();
        this.nanoTime = nanoTime;
    }

    /** The state's latest accepted tick arrived now (after a write, or at recovery). */
    void observe(TickerState s) {
        long last = s.lastTickTime();
        if (last != NONE && last > tickTime) {
            tickTime = last;
            arrivedNanos = nanoTime.getAsLong();
        }
    }

    /** Feed time now, epoch millis; meaningless before the first {@link #observe}d tick. */
    private long now() {
        return tickTime + (nanoTime.getAsLong() - arrivedNanos) / 1_000_000L;
    }

    /** When the forming bar should close by the clock (epoch millis of feed time), or NONE. */
    private long closeDue(TickerState s) {
        if (tickTime == NONE) {
            return NONE;
        }
        long end = s.formingEnd();
        return end == NONE ? NONE : end + graceMillis;
    }

    /** Whether the forming bar is due to close now. */
    boolean due(TickerState s) {
        long due = closeDue(s);
        return due != NONE && now() >= due;
    }

    /** Sets the timer for the forming bar's close (or cancels it when no bar is forming). */
    void schedule(TickerState s) {
        long due = closeDue(s);
        if (due == NONE) {
            timers.cancel(TIMER);
            return;
        }
        long delay = Math.max(0, due - now()) + 1;
        timers.startSingleTimer(TIMER, TickerEntity.ClockTick.INSTANCE, Duration.ofMillis(delay));
    }
}
