package actors;

import actors.sinks.HitSink;
import actors.sinks.QueuedSink;
import actors.sinks.SinkStatus;
import conditions.Hit;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import persistence.CborSerializable;
import persistence.StoredHit;

/**
 * Fans each hit out to the sinks its condition names and confirms it to the entity only when every
 * one of them has durably handled it. One router per node; each sink is a child actor on the
 * blocking dispatcher, restarted with backoff when it fails, so a slow or failing sink never delays
 * an entity or another sink (the entity keeps the hit pending and asks again).
 *
 * <p>Unknown sink names are logged once each and skipped. A hit whose sinks are all unknown is
 * confirmed at once (there is nowhere to deliver it; retrying would not help).
 */
public final class HitRouter extends AbstractBehavior<HitRouter.Command> {

    public sealed interface Command {
    }

    /** Deliver {@code hit}; {@link Ack} goes to {@code replyTo} once every named sink has it. */
    public record Route(StoredHit hit, ActorRef<Ack> replyTo) implements Command, CborSerializable {
    }

    public record Ack(String hitId) implements CborSerializable {
    }

    /** Send the dead letters of sink {@code sink} again; {@link Redelivered} answers. */
    public record Redeliver(String sink, ActorRef<Redelivered> replyTo) implements Command {
    }

    /**
     * @param sink    the sink
     * @param count   dead letters queued again; -1 when the sink does not exist or the ledger failed
     * @param problem why nothing was queued again, or null
     */
    public record Redelivered(String sink, int count, String problem) {
    }

    /**
     * The node is stopping: every sink finishes the attempt on the wire and records it, then starts
     * no other; {@link Drained} answers when all have (hits still queued are resumed after the restart).
     */
    public record Drain(ActorRef<Drained> replyTo) implements Command {
    }

    public enum Drained {
        INSTANCE
    }

    /** From a sink actor: it has no attempt running any more. */
    record SinkDrained(String sink) implements Command {
    }

    /** From a sink actor: it has handled the hit. */
    record SinkDone(String sink, String hitId) implements Command {
    }

    private enum Sweep implements Command {
        INSTANCE
    }

    /** A hit waiting for sinks. */
    private static final class InFlight {
        final Hit hit;
        final Set<String> remaining;
        final List<ActorRef<Ack>> waiters = new ArrayList<>();
        long lastRouted;

        InFlight(Hit hit, Set<String> remaining) {
            this.hit = hit;
            this.remaining = remaining;
        }
    }

    private final List<HitSink> sinkList;
    private final Map<String, ActorRef<SinkActor.Command>> sinks = new LinkedHashMap<>();
    private final RecentHits recent;
    private final Duration forgetAfter;
    private final Map<String, InFlight> inFlight = new HashMap<>();
    private final Set<String> warnedUnknown = new HashSet<>();

    /**
     * @param sinks       the sinks by name (closed when the router stops)
     * @param recent      fed with every hit once delivered
     * @param forgetAfter a hit whose sinks have not all answered by then is forgotten here (its
     *                    entity asks again; sinks drop what they already handled)
     */
    public static Behavior<Command> create(List<HitSink> sinks, RecentHits recent, Duration forgetAfter) {
        return create(sinks, SinkRuntime.withoutLedger(java.nio.file.Path.of("data")), recent, forgetAfter);
    }

