package actors.sinks.telegram;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sink's counters on this node: messages sent and refused, subscribers removed, alerts that
 * found the queue full, and the last error (scrubbed). What {@code GET /api/sinks} shows of it.
 */
final class BotHealth {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong removed = new AtomicLong();
    final AtomicLong overflow = new AtomicLong();
    final AtomicLong skippedMuted = new AtomicLong();
    final AtomicReference<String> lastError = new AtomicReference<>();
    /** What is failing now ("sending", "polling"). */
    final java.util.Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A snapshot for the API. */
    public record View(String state, long queued, long sent, long failed, long removed, long overflow,
                       String lastError) {
    }

    View view(long queued) {
        return new View(failing.isEmpty() ? "ok" : "failing: " + String.join(", ", new java.util.TreeSet<>(failing)), queued, sent.get(), failed.get(), removed.get(), overflow.get(),
                lastError.get());
    }
}
