package engine.universe;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import persistence.CborSerializable;

/**
 * Runs the {@link UniverseJob} on one node of the cluster (a cluster singleton): it looks at the
 * job's clock every check interval and passes on refresh requests from any node. When the node
 * leaves, the singleton starts on another, whose job resumes the day's run from the store.
 */
public final class UniverseRunner {
    public static final String NAME = "universe-runner";

    public interface Command extends CborSerializable {
    }

    private enum Check implements Command {
        INSTANCE
    }

    /** Run now (for the last completed trading day); answered once the run is asked for. */
    public record Refresh(ActorRef<Done> replyTo) implements Command {
    }

    public record GetStatus(ActorRef<Status> replyTo) implements Command {
    }

    /** The job's health on the node running it. */
    public record Status(Map<String, Object> job) implements CborSerializable {
    }

    private UniverseRunner() {
    }

    /** Starts this node's part of the singleton; returns the proxy every node asks. */
    public static ActorRef<Command> init(ActorSystem<?> system, Supplier<UniverseJob> jobs, Duration checkInterval) {
        return ClusterSingleton.get(system).init(SingletonActor.of(create(jobs, checkInterval), NAME));
    }

    static Behavior<Command> create(Supplier<UniverseJob> jobs, Duration every) {
        return Behaviors.setup(ctx -> {
            UniverseJob job = jobs.get();
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(Check.INSTANCE, every);
                return Behaviors.receive(Command.class)
                        .onMessage(Check.class, c -> {
                            job.check();
                            return Behaviors.same();
                        })
                        .onMessage(Refresh.class, r -> {
                            job.requestRefresh();
                            job.check();
                            r.replyTo().tell(Done.getInstance());
                            return Behaviors.same();
                        })
                        .onMessage(GetStatus.class, g -> {
                            g.replyTo().tell(new Status(job.health()));
                            return Behaviors.same();
                        })
                        .onSignal(PostStop.class, s -> {
                            job.close();
                            return Behaviors.same();
                        })
                        .build();
            });
        });
    }
}
