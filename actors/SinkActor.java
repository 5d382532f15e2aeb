package actors;

import actors.sinks.HitSink;
import actors.sinks.SinkSettings;
import actors.sinks.SinkStatus;
import conditions.Hit;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import persistence.DeliveryLedger;
import persistence.StoredHit;

/**
 * Runs one direct {@link HitSink} ({@code log}, {@code file}: sinks that finish a hit in
 * {@code deliver}): one hit at a time, dropping ids it has already handled (those it handled since
 * start, and those the sink reports from before). The set of handled ids lives outside the
 * supervised behavior, so it survives the restarts that follow a failed delivery. A sink that
 * sends over the network ({@code QueuedSink}) runs in a {@link SinkQueue} instead.
 */
final class SinkActor {
    /** Ids remembered per sink; a hit is only ever delivered again while it is recent. */
    static final int REMEMBER = 100_000;

    /** What the router tells a sink's actor. */
    interface Command {
    }

    record Deliver(Hit hit, ActorRef<HitRouter.Command> replyTo) implements Command {
    }

    /** Send the sink's dead letters again; answered with how many were queued again. */
    record Redeliver(ActorRef<HitRouter.Redelivered> replyTo) implements Command {
    }

    /**
     * The node is stopping: start no new attempt, and answer {@link HitRouter.SinkDrained} once the
     * attempt on the wire (if any) has ended and its outcome is recorded, so a graceful stop never
     * leaves a sent hit unrecorded (it would be sent again after the restart).
     */
    record Drain(ActorRef<HitRouter.Command> replyTo) implements Command {
    }

    private SinkActor() {
    }

    static Behavior<Command> create(HitSink sink, SinkRuntime runtime, SinkStatus status) {
        LinkedHashSet<String> handled = new LinkedHashSet<>(sink.handledBefore());
        trim(handled);
        SinkSettings settings = runtime.settingsOf(sink.name());
        boolean ledgered = sink.ledgered() && runtime.ledger() != null;
        // ids the sink's own output held at start: their ledger rows are marked sent when they come again
        // (a kill between the write and the mark leaves such a row pending)
        Set<String> fromOutput = ledgered ? new HashSet<>(handled) : Set.of();
        return Behaviors.setup(ctx -> Behaviors.receive(Command.class)
                .onMessage(Deliver.class, d -> {
                    String id = d.hit().id();
                    if (!handled.contains(id)) {
                        if (runtime.stale(settings, d.hit().barStart())) {
                            skip(sink.name(), d.hit(), runtime, settings);
                        } else if (ledgered) {
                            if (!deliverOnce(sink, d.hit(), runtime, settings, status, handled, fromOutput)) {
                                // another node holds the hit's row: no confirmation, so the entity offers the
                                // hit again (tickwatch.hits.retry-interval) until that node marks it sent or
                                // its lease runs out and this node takes it over
                                ctx.getLog().info("sink {}: hit {} is being delivered by {}; waiting for it or its lease",
                                        sink.name(), id, holder(runtime, sink.name(), id));
                                return Behaviors.same();
                            }
                        } else {
                            deliver(sink, d.hit(), status);
                        }
                        handled.add(id);
                        trim(handled);
                    } else if (fromOutput.contains(id)) {
                        markWritten(sink.name(), d.hit(), runtime);
                        fromOutput.remove(id);
                    }
                    d.replyTo().tell(new HitRouter.SinkDone(sink.name(), id));
                    return Behaviors.same();
                })
                .onMessage(Drain.class, d -> {
                    d.replyTo().tell(new HitRouter.SinkDrained(sink.name()));
                    return Behaviors.same();
                })
                .onMessage(Redeliver.class, r -> {
                    r.replyTo().tell(new HitRouter.Redelivered(sink.name(), 0,
                            "sink \"" + sink.name() + "\" has no dead letters: it finishes each hit as it comes"));
                    return Behaviors.same();
                })
                .build());
    }

    private static void deliver(HitSink sink, Hit hit, SinkStatus status) throws Exception {
        try {
            sink.deliver(hit);
            status.sent();
        } catch (Exception e) {
            status.failed(e.toString());
            throw e;
        }
    }

    /**
     * A ledgered direct sink's delivery, once across the cluster: the hit's row is inserted
     * {@code queued} (or, when a row exists, taken over with {@code begin}: it is pending and this
     * node owns it or its owner's lease ran out), then the hit is delivered (the file sink: written
     * and forced to disk), then the row is marked {@code sent}. A row another node marked sent (or
     * skipped) means done, without a write. The window left: a kill between the delivery and the mark
     * leaves a pending row whose hit is already in the dead node's output; the node the ticker moves
     * to delivers it again once the lease ran out. The sink's actor works one hit at a time, so that is
     * at most one hit per sink and killed node.
     *
     * @return false when another node holds the row (its lease not over): nothing was delivered
     */
    private static boolean deliverOnce(HitSink sink, Hit hit, SinkRuntime runtime, SinkSettings settings,
                                       SinkStatus status, Set<String> handled, Set<String> fromOutput)
            throws Exception {
        DeliveryLedger ledger = runtime.ledger();
        String name = sink.name();
        try {
            long now = runtime.clock().millis();
            long until = now + settings.lease().toMillis();
            if (!ledger.enqueue(name, hit.id(), DeliveryLedger.payload(StoredHit.of(hit)), runtime.owner(), until, now)) {
                Optional<DeliveryLedger.Entry> row = ledger.get(name, hit.id());
                if (row.isPresent() && !row.get().state().pending()) {
                    return true; // sent (or skipped) by this node before or by another node
                }
                if (ledger.begin(name, hit.id(), runtime.owner(), until, now).isEmpty()) {
                    return false;
                }
            }
        } catch (RuntimeException e) {
            status.failed(e.toString());
            throw e;
        }
        deliver(sink, hit, status);
        try {
            ledger.sent(name, hit.id(), runtime.clock().millis());
        } catch (RuntimeException e) {
            // delivered, not marked: no confirmation, so the entity offers the hit again; this node then
            // finds the id among those it handled and tries the mark again instead of a second write
            handled.add(hit.id());
            fromOutput.add(hit.id());
            status.failed(e.toString());
            throw e;
        }
        return true;
    }

    /** A hit the sink's output already held at start: its row (left pending by a crash, or none) says sent. */
    private static void markWritten(String sink, Hit hit, SinkRuntime runtime) {
        long now = runtime.clock().millis();
        if (!runtime.ledger().record(sink, hit.id(), DeliveryLedger.State.SENT, null,
                DeliveryLedger.payload(StoredHit.of(hit)), now)) {
            runtime.ledger().sent(sink, hit.id(), now);
        }
    }

    private static String holder(SinkRuntime runtime, String sink, String id) {
        return runtime.ledger().get(sink, id).map(e -> e.owner() + " (lease until "
                + java.time.Instant.ofEpochMilli(e.leaseUntil()) + ")").orElse("another node");
    }

    /** A stale hit: recorded as skipped in the ledger (when there is one), not delivered. */
    static void skip(String sink, Hit hit, SinkRuntime runtime, SinkSettings settings) {
        if (runtime.ledger() != null) {
            runtime.ledger().record(sink, hit.id(), DeliveryLedger.State.SKIPPED, "bar ended more than "
                    + settings.maxAge() + " ago (max-age)", DeliveryLedger.payload(StoredHit.of(hit)), runtime.clock().millis());
        }
    }

    private static void trim(LinkedHashSet<String> handled) {
        for (Iterator<String> it = handled.iterator(); handled.size() > REMEMBER && it.hasNext(); ) {
            it.next();
            it.remove();
        }
    }
}
