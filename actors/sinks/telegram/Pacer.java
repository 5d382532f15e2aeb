package actors.sinks.telegram;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Telegram's sending limits as earliest times: a chat may get its next message
 * {@code perChatInterval} (private) or {@code groupInterval} (group) after the answer to its last
 * one, and the bot as a whole one message every {@code globalInterval}; a 429 holds everything
 * until its {@code retry_after} has passed. Counting from the answer (not the request) keeps the
 * spacing as Telegram sees it even when a request is slow. Times are {@code System.nanoTime()}
 * values passed in, so the arithmetic is tested without a clock.
 */
final class Pacer {
    private final long perChat;
    private final long group;
    private final long global;
    private final Map<Long, Long> chatReady = new HashMap<>();
    private long globalReady = Long.MIN_VALUE;
    private long heldUntil = Long.MIN_VALUE;

    Pacer(Duration perChatInterval, Duration groupInterval, Duration globalInterval) {
        this.perChat = perChatInterval.toNanos();
        this.group = groupInterval.toNanos();
        this.global = globalInterval.toNanos();
    }

    /** The earliest time the next message to {@code chat} may go. */
    long readyAt(long chat) {
        long t = Math.max(globalReady, heldUntil);
        Long c = chatReady.get(chat);
        return c == null ? t : Math.max(t, c);
    }

    /** The earliest time any message may go (the global spacing and a 429's hold). */
    long globalReadyAt() {
        return Math.max(globalReady, heldUntil);
    }

    /** A message to {@code chat} was answered at {@code now}. */
    void sent(long chat, boolean isGroup, long now) {
        chatReady.put(chat, now + (isGroup ? group : perChat));
        globalReady = now + global;
        if (chatReady.size() > 100_000) { // forget chats whose pause is long over
            chatReady.values().removeIf(t -> t - now < 0);
        }
    }

    /** A 429: nothing goes before {@code now + wait}. */
    void hold(long now, Duration wait) {
        heldUntil = Math.max(heldUntil, now + wait.toNanos());
    }
}
