package engine;

import actors.ConditionRegistry;
import actors.ConditionSync;
import actors.HitsQuery;
import actors.RecentHits;
import actors.TickerEntity;
import actors.TickerEntity.IngestResult;
import actors.TickerEntity.TickerStatus;
import actors.TickerRegistry;
import actors.sinks.HitSink;
import com.fasterxml.jackson.databind.JsonNode;
import conditions.Condition;
import conditions.ConditionException;
import conditions.ConditionParser;
import conditions.ConditionSet;
import conditions.Hit;
import conditions.Market;
import conditions.Tick;
import engine.sources.PushSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.DatabaseProbe;
import persistence.bars.BarArchive;
import persistence.StoredHit;
import persistence.WatchedTicker;
import persistence.tickfile.TickRecorder;

/**
 * A running tickwatch node: an actor system in cluster mode with ticker entities sharded by symbol,
 * the ticker registry (a cluster singleton), the hit router and its sinks, the sources and their
 * feed workers, on the configured database ({@link NodeBootstrap} starts them). The HTTP API and
 * the tools drive it through the methods below; every call is non-blocking unless it says otherwise.
 *
 * <pre>{@code
 * Node node = Node.start(NodeSettings.load());
 * node.ingest(ticks).thenAccept(r -> ...);
 * node.stop();
 * }</pre>
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    /** How long {@link #ready()} waits for the database: a readiness probe wants a quick answer. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(3);

    private final NodeSettings settings;
    private final ActorSystem<Void> system;
    private final ConditionRegistry conditions;
    private final RecentHits recent;
    private final ClusterSharding sharding;
    private final List<String> sourceNames;
    private final Set<String> sinkNames;
    private final NodeSinks sinks;
    private final List<HitSink> sinkInstances;
    private final ActorRef<TickerRegistry.Command> registry;
    private final ActorRef<ConditionSync.Command> conditionSync;
    /** The readiness check's own database connection, outside the journal's pool. */
    private final DatabaseProbe databaseProbe;
    /** The last change of the conditions file asked for; the next runs after it ({@link #changeConditions}). */
    private CompletableFuture<?> conditionChanges = CompletableFuture.completedFuture(null); // guarded by this
    /** Symbols known to be in the registry (so ingest asks the registry once per new symbol). */
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    /** The markets known tickers were added with (absent: none given); each ingest ask carries it. */
    private final Map<String, Market> markets = new ConcurrentHashMap<>();
    private volatile engine.sources.SourceHost sourceHost;
    private volatile engine.live.LiveHub live;
    /** Records what this node's entities accept; null when {@code tickwatch.recording.enabled} is off. */
    private final TickRecorder recorder;
    private final Readiness.Settings readiness;
    /** Set in the shutdown's first phase: {@code /ready} answers 503 from then on. */
    private volatile boolean stopping;
    private final NodeMetricsBinder metrics;
    /** Sends an ingest ask again while it has no answer (a shard hand-off drops buffered asks). */
    private final IngestAttempts attempts;

    /** Made by {@link NodeBootstrap}, which starts each part. */
    Node(NodeSettings settings, ActorSystem<Void> system, ConditionRegistry conditions, RecentHits recent,
         ActorRef<TickerRegistry.Command> registry, ActorRef<ConditionSync.Command> conditionSync,
         List<String> sourceNames, Set<String> sinkNames, NodeSinks sinks, TickRecorder recorder,
         List<HitSink> sinkInstances, Readiness.Settings readiness) {
        this.settings = settings;
        this.readiness = readiness;
        this.recorder = recorder;
        this.system = system;
        this.conditions = conditions;
        this.recent = recent;
        this.sharding = ClusterSharding.get(system);
        this.registry = registry;
        this.conditionSync = conditionSync;
        this.sourceNames = List.copyOf(new TreeSet<>(sourceNames));
        this.sinkNames = Collections.unmodifiableSet(new TreeSet<>(sinkNames));
        this.sinks = sinks;
        this.sinkInstances = List.copyOf(sinkInstances);
        this.databaseProbe = new DatabaseProbe(settings.db(), system.dispatchers().lookup(DispatcherSelector.blocking()),
                READY_TIMEOUT);
        system.getWhenTerminated().thenRun(databaseProbe::close);
        this.attempts = new IngestAttempts(IngestAttempts.Settings.from(settings.config()), system);
        this.metrics = new NodeMetricsBinder(system, this::sourceHealth, sinks::statuses);
        metrics.ingestAttempts(attempts);
    }

    /**
     * Starts a node with the sources and sinks its configuration names ({@code tickwatch.sources},
     * {@code tickwatch.sinks}). Blocks until it is up; see {@link NodeBootstrap#start()}.
     *
     * @throws IllegalStateException when the conditions, the sources, the sinks, the database or the cluster fail
     */
    public static Node start(NodeSettings settings) {
        return new NodeBootstrap(settings).start();
    }

    /** The registry singleton (its proxy on this node). */
    ActorRef<TickerRegistry.Command> registry() {
        return registry;
    }

    /** Fills the symbols known to be watched (at start). */
    CompletionStage<Void> refreshKnown() {
        return tickers().thenAccept(ts -> ts.forEach(this::remember));
    }

    /** Whether this node knows {@code symbol} to be watched (its pushes then skip the registry). */
    boolean knows(String symbol) {
        return known.contains(symbol);
    }

    /** {@code symbol} was removed, through this node or another ({@link TickerRegistry#REMOVALS}). */
    void forget(String symbol) {
        known.remove(symbol);
        markets.remove(symbol);
    }

    /** How many symbols this node knows to be watched. */
    int knownCount() {
        return known.size();
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public NodeSettings settings() {
        return settings;
    }

    // ---- ticks ----

    /**
     * Offers ticks: malformed ones ({@link Tick#problem()}) are counted and dropped, the rest are
     * grouped by symbol (keeping their order) and each symbol's entity is asked in batches of
     * {@code tickwatch.ingest.max-batch}, one batch at a time per symbol, at most
     * {@code tickwatch.ingest.parallelism} asks in flight. A symbol not watched yet is added to the
     * registry with source {@code push} first. Completes when every tick is stored.
     */
    public CompletionStage<IngestResult> ingest(List<Tick> ticks) {
        return ingest(ticks, null);
    }

    /**
     * {@link #ingest(List)} with the client's name for the batch ({@code Idempotency-Key}), or null.
     * Each ask carries an id derived from the key, the symbol, the ask's place in the symbol's ticks
     * and the ticks themselves ({@link BatchIds}), so sending the same batch again gives every ask
     * the same id, and an entity that stored that ask answers "already stored" instead of counting
     * its ticks again. That holds whichever asks of the first attempt got through, as long as
     * {@code tickwatch.ingest.max-batch} is unchanged.
     */
    public CompletionStage<IngestResult> ingest(List<Tick> ticks, String idempotencyKey) {
        return ingest(PushSource.TYPE, ticks, idempotencyKey, true);
    }

    /**
     * {@link #ingest(List, String)} of ticks that came through {@code source}: the accepted ones are
     * recorded under that name ({@code <data-dir>/ticks/DAY/<source>-trades.csv.gz}). Unknown
     * symbols are added with source {@code push}. {@code run --replay} feeds its files this way.
     */
    public CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, String idempotencyKey) {
        return ingest(source, ticks, idempotencyKey, true);
    }

    /**
     * The sources' way in ({@code engine.sources.SourceHost}): {@link #ingest(String, List, String)} for
     * tickers that are watched already. It never adds a ticker, so a tick a feed still sends after
     * its ticker was removed cannot bring the ticker back.
     */
    CompletionStage<IngestResult> ingestWatched(String source, List<Tick> ticks, String idempotencyKey) {
        return ingest(source, ticks, null, idempotencyKey, false);
    }

    /**
     * {@link #ingestWatched(String, List, String)} of ticks numbered by their source ({@code positions[i]}
     * of {@code ticks.get(i)}, rising per symbol; Binance's aggregate ids): each entity stores the
     * highest with the ticks and drops a tick at or below it as a duplicate.
     */
    CompletionStage<IngestResult> ingestWatched(String source, List<Tick> ticks, long[] positions,
                                                String idempotencyKey) {
        return ingest(source, ticks, positions, idempotencyKey, false);
    }

    /**
     * The highest source sequence number {@code symbol}'s entity has stored (0: none): where a source
     * that starts feeding the symbol here goes on from ({@code engine.sources.SourceContext#position}).
     */
    CompletionStage<Long> position(String symbol) {
        return stored(symbol).thenApply(TickerEntity.Position::position);
    }

    /** The symbol's latest stored tick's time (epoch millis), 0 when none: see {@link engine.sources.SourceContext#lastTickTime}. */
    CompletionStage<Long> lastTickTime(String symbol) {
        return stored(symbol).thenApply(TickerEntity.Position::lastTickTime);
    }

    /** Entity asks sent again after their attempt timed out ({@link IngestAttempts}; bench feeds prints it). */
    long ingestRetries() {
        return attempts.retries();
    }

    /** Entity asks no attempt of which was answered by the deadline. */
    long ingestTimeouts() {
        return attempts.timeouts();
    }

    private CompletionStage<TickerEntity.Position> stored(String symbol) {
        return sharding.entityRefFor(TickerEntity.KEY, symbol)
                .ask(TickerEntity.GetPosition::new, settings.askTimeout());
    }

    private CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, String idempotencyKey,
                                                 boolean addUnknown) {
        return ingest(source, ticks, null, idempotencyKey, addUnknown);
    }

    private CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, long[] positions,
                                                 String idempotencyKey, boolean addUnknown) {
        Map<String, List<Tick>> bySymbol = new LinkedHashMap<>();
        Map<String, long[]> positionsBySymbol = positions == null ? null : new java.util.HashMap<>();
        long malformed = 0;
        for (int i = 0; i < ticks.size(); i++) {
            Tick t = ticks.get(i);
            if (t == null || t.problem() != null) {
                malformed++;
            } else {
                List<Tick> mine = bySymbol.computeIfAbsent(t.symbol(), s -> new ArrayList<>());
                if (positionsBySymbol != null) {
                    long[] p = positionsBySymbol.computeIfAbsent(t.symbol(), s -> new long[8]);
                    if (p.length == mine.size()) {
                        p = java.util.Arrays.copyOf(p, p.length * 2);
                        positionsBySymbol.put(t.symbol(), p);
                    }
                    p[mine.size()] = positions[i];
                }
                mine.add(t);
            }
        }
        IngestResult start = IngestResult.of(0, 0, 0, 0, malformed);
        if (bySymbol.isEmpty()) {
            metrics.ticks(source, start);
            return CompletableFuture.completedFuture(start);
        }
        if (bySymbol.size() == 1) { // a source's lane (SymbolLanes): one ask, no stream to run for it
            Map.Entry<String, List<Tick>> only = bySymbol.entrySet().iterator().next();
            IngestResult before = start;
            return ingestSymbol(source, only.getKey(), only.getValue(),
                    positionsBySymbol == null ? null : positionsBySymbol.get(only.getKey()), idempotencyKey, addUnknown)
                    .thenApply(r -> {
                        IngestResult sum = before.plus(r);
                        metrics.ticks(source, sum);
                        return sum;
                    });
        }
        return Source.from(bySymbol.entrySet())
                .mapAsyncUnordered(settings.parallelism(),
                        e -> ingestSymbol(source, e.getKey(), e.getValue(),
                                positionsBySymbol == null ? null : positionsBySymbol.get(e.getKey()), idempotencyKey,
                                addUnknown))
                .runWith(Sink.fold(start, IngestResult::plus), system)
                .thenApply(r -> {
                    metrics.ticks(source, r); // once per call: the hot path pays a few additions per batch
                    return r;
                });
    }

    private CompletionStage<IngestResult> ingestSymbol(String source, String symbol, List<Tick> ticks,
                                                       long[] positions, String idempotencyKey, boolean addUnknown) {
        CompletionStage<IngestResult> chain = addUnknown
                ? ensureWatched(symbol).thenApply(x -> IngestResult.NONE)
                : CompletableFuture.completedFuture(IngestResult.NONE);
        int batch = settings.maxBatch();
        for (int from = 0; from < ticks.size(); from += batch) {
            int to = Math.min(ticks.size(), from + batch);
            List<Tick> part = List.copyOf(ticks.subList(from, to));
            long[] partPositions = positions == null ? null : java.util.Arrays.copyOfRange(positions, from, to);
            // An id for every ask, so the entity recognises an attempt sent again (IngestAttempts)
            long id = idempotencyKey == null ? BatchIds.fresh() : BatchIds.of(idempotencyKey, symbol, from / batch, part);
            chain = chain.thenCompose(sum -> attempts.ask(symbol, timeout -> sharding.entityRefFor(TickerEntity.KEY,
                            symbol).<IngestResult>ask(reply -> new TickerEntity.Ingest(part, id, markets.get(symbol),
                            source, partPositions, reply), timeout))
                    .thenApply(sum::plus));
        }
        return chain;
    }

    private CompletionStage<Void> ensureWatched(String symbol) {
        if (known.contains(symbol)) {
            return CompletableFuture.completedFuture(null);
        }
        return addTicker(symbol, PushSource.TYPE).thenAccept(r -> {
            if (r instanceof TickerRegistry.InvalidSymbol || r instanceof TickerRegistry.UnknownSource) {
                throw new IllegalArgumentException("cannot watch " + symbol + ": " + r);
            }
        });
    }

    // ---- tickers ----

    /**
     * Every watched ticker, by symbol, read from the registry page by page (one message cannot hold
     * a large list; see {@link TickerRegistry.ListTickers}). Each page is current when it is read: a
     * ticker added or removed meanwhile may or may not be in the list.
     */
    public CompletionStage<List<WatchedTicker>> tickers() {
        return tickersAfter(null, new ArrayList<>());
    }

    private CompletionStage<List<WatchedTicker>> tickersAfter(String after, List<WatchedTicker> into) {
        return AskPattern.<TickerRegistry.Command, TickerRegistry.Tickers>ask(registry,
                reply -> new TickerRegistry.ListTickers(after, TickerRegistry.PAGE, reply), settings.askTimeout(),
                system.scheduler())
                .thenCompose(page -> {
                    into.addAll(page.tickers());
                    return page.more() && !page.tickers().isEmpty()
                            ? tickersAfter(page.tickers().get(page.tickers().size() - 1).symbol(), into)
                            : CompletableFuture.completedFuture(into);
                });
    }

    /** A watched ticker, or empty. */
    public CompletionStage<Optional<WatchedTicker>> ticker(String symbol) {
        return AskPattern.<TickerRegistry.Command, TickerRegistry.Found>ask(registry,
                reply -> new TickerRegistry.Lookup(symbol, reply), settings.askTimeout(), system.scheduler())
                .thenApply(f -> Optional.ofNullable(f.ticker()));
    }

    /**
     * Watches many tickers, {@link TickerRegistry#PAGE} to a write (a write is atomic; the pages are
     * not, so a failure part-way leaves the earlier pages added). Completes with the tickers added
     * and the result of each one refused, as {@link #addTicker(String, String, Market)} would answer.
     */
    public CompletionStage<TickerRegistry.AddedMany> addTickers(List<TickerRegistry.Wanted> wanted) {
        CompletionStage<TickerRegistry.AddedMany> chain = CompletableFuture.completedFuture(
                new TickerRegistry.AddedMany(List.of(), List.of()));
        for (int from = 0; from < wanted.size(); from += TickerRegistry.PAGE) {
            List<TickerRegistry.Wanted> page = List.copyOf(
                    wanted.subList(from, Math.min(wanted.size(), from + TickerRegistry.PAGE)));
            chain = chain.thenCompose(sum -> AskPattern.<TickerRegistry.Command, TickerRegistry.AddedMany>ask(registry,
                    reply -> new TickerRegistry.AddMany(page, reply), settings.askTimeout(), system.scheduler())
                    .thenApply(r -> {
                        r.added().forEach(this::remember);
                        List<WatchedTicker> added = new ArrayList<>(sum.added());
                        added.addAll(r.added());
                        List<TickerRegistry.AddResult> refused = new ArrayList<>(sum.refused());
                        refused.addAll(r.refused());
                        return new TickerRegistry.AddedMany(added, refused);
                    }));
        }
        return chain;
    }

    /** {@link #addTicker(String, String, Market)} with the market taken from its ticks or its symbol. */
    public CompletionStage<TickerRegistry.AddResult> addTicker(String symbol, String source) {
        return addTicker(symbol, source, null);
    }

    /**
     * Watches a ticker: {@code Added}, {@code AlreadyExists}, {@code UnknownSource} (with the known
     * names) or {@code InvalidSymbol}.
     *
     * @param market the ticker's market, stored with it, which wins over its ticks' and its
     *               symbol's until it has accepted a tick; {@code null} for none
     */
    public CompletionStage<TickerRegistry.AddResult> addTicker(String symbol, String source, Market market) {
        return addTicker(symbol, source, market, null, null, null);
    }

    /**
     * {@link #addTicker(String, String, Market)} with what its source takes it for and feeds of it
     * (checked first with {@link #checkTicker}).
     *
     * @param instrument {@code null}: the source decides
     * @param channels   {@code null}: trades only
     */
    public CompletionStage<TickerRegistry.AddResult> addTicker(String symbol, String source, Market market,
                                                               String instrument, List<String> channels) {
        return addTicker(symbol, source, market, instrument, channels, null);
    }

    /**
     * {@link #addTicker(String, String, Market, String, List)} marked with what added it
     * ({@code WatchedTicker#addedBy}: the universe job passes {@code WatchedTicker.UNIVERSE}; null for a user).
     */
    public CompletionStage<TickerRegistry.AddResult> addTicker(String symbol, String source, Market market,
                                                               String instrument, List<String> channels,
                                                               String addedBy) {
        return addTicker(symbol, source, market, instrument, channels, addedBy, null);
    }

    /**
     * {@link #addTicker(String, String, Market, String, List, String)} added at {@code addedAt} (epoch
     * millis; {@code null}: now): the universe job passes its clock's time, from which the naver
     * source decides the first session it crawls.
     */
    public CompletionStage<TickerRegistry.AddResult> addTicker(String symbol, String source, Market market,
                                                               String instrument, List<String> channels,
                                                               String addedBy, Long addedAt) {
        return AskPattern.<TickerRegistry.Command, TickerRegistry.AddResult>ask(registry,
                reply -> new TickerRegistry.Add(symbol, source, market, instrument, channels, reply, addedBy, addedAt),
                settings.askTimeout(),
                system.scheduler())
                .thenApply(r -> {
                    if (r instanceof TickerRegistry.Added a) {
                        remember(a.ticker());
                    } else if (r instanceof TickerRegistry.AlreadyExists e) {
                        remember(e.ticker());
                    }
                    return r;
                });
    }

    private void remember(WatchedTicker t) {
        if (t.market() != null) {
            markets.put(t.symbol(), t.explicitMarket());
        } else {
            markets.remove(t.symbol());
        }
        known.add(t.symbol());
    }

    /** {@link #removeTicker(String, boolean)} keeping its history. */
    public CompletionStage<TickerRegistry.RemoveResult> removeTicker(String symbol) {
        return removeTicker(symbol, false);
    }

    /**
     * Stops watching a ticker (its entity stops): {@code Removed} or {@code NotFound}. Its journal
     * stays, unless {@code purge}: then every stored event and snapshot of it is deleted before this
     * completes, so the ticker, added again, starts empty (to rebuild it, or to change its market).
     *
     * @throws IllegalStateException (in the stage) when the purge fails; the ticker is removed then
     */
    public CompletionStage<TickerRegistry.RemoveResult> removeTicker(String symbol, boolean purge) {
        known.remove(symbol);
        markets.remove(symbol);
        CompletionStage<TickerRegistry.RemoveResult> removed = AskPattern.ask(registry,
                reply -> new TickerRegistry.Remove(symbol, reply), settings.askTimeout(), system.scheduler());
        if (!purge) {
            return removed;
        }
        return removed.thenCompose(r -> {
            if (!(r instanceof TickerRegistry.Removed)) {
                return CompletableFuture.completedFuture(r);
            }
            return sharding.entityRefFor(TickerEntity.KEY, symbol)
                    .<TickerEntity.Purged>ask(TickerEntity.Purge::new, settings.askTimeout())
                    .thenApply(p -> {
                        if (p.error() != null) {
                            throw new IllegalStateException("purging " + symbol + ": " + p.error());
                        }
                        LOG.info("ticker {} removed and purged ({} stored rows deleted)", symbol, p.rows());
                        return r;
                    });
        });
    }

    /** The source names {@link #addTicker} accepts (the configured {@code tickwatch.sources}), sorted. */
    public List<String> sources() {
        return sourceNames;
    }

    /** The sink names conditions may use (the configured {@code tickwatch.sinks}), sorted; see {@link SinkNames}. */
    public Set<String> sinkNames() {
        return sinkNames;
    }

    /** This node's sink instances (for the routes of sinks with resources of their own, e.g. subscribers). */
    public List<HitSink> sinkInstances() {
        return sinkInstances;
    }

    /** Set once by {@link NodeBootstrap} when the node starts. */
    void live(engine.live.LiveHub hub) {
        this.live = hub;
    }

    /** This node's live stream ({@code GET /api/events}). */
    public engine.live.LiveHub live() {
        return live;
    }

    /** The cluster's orders and positions ({@code persistence.OrderBook} on the node's database). */
    public persistence.OrderBook orderBook() {
        return persistence.OrderBook.of(system, settings.db());
    }

    /**
     * Orders newest first, filtered by whichever of symbol, state and day is not null (blocking JDBC,
     * on the blocking dispatcher).
     */
    public CompletionStage<List<persistence.OrderBook.Order>> orders(String symbol, persistence.OrderBook.State state,
                                                                      String day, int limit) {
        return blocking(() -> orderBook().list(symbol, state, day, limit));
    }

    /** Every broker's positions. */
    public CompletionStage<List<persistence.OrderBook.Position>> positions() {
        return blocking(() -> orderBook().positions());
    }

    /** The kill switch: no order leaves any node until {@link #resumeOrders}; why it is halted, if it is. */
    public CompletionStage<java.util.Optional<String>> haltOrders(String reason) {
        return blocking(() -> {
            orderBook().halt(reason, System.currentTimeMillis());
            return orderBook().halted();
        });
    }

    public CompletionStage<java.util.Optional<String>> resumeOrders() {
        return blocking(() -> {
            orderBook().resume();
            return orderBook().halted();
        });
    }

    public CompletionStage<java.util.Optional<String>> ordersHalted() {
        return blocking(() -> orderBook().halted());
    }

    private <T> CompletionStage<T> blocking(java.util.function.Supplier<T> work) {
        return java.util.concurrent.CompletableFuture.supplyAsync(work,
                system.dispatchers().lookup(DispatcherSelector.blocking()));
    }

    private volatile persistence.daily.DailyStore dailyStore;
    private volatile engine.daily.DailyFetcher dailyFetcher;

    /** Set once by {@link NodeBootstrap} when the sources start; {@code fetcher} null when fetching is off. */
    void daily(persistence.daily.DailyStore store, engine.daily.DailyFetcher fetcher) {
        this.dailyStore = store;
        this.dailyFetcher = fetcher;
    }

    /**
     * A ticker's newest {@code limit} stored days, oldest first; empty when it is neither watched nor
     * has stored days (a ticker that was removed keeps its history). Read on the blocking dispatcher.
     */
    public CompletionStage<Optional<List<conditions.DailyBar>>> daily(String symbol, int limit) {
        persistence.daily.DailyStore store = dailyStore;
        java.util.concurrent.Executor blocking = system.dispatchers().lookup(
                org.apache.pekko.actor.typed.DispatcherSelector.blocking());
        return tickers().thenCompose(ts -> {
            boolean watched = ts.stream().anyMatch(t -> t.symbol().equals(symbol));
            return CompletableFuture.supplyAsync(() -> {
                List<conditions.DailyBar> days = store == null ? List.of() : store.recent(symbol, limit);
                return watched || !days.isEmpty() ? Optional.of(days) : Optional.<List<conditions.DailyBar>>empty();
            }, blocking);
        });
    }

    /** The daily fetcher's health on this node ({@code GET /api/daily}). */
    public Map<String, Object> dailyHealth() {
        engine.daily.DailyFetcher f = dailyFetcher;
        return f == null ? Map.of("enabled", false) : f.health();
    }

    private volatile persistence.universe.UniverseStore universeStore;
    private volatile ActorRef<engine.universe.UniverseRunner.Command> universeRunner;

    /** Set once by {@link NodeBootstrap}; {@code runner} null when the universe job is off. */
    void universe(persistence.universe.UniverseStore store, ActorRef<engine.universe.UniverseRunner.Command> runner) {
        this.universeStore = store;
        this.universeRunner = runner;
    }

    /** The newest finished universe and the job's health; {@code day} null when there is none yet. */
    public record Universe(java.time.LocalDate day, List<persistence.universe.UniverseStore.Member> stocks,
                           Map<String, Object> job) {
    }

    /** Whether the universe job runs ({@code tickwatch.universe.size} above 0). */
    public boolean universeEnabled() {
        return universeRunner != null;
    }

    /** {@link Universe}: read on the blocking dispatcher, the job's health asked of the node running it. */
    public CompletionStage<Universe> universe() {
        persistence.universe.UniverseStore store = universeStore;
        ActorRef<engine.universe.UniverseRunner.Command> runner = universeRunner;
        java.util.concurrent.Executor blocking = system.dispatchers().lookup(
                org.apache.pekko.actor.typed.DispatcherSelector.blocking());
        CompletionStage<Map<String, Object>> job = runner == null
                ? CompletableFuture.completedFuture(Map.of("enabled", false))
                : AskPattern.<engine.universe.UniverseRunner.Command, engine.universe.UniverseRunner.Status>ask(runner,
                        engine.universe.UniverseRunner.GetStatus::new, settings.askTimeout(), system.scheduler())
                .<Map<String, Object>>thenApply(engine.universe.UniverseRunner.Status::job)
                .exceptionally(e -> Map.of("error", "the job did not answer: " + e.getClass().getSimpleName()));
        return job.thenCompose(j -> CompletableFuture.supplyAsync(() -> {
            java.util.Optional<java.time.LocalDate> day = store.latestFinished(java.time.LocalDate.of(9999, 12, 31));
            return new Universe(day.orElse(null), day.map(store::members).orElse(List.of()), j);
        }, blocking));
    }

    /** Asks the universe job to run now; false when it is off. */
    public CompletionStage<Boolean> refreshUniverse() {
        ActorRef<engine.universe.UniverseRunner.Command> runner = universeRunner;
        if (runner == null) {
            return CompletableFuture.completedFuture(false);
        }
        return AskPattern.<engine.universe.UniverseRunner.Command, Done>ask(runner,
                engine.universe.UniverseRunner.Refresh::new, settings.askTimeout(), system.scheduler())
                .thenApply(d -> true);
    }

    /** The daily store (the universe job reads and writes it), or null before the sources started. */
    public persistence.daily.DailyStore dailyStore() {
        return dailyStore;
    }

    /** Set once by {@link NodeBootstrap} when the sources start. */
    void sourceHost(engine.sources.SourceHost host) {
        this.sourceHost = host;
    }

    /**
     * Why {@code ticker}'s source cannot feed it as asked (an instrument it does not know, a channel
     * it cannot give), or null when it can; null too when this node does not run the source (the
     * registry then answers).
     */
    public String checkTicker(WatchedTicker ticker) {
        engine.sources.SourceHost h = sourceHost;
        return h == null ? null : h.check(ticker);
    }

    /** The latest quotes of {@code symbol} from the source feeding it on this node, or null. */
    public Object quotes(String symbol) {
        engine.sources.SourceHost h = sourceHost;
        return h == null ? null : h.quotes(symbol);
    }

    /** The latest member (broker) flow of {@code symbol} from the source feeding it on this node, or null. */
    public Object members(String symbol) {
        engine.sources.SourceHost h = sourceHost;
        return h == null ? null : h.members(symbol);
    }

    /** Each configured source's health on this node, by name ({@code GET /api/sources}). */
    public Map<String, Map<String, Object>> sourceHealth() {
        engine.sources.SourceHost h = sourceHost;
        return h == null ? Map.of() : h.health();
    }

    /** What the source feeding {@code symbol} on this node says about it; null when this node does not feed it. */
    public Map<String, Object> sourceHealth(String symbol) {
        engine.sources.SourceHost h = sourceHost;
        return h == null ? null : h.health(symbol);
    }

    /** The sinks' health and dead letters ({@code GET /api/sinks}, {@code POST /api/sinks/NAME/redeliver}). */
    public NodeSinks sinks() {
        return sinks;
    }

    /** A watched ticker's status; empty when the symbol is not watched. */
    public CompletionStage<Optional<TickerStatus>> status(String symbol) {
        return whenWatched(symbol, () -> sharding.entityRefFor(TickerEntity.KEY, symbol)
                .ask(TickerEntity.GetStatus::new, settings.askTimeout()));
    }

    /**
     * A watched ticker's last {@code limit} closed bars (all kept when {@code limit <= 0}), oldest
     * first, each in the {@code persistence.BarJson} shape; empty when the symbol is not watched.
     */
    public CompletionStage<Optional<List<Map<String, Object>>>> bars(String symbol, int limit) {
        return whenWatched(symbol, () -> sharding.entityRefFor(TickerEntity.KEY, symbol)
                .<TickerEntity.Bars>ask(reply -> new TickerEntity.GetBars(limit, reply), settings.askTimeout())
                .thenApply(TickerEntity.Bars::bars));
    }

    /**
     * What a condition (JSON text, either form, named {@code name}) would have hit over a watched
     * ticker's kept bars, evaluated by its entity with the model's own code; empty when the symbol
     * is not watched. The parser's problems come back in {@code problems}, nothing is applied.
     */
    public CompletionStage<Optional<TickerEntity.Previewed>> preview(String symbol, String name, String condition) {
        return whenWatched(symbol, () -> sharding.entityRefFor(TickerEntity.KEY, symbol)
                .<TickerEntity.Previewed>ask(reply -> new TickerEntity.Preview(name, condition, reply),
                        settings.askTimeout()));
    }

    /**
     * Archived bars of a symbol starting in {@code [from, to)} (epoch millis), oldest first, at most
     * {@code limit} (the newest), each in the {@code persistence.BarJson} shape; read on the blocking
     * dispatcher. Any symbol: a ticker removed without purge keeps its archive.
     */
    public CompletionStage<List<Map<String, Object>>> archivedBars(String symbol, long from, long to, int limit) {
        BarArchive archive = BarArchive.of(system, settings.db());
        return CompletableFuture.supplyAsync(() -> archive.rangeAsJson(symbol, Market.forSymbol(symbol), from, to, limit),
                system.dispatchers().lookup(DispatcherSelector.blocking()));
    }

    private <T> CompletionStage<Optional<T>> whenWatched(String symbol,
                                                         java.util.function.Supplier<CompletionStage<T>> query) {
        return ticker(symbol).thenCompose(t -> t.isPresent()
                ? query.get().thenApply(Optional::of)
                : CompletableFuture.completedFuture(Optional.empty()));
    }

    // ---- conditions ----

    /** The conditions every entity on this node evaluates now. */
    public ConditionSet conditions() {
        return conditions.current();
    }

    /**
     * Adds or replaces a condition (native form, or jazzstock {@code {"NAME": {...}}}); written to
     * the conditions file before it takes effect, from the next tick on, then published to the
     * other nodes of the cluster. The body is checked at once (the exceptions below are thrown by
     * this call); the file is written on the blocking dispatcher ({@link #changeConditions}).
     *
     * @return the condition once written; failed with {@link UncheckedIOException} when the
     *         conditions file cannot be written (nothing changes then)
     * @throws ConditionException     with the parser's messages when the body is invalid
     * @throws SinkNames.UnknownSinks when it names a sink this node does not have
     */
    public CompletionStage<Condition> putCondition(String name, JsonNode body) {
        Condition c = ConditionParser.parseOne(name, body);
        SinkNames.check(List.of(c), sinkNames);
        return changeConditions(() -> conditions.put(c), put -> true);
    }

    /**
     * Removes a condition: true, or false when there is none of that name; written like
     * {@link #putCondition}.
     */
    public CompletionStage<Boolean> deleteCondition(String name) {
        return changeConditions(() -> conditions.delete(name), deleted -> deleted);
    }

    /** A change of the condition registry, which rewrites the conditions file. */
    private interface ConditionChange<T> {
        T apply() throws IOException;
    }

    /**
     * Runs {@code change} on the blocking dispatcher: it rewrites the conditions file and forces it
     * to disk, which must not hold a thread of the default dispatcher (the HTTP routes and the
     * entities run there). Changes run one at a time, in the order they were asked for; each is
     * atomic (ConditionsFile.save writes a temporary file and renames it). When {@code changed}
     * says so of the result, the new set is then published to the other nodes.
     */
    private synchronized <T> CompletionStage<T> changeConditions(ConditionChange<T> change,
                                                                 java.util.function.Predicate<T> changed) {
        CompletableFuture<T> next = conditionChanges.handle((r, e) -> null).thenApplyAsync(x -> {
            try {
                T result = change.apply();
                if (changed.test(result)) {
                    conditionSync.tell(ConditionSync.Publish.INSTANCE);
                }
                return result;
            } catch (IOException e) {
                throw new UncheckedIOException("writing " + conditions.file(), e);
            }
        }, system.dispatchers().lookup(DispatcherSelector.blocking()));
        conditionChanges = next;
        return next;
    }

    // ---- hits ----

    /**
     * Up to {@code limit} hits this node delivered, newest first, of one symbol (or all when
     * {@code symbol} is null); after a restart, seeded from the alerts file.
     */
    public List<Hit> recentHits(String symbol, int limit) {
        return recent.recent(symbol, limit);
    }

    /**
     * {@link #recentHits} of the whole cluster: this node's and every other Up member's (each knows
     * the hits its own router delivered), newest bar first, each hit once. A member that does not
     * answer within {@code tickwatch.ask-timeout} is left out, with a warning, rather than failing
     * the call.
     */
    public CompletionStage<List<Hit>> clusterHits(String symbol, int limit) {
        List<CompletableFuture<List<Hit>>> parts = new ArrayList<>();
        parts.add(CompletableFuture.completedFuture(recentHits(symbol, limit)));
        Cluster cluster = Cluster.get(system);
        for (Member m : cluster.state().getMembers()) {
            if (m.status() != MemberStatus.up() || m.address().equals(cluster.selfMember().address())) {
                continue;
            }
            parts.add(system.classicSystem().actorSelection(m.address() + "/system/" + HitsQuery.NAME)
                    .resolveOne(settings.askTimeout())
                    .thenCompose(ref -> AskPattern.<HitsQuery.Command, HitsQuery.Hits>ask(Adapter.toTyped(ref),
                            reply -> new HitsQuery.Recent(symbol, limit, reply), settings.askTimeout(), system.scheduler()))
                    .thenApply(h -> h.hits().stream().map(StoredHit::toHit).toList())
                    .exceptionally(e -> {
                        LOG.warn("recent hits of {} left out: it did not answer ({})", m.address(), e.toString());
                        return List.of();
                    })
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(x -> newestFirst(parts.stream().map(CompletableFuture::join).toList(), limit));
    }

    /**
     * Merges lists that are each newest first: by bar start, latest first (a bar's time is the one
     * clock every node agrees on), keeping each list's order among equal bars; each id once.
     */
    static List<Hit> newestFirst(List<List<Hit>> lists, int limit) {
        Map<String, Hit> byId = new LinkedHashMap<>();
        for (List<Hit> l : lists) {
            for (Hit h : l) {
                byId.putIfAbsent(h.id(), h);
            }
        }
        List<Hit> merged = new ArrayList<>(byId.values());
        merged.sort(java.util.Comparator.comparingLong(Hit::barStart).reversed());
        return merged.subList(0, Math.min(limit, merged.size()));
    }

    // ---- health ----

    /**
     * True when this node is an Up cluster member and the database answers within
     * {@link #READY_TIMEOUT}. The database is asked on a connection of the check's own
     * ({@link DatabaseProbe}), never one of the journal's pool: under load the pool is the journal's,
     * and a probe waiting for it would both delay writes and report a busy node as down.
     */
    public CompletionStage<Boolean> ready() {
        if (stopping || Cluster.get(system).selfMember().status() != MemberStatus.up()) {
            return CompletableFuture.completedFuture(false);
        }
        return databaseProbe.check();
    }

    /**
     * {@link #ready()} with each source's and sink's state on this node; not ready also while a
     * source or sink named in {@code tickwatch.ready} is down ({@link Readiness}).
     */
    public CompletionStage<Readiness.Report> readiness() {
        boolean member = Cluster.get(system).selfMember().status() == MemberStatus.up();
        boolean leaving = stopping;
        CompletionStage<Boolean> db = member && !leaving ? databaseProbe.check() : CompletableFuture.completedFuture(false);
        return db.thenApply(ok -> {
            Map<String, String> sinkStates = new LinkedHashMap<>();
            sinks.statuses().forEach(s -> sinkStates.put(s.name(), s.state()));
            return Readiness.report(member, ok, leaving, sourceHealth(), sinkStates, readiness);
        });
    }

    /**
     * From now on {@link #ready()} and {@link #readiness()} answer not ready, although the node still
     * serves: called in the first phase of the node's coordinated shutdown (SIGTERM), so the
     * orchestrator takes it out of service before it stops taking requests and its tickers move.
     */
    void stopping() {
        stopping = true;
    }

    /** True once the node started its shutdown ({@link #stopping()}). */
    public boolean isStopping() {
        return stopping;
    }

    /** This node's metrics in the Prometheus text format ({@code GET /metrics}). */
    public String metrics() {
        return metrics.scrape();
    }

    /** Leaves the cluster and stops the actor system (sinks are closed, then the recorder: its files get their end). */
    public CompletionStage<Done> stop() {
        system.terminate();
        return system.getWhenTerminated().thenApply(done -> {
            if (recorder != null) {
                recorder.close();
            }
            return done;
        });
    }

    /** The recorder of every tick this node's entities accept, or null when recording is off. */
    public TickRecorder recorder() {
        return recorder;
    }

    /** {@link #stop()} and wait for it. */
    @Override
    public void close() {
        try {
            stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("stopping the node: {}", e.toString());
        }
    }
}
