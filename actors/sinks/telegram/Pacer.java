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
    private long globalReady;
    private long heldUntil;

    /**
     * @param now the current {@code nanoTime}: everything is ready from then (nanoTime values may be
     *            negative and are only compared by difference, so there is no "minus infinity")
     */
    Pacer(Duration perChatInterval, Duration groupInterval, Duration globalInterval, long now) {
        this.perChat = perChatInterval.toNanos();
        this.group = groupInterval.toNanos();
        this.global = globalInterval.toNanos();
        this.globalReady = now;
        this.heldUntil = now;
    }

    private static long later(long a, long b) {
        return a - b >= 0 ? a : b;
    }

    /** The earliest time the next message to {@code chat} may go. */
    long readyAt(long chat) {
        long t = globalReadyAt();
        Long c = chatReady.get(chat);
        return c == null ? t : later(t, c);
    }

    /** The earliest time any message may go (the global spacing and a 429's hold). */
    long globalReadyAt() {
        return later(globalReady, heldUntil);
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
        heldUntil = later(heldUntil, now + wait.toNanos());
    }
}
