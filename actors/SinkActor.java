package actors;

import actors.sinks.HitSink;
import actors.sinks.SinkSettings;
import actors.sinks.SinkStatus;
import conditions.Hit;
import java.util.Iterator;
import java.util.LinkedHashSet;
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
        return Behaviors.receive(Command.class)
                .onMessage(Deliver.class, d -> {
                    String id = d.hit().id();
                    if (!handled.contains(id)) {
                        if (runtime.stale(settings, d.hit().barStart())) {
                            skip(sink.name(), d.hit(), runtime, settings);
                        } else {
                            deliver(sink, d.hit(), status);
                        }
                        handled.add(id);
                        trim(handled);
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
                .build();
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
