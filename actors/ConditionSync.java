package actors;

import conditions.ConditionException;
import java.io.IOException;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import persistence.CborSerializable;

/**
 * Keeps every node's {@link ConditionRegistry} on the same set: each node publishes its set (with
 * its version) on a cluster topic when it changes locally and every {@code interval}, and takes
 * any newer set it hears of. So a change made through any node's API reaches every entity of the
 * cluster within moments, a node that was down catches up within one interval, and concurrent
 * changes converge on the newest (last writer wins, by the nodes' clocks).
 */
public final class ConditionSync {
    public static final String TOPIC = "tickwatch-conditions";

    public sealed interface Command {
    }

    /** A node's whole condition set, as its conditions file holds it. */
    public record Conditions(String json, long version) implements Command, CborSerializable {
    }

    /** The local set changed: publish it now. */
    public enum Publish implements Command {
        INSTANCE
    }

    private ConditionSync() {
    }

    public static Behavior<Command> create(ConditionRegistry registry, Duration interval) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ActorRef<Topic.Command<Conditions>> topic = ctx.spawn(Topic.create(Conditions.class, TOPIC), "topic");
            topic.tell(Topic.<Conditions>subscribe(ctx.getSelf().narrow()));
            timers.startTimerWithFixedDelay(Publish.INSTANCE, interval);
            return Behaviors.receive(Command.class)
                    .onMessageEquals(Publish.INSTANCE, () -> {
                        ConditionRegistry.Versioned v = registry.versioned();
                        topic.tell(Topic.publish(new Conditions(v.json(), v.version())));
                        return Behaviors.same();
                    })
                    .onMessage(Conditions.class, c -> {
                        try {
                            if (registry.offer(c.json(), c.version())) {
                                ctx.getLog().info("took the cluster's newer conditions (version {}): {} condition(s)",
                                        c.version(), registry.current().size());
                            }
                        } catch (ConditionException e) {
                            ctx.getLog().error("conditions from another node do not parse here; keeping ours: {}",
                                    e.getMessage());
                        } catch (IOException e) {
                            ctx.getLog().error("writing the conditions from another node failed; keeping ours: {}",
                                    e.toString());
                        }
                        return Behaviors.same();
                    })
                    .build();
        }));
    }
}
