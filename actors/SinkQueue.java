package actors;

import actors.sinks.QueuedSink;
import actors.sinks.SendResult;
import actors.sinks.SinkSettings;
import actors.sinks.SinkStatus;
import conditions.Hit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import persistence.DeadLetterFile;
import persistence.DeliveryLedger;
import persistence.StoredHit;

/**
 * Runs one {@link QueuedSink}: its bounded queue, its attempts, retries and dead letters, and its
 * part of the cluster's {@link DeliveryLedger} protocol.
 *
 * <p>A hit is confirmed to the router (and so to its entity) as soon as the ledger holds it: from
 * then on the ledger, not the entity's outbox, is what guarantees it is sent, whatever happens to
 * this node. When the queue is full the hit is not confirmed: the entity keeps it and offers it
 * again (nothing is dropped; the overflow is counted in health). Attempts run one at a time, in
 * order, without blocking this actor (the sink's stage completes later), so new hits keep being
 * accepted while a slow service answers. Ledger calls are short blocking JDBC on the sink
 * dispatcher.
 */
final class SinkQueue extends AbstractBehavior<SinkActor.Command> {

    /** An attempt ended. */
    private record Attempted(String id, SendResult result, Throwable failure) implements SinkActor.Command {
    }

    private enum Tick implements SinkActor.Command {
        /** The backoff of the head of the queue passed. */
        RETRY,
        /** Look in the ledger for hits to resume (ours after a restart, or a crashed node's). */
        RESUME
    }

    private static final class Item {
        final Hit hit;
        int attempts;

        Item(Hit hit, int attempts) {
            this.hit = hit;
            this.attempts = attempts;
        }
    }

    private final QueuedSink sink;
    private final String name;
    private final SinkRuntime runtime;
    private final SinkSettings settings;
    private final SinkStatus status;
    private final DeliveryLedger ledger;
    private final DeadLetterFile deadLetters;
    private final TimerScheduler<SinkActor.Command> timers;
    private final ArrayDeque<Item> waiting = new ArrayDeque<>();
    /** Ids in {@link #waiting}: a hit offered again while it waits is confirmed without a ledger call. */
    private final Set<String> held = new HashSet<>();
    private boolean sending;
    private boolean backingOff;
    private String offReason;
    /** Set when the node stops: no new attempt starts from then on. */
    private boolean draining;
    /** Who waits to hear that the attempt running when the node began to stop is recorded. */
    private final List<org.apache.pekko.actor.typed.ActorRef<HitRouter.Command>> drainers = new java.util.ArrayList<>();

