package actors;

import actors.sinks.HitSink;
import conditions.Hit;
import java.util.Iterator;
import java.util.LinkedHashSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Runs one {@link HitSink}: one hit at a time, dropping ids it has already handled (those it handled
 * since start, and those the sink reports from before). The set of handled ids lives outside the
 * supervised behavior, so it survives the restarts that follow a failed delivery.
 */
final class SinkActor {
    /** Ids remembered per sink; a hit is only ever delivered again while it is recent. */
    static final int REMEMBER = 100_000;

    record Deliver(Hit hit, ActorRef<HitRouter.Command> replyTo) {
    }

    private SinkActor() {
    }

    static Behavior<Deliver> create(HitSink sink) {
        LinkedHashSet<String> handled = new LinkedHashSet<>(sink.handledBefore());
        trim(handled);
        return Behaviors.receive(Deliver.class)
                .onMessage(Deliver.class, d -> {
                    String id = d.hit().id();
                    if (!handled.contains(id)) {
                        sink.deliver(d.hit());
                        handled.add(id);
                        trim(handled);
                    }
                    d.replyTo().tell(new HitRouter.SinkDone(sink.name(), id));
                    return Behaviors.same();
                })
                .build();
    }

    private static void trim(LinkedHashSet<String> handled) {
        for (Iterator<String> it = handled.iterator(); handled.size() > REMEMBER && it.hasNext(); ) {
            it.next();
            it.remove();
        }
    }
}
