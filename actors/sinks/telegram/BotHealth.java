package actors.sinks.telegram;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sink's counters on this node: messages sent and refused, subscribers removed, alerts that
 * found the queue full, whether this node polls, and the last error (scrubbed). {@code GET
 * /api/sinks} shows them as the telegram sink's {@code details}, beside the ledger's hit counts
 * (one hit is many messages: one per subscriber).
 */
final class BotHealth {
    /** This node does not run the bot: another node of the cluster polls and sends. */
    static final String ELSEWHERE = "not on this node";

    final AtomicLong sent = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong removed = new AtomicLong();
    final AtomicLong overflow = new AtomicLong();
    final AtomicLong skippedMuted = new AtomicLong();
    final AtomicReference<String> lastError = new AtomicReference<>();
    /** {@value #ELSEWHERE}, {@code ok} (the last poll answered) or {@code failing}. */
    final AtomicReference<String> polling = new AtomicReference<>(ELSEWHERE);
    /** What is failing now ("sending", "polling"). */
    final Set<String> failing = ConcurrentHashMap.newKeySet();

    /**
     * A snapshot for the API.
     *
     * @param state    {@code ok}, or {@code failing: polling, sending} naming what fails now
     * @param queued   messages in the outbox, waiting to be sent (the cluster's, one per chat and hit)
     * @param sent     messages Telegram confirmed, sent by this node since it started
     * @param failed   messages Telegram refused (a 400 other than chat not found) on this node
     * @param removed  subscribers removed after a 403 or a chat not found, on this node
     * @param overflow alerts that found the outbox full (the ledger offers them again)
     * @param polling  whether this node polls {@code getUpdates}: {@value #ELSEWHERE}, {@code ok}, {@code failing}
     */
    public record View(String state,
                       @JsonProperty("outbox_queued") long queued,
                       @JsonProperty("messages_sent") long sent,
                       @JsonProperty("messages_failed") long failed,
                       @JsonProperty("subscribers_removed") long removed,
                       long overflow,
                       String polling,
                       @JsonProperty("last_error") String lastError) {
    }

    View view(long queued) {
        return new View(failing.isEmpty() ? "ok" : "failing: " + String.join(", ", new TreeSet<>(failing)), queued,
                sent.get(), failed.get(), removed.get(), overflow.get(), polling.get(), lastError.get());
    }
}
