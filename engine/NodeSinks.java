package engine;

import actors.HitRouter;
import actors.SinkRuntime;
import actors.sinks.SinkHealth;
import actors.sinks.SinkStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import persistence.DeadLetterFile;
import persistence.DeliveryLedger;

/**
 * The node's operations on its sinks: their health ({@code GET /api/sinks}) and sending a sink's dead
 * letters again ({@code POST /api/sinks/NAME/redeliver}). Health reads the sinks' live status on this
 * node and, for queued sinks, the cluster's ledger counts, on the blocking dispatcher.
 */
public final class NodeSinks {
    private final ActorSystem<?> system;
    private final ActorRef<HitRouter.Command> router;
    private final SinkRuntime runtime;

    NodeSinks(ActorSystem<?> system, ActorRef<HitRouter.Command> router, SinkRuntime runtime) {
        this.system = system;
        this.router = router;
        this.runtime = runtime;
    }

    /** Every sink's health, by name. */
    public CompletionStage<List<SinkHealth>> health() {
        return CompletableFuture.supplyAsync(() -> {
            List<SinkHealth> out = new ArrayList<>();
            for (SinkStatus s : runtime.all()) {
                out.add(health(s));
            }
            return out;
        }, system.dispatchers().lookup(DispatcherSelector.blocking()));
    }

    private SinkHealth health(SinkStatus s) {
        long deadLetters = new DeadLetterFile(runtime.dataDir(), s.name()).count();
        Map<DeliveryLedger.State, Long> c = runtime.ledger() == null ? null : runtime.ledger().counts(s.name());
        long skipped = c == null ? 0 : c.get(DeliveryLedger.State.SKIPPED);
        if (!s.queued() || c == null) {
            return new SinkHealth(s.name(), s.type(), s.state(), 0, s.sentCount(), s.failedCount(), skipped, 0,
                    deadLetters, s.overflowCount(), s.lastError(), s.lastErrorAt(), details(s));
        }
        return new SinkHealth(s.name(), s.type(), s.state(), c.get(DeliveryLedger.State.QUEUED)
                + c.get(DeliveryLedger.State.FAILED), c.get(DeliveryLedger.State.SENT),
                c.get(DeliveryLedger.State.FAILED), skipped, c.get(DeliveryLedger.State.DEAD), deadLetters,
                s.overflowCount(), s.lastError(), s.lastErrorAt(), details(s));
    }

    /** The sink's own figures; a sink that fails to give them costs its health nothing else. */
    private static Object details(SinkStatus s) {
        try {
            return s.details();
        } catch (RuntimeException e) {
            return java.util.Map.of("error", e.getClass().getSimpleName());
        }
    }

    /** The live status of every sink on this node, by name. */
    java.util.Collection<SinkStatus> statuses() {
        return runtime.all();
    }

    /** Whether the node has a sink of that name. */
    public boolean has(String name) {
        return runtime.statuses().containsKey(name);
    }

    /** Queues the sink's dead letters again (and switches it on if a 410 had switched it off). */
    public CompletionStage<HitRouter.Redelivered> redeliver(String name, Duration timeout) {
        return AskPattern.ask(router, reply -> new HitRouter.Redeliver(name, reply), timeout, system.scheduler());
    }
}
