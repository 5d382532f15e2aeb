package actors;

import conditions.Market;
import conditions.Symbols;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import persistence.CborSerializable;
import persistence.RegistryEvent;
import persistence.RegistryEvent.TickerAdded;
import persistence.RegistryEvent.TickerRemoved;
import persistence.RegistrySnapshot;
import persistence.WatchedTicker;

/**
 * The durable set of watched tickers (symbol to source, market if given, and the time it was added), one per cluster
 * (a cluster singleton, event sourced under the persistence id {@code TickerRegistry}).
 *
 * <p>When it starts (first start, node restart, or the singleton moving to another node) it wakes
 * every ticker's entity, so the entity recovers and sends its pending hits; it wakes them again
 * every {@code wakeInterval}, which also restarts entities that sharding moved.
 *
 * <p>It does not run sources. The feed workers ({@code engine.sources.FeedWorker}, one per
 * partition of the symbols, placed on the nodes by a sharded daemon process) each subscribe with
 * {@link SubscribeFeeds}: the registry answers with every ticker of the worker's partition
 * ({@link FeedTickers}) and then tells it each ticker added or removed there. Subscriptions live in
 * memory only; a worker subscribes again every few seconds, which also reaches a registry that has
 * moved to another node.
 */
public final class TickerRegistry
        extends EventSourcedBehaviorWithEnforcedReplies<TickerRegistry.Command, RegistryEvent, TickerRegistry.State> {

    public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("TickerRegistry");

    // ---- commands and replies ----

    public sealed interface Command extends CborSerializable {
    }

    /**
     * Watch a ticker.
     *
     * @param market the ticker's market, or {@code null} to take it from its ticks or its symbol
     *               (see {@code TickerState.marketFor}); stored with the ticker
     * @param addedBy what adds it ({@code WatchedTicker#addedBy}): null for a user
     */
    public record Add(String symbol, String source, Market market, ActorRef<AddResult> replyTo, String addedBy)
            implements Command {
        public Add(String symbol, String source, ActorRef<AddResult> replyTo) {
            this(symbol, source, null, replyTo, null);
        }

        public Add(String symbol, String source, Market market, ActorRef<AddResult> replyTo) {
            this(symbol, source, market, replyTo, null);
        }
    }

    public record Remove(String symbol, ActorRef<RemoveResult> replyTo) implements Command {
    }

    public record ListTickers(ActorRef<Tickers> replyTo) implements Command {
    }

    /**
     * A feed worker's subscription to the tickers of its partition ({@link #partitionOf}):
     * answered with {@link FeedTickers}, followed by a {@link FeedAdded} or {@link FeedRemoved} for
     * each change. Subscribing again replaces the partition's previous subscriber.
     */
    public record SubscribeFeeds(int partition, int partitions, ActorRef<FeedUpdate> subscriber) implements Command {
    }

    /** Stops the singleton (its stop message when the node leaves). */
    public enum Stop implements Command {
        INSTANCE
    }

    private enum WakeAll implements Command {
        INSTANCE
    }

    public sealed interface AddResult extends CborSerializable {
    }

    public record Added(WatchedTicker ticker) implements AddResult {
    }

    /** Already watched (with its original source and time). */
    public record AlreadyExists(WatchedTicker ticker) implements AddResult {
    }

    /** The source is not one of {@code known}. */
    public record UnknownSource(String source, List<String> known) implements AddResult {
    }

    public record InvalidSymbol(String symbol, String reason) implements AddResult {
    }

    public sealed interface RemoveResult extends CborSerializable {
    }

    public record Removed(WatchedTicker ticker) implements RemoveResult {
    }

    public record NotFound(String symbol) implements RemoveResult {
    }

    /** Every watched ticker, by symbol. */
    public record Tickers(List<WatchedTicker> tickers) implements CborSerializable {
    }

    /** What a feed worker hears about its partition. */
    public sealed interface FeedUpdate extends CborSerializable {
    }

    /** Every ticker of the partition now, by symbol (the answer to {@link SubscribeFeeds}). */
    public record FeedTickers(List<WatchedTicker> tickers) implements FeedUpdate {
    }

    public record FeedAdded(WatchedTicker ticker) implements FeedUpdate {
    }

    public record FeedRemoved(WatchedTicker ticker) implements FeedUpdate {
    }

    /**
     * The partition of {@code symbol} among {@code partitions}: {@code String.hashCode} is fixed by
     * the Java specification, so every node computes the same one.
     */
    public static int partitionOf(String symbol, int partitions) {
        return Math.floorMod(symbol.hashCode(), partitions);
    }

    private record Subscriber(int partitions, ActorRef<FeedUpdate> ref) {
        boolean owns(String symbol, int partition) {
            return partitionOf(symbol, partitions) == partition;
        }
    }

    /** What the registry does to ticker entities. */
    public interface Watcher {
        /** Wakes the ticker's entity (at start, on add, then every wake interval). */
        void wake(WatchedTicker ticker);

        /** Passivates the ticker's entity (it was removed). */
        void stop(WatchedTicker ticker);
    }

    /** Watched tickers by symbol; changed only by the event handler. */
    public static final class State {
        private final TreeMap<String, WatchedTicker> tickers = new TreeMap<>();

        public List<WatchedTicker> tickers() {
            return List.copyOf(tickers.values());
        }
    }

    // ---- wiring ----

    /** Starts (or proxies to) the cluster's registry singleton. */
    /**
     * Starts (or proxies to) the cluster's registry singleton.
     *
     * @param sourceNames the sources a ticker may name (the configured {@code tickwatch.sources})
     */
    public static ActorRef<Command> init(ClusterSingleton singleton, List<String> sourceNames, Watcher watcher,
                                         Duration wakeInterval) {
        return singleton.init(SingletonActor.of(create(sourceNames, watcher, wakeInterval), "ticker-registry")
                .withStopMessage(Stop.INSTANCE));
    }

    public static Behavior<Command> create(List<String> sourceNames, Watcher watcher, Duration wakeInterval) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new TickerRegistry(ctx, timers, sourceNames, watcher, wakeInterval)));
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final List<String> sourceNames;
    private final Watcher watcher;
    private final Duration wakeInterval;
    /** Feed workers by partition; in memory only (see the class comment). */
    private final Map<Integer, Subscriber> feeds = new HashMap<>();

    private TickerRegistry(ActorContext<Command> ctx, TimerScheduler<Command> timers, List<String> sourceNames,
                           Watcher watcher, Duration wakeInterval) {
        super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
        this.ctx = ctx;
        this.timers = timers;
        this.sourceNames = List.copyOf(new java.util.TreeSet<>(sourceNames));
        this.watcher = watcher;
        this.wakeInterval = wakeInterval;
    }

    @Override
    public State emptyState() {
        return new State();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(100, 2).withDeleteEventsOnSnapshot();
    }

    @Override
    public SnapshotAdapter<State> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(State s) {
                return new RegistrySnapshot(List.copyOf(s.tickers.values()));
            }

            @Override
            public State fromJournal(Object from) {
                State s = new State();
                for (WatchedTicker t : ((RegistrySnapshot) from).tickers()) {
                    s.tickers.put(t.symbol(), t);
                }
                return s;
            }
        };
    }

    @Override
    public CommandHandlerWithReply<Command, RegistryEvent, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Add.class, this::onAdd)
                .onCommand(Remove.class, this::onRemove)
                .onCommand(ListTickers.class, (s, c) -> Effect().reply(c.replyTo(), new Tickers(s.tickers())))
                .onCommand(SubscribeFeeds.class, this::onSubscribeFeeds)
                .onCommand(WakeAll.class, (s, c) -> {
                    s.tickers.values().forEach(watcher::wake);
                    return Effect().noReply();
                })
                .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply())
                .build();
    }

    private ReplyEffect<RegistryEvent, State> onAdd(State s, Add a) {
        if (a.symbol() == null || !Symbols.isValid(a.symbol())) {
            return Effect().reply(a.replyTo(), new InvalidSymbol(a.symbol(),
                    "a symbol is 1-20 characters of A-Z, 0-9, '.', '-' or '_'"));
        }
        if (!sourceNames.contains(a.source())) {
            return Effect().reply(a.replyTo(), new UnknownSource(a.source(), sourceNames));
        }
        WatchedTicker existing = s.tickers.get(a.symbol());
        if (existing != null) {
            return Effect().reply(a.replyTo(), new AlreadyExists(existing));
        }
        WatchedTicker t = new WatchedTicker(a.symbol(), a.source(), System.currentTimeMillis(),
                a.market() == null ? null : a.market().name(), a.addedBy());
        return Effect().persist(new TickerAdded(t))
                .thenRun(after -> {
                    tellFeed(t.symbol(), new FeedAdded(t));
                    watch(t);
                })
                .thenReply(a.replyTo(), after -> new Added(t));
    }

    private ReplyEffect<RegistryEvent, State> onRemove(State s, Remove r) {
        WatchedTicker existing = s.tickers.get(r.symbol());
        if (existing == null) {
            return Effect().reply(r.replyTo(), new NotFound(r.symbol()));
        }
        return Effect().persist(new TickerRemoved(r.symbol()))
                .thenRun(after -> {
                    tellFeed(existing.symbol(), new FeedRemoved(existing));
                    watcher.stop(existing);
                })
                .thenReply(r.replyTo(), after -> new Removed(existing));
    }

    private void watch(WatchedTicker t) {
        try {
            watcher.wake(t);
        } catch (RuntimeException e) {
            ctx.getLog().error("waking ticker {} failed: {}", t.symbol(), e.toString());
        }
    }

    private ReplyEffect<RegistryEvent, State> onSubscribeFeeds(State s, SubscribeFeeds c) {
        if (c.partitions() < 1 || c.partition() < 0 || c.partition() >= c.partitions()) {
            ctx.getLog().warn("feed subscription for partition {} of {} ignored", c.partition(), c.partitions());
            return Effect().noReply();
        }
        Subscriber sub = new Subscriber(c.partitions(), c.subscriber());
        feeds.put(c.partition(), sub);
        List<WatchedTicker> mine = s.tickers.values().stream().filter(t -> sub.owns(t.symbol(), c.partition())).toList();
        return Effect().reply(c.subscriber(), new FeedTickers(mine));
    }

    /** Tells the feed worker that owns {@code symbol}, if one has subscribed. */
    private void tellFeed(String symbol, FeedUpdate update) {
        feeds.forEach((partition, sub) -> {
            if (sub.owns(symbol, partition)) {
                sub.ref().tell(update);
            }
        });
    }

    @Override
    public EventHandler<State, RegistryEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(TickerAdded.class, (s, e) -> {
                    s.tickers.put(e.ticker().symbol(), e.ticker());
                    return s;
                })
                .onEvent(TickerRemoved.class, (s, e) -> {
                    s.tickers.remove(e.symbol());
                    return s;
                })
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.class, (s, signal) -> {
                    ctx.getLog().info("ticker registry up with {} ticker(s); waking them", s.tickers.size());
                    new ArrayList<>(s.tickers.values()).forEach(this::watch);
                    timers.startTimerWithFixedDelay(WakeAll.INSTANCE, wakeInterval);
                })
                .build();
    }
}