    /**
     * @param runtime the ledger, settings and statuses the sinks run with: a {@link QueuedSink} runs
     *                in a {@link SinkQueue}, any other sink in a {@link SinkActor}
     */
    public static Behavior<Command> create(List<HitSink> sinks, SinkRuntime runtime, RecentHits recent,
                                           Duration forgetAfter) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Sweep.INSTANCE, forgetAfter);
            return new HitRouter(ctx, sinks, runtime, recent, forgetAfter);
        }));
    }

    private HitRouter(ActorContext<Command> ctx, List<HitSink> sinkList, SinkRuntime runtime, RecentHits recent,
                      Duration forgetAfter) {
        super(ctx);
        this.sinkList = List.copyOf(sinkList);
        this.recent = recent;
        this.forgetAfter = forgetAfter;
        for (HitSink s : sinkList) {
            boolean queued = s instanceof QueuedSink;
            SinkStatus status = runtime.statuses().computeIfAbsent(s.name(),
                    n -> new SinkStatus(n, runtime.types().getOrDefault(n, "?"), queued));
            status.details(s::details);
            Behavior<SinkActor.Command> run = queued ? SinkQueue.create((QueuedSink) s, runtime, status)
                    : SinkActor.create(s, runtime, status);
            Behavior<SinkActor.Command> b = Behaviors.supervise(run)
                    .onFailure(Exception.class, SupervisorStrategy.restartWithBackoff(
                            Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
            String actorName = "sink-" + URLEncoder.encode(s.name(), StandardCharsets.UTF_8);
            sinks.put(s.name(), ctx.spawn(b, actorName, DispatcherSelector.fromConfig("tickwatch.hits.sink-dispatcher")));
        }
        ctx.getLog().info("hit router up with sinks {}", sinks.keySet());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Route.class, this::onRoute)
                .onMessage(SinkDone.class, this::onSinkDone)
                .onMessage(Redeliver.class, this::onRedeliver)
                .onMessage(Drain.class, this::onDrain)
                .onMessage(SinkDrained.class, this::onSinkDrained)
                .onMessageEquals(Sweep.INSTANCE, this::onSweep)
                .onSignal(PostStop.class, s -> onStop())
                .build();
    }

    private Behavior<Command> onRoute(Route r) {
        String id = r.hit().id();
        InFlight f = inFlight.get(id);
        if (f == null) {
            Set<String> targets = new LinkedHashSet<>();
            for (String name : r.hit().sinks()) {
                if (sinks.containsKey(name)) {
                    targets.add(name);
                } else if (warnedUnknown.add(name)) {
                    getContext().getLog().warn("hit {} names unknown sink \"{}\" (known: {}); skipping it"
                            + " (logged once per sink name)", id, name, sinks.keySet());
                }
            }
            f = new InFlight(r.hit().toHit(), targets);
            if (targets.isEmpty()) {
                recent.add(f.hit);
                r.replyTo().tell(new Ack(id));
                return this;
            }
            inFlight.put(id, f);
        }
        f.waiters.add(r.replyTo());
        f.lastRouted = System.nanoTime();
        // Send (again) to every sink that has not answered: a sink that restarted lost its message.
        for (String name : f.remaining) {
            sinks.get(name).tell(new SinkActor.Deliver(f.hit, getContext().getSelf()));
        }
        return this;
    }

    private Behavior<Command> onSinkDone(SinkDone d) {
        InFlight f = inFlight.get(d.hitId());
        if (f == null || !f.remaining.remove(d.sink()) || !f.remaining.isEmpty()) {
            return this;
        }
        inFlight.remove(d.hitId());
        recent.add(f.hit);
        Ack ack = new Ack(d.hitId());
        for (ActorRef<Ack> w : f.waiters) {
            w.tell(ack);
        }
        return this;
    }

    private final List<ActorRef<Drained>> drainers = new ArrayList<>();
    private final Set<String> draining = new HashSet<>();

    private Behavior<Command> onDrain(Drain d) {
        drainers.add(d.replyTo());
        if (sinks.isEmpty()) {
            d.replyTo().tell(Drained.INSTANCE);
            return this;
        }
        draining.addAll(sinks.keySet());
        sinks.values().forEach(s -> s.tell(new SinkActor.Drain(getContext().getSelf())));
        return this;
    }

    private Behavior<Command> onSinkDrained(SinkDrained d) {
        if (draining.remove(d.sink()) && draining.isEmpty()) {
            drainers.forEach(w -> w.tell(Drained.INSTANCE));
            drainers.clear();
        }
        return this;
    }

    private Behavior<Command> onRedeliver(Redeliver r) {
        ActorRef<SinkActor.Command> s = sinks.get(r.sink());
        if (s == null) {
            r.replyTo().tell(new Redelivered(r.sink(), -1, "no sink \"" + r.sink() + "\" (known: " + sinks.keySet() + ")"));
        } else {
            s.tell(new SinkActor.Redeliver(r.replyTo()));
        }
        return this;
    }

    private Behavior<Command> onSweep() {
        long cutoff = System.nanoTime() - forgetAfter.toNanos();
        inFlight.values().removeIf(f -> f.lastRouted - cutoff < 0);
        return this;
    }

    private Behavior<Command> onStop() {
        for (HitSink s : sinkList) {
            try {
                s.close();
            } catch (Exception e) {
                getContext().getLog().warn("closing sink {}: {}", s.name(), e.toString());
            }
        }
        return this;
    }
}
