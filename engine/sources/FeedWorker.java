package engine.sources;

import actors.TickerRegistry;
import actors.TickerRegistry.FeedAdded;
import actors.TickerRegistry.FeedRemoved;
import actors.TickerRegistry.FeedTickers;
import actors.TickerRegistry.FeedUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import persistence.WatchedTicker;

/**
 * One partition of the watched symbols ({@link TickerRegistry#partitionOf}), run on one node at a
 * time by the sharded daemon process of {@link SourcePlacement}: it subscribes to its partition
 * at the registry and has this node's {@link SourceHost} watch every ticker of it, and unwatch
 * each one that is removed. When sharding moves it to another node (a rebalance, its node leaving)
 * it hands each ticker over ({@link HandOver}): it stops once the ticks taken here reached the node,
 * and only then starts on the other node. When it stops otherwise it unwatches all of them here.
 *
 * <p>It subscribes again every {@code resync} interval: the answer is the whole partition, which
 * repairs a lost message and reaches a registry that moved to another node (whose subscriptions
 * were lost with it). The answer comes in pages ({@link FeedTickers}), which it collects and applies
 * together when the last arrives; an answer with a page missing is dropped, and the next resync
 * repairs it.
 */
public final class FeedWorker {

    public sealed interface Command {
    }

    private record Update(FeedUpdate update) implements Command {
    }

    private enum Subscribe implements Command {
        INSTANCE
    }

    /**
     * Sharding's stop message (see {@link SourcePlacement}): the worker moves to another node (a
     * rebalance, this node leaving). It stops once its tickers' ticks taken here reached the node.
     */
    public enum HandOver implements Command {
        INSTANCE
    }

    private enum Drained implements Command {
        INSTANCE
    }

    private FeedWorker() {
    }

    /**
     * @param handOverTimeout how long a moving worker waits for its tickers' last ticks to reach the
     *                        node ({@link SourceHost#handOver})
     */
    public static Behavior<Command> create(int partition, int partitions, ActorRef<TickerRegistry.Command> registry,
                                           SourceHost host, Duration resync, Duration handOverTimeout) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ActorRef<FeedUpdate> updates = ctx.messageAdapter(FeedUpdate.class, Update::new);
            Runnable subscribe = () -> registry.tell(new TickerRegistry.SubscribeFeeds(partition, partitions, updates));
            subscribe.run();
            timers.startTimerWithFixedDelay(Subscribe.INSTANCE, resync);
            Map<String, WatchedTicker> owned = new HashMap<>();
            Pages pages = new Pages();
            ctx.getLog().debug("feed worker {} of {} up", partition, partitions);
            return Behaviors.receive(Command.class)
                    .onMessage(Update.class, u -> {
                        if (u.update() instanceof FeedTickers page) {
                            List<WatchedTicker> all = pages.add(page);
                            if (all != null) {
                                apply(new FeedTickers(all, 0, true, page.handedOverAt()), owned, host);
                            }
                        } else {
                            apply(u.update(), owned, host);
                        }
                        return Behaviors.same();
                    })
                    .onMessageEquals(Subscribe.INSTANCE, () -> {
                        subscribe.run();
                        return Behaviors.same();
                    })
                    .onMessageEquals(HandOver.INSTANCE, () -> {
                        long at = System.currentTimeMillis();
                        List<CompletableFuture<?>> waits = new ArrayList<>();
                        owned.values().forEach(t -> waits.add(host.handOver(t, handOverTimeout).toCompletableFuture()));
                        ctx.getLog().debug("feed worker {} handing over {} ticker(s)", partition, waits.size());
                        owned.clear();
                        timers.cancelAll();
                        // the registry hears it before this worker stops, so before it starts elsewhere
                        waits.add(AskPattern.<TickerRegistry.Command, Done>ask(registry,
                                r -> new TickerRegistry.FeedsHandedOver(partition, partitions, at, r),
                                handOverTimeout, ctx.getSystem().scheduler()).toCompletableFuture());
                        ctx.pipeToSelf(CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)),
                                (ok, e) -> Drained.INSTANCE);
                        return Behaviors.receive(Command.class) // updates meanwhile are the new home's
                                .onMessageEquals(Drained.INSTANCE, Behaviors::stopped)
                                .build();
                    })
                    .onSignal(PostStop.class, s -> {
                        owned.values().forEach(host::unwatch);
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    private static void apply(FeedUpdate u, Map<String, WatchedTicker> owned, SourceHost host) {
        if (u instanceof FeedTickers all) {
            Map<String, WatchedTicker> now = new HashMap<>();
            all.tickers().forEach(t -> now.put(t.symbol(), t));
            for (WatchedTicker t : new ArrayList<>(owned.values())) {
                if (!t.equals(now.get(t.symbol()))) { // removed, or removed and added again (another source)
                    owned.remove(t.symbol());
                    host.unwatch(t);
                }
            }
            now.values().forEach(t -> add(t, owned, host, all.handedOverAt()));
        } else if (u instanceof FeedAdded a) {
            WatchedTicker old = owned.get(a.ticker().symbol());
            if (old != null && !old.equals(a.ticker())) {
                owned.remove(old.symbol());
                host.unwatch(old);
            }
            add(a.ticker(), owned, host, 0);
        } else if (u instanceof FeedRemoved r) {
            WatchedTicker old = owned.remove(r.ticker().symbol());
            if (old != null) {
                host.unwatch(old);
            }
        }
    }

    /** The pages of one answer to a subscription, collected until the last. */
    private static final class Pages {
        private List<WatchedTicker> collected;
        private int next;

        /** Adds {@code page}: the whole answer when it was the last page of a complete one, else null. */
        List<WatchedTicker> add(FeedTickers page) {
            if (page.page() == 0) {
                collected = new ArrayList<>(page.tickers());
            } else if (collected != null && page.page() == next) {
                collected.addAll(page.tickers());
            } else { // a page of an answer whose start was lost: wait for the next resync
                collected = null;
                return null;
            }
            next = page.page() + 1;
            if (!page.last()) {
                return null;
            }
            List<WatchedTicker> all = collected;
            collected = null;
            return all;
        }
    }

    private static void add(WatchedTicker t, Map<String, WatchedTicker> owned, SourceHost host, long handedOverAt) {
        if (owned.putIfAbsent(t.symbol(), t) == null) {
            host.watch(t, handedOverAt);
        }
    }
}
