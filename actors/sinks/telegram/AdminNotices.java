package actors.sinks.telegram;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices to the admin chat, rate-limited: an outage is one message when it starts and one when it
 * ends (with how long it lasted and how many attempts failed), however many requests fail between;
 * an outage that starts within {@code quiet} of the last one's end is not told again (nor its end),
 * so a service that flaps is not a message a minute. Other notices (a removed subscriber, the queue
 * overflowing) go as they happen, each once.
 */
final class AdminNotices {
    private static final Logger LOG = LoggerFactory.getLogger(AdminNotices.class);
    private final TelegramStore store;
    private final long adminChat;
    private final BotHealth health;
    private final String channel;
    private boolean failing;
    private long failingSince;
    private long failures;
    private final long quietMillis;
    private long recoveredAt = Long.MIN_VALUE / 2;
    private boolean told;
    /** The notices' words: the start of an outage, and of its end. */
    private final String failingText;
    private final String recoveredText;

    /** @param channel what fails, in words: "sending", "polling" */
    AdminNotices(TelegramStore store, long adminChat, BotHealth health, String channel, java.time.Duration quiet) {
        this(store, adminChat, health, channel, quiet, "⚠️ Telegram sink " + store.sink() + ": " + channel + " is failing: ",
                "✅ Telegram sink " + store.sink() + ": " + channel + " works again");
    }

    /**
     * Outages of something else than the sink (a source): the sink's health is left alone.
     *
     * @param failingText   the start of the outage notice, followed by what failed
     * @param recoveredText the start of its end's notice, followed by the attempts and duration
     */
    static AdminNotices of(TelegramStore store, long adminChat, String channel, Duration quiet, String failingText,
                           String recoveredText) {
        return new AdminNotices(store, adminChat, null, channel, quiet, failingText, recoveredText);
    }

    private AdminNotices(TelegramStore store, long adminChat, BotHealth health, String channel, Duration quiet,
                         String failingText, String recoveredText) {
        this.failingText = failingText;
        this.recoveredText = recoveredText;
        this.quietMillis = quiet.toMillis();
        this.channel = channel;
        this.store = store;
        this.adminChat = adminChat;
        this.health = health;
    }

    /** A request failed (the text is scrubbed already). */
    synchronized void failure(String what) {
        if (health != null) {
            health.lastError.set(what);
        }
        failures++;
        if (!failing) {
            failing = true;
            if (health != null) {
                health.failing.add(channel);
            }
            failingSince = System.currentTimeMillis();
            LOG.warn("telegram sink {}: {} failing: {}", store.sink(), channel, what);
            told = failingSince - recoveredAt >= quietMillis;
            if (told) {
                tell(failingText + what);
            }
        }
    }

    /** A request succeeded: an outage, if there was one, is over. */
    synchronized void success() {
        if (failing) {
            failing = false;
            if (health != null) {
                health.failing.remove(channel);
            }
            Duration d = Duration.ofMillis(System.currentTimeMillis() - failingSince);
            LOG.info("telegram sink {}: {} recovered after {} failed attempt(s) over {}", store.sink(), channel, failures, d);
            recoveredAt = System.currentTimeMillis();
            if (told) {
                tell(recoveredText + " after " + failures + " failed attempt(s) over " + d.toSeconds() + " s");
            }
            failures = 0;
        }
    }

    /** Queues a notice (escaped here) for the admin chat, if one is configured. */
    void tell(String text) {
        if (adminChat == 0) {
            return;
        }
        try {
            store.enqueue(adminChat, AlertText.escape(text));
        } catch (RuntimeException e) {
            LOG.warn("cannot queue a notice for the admin chat: {}", e.toString());
        }
    }
}
