package actors;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import persistence.CborSerializable;
import persistence.StoredHit;

/**
 * Answers for this node's {@link RecentHits} to the other nodes of the cluster. A hit is delivered
 * by the router of the node its ticker's entity runs on, so each node knows only its own; the API
 * of any node asks the {@link #NAME} system actor of every Up member and merges the answers. (By
 * membership rather than the receptionist: its listing lags a join by seconds, and a node missing
 * from it would be left out without a word.)
 */
public final class HitsQuery {
    /** Spawned with this name under {@code /system} on every node. */
    public static final String NAME = "hits-query";

    public sealed interface Command extends CborSerializable {
    }

    /** Up to {@code limit} recent hits of {@code symbol} (every symbol when null), newest first. */
    public record Recent(String symbol, int limit, ActorRef<Hits> replyTo) implements Command {
    }

    public record Hits(List<StoredHit> hits) implements CborSerializable {
        public Hits {
            hits = List.copyOf(hits);
        }
    }

    private HitsQuery() {
    }

    public static Behavior<Command> create(RecentHits recent) {
        return Behaviors.receive(Command.class)
                .onMessage(Recent.class, r -> {
                    r.replyTo().tell(new Hits(recent.recent(r.symbol(), r.limit()).stream().map(StoredHit::of).toList()));
                    return Behaviors.same();
                })
                .build();
    }
}
