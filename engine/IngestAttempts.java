package engine;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ingest ask sent again, with the same batch id, while it has no answer: the same message every
 * {@code tickwatch.ingest.attempt-timeout} (plus up to {@code attempt-jitter} of it, so the asks of a
 * hand-off do not all come back at once), until {@code tickwatch.ask-timeout} after the first.
 *
 * <p>Why: Cluster Sharding drops the messages a region buffered for a shard when that shard's hand-off
 * begins ("Dropping [1] buffered messages to shard [..] during hand off to avoid re-ordering"); one ask
 * waited out the whole ask-timeout for nothing, the client then tried again. An attempt sent after
 * the hand-off reaches the shard's new home, so the batch lands within an attempt of the hand-off's
 * end.
 *
 * <p>Why it never counts a batch twice: every attempt carries the same batch id, which the entity
 * remembers once it stored the batch ({@code tickwatch.ingest.remembered-batches}), so an attempt of a
 * batch whose first attempt was stored, only slowly, is answered "already stored". And every attempt
 * keeps waiting until the deadline, not only until its own retry: the first answer wins, which is
 * mostly the first attempt's own. The entity answers its messages in order, but each attempt is its
 * own ask whose answer completes its own future, and those futures' callbacks run on the dispatcher's
 * threads in no set order: a later attempt's "already stored" can win (twice in {@code IngestRetryTest}
 * on a loaded machine), so a request's answer may count stored ticks as {@code already_stored} instead
 * of accepted. Either way each tick is stored once.
 */
final class IngestAttempts {
    private static final Logger LOG = LoggerFactory.getLogger(IngestAttempts.class);

    /**
     * @param attemptTimeout an attempt's own time: no answer by then, the next attempt goes
     * @param jitter         up to this fraction of {@code attemptTimeout} added at random to each wait
     * @param deadline       no answer to any attempt by then, the ask fails ({@code tickwatch.ask-timeout})
     */
    record Settings(Duration attemptTimeout, double jitter, Duration deadline) {
        Settings {
            if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
                throw new IllegalArgumentException("tickwatch.ingest.attempt-timeout must be positive, got "
                        + attemptTimeout);
            }
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("tickwatch.ingest.attempt-jitter must be 0 to 1, got " + jitter);
            }
        }

        /** {@code tickwatch.ingest.attempt-timeout}, {@code attempt-jitter} and {@code tickwatch.ask-timeout}. */
        static Settings from(Config c) {
            Config t = c.getConfig("tickwatch");
            return new Settings(t.getDuration("ingest.attempt-timeout"), t.getDouble("ingest.attempt-jitter"),
                    t.getDuration("ask-timeout"));
        }
    }

    private final Settings settings;
    private final ActorSystem<?> system;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();

    IngestAttempts(Settings settings, ActorSystem<?> system) {
        this.settings = settings;
        this.system = system;
    }

    /** Attempts sent again so far (each after an attempt-timeout without an answer). */
    long retries() {
        return retries.get();
    }

    /** Asks that had no answer to any attempt by the deadline. */
    long timeouts() {
        return timeouts.get();
    }

    /**
     * The first answer to {@code send}, called once per attempt with the time left until the deadline
     * (the timeout to ask with). Fails with a {@link TimeoutException} when no attempt is answered by
     * the deadline, or with an attempt's own failure when it is not a timeout.
     *
     * @param what names the ask in the log line of a timeout
     */
    <T> CompletionStage<T> ask(String what, Function<Duration, CompletionStage<T>> send) {
        Ask<T> ask = new Ask<>();
        attempt(what, send, ask, System.nanoTime() + settings.deadline().toNanos(), 1);
        return ask.answer;
    }

    /**
     * One ask's answer, ended once by whichever attempt ends it first. The count of timeouts is taken
     * before the answer completes, so whoever sees the failure also sees it counted.
     */
    private static final class Ask<T> {
        final CompletableFuture<T> answer = new CompletableFuture<>();
        private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

        boolean end() {
            return ended.compareAndSet(false, true);
        }

        boolean ended() {
            return ended.get();
        }
    }

    /** No attempt answered by the deadline: the ask fails (once, however many attempts time out). */
    private <T> void unanswered(String what, Ask<T> ask) {
        if (ask.end()) {
            timeouts.incrementAndGet();
            // The IT reads this line: an ask that timed out at the deadline is what retries are for.
            LOG.warn("{}: ingest ask unanswered at the deadline ({} ms)", what, settings.deadline().toMillis());
            ask.answer.completeExceptionally(new TimeoutException(what + ": no answer within "
                    + settings.deadline().toMillis() + " ms to any attempt (one every "
                    + settings.attemptTimeout().toMillis() + " ms)"));
        }
    }

    private <T> void attempt(String what, Function<Duration, CompletionStage<T>> send, Ask<T> ask,
                             long deadline, int n) {
        long left = deadline - System.nanoTime();
        if (ask.ended()) {
            return;
        }
        if (left <= 0) {
            unanswered(what, ask);
            return;
        }
        if (n > 1) {
            retries.incrementAndGet(); // here, so that every attempt counted as a retry was sent
        }
        try {
            // Every attempt asks with the time left until the deadline, so the first to time out does so
            // at the deadline: that is the ask's own timeout, and no timer of its own is needed per ask.
            send.apply(Duration.ofNanos(left)).whenComplete((r, e) -> {
                if (e == null) {
                    if (ask.end()) {
                        ask.answer.complete(r);
                    }
                } else if (cause(e) instanceof TimeoutException) {
                    unanswered(what, ask);
                } else if (ask.end()) {
                    ask.answer.completeExceptionally(e);
                }
            });
            long wait = settings.attemptTimeout().toNanos();
            wait += (long) (wait * settings.jitter() * ThreadLocalRandom.current().nextDouble());
            if (wait < left) {
                system.scheduler().scheduleOnce(Duration.ofNanos(wait), () -> {
                    if (!ask.ended()) {
                        LOG.debug("{}: no answer to attempt {} after {} ms; sending it again", what, n,
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - (deadline - settings.deadline().toNanos())));
                        attempt(what, send, ask, deadline, n + 1);
                    }
                }, system.executionContext());
            }
        } catch (RuntimeException e) {
            // a stopping actor system refuses to schedule: fail now rather than leave the caller waiting
            if (ask.end()) {
                ask.answer.completeExceptionally(e);
            }
        }
    }

    private static Throwable cause(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
