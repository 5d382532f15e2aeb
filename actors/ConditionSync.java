package actors;

import conditions.ConditionException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import persistence.CborSerializable;

/**
 * Keeps every node's {@link ConditionRegistry} on the same set: each node announces its set's
 * version and digest on a cluster topic when it changes locally and every {@code interval}; a node
 * that hears of a newer set fetches it from the announcer, in parts, and takes it. So a change made
 * through any node's API reaches every entity of the cluster within moments, a node that was down
 * catches up within one interval, and concurrent changes converge on the newest (last writer wins,
 * by the nodes' clocks).
 *
 * <p>Why announce and fetch, and not publish the set: Artery drops a message above its frame size
 * (256 KiB), which a few thousand conditions pass, and the nodes then silently disagreed. The
 * announcement is small whatever the set; the set travels in {@link #PART}-character parts, and only
 * to a node that lacks it. A part lost on the way leaves the fetch incomplete; the next announcement
 * starts it again.
 */
public final class ConditionSync {
    public static final String TOPIC = "tickwatch-conditions";
    /** Characters of the set's text a {@link Part} carries: at most 3 bytes each in UTF-8, 96 KiB. */
    static final int PART = 32 * 1024;

    public sealed interface Command {
    }

    /** A node's set: its version and digest ({@link ConditionRegistry#digestOf}), and where to fetch it. */
    public record Announce(long version, String digest, ActorRef<Command> from) implements Command, CborSerializable {
    }

    /** Asks a node for the parts of its set, if it still has that one. */
    public record Fetch(long version, String digest, ActorRef<Command> replyTo) implements Command, CborSerializable {
    }

    /** Part {@code index} of {@code count} of a set's text, as its conditions file holds it. */
    public record Part(long version, String digest, int index, int count, String text)
            implements Command, CborSerializable {
    }

    /** The local set changed: announce it now. */
    public enum Publish implements Command {
        INSTANCE
    }

    private ConditionSync() {
    }

    public static Behavior<Command> create(ConditionRegistry registry, Duration interval) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ActorRef<Topic.Command<Announce>> topic = ctx.spawn(Topic.create(Announce.class, TOPIC), "topic");
            topic.tell(Topic.<Announce>subscribe(ctx.getSelf().narrow()));
            timers.startTimerWithFixedDelay(Publish.INSTANCE, interval);
            return new ConditionSync.Running(ctx, registry, topic, interval).behavior();
        }));
    }

    /** The sync of one node: its announcements, the parts it serves, and the one set it is fetching. */
    private static final class Running {
        private final ActorContext<Command> ctx;
        private final ConditionRegistry registry;
        private final ActorRef<Topic.Command<Announce>> topic;
        private final long refetchNanos;
        /** The set being fetched, or null. */
        private Fetching fetching;

        Running(ActorContext<Command> ctx, ConditionRegistry registry, ActorRef<Topic.Command<Announce>> topic,
                Duration interval) {
            this.ctx = ctx;
            this.registry = registry;
            this.topic = topic;
            this.refetchNanos = interval.toNanos();
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessageEquals(Publish.INSTANCE, () -> {
                        ConditionRegistry.Versioned v = registry.versioned();
                        topic.tell(Topic.publish(new Announce(v.version(), v.digest(), ctx.getSelf())));
                        return Behaviors.same();
                    })
                    .onMessage(Announce.class, this::onAnnounce)
                    .onMessage(Fetch.class, this::onFetch)
                    .onMessage(Part.class, this::onPart)
                    .build();
        }

        private Behavior<Command> onAnnounce(Announce a) {
            if (!ConditionRegistry.Versioned.newer(a.version(), a.digest(), registry.versioned())) {
                return Behaviors.same();
            }
            boolean same = fetching != null && fetching.version == a.version() && fetching.digest.equals(a.digest());
            if (!same || System.nanoTime() - fetching.started > refetchNanos) { // a new set, or parts were lost
                fetching = new Fetching(a.version(), a.digest(), System.nanoTime());
                a.from().tell(new Fetch(a.version(), a.digest(), ctx.getSelf()));
            }
            return Behaviors.same();
        }

        private Behavior<Command> onFetch(Fetch f) {
            ConditionRegistry.Versioned v = registry.versioned();
            if (v.version() != f.version() || !v.digest().equals(f.digest())) {
                return Behaviors.same(); // changed since: our next announcement tells of the new one
            }
            String json = v.json();
            int count = Math.max(1, (json.length() + PART - 1) / PART);
            for (int i = 0; i < count; i++) {
                f.replyTo().tell(new Part(v.version(), v.digest(), i, count,
                        json.substring(i * PART, Math.min(json.length(), (i + 1) * PART))));
            }
            return Behaviors.same();
        }

        private Behavior<Command> onPart(Part p) {
            if (fetching == null || fetching.version != p.version() || !fetching.digest.equals(p.digest())) {
                return Behaviors.same();
            }
            String json = fetching.add(p);
            if (json == null) {
                return Behaviors.same();
            }
            fetching = null;
            if (!ConditionRegistry.digestOf(json).equals(p.digest())) {
                ctx.getLog().error("conditions fetched from another node do not match their digest; keeping ours");
                return Behaviors.same();
            }
            try {
                if (registry.offer(json, p.version())) {
                    ctx.getLog().info("took the cluster's newer conditions (version {}): {} condition(s)",
                            p.version(), registry.current().size());
                }
            } catch (ConditionException e) {
                ctx.getLog().error("conditions from another node do not parse here; keeping ours: {}", e.getMessage());
            } catch (IOException e) {
                ctx.getLog().error("writing the conditions from another node failed; keeping ours: {}", e.toString());
            }
            return Behaviors.same();
        }
    }

    /** The parts of one set received so far. */
    private static final class Fetching {
        final long version;
        final String digest;
        final long started;
        private final List<String> parts = new ArrayList<>();

        Fetching(long version, String digest, long started) {
            this.version = version;
            this.digest = digest;
            this.started = started;
        }

        /** Adds part {@code p}: the whole text once every part is in, else null (parts arrive in order). */
        String add(Part p) {
            if (p.index() != parts.size()) {
                return null; // one was lost: the next announcement fetches again
            }
            parts.add(p.text());
            return parts.size() == p.count() ? String.join("", parts) : null;
        }
    }
}
