package engine.sources;

import actors.TickerRegistry;
import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;

/**
 * Which node feeds which ticker: a sharded daemon process of {@code workers} {@link FeedWorker}s,
 * each owning the symbols of one partition ({@link TickerRegistry#partitionOf}). Cluster sharding
 * runs each worker on exactly one node and spreads the workers over the nodes; when a node leaves or
 * is downed, its workers start again on the others (the daemon process pings every worker every
 * {@code pekko.cluster.sharded-daemon-process.keep-alive-interval}). Every node runs one instance of
 * each source ({@link SourceHost}), which the workers placed there share: one connection per node
 * for all the tickers that node feeds. DEVELOPERS.md says why this and not feeds next to their entities.
 */
public final class SourcePlacement {
    public static final String NAME = "source-feeds";

    /**
     * {@code tickwatch.source-placement}.
     *
     * @param workers        partitions of the symbols; the same on every node (a different number
     *                       partitions differently: change it on every node at once)
     * @param resyncInterval how often a worker subscribes again (how long a missed change, or a
     *                       registry that moved, can go unnoticed)
     * @param handOverTimeout how long a moving worker waits for its tickers' last ticks to reach the node
     *                        before it stops (and sharding starts it elsewhere)
     */
    public record Settings(int workers, Duration resyncInterval, Duration handOverTimeout) {
        public static Settings from(Config root) {
            Config c = root.getConfig("tickwatch.source-placement");
            Settings s = new Settings(c.getInt("workers"), c.getDuration("resync-interval"),
                    c.getDuration("hand-over-timeout"));
            if (s.workers < 1) {
                throw new IllegalArgumentException("tickwatch.source-placement.workers must be at least 1");
            }
            if (s.handOverTimeout.isNegative()) {
                throw new IllegalArgumentException("tickwatch.source-placement.hand-over-timeout must not be negative");
            }
            return s;
        }
    }

    private SourcePlacement() {
    }

    /** Starts this node's part of the daemon process (call on every node, with that node's host). */
    public static void init(ActorSystem<?> system, ActorRef<TickerRegistry.Command> registry, SourceHost host,
                            Settings settings) {
        ShardedDaemonProcess.get(system).init(FeedWorker.Command.class, NAME, settings.workers(),
                i -> FeedWorker.create(i, settings.workers(), registry, host, settings.resyncInterval(),
                        settings.handOverTimeout()),
                ShardedDaemonProcessSettings.create(system), java.util.Optional.of(FeedWorker.HandOver.INSTANCE));
    }
}
