package actors.sinks.telegram;

import actors.AdminMessage;
import actors.SourceLifecycle;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the admin chat what the sources of this node go through ({@link SourceLifecycle} events on
 * the event stream), rate-limited like the sink's own outages ({@link AdminNotices}): a source's
 * outage (disconnected, reconnecting, however many attempts) is one message, its end (connected
 * again) another, and an outage that starts within {@code admin-quiet} of the last one's end is not
 * told again. A refused registration is told once per source and symbol within {@code admin-quiet}.
 * A first connection and a renewed token are only logged. Every node of the cluster runs one
 * (its sources publish on its own event stream); the notices go through the shared outbox.
 */
final class SourceNotices {
    private static final Logger LOG = LoggerFactory.getLogger(SourceNotices.class);

    private final TelegramStore store;
    private final long adminChat;
    private final Duration quiet;
    private final Scrubber scrubber;
    private final Map<String, AdminNotices> outages = new HashMap<>();
    private final Map<String, Long> refusedTold = new HashMap<>();
    private AdminNotices messages;

    SourceNotices(TelegramStore store, long adminChat, Duration quiet, Scrubber scrubber) {
        this.store = store;
        this.adminChat = adminChat;
        this.quiet = quiet;
        this.scrubber = scrubber;
    }

    /**
     * An actor subscribed to every source's lifecycle events and to every {@link AdminMessage} (an
     * order's result) on the event stream (run it on the blocking dispatcher: it writes the outbox).
     */
    Behavior<Object> behavior() {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(SourceLifecycle.class, ctx.getSelf().narrow()));
            ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(AdminMessage.class, ctx.getSelf().narrow()));
            return Behaviors.receive(Object.class)
                    .onMessage(SourceLifecycle.class, e -> {
                        on(e);
                        return Behaviors.same();
                    })
                    .onMessage(AdminMessage.class, m -> {
                        on(m);
                        return Behaviors.same();
                    }).build();
        });
    }

    /** Told as it is (scrubbed): each is one event an operator must see, like an order filled or of unknown fate. */
    void on(AdminMessage m) {
        if (messages == null) {
            messages = AdminNotices.of(store, adminChat, "admin messages", quiet, "", "");
        }
        messages.tell(scrubber.scrub(m.adminText()));
    }

    void on(SourceLifecycle e) {
        String source = e.source();
        String detail = e.detail() == null ? "" : scrubber.scrub(e.detail());
        AdminNotices outage = outages.computeIfAbsent(source, s -> AdminNotices.of(store, adminChat, "source " + s,
                quiet, "⚠️ Source " + s + " ", "✅ Source " + s + " connected again"));
        switch (e.kind()) {
            case SourceLifecycle.DISCONNECTED, SourceLifecycle.RECONNECTING ->
                    outage.failure(e.kind() + (detail.isEmpty() ? "" : ": " + detail));
            case SourceLifecycle.CONNECTED -> {
                LOG.debug("source {} connected: {}", source, detail);
                outage.success();
            }
            case SourceLifecycle.REGISTRATION_REFUSED -> {
                String key = source + "/" + e.symbol();
                long now = e.time().toEpochMilli();
                Long last = refusedTold.get(key);
                if (last == null || now - last >= quiet.toMillis()) {
                    refusedTold.put(key, now);
                    outage.tell("⛔ Source " + source + " refused " + (e.symbol() == null ? "a registration" : e.symbol())
                            + (detail.isEmpty() ? "" : ": " + detail));
                }
            }
            default -> LOG.debug("source {}: {} {}", source, e.kind(), detail);
        }
    }
}
