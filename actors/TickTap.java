package actors;

import conditions.Tick;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The next accepted tick of a symbol, for whoever waits for one (the paper broker fills a simulated
 * order at the next tick's price). The node hands every batch its entities accepted to
 * {@link #accepted} next to the recorder; with nobody waiting that is one map lookup per batch.
 * One per actor system: it sees the ticks of this node's entities only.
 */
public final class TickTap implements Extension {
    private final Map<String, List<Waiter>> waiting = new ConcurrentHashMap<>();

    private record Waiter(long after, CompletableFuture<Tick> next) {
    }

    private static final ExtensionId<TickTap> ID = new ExtensionId<>() {
        @Override
        public TickTap createExtension(ActorSystem<?> system) {
            return new TickTap();
        }
    };

    public static TickTap get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** The first tick of {@code symbol} accepted after this call whose time is at or after {@code after} (epoch millis). */
    public synchronized CompletionStage<Tick> next(String symbol, long after) {
        CompletableFuture<Tick> f = new CompletableFuture<>();
        waiting.computeIfAbsent(symbol, s -> new CopyOnWriteArrayList<>()).add(new Waiter(after, f));
        return f;
    }

    /** Ticks an entity of this node accepted (on the entity's thread: returns at once). */
    public void accepted(List<Tick> ticks) {
        if (waiting.isEmpty() || ticks.isEmpty()) {
            return; // the usual case, without a lock
        }
        deliver(ticks);
    }

    private synchronized void deliver(List<Tick> ticks) {
        List<Waiter> ws = waiting.get(ticks.get(0).symbol());
        if (ws == null) {
            return;
        }
        for (Tick t : ticks) {
            for (Waiter w : ws) {
                if (t.time() >= w.after() && w.next().complete(t)) {
                    ws.remove(w);
                }
            }
        }
        ws.removeIf(w -> w.next().isDone()); // completed by a timeout elsewhere
        if (ws.isEmpty()) {
            waiting.remove(ticks.get(0).symbol(), ws);
        }
    }
}
