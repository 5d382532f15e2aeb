package actors;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import persistence.CborSerializable;

/**
 * Whether anyone, on any node, is watching the live stream: the dashboard's forming bars are made
 * only then. Each entity would otherwise turn its forming bar into JSON and publish it on the
 * cluster topic twice a second with no browser open (about a sixth of {@code bench node}'s
 * throughput). A node with stream clients says so on the cluster topic {@value #TOPIC} every
 * {@code tickwatch.live.demand-interval} ({@code engine.live.LiveHub}); every node that hears it
 * makes forming bars for three such intervals more. Hits and closed bars are always published:
 * they are rare, and a client that reconnects resumes them from the replay buffer.
 */
public final class LiveDemand implements Extension {
    public static final String TOPIC = "tickwatch-live-demand";

    /** "Some node has stream clients": published by that node, heard by all. */
    public record Watching(String node) implements CborSerializable {
    }

    private final long holdNanos;
    private volatile long until = System.nanoTime(); // wanted while now is before it

    private LiveDemand(Duration interval) {
        this.holdNanos = interval.multipliedBy(3).toNanos();
    }

    /** True while some node's stream has clients (heard within three announcement intervals). */
    public boolean wanted() {
        return System.nanoTime() - until < 0;
    }

    /** A node announced clients: forming bars are wanted for the next three intervals. */
    public void heard() {
        until = System.nanoTime() + holdNanos;
    }

    public static LiveDemand get(ActorSystem<?> system) {
        return Id.INSTANCE.apply(system);
    }

    /** How often a node with clients announces them. */
    public static Duration interval(ActorSystem<?> system) {
        var config = system.settings().config();
        return config.hasPath("tickwatch.live.demand-interval")
                ? config.getDuration("tickwatch.live.demand-interval") : Duration.ofSeconds(1);
    }

    private static final class Id extends ExtensionId<LiveDemand> {
        static final Id INSTANCE = new Id();

        @Override
        public LiveDemand createExtension(ActorSystem<?> system) {
            return new LiveDemand(interval(system));
        }
    }
}
