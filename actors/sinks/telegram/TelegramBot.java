package actors.sinks.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot's two loops, run by exactly one node of the cluster (the {@link TelegramSink}'s cluster
 * singleton), each on a thread of its own because both block on HTTP:
 * <ul>
 *   <li>the poller long-polls {@code getUpdates} and handles each update in one transaction with
 *       the next offset, so a restart neither loses nor repeats a command;</li>
 *   <li>the sender sends the outbox oldest first within the {@link Pacer}'s limits and deletes a
 *       message once Telegram confirmed it. A stop lets the message on the wire finish, so a
 *       graceful restart sends nothing twice (only a {@code kill -9} mid-request can).</li>
 * </ul>
 */
final class TelegramBot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelegramBot.class);
    private static final int BATCH = 500;
    /** Attempts at one update before it is skipped. */
    private static final int POISON_AFTER = 3;

    private final TelegramSettings settings;
    private final TelegramStore store;
    private final BotApi api;
    private final BotCommands commands;
    private final BotHealth health;
    private final AdminNotices sendNotices;
    private final AdminNotices pollNotices;
    private final Pacer pacer;
    private final Object wake = new Object();
    private volatile boolean running = true;
    private final Thread poller;
    private final Thread sender;

    TelegramBot(TelegramSettings settings, TelegramStore store, BotApi api, BotCommands commands, BotHealth health) {
        this.settings = settings;
        this.store = store;
        this.api = api;
        this.commands = commands;
        this.health = health;
        this.sendNotices = new AdminNotices(store, settings.adminChat(), health, "sending", settings.adminQuiet());
        this.pollNotices = new AdminNotices(store, settings.adminChat(), health, "polling", settings.adminQuiet());
        this.pacer = new Pacer(settings.perChatInterval(), settings.groupInterval(), settings.globalInterval(),
                System.nanoTime());
        this.poller = new Thread(this::pollLoop, "telegram-poll-" + store.sink());
        this.sender = new Thread(this::sendLoop, "telegram-send-" + store.sink());
        poller.setDaemon(true);
        sender.setDaemon(true);
    }

    TelegramBot start() {
        LOG.info("telegram bot {} polling and sending on this node ({})", store.sink(), settings);
        poller.start();
        sender.start();
        return this;
    }

    /** There is something new in the outbox. */
    void nudge() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    // ---- polling ----

    private void pollLoop() {
        Duration backoff = settings.retryMin();
        long failingUpdate = -1;
        int failures = 0;
        learnName();
        long offset = -1;
        while (running) {
            try {
                if (offset < 0) {
                    offset = store.offset();
                }
                List<JsonNode> updates = api.getUpdates(offset, settings.pollTimeout());
                for (JsonNode u : updates) {
                    long next = u.path("update_id").asLong() + 1;
                    if (next <= offset) {
                        continue; // confirmed already
                    }
                    long now = System.currentTimeMillis();
                    boolean skip = failingUpdate == next && failures >= POISON_AFTER;
                    if (skip) { // an update that fails every time must not stop every later command
                        LOG.warn("telegram bot {}: update {} failed {} times; skipping it", store.sink(), next - 1,
                                failures);
                    }
                    try {
                        store.tx(c -> {
                            if (!skip) {
                                commands.handle(c, u, now);
                            }
                            store.setOffset(c, next);
                            return null;
                        });
                    } catch (RuntimeException e) {
                        failures = failingUpdate == next ? failures + 1 : 1;
                        failingUpdate = next;
                        throw e;
                    }
                    offset = next;
                    nudge();
                }
                // Only now: a poll that works but whose update fails is still one outage, not a flapping one.
                pollNotices.success();
                health.polling.set("ok");
                backoff = settings.retryMin();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                String what = api.scrubber().describe(e);
                pollNotices.failure(what);
                health.polling.set("failing");
                LOG.warn("telegram bot {}: polling failed, again in {}: {}", store.sink(), backoff, what);
                offset = -1; // read it again: the failure may have been the database
                if (!pause(backoff)) {
                    return;
                }
                backoff = min(backoff.multipliedBy(2), settings.retryMax());
            }
        }
    }

    /** {@code getMe}: our username, so {@code /cmd@OtherBot} is left alone. Best effort. */
    private void learnName() {
        try {
            commands.botName(api.getMe());
        } catch (Exception e) {
            LOG.info("telegram bot {}: getMe failed ({}); answering /cmd@AnyName", store.sink(),
                    api.scrubber().describe(e));
        }
    }

    // ---- sending ----

    private void sendLoop() {
        Duration backoff = settings.retryMin();
        Map<Long, Boolean> groups = new HashMap<>();
        while (running) {
            try {
                List<TelegramStore.Outgoing> batch = store.next(BATCH);
                if (batch.isEmpty()) {
                    waitForWork(settings.idle().toNanos());
                    continue;
                }
                groups.clear();
                store.subscribers().forEach(s -> groups.put(s.chat(), s.isGroup()));
                Set<Long> waiting = new HashSet<>();
                long earliest = Long.MAX_VALUE;
                boolean stopBatch = false;
                for (TelegramStore.Outgoing m : batch) {
                    if (!running || stopBatch) {
                        break;
                    }
                    if (waiting.contains(m.chat())) {
                        continue; // keep each chat's order
                    }
                    long g;
                    while (running && (g = pacer.globalReadyAt() - System.nanoTime()) > 0) {
                        sleepNanos(g); // the bot's own spacing (and a 429's hold) applies to every chat
                    }
                    if (!running) {
                        break;
                    }
                    long now = System.nanoTime();
                    long ready = pacer.readyAt(m.chat());
                    if (ready - now > 0) {
                        waiting.add(m.chat());
                        earliest = Math.min(earliest, ready - now);
                        continue;
                    }
                    BotApi.SendResult r = m.photo() != null ? api.sendPhoto(m.chat(), m.photo(), m.text())
                            : api.sendMessage(m.chat(), m.text());
                    long answered = System.nanoTime();
                    pacer.sent(m.chat(), groups.getOrDefault(m.chat(), m.chat() < 0), answered);
                    if (r instanceof BotApi.Sent) {
                        store.done(m.seq());
                        health.sent.incrementAndGet();
                        sendNotices.success();
                        backoff = settings.retryMin();
                    } else if (r instanceof BotApi.RetryAfter ra) {
                        LOG.info("telegram bot {}: 429, waiting {} as asked", store.sink(), ra.delay());
                        pacer.hold(answered, ra.delay());
                        stopBatch = true;
                    } else if (r instanceof BotApi.ChatGone gone) {
                        store.done(m.seq());
                        boolean was = store.remove(m.chat());
                        waiting.add(m.chat());
                        if (was) {
                            health.removed.incrementAndGet();
                            LOG.info("telegram bot {}: chat {} removed: {}", store.sink(), m.chat(), gone.description());
                            sendNotices.tell("Subscriber " + m.chat() + " removed: " + gone.description());
                        }
                    } else if (r instanceof BotApi.Transient t) {
                        sendNotices.failure(t.description());
                        LOG.warn("telegram bot {}: sending failed, again in {}: {}", store.sink(), backoff,
                                t.description());
                        pacer.hold(answered, backoff);
                        backoff = min(backoff.multipliedBy(2), settings.retryMax());
                        stopBatch = true;
                    } else if (r instanceof BotApi.Refused f) {
                        // Sending it again cannot help (a malformed message): count it, tell, move on.
                        store.done(m.seq());
                        health.failed.incrementAndGet();
                        health.lastError.set(f.description());
                        LOG.warn("telegram bot {}: message to chat {} refused: {}", store.sink(), m.chat(),
                                f.description());
                        if (m.chat() != settings.adminChat()) { // a refused notice must not beget another
                            sendNotices.tell("A message to chat " + m.chat() + " was refused: " + f.description());
                        }
                    }
                }
                if (!stopBatch && earliest != Long.MAX_VALUE) {
                    sleepNanos(Math.max(1_000_000, Math.min(settings.idle().toNanos(), earliest)));
                }
                        } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                String what = api.scrubber().describe(e);
                health.lastError.set(what);
                LOG.warn("telegram bot {}: outbox failed, again in {}: {}", store.sink(), backoff, what);
                if (!pause(backoff)) {
                    return;
                }
                backoff = min(backoff.multipliedBy(2), settings.retryMax());
            }
        }
    }

    private void waitForWork(long nanos) throws InterruptedException {
        synchronized (wake) {
            if (running) {
                wake.wait(Math.max(1, nanos / 1_000_000));
            }
        }
    }

    private void sleepNanos(long nanos) throws InterruptedException {
        synchronized (wake) {
            if (running) {
                wake.wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        }
    }

    /** Waits {@code d} unless stopped first; false when stopped. */
    private boolean pause(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        try {
            while (running && end - System.nanoTime() > 0) {
                synchronized (wake) {
                    wake.wait(Math.max(1, Math.min(200, (end - System.nanoTime()) / 1_000_000)));
                }
            }
        } catch (InterruptedException e) {
            return false;
        }
        return running;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Stops both loops: the poller at once (an update it was handling is handled again, its
     * offset not being stored), the sender after the message it is sending (not interrupted, so its
     * answer is recorded and it is not sent again).
     */
    @Override
    public void close() {
        running = false;
        nudge();
        poller.interrupt();
        try {
            sender.join(settings.requestTimeout().toMillis() + 1000);
            poller.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        health.polling.set(BotHealth.ELSEWHERE);
        LOG.info("telegram bot {} stopped on this node", store.sink());
    }
}
