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
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import persistence.CborSerializable;
import persistence.JournalPurge;
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
 * {@code wakeInterval} after the cluster's members last changed, which restarts the entities that
 * sharding moved (from a node that left or crashed, or to one that joined). Not periodically: an
 * idle entity passivates ({@code tickwatch.passivate-after}), and waking every entity every few
 * seconds would keep them all in memory. An entity with hits its sinks have not confirmed does not
 * passivate, so between membership changes nothing needs waking.
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

    /**
     * The most tickers one message carries. A ticker is a symbol of at most 20 characters, a source
     * name, a time and a market: well under 200 bytes in CBOR, so a page stays far below Artery's
     * frame size (256 KiB) with room for long source names.
     */
    public static final int PAGE = 500;

    /** The fewest changes between two snapshots (see {@link #shouldSnapshot}). */
    static final int MIN_SNAPSHOT_INTERVAL = 100;

    // ---- commands and replies ----

    public sealed interface Command extends CborSerializable {
    }

    /**
     * Watch a ticker.
     *
     * @param market the ticker's market, or {@code null} to take it from its ticks or its symbol
     *               (see {@code TickerState.marketFor}); stored with the ticker
     * @param instrument what the source takes it for, or {@code null} (the source decides)
     * @param channels   what the source feeds of it, or {@code null} for trades only
     * @param addedBy    what adds it ({@code WatchedTicker#addedBy}): null for a user
     * @param addedAt    when, epoch millis, or {@code null} for now: a job passes the time of its own
     *                   clock, from which the naver source decides the ticker's first session day
     */
    public record Add(String symbol, String source, Market market, String instrument, java.util.List<String> channels,
                      ActorRef<AddResult> replyTo, String addedBy, Long addedAt) implements Command {
        public Add(String symbol, String source, Market market, String instrument, java.util.List<String> channels,
                   ActorRef<AddResult> replyTo, String addedBy) {
            this(symbol, source, market, instrument, channels, replyTo, addedBy, null);
        }

        public Add(String symbol, String source, Market market, String instrument, java.util.List<String> channels,
                   ActorRef<AddResult> replyTo) {
            this(symbol, source, market, instrument, channels, replyTo, null);
        }

        public Add(String symbol, String source, ActorRef<AddResult> replyTo) {
            this(symbol, source, null, null, null, replyTo, null);
        }

        public Add(String symbol, String source, Market market, ActorRef<AddResult> replyTo) {
            this(symbol, source, market, null, null, replyTo, null);
        }

        /** A ticker added by a job ({@code addedBy}), trades only. */
        public Add(String symbol, String source, Market market, ActorRef<AddResult> replyTo, String addedBy) {
            this(symbol, source, market, null, null, replyTo, addedBy);
        }
    }

    public record Remove(String symbol, ActorRef<RemoveResult> replyTo) implements Command {
    }

    /**
     * One page of the watched tickers: up to {@code limit} (at most {@link #PAGE}) with symbols after
     * {@code after} ({@code null}: from the first), answered with {@link Tickers}. The list travels in
     * pages because Artery drops a message above its frame size (256 KiB), which a whole list of
     * some thousands of tickers passes.
     */
    public record ListTickers(String after, int limit, ActorRef<Tickers> replyTo) implements Command {
        /** The first page. */
        public ListTickers(ActorRef<Tickers> replyTo) {
            this(null, PAGE, replyTo);
        }
    }

    /** One watched ticker, answered with {@link Found}. */
    public record Lookup(String symbol, ActorRef<Found> replyTo) implements Command {
    }

    /**
     * Watches many tickers in one write (at most {@link #PAGE} a command): answered with
     * {@link AddedMany}. Their entities are not woken: a new ticker has nothing to recover, and
     * starts on its first tick.
     */
    public record AddMany(List<Wanted> tickers, ActorRef<AddedMany> replyTo) implements Command {
        public AddMany {
            tickers = List.copyOf(tickers);
        }
    }

    /** A ticker {@link AddMany} should watch ({@code market} may be null, as in {@link Add}). */
    public record Wanted(String symbol, String source, Market market) implements CborSerializable {
    }

    /**
     * A feed worker's subscription to the tickers of its partition ({@link #partitionOf}):
     * answered with {@link FeedTickers}, followed by a {@link FeedAdded} or {@link FeedRemoved} for
     * each change. Subscribing again replaces the partition's previous subscriber.
     */
    public record SubscribeFeeds(int partition, int partitions, ActorRef<FeedUpdate> subscriber) implements Command {
    }

    /**
     * A feed worker of {@code partition} stops on this node to start on another (its hand-over, after
     * its tickers' last ticks reached the node): the partition's next subscription hears when
     * ({@link FeedTickers#handedOverAt}), so a source whose ticker has stored nothing yet can fetch
     * what was published since. Kept in memory only: a registry that moves forgets it.
     */
    public record FeedsHandedOver(int partition, int partitions, long at, ActorRef<org.apache.pekko.Done> replyTo)
            implements Command {
    }

    /** Stops the singleton (its stop message when the node leaves). */
    public enum Stop implements Command {
        INSTANCE
    }

    private enum WakeAll implements Command {
        INSTANCE
    }

    /** A member joined, left or was removed (the cluster's event, adapted). */
    private enum MembersChanged implements Command {
        INSTANCE
    }

    /** The members when the registry subscribed (not a change). */
    private enum MembersKnown implements Command {
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

    /** A page of the watched tickers, by symbol; {@code more} when tickers after the last one remain. */
    public record Tickers(List<WatchedTicker> tickers, boolean more) implements CborSerializable {
    }

    /** The answer to {@link Lookup}: the ticker, or {@code null} when it is not watched. */
    public record Found(WatchedTicker ticker) implements CborSerializable {
    }

    /**
     * The answer to {@link AddMany}: the tickers added, and the result of each one refused
     * ({@link AlreadyExists}, {@link UnknownSource}, {@link InvalidSymbol}).
     */
    public record AddedMany(List<WatchedTicker> added, List<AddResult> refused) implements CborSerializable {
    }

    /** What a feed worker hears about its partition. */
    public sealed interface FeedUpdate extends CborSerializable {
    }

    /**
     * One page of every ticker of the partition now, by symbol: the answer to {@link SubscribeFeeds},
     * in pages of at most {@link #PAGE} numbered from 0 ({@code last} on the final one; a partition
     * with no tickers is one empty last page). The registry sends all pages of an answer before any
     * later update, so a worker applies them together when the last arrives. {@code handedOverAt}
     * (epoch millis, 0 for none): when the partition's worker last handed it over from another node,
     * told to the first subscription after that ({@link FeedsHandedOver}).
     */
    public record FeedTickers(List<WatchedTicker> tickers, int page, boolean last, long handedOverAt)
            implements FeedUpdate {
        public FeedTickers(List<WatchedTicker> tickers) {
            this(tickers, 0, true, 0);
        }
    }

    public record FeedAdded(WatchedTicker ticker) implements FeedUpdate {
    }

    public record FeedRemoved(WatchedTicker ticker) implements FeedUpdate {
    }

    /**
     * The system actor on every node that hears of removals ({@link Unwatched}): a node keeps the
     * symbols it knows to be watched, so that a push goes to the entity without asking the registry
     * each time, and must forget a removed one, or its next push would feed the entity of a ticker no
     * registry lists instead of watching it again. The registry tells each member that is up, by
     * address (a pub-sub topic reaches a node only once its subscription has spread, which left a
     * node that had just joined out).
     */
    public static final String REMOVALS = "ticker-removals";

    /** A ticker was removed (told to {@link #REMOVALS} on every member). */
    public record Unwatched(String symbol) implements CborSerializable {
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
        /** Events applied since the last snapshot (or since the one recovered from). */
        private int sinceSnapshot;
        /** How many tickers the last snapshot held (0: none yet). */
        private int snapshotSize;

        public List<WatchedTicker> tickers() {
            return List.copyOf(tickers.values());
        }

        /** Back to empty before a restart's recovery (Pekko reuses the empty-state object; see TickerState#reset). */
        void reset() {
            tickers.clear();
            sinceSnapshot = 0;
            snapshotSize = 0;
        }
    }

    // ---- wiring ----

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
    /** Partitions handed over and not subscribed since: when ({@link FeedsHandedOver}). */
    private final Map<Integer, Long> handedOver = new HashMap<>();

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

    /**
     * A snapshot after as many changes as the last snapshot held tickers (at least
     * {@value #MIN_SNAPSHOT_INTERVAL}): a snapshot of n tickers at most every n changes writes about
     * two tickers per change however many are watched (the list may double in between), and a
     * recovery reads one snapshot and at most as many events as it holds. (It snapshotted every 100
     * changes, which with 100,000 tickers wrote 1,000 tickers per change.) Older events and
     * snapshots are deleted once a newer snapshot is written ({@link #trim}): the plugin deletes only
     * for its fixed-interval retention.
     */
    @Override
    public boolean shouldSnapshot(State s, RegistryEvent e, long sequenceNr) {
        if (s.sinceSnapshot < Math.max(MIN_SNAPSHOT_INTERVAL, s.snapshotSize)) {
            return false;
        }
        s.sinceSnapshot = 0; // the snapshot of this state is being taken
        s.snapshotSize = s.tickers.size();
        return true;
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.disabled();
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
                s.snapshotSize = s.tickers.size();
                return s;
            }
        };
    }

    @Override
    public CommandHandlerWithReply<Command, RegistryEvent, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Add.class, this::onAdd)
                .onCommand(Remove.class, this::onRemove)
                .onCommand(ListTickers.class, this::onList)
                .onCommand(Lookup.class, (s, c) -> Effect().reply(c.replyTo(), new Found(s.tickers.get(c.symbol()))))
                .onCommand(AddMany.class, this::onAddMany)
                .onCommand(SubscribeFeeds.class, this::onSubscribeFeeds)
                .onCommand(FeedsHandedOver.class, (s, c) -> {
                    if (c.partition() >= 0 && c.partition() < c.partitions()) {
                        handedOver.put(c.partition(), c.at());
                    }
                    return Effect().reply(c.replyTo(), org.apache.pekko.Done.getInstance());
                })
                .onCommand(WakeAll.class, (s, c) -> {
                    ctx.getLog().info("waking the {} ticker(s) after the cluster's members changed", s.tickers.size());
                    s.tickers.values().forEach(this::watch);
                    return Effect().noReply();
                })
                .onCommand(MembersKnown.class, (s, c) -> Effect().noReply())
                .onCommand(MembersChanged.class, (s, c) -> {
                    timers.startSingleTimer(WakeAll.INSTANCE, wakeInterval); // replaces a pending one: once settled
                    return Effect().noReply();
                })
                .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply())
                .build();
    }

    /** Why {@code symbol} from {@code source} cannot be added now, or {@code null} when it can. */
    private AddResult refusal(State s, String symbol, String source) {
        if (symbol == null || !Symbols.isValid(symbol)) {
            return new InvalidSymbol(symbol, "a symbol is 1-20 characters of A-Z, 0-9, '.', '-' or '_'");
        }
        if (!sourceNames.contains(source)) {
            return new UnknownSource(source, sourceNames);
        }
        WatchedTicker existing = s.tickers.get(symbol);
        return existing == null ? null : new AlreadyExists(existing);
    }

    private static WatchedTicker watched(String symbol, String source, Market market) {
        return new WatchedTicker(symbol, source, System.currentTimeMillis(), market == null ? null : market.name());
    }

    private ReplyEffect<RegistryEvent, State> onAdd(State s, Add a) {
        AddResult refused = refusal(s, a.symbol(), a.source());
        if (refused != null) {
            return Effect().reply(a.replyTo(), refused);
        }
        long addedAt = a.addedAt() == null ? System.currentTimeMillis() : a.addedAt();
        WatchedTicker t = new WatchedTicker(a.symbol(), a.source(), addedAt, a.market() == null ? null : a.market().name(),
                a.instrument(), a.channels(), a.addedBy());
        return Effect().persist(new TickerAdded(t))
                .thenRun(after -> {
                    tellFeed(t.symbol(), new FeedAdded(t));
                    watch(t);
                })
                .thenReply(a.replyTo(), after -> new Added(t));
    }

    private ReplyEffect<RegistryEvent, State> onAddMany(State s, AddMany a) {
        if (a.tickers().size() > PAGE) {
            throw new IllegalArgumentException("at most " + PAGE + " tickers an AddMany");
        }
        List<AddResult> refused = new ArrayList<>();
        Map<String, WatchedTicker> added = new java.util.LinkedHashMap<>();
        for (Wanted w : a.tickers()) {
            AddResult r = refusal(s, w.symbol(), w.source());
            if (r == null && added.containsKey(w.symbol())) {
                r = new AlreadyExists(added.get(w.symbol()));
            }
            if (r != null) {
                refused.add(r);
            } else {
                added.put(w.symbol(), watched(w.symbol(), w.source(), w.market()));
            }
        }
        if (added.isEmpty()) {
            return Effect().reply(a.replyTo(), new AddedMany(List.of(), refused));
        }
        List<WatchedTicker> list = List.copyOf(added.values());
        return Effect().persist(list.stream().<RegistryEvent>map(TickerAdded::new).toList())
                .thenRun(after -> list.forEach(t -> tellFeed(t.symbol(), new FeedAdded(t))))
                .thenReply(a.replyTo(), after -> new AddedMany(list, refused));
    }

    private ReplyEffect<RegistryEvent, State> onList(State s, ListTickers c) {
        int limit = c.limit() <= 0 ? PAGE : Math.min(PAGE, c.limit()); // 0: a sender that named no limit
        java.util.SortedMap<String, WatchedTicker> rest = c.after() == null ? s.tickers : s.tickers.tailMap(c.after(), false);
        List<WatchedTicker> page = new ArrayList<>();
        boolean more = false;
        for (WatchedTicker t : rest.values()) { // a sub-map's size() would count them all
            if (page.size() == limit) {
                more = true;
                break;
            }
            page.add(t);
        }
        return Effect().reply(c.replyTo(), new Tickers(page, more));
    }

    private ReplyEffect<RegistryEvent, State> onRemove(State s, Remove r) {
        WatchedTicker existing = s.tickers.get(r.symbol());
        if (existing == null) {
            return Effect().reply(r.replyTo(), new NotFound(r.symbol()));
        }
        return Effect().persist(new TickerRemoved(r.symbol()))
                .thenRun(after -> {
                    tellMembers(new Unwatched(existing.symbol()));
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
        Long at = handedOver.remove(c.partition());
        long handedOverAt = at == null ? 0 : at;
        List<WatchedTicker> mine = s.tickers.values().stream().filter(t -> sub.owns(t.symbol(), c.partition())).toList();
        int pages = Math.max(1, (mine.size() + PAGE - 1) / PAGE);
        for (int p = 0; p < pages - 1; p++) {
            c.subscriber().tell(new FeedTickers(mine.subList(p * PAGE, (p + 1) * PAGE), p, false, handedOverAt));
        }
        return Effect().reply(c.subscriber(),
                new FeedTickers(mine.subList((pages - 1) * PAGE, mine.size()), pages - 1, true, handedOverAt));
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
                    s.sinceSnapshot++;
                    return s;
                })
                .onEvent(TickerRemoved.class, (s, e) -> {
                    s.tickers.remove(e.symbol());
                    s.sinceSnapshot++;
                    return s;
                })
                .build();
    }

    /** Tells {@link #REMOVALS} on every member that is up (this node's alone when not clustered). */
    private void tellMembers(Unwatched u) {
        List<String> addresses = new ArrayList<>();
        if (clustered()) {
            for (org.apache.pekko.cluster.Member m : Cluster.get(ctx.getSystem()).state().getMembers()) {
                if (m.status() == org.apache.pekko.cluster.MemberStatus.up()) {
                    addresses.add(m.address().toString());
                }
            }
        } else {
            addresses.add(ctx.getSystem().address().toString());
        }
        for (String a : addresses) {
            ctx.getSystem().classicSystem().actorSelection(a + "/system/" + REMOVALS)
                    .tell(u, org.apache.pekko.actor.ActorRef.noSender());
        }
    }

    private boolean clustered() {
        String provider = ctx.getSystem().settings().config().getString("pekko.actor.provider");
        return provider.equals("cluster") || provider.contains("Cluster");
    }

    /** Hears of members joining, leaving or removed (in a cluster; a local system has none). */
    private void subscribeToMembers() {
        if (!clustered()) {
            return;
        }
        // the current members as one snapshot, which is not a change (the start woke every entity)
        ActorRef<Object> adapter = ctx.messageAdapter(Object.class,
                e -> e instanceof ClusterEvent.MemberEvent ? MembersChanged.INSTANCE : MembersKnown.INSTANCE);
        org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(ctx.getSystem())).subscribe(Adapter.toClassic(adapter),
                ClusterEvent.initialStateAsSnapshot(), ClusterEvent.MemberEvent.class);
    }

    /** The sequence number of the last snapshot this incarnation wrote (0: none yet). */
    private long lastSnapshot;

    /**
     * Deletes the events and snapshots older than the snapshot before {@code snapshot}: like the
     * plugin's retention keeping two snapshots, so a snapshot that cannot be read leaves the one
     * before it and its events.
     */
    private void trim(long snapshot) {
        long keepFrom = lastSnapshot;
        lastSnapshot = snapshot;
        if (keepFrom > 0) {
            JournalPurge.trim(ctx.getSystem(), PERSISTENCE_ID.id(), keepFrom).whenComplete((rows, e) -> {
                if (e != null) {
                    ctx.getLog().warn("deleting the registry's events before {} failed (retried at the next "
                            + "snapshot): {}", keepFrom, e.toString());
                }
            });
        }
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(org.apache.pekko.actor.typed.PreRestart.class, (s, signal) -> s.reset())
                .onSignal(RecoveryCompleted.class, (s, signal) -> {
                    ctx.getLog().info("ticker registry up with {} ticker(s); waking them", s.tickers.size());
                    new ArrayList<>(s.tickers.values()).forEach(this::watch);
                    subscribeToMembers();
                })
                .onSignal(SnapshotCompleted.class, (s, done) -> trim(done.metadata().sequenceNr()))
                .build();
    }
}