    static Behavior<SinkActor.Command> create(QueuedSink sink, SinkRuntime runtime, SinkStatus status) {
        if (runtime.ledger() == null) {
            throw new IllegalArgumentException("sink \"" + sink.name() + "\" needs the delivery ledger");
        }
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            SinkSettings s = runtime.settingsOf(sink.name());
            timers.startTimerWithFixedDelay(Tick.RESUME, Tick.RESUME, s.resumeEvery());
            ctx.getSelf().tell(Tick.RESUME);
            return new SinkQueue(ctx, timers, sink, runtime, status);
        }));
    }

    private SinkQueue(ActorContext<SinkActor.Command> ctx, TimerScheduler<SinkActor.Command> timers, QueuedSink sink,
                      SinkRuntime runtime, SinkStatus status) {
        super(ctx);
        this.timers = timers;
        this.sink = sink;
        this.name = sink.name();
        this.runtime = runtime;
        this.settings = runtime.settingsOf(name);
        this.status = status;
        this.ledger = runtime.ledger();
        this.deadLetters = new DeadLetterFile(runtime.dataDir(), name);
    }

    @Override
    public Receive<SinkActor.Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(SinkActor.Deliver.class, this::onDeliver)
                .onMessage(Attempted.class, this::onAttempted)
                .onMessage(SinkActor.Redeliver.class, this::onRedeliver)
                .onMessage(SinkActor.Drain.class, this::onDrain)
                .onMessageEquals(Tick.RETRY, this::onRetry)
                .onMessageEquals(Tick.RESUME, this::onResume)
                .build();
    }

    private long now() {
        return runtime.clock().millis();
    }

    private long leaseUntil() {
        return now() + settings.lease().toMillis();
    }

    private Behavior<SinkActor.Command> onDeliver(SinkActor.Deliver d) {
        Hit hit = d.hit();
        String id = hit.id();
        try {
            if (!held.contains(id)) {
                if (runtime.stale(settings, hit.barStart())) {
                    SinkActor.skip(name, hit, runtime, settings);
                } else if (waiting.size() >= settings.queueSize()) {
                    status.overflow();
                    if (status.overflowCount() == 1 || status.overflowCount() % 1000 == 0) {
                        getContext().getLog().warn("sink {}: queue full ({} hits); {} hit(s) refused so far "
                                + "(their entities offer them again)", name, waiting.size(), status.overflowCount());
                    }
                    return this; // not confirmed: the entity keeps it
                } else if (ledger.enqueue(name, id, DeliveryLedger.payload(StoredHit.of(hit)), runtime.owner(),
                        leaseUntil(), now())) {
                    add(new Item(hit, 0));
                }
                // else: the ledger has it already (a replay, or the entity moved): someone sends it, once
            }
            d.replyTo().tell(new HitRouter.SinkDone(name, id));
        } catch (RuntimeException e) {
            status.error("delivery ledger: " + e.getMessage());
            getContext().getLog().warn("sink {}: could not queue hit {} ({}); its entity will offer it again", name,
                    id, e.toString());
        }
        pump();
        return this;
    }

    private void add(Item it) {
        waiting.add(it);
        held.add(it.hit.id());
        status.waiting(waiting.size());
    }

    private Item removeHead() {
        Item it = waiting.poll();
        if (it != null) {
            held.remove(it.hit.id());
        }
        status.waiting(waiting.size());
        return it;
    }

    /** Starts the next attempt, when none is running or waiting out its backoff. */
    private void pump() {
        if (draining) {
            if (!sending) {
                drainers.forEach(d -> d.tell(new HitRouter.SinkDrained(name)));
                drainers.clear();
            }
            return;
        }
        while (!sending && !backingOff && !waiting.isEmpty()) {
            Item head = waiting.peek();
            if (offReason != null) {
                die(head, "not sent: " + name + " is switched off (" + offReason + ")");
                continue;
            }
            OptionalInt attempt;
            try {
                attempt = ledger.begin(name, head.hit.id(), runtime.owner(), leaseUntil(), now());
            } catch (RuntimeException e) {
                status.error("delivery ledger: " + e.getMessage());
                backOff(settings.backoff());
                return;
            }
            if (attempt.isEmpty()) {
                removeHead(); // sent, skipped or dead already, or another node holds it now
                continue;
            }
            head.attempts = attempt.getAsInt();
            sending = true;
            String id = head.hit.id();
            long guard = Math.max(1, settings.lease().toMillis() / 2);
            getContext().pipeToSelf(sink.send(head.hit, head.attempts).toCompletableFuture()
                            .orTimeout(guard, TimeUnit.MILLISECONDS),
                    (r, e) -> new Attempted(id, r, e));
        }
    }

    private Behavior<SinkActor.Command> onAttempted(Attempted a) {
        Item head = waiting.peek();
        if (head == null || !head.hit.id().equals(a.id())) {
            sending = false; // a redeliver rearranged the queue meanwhile
            pump();
            return this;
        }
        SendResult r = a.result() != null ? a.result()
                : new SendResult.Retry(a.failure() instanceof java.util.concurrent.TimeoutException
                ? "no outcome within " + settings.lease().dividedBy(2) + " (half the lease)"
                : String.valueOf(a.failure()), null);
        try {
            if (r instanceof SendResult.Sent) {
                ledger.sent(name, a.id(), now());
                status.sent();
                live(SinkEvent.of(name, "sent", a.id(), null));
                removeHead();
            } else if (r instanceof SendResult.Retry retry) {
                retry(head, retry);
            } else if (r instanceof SendResult.Dead dead) {
                die(head, dead.error());
            } else if (r instanceof SendResult.Off off) {
                offReason = off.error();
                status.off(off.error());
                getContext().getLog().warn("sink {} switched off: {}. Its hits go to the dead letters ({}) "
                        + "until POST /api/sinks/{}/redeliver", name, off.error(), deadLetters.path(), name);
                die(head, off.error());
            }
        } catch (RuntimeException e) {
            // the ledger could not record the outcome: keep the hit at the head and record it again shortly
            status.error("delivery ledger: " + e.getMessage());
            getContext().getLog().warn("sink {}: could not record the outcome of {} ({}); trying again", name, a.id(),
                    e.toString());
            timers.startSingleTimer("record:" + a.id(), a, settings.backoff());
            return this;
        }
        sending = false;
        pump();
        return this;
    }

    private void retry(Item head, SendResult.Retry retry) {
        status.failed(retry.error());
        if (head.attempts > settings.maxRetries()) {
            die(head, retry.error());
            return;
        }
        status.retried();
        ledger.failed(name, head.hit.id(), retry.error(), now());
        live(SinkEvent.of(name, "retry", head.hit.id(), retry.error()));
        Duration wait = retry.after() != null ? retry.after()
                : settings.backoffFor(head.attempts, ThreadLocalRandom.current().nextDouble());
        getContext().getLog().info("sink {}: attempt {} of {} failed ({}); next in {} ms", name, head.attempts,
                head.hit.id(), retry.error(), wait.toMillis());
        backOff(wait);
    }

    private void backOff(Duration wait) {
        backingOff = true;
        timers.startSingleTimer(Tick.RETRY, Tick.RETRY, wait);
    }

    /** The head goes to the dead letters: the file first, then the ledger. */
    private void die(Item head, String error) {
        deadLetters.append(name, head.hit, head.attempts, error, Instant.ofEpochMilli(now()), payloadOf(head.hit));
        ledger.dead(name, head.hit.id(), error, now());
        status.dead();
        status.error(error);
        live(SinkEvent.of(name, offReason != null ? "off" : "dead", head.hit.id(), error));
        getContext().getLog().warn("sink {}: hit {} is a dead letter after {} attempt(s): {}", name, head.hit.id(),
                head.attempts, error);
        removeHead();
    }

    /** On the live stream ({@link LiveEvent}), after the ledger has it. */
    private void live(SinkEvent e) {
        getContext().getSystem().eventStream().tell(new org.apache.pekko.actor.typed.eventstream.EventStream.Publish<>(e));
    }

    private Behavior<SinkActor.Command> onDrain(SinkActor.Drain d) {
        draining = true;
        drainers.add(d.replyTo());
        pump();
        return this;
    }

    private String payloadOf(Hit hit) {
        try {
            return sink.payload(hit);
        } catch (RuntimeException e) {
            return null; // the dead letter still holds the hit
        }
    }

    private Behavior<SinkActor.Command> onRetry() {
        backingOff = false;
        pump();
        return this;
    }

    private Behavior<SinkActor.Command> onResume() {
        int room = settings.queueSize() - waiting.size();
        if (offReason != null || room <= 0) {
            return this;
        }
        try {
            List<DeliveryLedger.Entry> claimed = ledger.claim(name, runtime.owner(), leaseUntil(), now(), room, held);
            for (DeliveryLedger.Entry e : claimed) {
                Hit hit = DeliveryLedger.hit(e.payload()).toHit();
                if (runtime.stale(settings, hit.barStart())) {
                    ledger.skipped(name, e.id(), "bar ended more than " + settings.maxAge() + " ago (max-age)", now());
                } else {
                    add(new Item(hit, e.attempts()));
                }
            }
            if (!claimed.isEmpty()) {
                getContext().getLog().info("sink {}: resumed {} queued hit(s) from the ledger", name, claimed.size());
            }
        } catch (RuntimeException e) {
            status.error("delivery ledger: " + e.getMessage());
            getContext().getLog().warn("sink {}: could not read the ledger ({}); trying again in {}", name,
                    e.toString(), settings.resumeEvery());
        }
        pump();
        return this;
    }

    private Behavior<SinkActor.Command> onRedeliver(SinkActor.Redeliver r) {
        String wasOff = offReason;
        offReason = null;
        status.on();
        try {
            List<DeliveryLedger.Entry> again = ledger.requeueDead(name, runtime.owner(), leaseUntil(), now());
            Set<String> ids = new HashSet<>();
            for (DeliveryLedger.Entry e : again) {
                ids.add(e.id());
                if (!held.contains(e.id())) {
                    add(new Item(DeliveryLedger.hit(e.payload()).toHit(), 0));
                }
            }
            deadLetters.remove(ids);
            getContext().getLog().info("sink {}: {} dead letter(s) queued again{}", name, again.size(),
                    wasOff != null ? "; switched on again" : "");
            r.replyTo().tell(new HitRouter.Redelivered(name, again.size(), null));
        } catch (RuntimeException e) {
            r.replyTo().tell(new HitRouter.Redelivered(name, -1, "could not read the delivery ledger"));
            getContext().getLog().warn("sink {}: redeliver failed: {}", name, e.toString());
        }
        pump();
        return this;
    }
}
