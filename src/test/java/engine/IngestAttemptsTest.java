package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link IngestAttempts} alone, with asks that behave as Pekko's do (an ask fails with a
 * {@link TimeoutException} when its timeout passes): an attempt goes every attempt-timeout until
 * one is answered, and an ask no attempt answered fails once, at the deadline, and is counted.
 */
class IngestAttemptsTest {
    static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "ingest-attempts",
            ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
    static final IngestAttempts.Settings SETTINGS =
            new IngestAttempts.Settings(Duration.ofMillis(100), 0, Duration.ofMillis(1000));

    @AfterAll
    static void stop() {
        SYSTEM.terminate();
    }

    /** An ask that is never answered: it times out after the timeout it was given. */
    static CompletableFuture<String> unanswered(Duration timeout) {
        return new CompletableFuture<String>().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void theFirstAnsweredAttemptIsTheAnswer() throws Exception {
        IngestAttempts attempts = new IngestAttempts(SETTINGS, SYSTEM);
        AtomicInteger sent = new AtomicInteger();
        String answer = attempts.ask("T", timeout -> sent.incrementAndGet() < 3 ? unanswered(timeout)
                : CompletableFuture.completedFuture("stored")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("stored", answer);
        assertEquals(3, sent.get(), "the third attempt answered");
        assertEquals(2, attempts.retries());
        assertEquals(0, attempts.timeouts());
    }

    @Test
    void anAskNoAttemptAnswersFailsOnceAtTheDeadline() throws Exception {
        IngestAttempts attempts = new IngestAttempts(SETTINGS, SYSTEM);
        AtomicInteger sent = new AtomicInteger();
        var answer = attempts.ask("T", timeout -> {
            sent.incrementAndGet();
            return unanswered(timeout);
        }).toCompletableFuture();
        ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(5, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        // sent again while unanswered, never more often than once an attempt-timeout (the scheduler's tick
        // decides whether the tenth fits before the deadline)
        assertTrue(sent.get() >= 2 && sent.get() <= 10, "attempts every 100 ms within the 1,000 ms deadline: " + sent);
        assertEquals(sent.get() - 1, attempts.retries());
        assertEquals(1, attempts.timeouts(), "counted once, however many attempts timed out");
    }

    @Test
    void aFailureThatIsNotATimeoutEndsTheAskAtOnce() {
        IngestAttempts attempts = new IngestAttempts(SETTINGS, SYSTEM);
        var answer = attempts.ask("T", timeout -> CompletableFuture.<String>failedFuture(
                new IllegalStateException("entity stopped"))).toCompletableFuture();
        ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals(0, attempts.retries());
        assertEquals(0, attempts.timeouts());
    }
}
