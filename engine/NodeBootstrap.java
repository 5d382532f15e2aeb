package engine;

import actors.AcceptedTicks;
import actors.ClosedBars;
import actors.DailyContexts;
import actors.ConditionRegistry;
import actors.ConditionSync;
import actors.ConfigBlocks;
import actors.HitRouter;
import actors.HitsQuery;
import actors.RecentHits;
import actors.SinkRuntime;
import actors.TickerEntity;
import actors.TickerRegistry;
import actors.sinks.HitSink;
import actors.sinks.SinkContext;
import actors.sinks.SinkFactory;
import actors.sinks.SinkSettings;
import actors.sinks.SinkTypes;
import conditions.ConditionException;
import engine.sources.SourceFactory;
import engine.sources.SourceHost;
import engine.sources.SourcePlacement;
import engine.sources.SourceTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.DeliveryLedger;
import persistence.Schema;
import persistence.WatchedTicker;
import persistence.bars.BarArchive;
import persistence.bars.BarArchiveWriter;
import persistence.daily.DailyContextLoader;
import persistence.daily.DailyStore;
import persistence.tickfile.TickRecorder;
import engine.daily.DailyFetcher;
import engine.daily.DailySettings;
import engine.sources.naver.NaverSource;

/**
 * Starts a {@link Node}, one step per method, in this order: read what the config names (conditions,
 * sinks, sources, and that every sink a condition names exists: a mistake refuses the start before
 * anything runs) -> actor system and cluster
 * -> database schema -> sinks and their router -> sharded entities and the ticker registry -> sources
 * and their placement -> wait until the node is an Up member. The HTTP API is bound afterwards by
 * whoever runs the node ({@code NodeCommand}, {@code NodeBench}, tests).
 *
 * <pre>{@code
 * Node node = new NodeBootstrap(settings).sinkType("recording", ctx -> sink).start();
 * }</pre>
 */
public final class NodeBootstrap {
    /** Closed bars that may wait for the archive's writer (a few minutes of 20,000 tickers' bars). */
    private static final int ARCHIVE_QUEUE = 200_000;
    private static final Logger LOG = LoggerFactory.getLogger(NodeBootstrap.class);

    private final NodeSettings settings;
    private SinkTypes sinkTypes = SinkTypes.builtIn();
    private SourceTypes sourceTypes = SourceTypes.builtIn();
    private java.time.Clock dailyClock = java.time.Clock.systemUTC();
    private AcceptedTicks alsoAccepted = AcceptedTicks.NONE;

    public NodeBootstrap(NodeSettings settings) {
        this.settings = settings;
    }

    /** Adds a sink type besides the built-in ones (tests, tools); config blocks name it in {@code type}. */
    public NodeBootstrap sinkType(String type, SinkFactory factory) {
        sinkTypes = sinkTypes.with(type, factory);
        return this;
    }

    /** Adds a source type besides the built-in ones (tests, tools); config blocks name it in {@code type}. */
    public NodeBootstrap sourceType(String type, SourceFactory factory) {
        sourceTypes = sourceTypes.with(type, factory);
        return this;
    }

    /** The clock the daily fetcher reads (tests tell it it is 16:20 KST on a given day). */
    public NodeBootstrap dailyClock(java.time.Clock clock) {
        dailyClock = clock;
        return this;
    }

    /**
     * Also hands every tick this node's entities accept to {@code listener}, after the recorder (benchmarks
     * measure frame-to-entity latency with it). Called on entity threads: it must not block.
     */
    public NodeBootstrap alsoAccepted(AcceptedTicks listener) {
        alsoAccepted = listener;
        return this;
    }

    /**
     * Starts the node. Blocks until the schema is there, the node is an Up member and the registry
     * answers (at most {@code tickwatch.start-timeout}).
     *
     * @throws IllegalStateException when the conditions, the sources, the sinks, the database or the
     *                               cluster fail; whatever was started is stopped again
     */
    public Node start() {
        warnAboutCommonPool();
        Plan plan = readConfiguration();
        ClusterTls.refusePlaintextBeyondLoopback(settings.pekkoConfig());
        createDataDirs();
        LOG.info("starting tickwatch node: {}; {}; {} condition(s), sinks {}, sources {}", settings, plan.discovery(),
                plan.conditions().current().size(), plan.sinkNames(), plan.sourceNames());
        ActorSystem<Void> system = startSystem();
        try {
            joinCluster(system, plan.discovery());
            engine.live.LiveHub live = startLive(system);
            prepareSchema(system);
            RecentHits recent = new RecentHits(settings.recentHits());
            SinkRuntime sinkRuntime = sinkRuntime(system, plan);
            List<HitSink> sinks = openSinks(system, plan, recent);
            ActorRef<HitRouter.Command> router = startSinks(system, sinks, recent, sinkRuntime);
            Node node = startTickers(system, plan, router, recent, sinkRuntime, sinks);
            node.live(live);
            SinkFacts facts = new SinkFacts(node);
            sinks.forEach(s -> s.nodeStarted(facts));
            startSources(system, plan, node);
            drainOnStop(system, node, plan.readiness());
            awaitUp(system, node, plan.discovery());
            return node;
        } catch (Exception e) {
            stopAfterFailure(system);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot start on " + settings.db().describe() + ": " + cause, cause);
        }
    }

    /** What the configuration names, read and checked before anything starts. */
    private record Plan(ConditionRegistry conditions, List<ConfigBlocks.Block> sinks, List<ConfigBlocks.Block> sources,
                        SourcePlacement.Settings placement, TickRecorder.Settings recording,
                        Readiness.Settings readiness, ClusterDiscovery discovery) {
        List<String> sinkNames() {
            return names(sinks);
        }

        List<String> sourceNames() {
            return names(sources);
        }
    }

    /** Conditions, sinks (and that every sink a condition names is one), sources, placement, recording. */
    private Plan readConfiguration() {
        ConditionRegistry conditions = loadConditions();
        List<ConfigBlocks.Block> sinkBlocks = configured(() -> sinkTypes.configured(settings.config()));
        checkSinkNames(conditions, sinkBlocks);
        List<ConfigBlocks.Block> sourceBlocks = configured(() -> sourceTypes.configured(settings.config()));
        SourcePlacement.Settings placement = configured(() -> SourcePlacement.Settings.from(settings.config()));
        TickRecorder.Settings recording = configured(() -> TickRecorder.Settings.from(settings.config(), settings.dataDir()));
        Readiness.Settings readiness = configured(() -> Readiness.Settings.from(settings.config()));
        configured(() -> {
            readiness.check(names(sourceBlocks), names(sinkBlocks));
            return null;
        });
        ClusterDiscovery discovery = configured(() -> ClusterDiscovery.from(settings.config()));
        return new Plan(conditions, sinkBlocks, sourceBlocks, placement, recording, readiness, discovery);
    }

    private static void warnAboutCommonPool() {
        if (ForkJoinPool.getCommonPoolParallelism() < 2) {
            // See Main.useCommonPool: every async stage (each hit confirmation) would start a thread.
            LOG.warn("the common ForkJoinPool has parallelism {}: start the JVM with "
                    + "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4 (java -jar tickwatch.jar does); "
                    + "otherwise each hit confirmation starts a thread and hits reach sinks late under load",
                    ForkJoinPool.getCommonPoolParallelism());
        }
    }

    /** The conditions file; an invalid one refuses the start with the parser's messages. */
    private ConditionRegistry loadConditions() {
        try {
            return ConditionRegistry.load(settings.conditionsFile());
        } catch (ConditionException e) {
            throw new IllegalStateException("cannot start: " + settings.conditionsFile() + " has invalid conditions:\n"
                    + String.join("\n", e.problems()), e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start: reading " + settings.conditionsFile() + ": " + e, e);
        }
    }

    /** Every sink a condition names is configured: a hit must never go to a sink that does not exist. */
    private void checkSinkNames(ConditionRegistry conditions, List<ConfigBlocks.Block> sinkBlocks) {
        try {
            SinkNames.check(conditions.current().all(), new TreeSet<>(names(sinkBlocks)));
        } catch (SinkNames.UnknownSinks e) {
            throw new IllegalStateException("cannot start: " + settings.conditionsFile() + ": " + e.getMessage(), e);
        }
    }

    private static <T> T configured(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
            throw new IllegalStateException("cannot start: " + e.getMessage(), e);
        }
    }

    private static List<String> names(List<ConfigBlocks.Block> blocks) {
        return blocks.stream().map(ConfigBlocks.Block::name).toList();
    }

    private void createDataDirs() {
        try {
            Files.createDirectories(settings.dataDir());
            if (settings.db().h2Directory() != null) {
                Files.createDirectories(settings.db().h2Directory());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot start: " + e, e);
        }
    }

    private ActorSystem<Void> startSystem() {
        try {
            return ActorSystem.create(Behaviors.empty(), "tickwatch", settings.pekkoConfig());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the actor system: " + e, e);
        }
    }

    /**
     * With Cluster Bootstrap ({@link ClusterDiscovery}), its management endpoint and the bootstrap
     * process, which joins the node; else a node without seed nodes joins itself and with them the
     * cluster's seed process joins it.
     */
    private void joinCluster(ActorSystem<Void> system, ClusterDiscovery discovery) {
        if (discovery.bootstrap()) {
            discovery.start(system);
            return;
        }
        Cluster cluster = Cluster.get(system);
        if (settings.seedNodes().isEmpty()) {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
    }

    /**
     * The first phase of a shutdown (SIGTERM, {@code system.terminate()}): the node answers not ready
     * and keeps serving for {@code tickwatch.ready.drain}, so an orchestrator or load balancer that
     * polls {@code /ready} sends its traffic elsewhere before the admin API unbinds (the next phase),
     * the sinks drain and the node's shards and feeds move to the others as it leaves the cluster.
     */
    private static void drainOnStop(ActorSystem<Void> system, Node node, Readiness.Settings readiness) {
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "not-ready-then-drain",
                () -> {
                    node.stopping();
                    LOG.info("stopping: /ready answers 503 now; serving {} more before leaving the cluster",
                            readiness.drain());
                    CompletableFuture<Done> drained = new CompletableFuture<>();
                    system.scheduler().scheduleOnce(readiness.drain(), () -> drained.complete(Done.getInstance()),
                            system.executionContext());
                    return drained;
                });
    }

    /**
     * The live stream (README "Dashboard"), before anything that publishes to it: the feed of this
     * node's live events to the cluster's topic and the hub the SSE clients of this node read.
     */
    private engine.live.LiveHub startLive(ActorSystem<Void> system) {
        return engine.live.LiveHub.start(system, engine.live.LiveHub.Settings.from(settings.config()));
    }

    /** Creates the journal tables when missing; refuses a database built with another bar model. */
    private void prepareSchema(ActorSystem<Void> system) throws Exception {
        Duration wait = settings.startTimeout();
        Schema.createIfNotExists(system, settings.db()).toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        Schema.checkModel(system, settings.db(), settings.ticker().model()).toCompletableFuture()
                .get(wait.toMillis(), TimeUnit.MILLISECONDS);
        DeliveryLedger.createIfNotExists(system, settings.db()).toCompletableFuture()
                .get(wait.toMillis(), TimeUnit.MILLISECONDS);
        persistence.OrderBook.createIfNotExists(system, settings.db()).toCompletableFuture()
                .get(wait.toMillis(), TimeUnit.MILLISECONDS);
        // the start waits here anyway: the daily, archive and universe tables, created on this thread
        BarArchive.of(system, settings.db()).createTable();
        DailyStore.of(system, settings.db()).createTable();
        persistence.universe.UniverseStore.of(system, settings.db()).createTables();
    }

    /**
     * What the sinks run with: the cluster's delivery ledger, this node's address as its owner name
     * there (stable across restarts of a node with a fixed port), each sink's settings and type.
     */
    private SinkRuntime sinkRuntime(ActorSystem<Void> system, Plan plan) {
        java.util.Map<String, SinkSettings> sinkSettings = new java.util.HashMap<>();
        java.util.Map<String, String> types = new java.util.HashMap<>();
        for (ConfigBlocks.Block b : plan.sinks()) {
            sinkSettings.put(b.name(), configured(() -> SinkSettings.from(b.config())));
            types.put(b.name(), b.type());
        }
        org.apache.pekko.actor.Address self = Cluster.get(system).selfMember().address();
        String owner = self.host().isDefined() ? self.host().get() + ":" + self.port().get() : self.toString();
        return new SinkRuntime(DeliveryLedger.of(system, settings.db()), owner, java.time.Duration.ofMillis(
                settings.ticker().model().interval().millis()), java.time.Clock.systemUTC(), settings.dataDir(),
                sinkSettings, types, new java.util.concurrent.ConcurrentHashMap<>());
    }

    /**
     * Opens every configured sink; the node's recent hits start with what the sinks recorded before.
     */
    private List<HitSink> openSinks(ActorSystem<Void> system, Plan plan, RecentHits recent) {
        List<HitSink> sinks = sinkTypes.open(plan.sinks(),
                b -> new SinkContext(b.name(), b.config(), system, settings.dataDir(), settings.recentHits()));
        sinks.forEach(s -> recent.addAll(s.recentAtOpen()));
        return sinks;
    }

    /** The router that runs the sinks (and closes them when it stops). */
    private ActorRef<HitRouter.Command> startSinks(ActorSystem<Void> system, List<HitSink> sinks, RecentHits recent,
                                                   SinkRuntime runtime) {
        try {
            ActorRef<HitRouter.Command> router = system.systemActorOf(HitRouter.create(sinks, runtime, recent,
                            settings.ticker().ackTimeout().multipliedBy(4)),
                    "hit-router", Props.empty());
            // A graceful stop lets each sink record the attempt on the wire: sent, it is never sent again
            CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "drain-sinks",
                    () -> org.apache.pekko.actor.typed.javadsl.AskPattern.<HitRouter.Command, HitRouter.Drained>ask(
                                    router, HitRouter.Drain::new, Duration.ofSeconds(4), system.scheduler())
                            .handle((d, e) -> Done.getInstance()));
            return router;
        } catch (RuntimeException e) {
            sinks.forEach(SinkTypes::closeQuietly);
            throw e;
        }
    }

    /**
     * The ticker entities (sharded), the conditions' sync across nodes, the recent-hits query and
     * the ticker registry singleton: then the node can answer.
     */
    private Node startTickers(ActorSystem<Void> system, Plan plan, ActorRef<HitRouter.Command> router,
                              RecentHits recent, SinkRuntime sinkRuntime, List<HitSink> sinks) {
        TickRecorder recorder = startRecorder(system, plan.recording());
        // The tap hands accepted ticks to whoever waits for a symbol's next one (the paper broker)
        actors.TickTap tap = actors.TickTap.get(system);
        AcceptedTicks recording = recorder == null ? AcceptedTicks.NONE : recorder::record;
        AcceptedTicks also = alsoAccepted;
        BarArchive archive = BarArchive.of(system, settings.db());
        BarArchiveWriter archiveWriter = BarArchiveWriter.start(archive, ARCHIVE_QUEUE);
        system.getWhenTerminated().thenRun(archiveWriter::close);
        DailyContextLoader daily = new DailyContextLoader(DailyStore.of(system, settings.db()), archive,
                system.dispatchers().lookup(DispatcherSelector.blocking()));
        ClusterSharding sharding = startEntities(system, plan.conditions(), router, (source, ticks) -> {
            recording.accepted(source, ticks);
            tap.accepted(ticks);
            also.accepted(source, ticks);
        }, archiveWriter::closed, daily::forDay);
        ActorRef<ConditionSync.Command> conditionSync = system.systemActorOf(
                // on the blocking dispatcher: taking a newer set from another node rewrites the conditions file
                ConditionSync.create(plan.conditions(), settings.conditionsSync()), "condition-sync",
                DispatcherSelector.blocking());
        system.systemActorOf(HitsQuery.create(recent), HitsQuery.NAME, Props.empty());
        ActorRef<TickerRegistry.Command> registry = startRegistry(system, sharding, plan.sourceNames());
        Node node = new Node(settings, system, plan.conditions(), recent, registry, conditionSync, plan.sourceNames(),
                new TreeSet<>(plan.sinkNames()), new NodeSinks(system, router, sinkRuntime), recorder, sinks,
                plan.readiness());
        hearRemovals(system, node);
        return node;
    }

    /** Has the node forget each ticker removed, through it or another node ({@link TickerRegistry#REMOVALS}). */
    private static void hearRemovals(ActorSystem<Void> system, Node node) {
        system.systemActorOf(Behaviors.receiveMessage((TickerRegistry.Unwatched u) -> {
            node.forget(u.symbol());
            return Behaviors.same();
        }), TickerRegistry.REMOVALS, Props.empty());
    }

    /**
     * The recorder of every tick this node's entities accept (each node records its own entities'
     * ticks, in its own data directory), or null when {@code tickwatch.recording.enabled} is off.
     * Closed when the actor system has stopped, after the last entity wrote.
     */
    private static TickRecorder startRecorder(ActorSystem<Void> system, TickRecorder.Settings recording) {
        if (!recording.enabled()) {
            LOG.info("recording of accepted ticks is off (tickwatch.recording.enabled = false)");
            return null;
        }
        TickRecorder recorder = TickRecorder.start(recording);
        system.getWhenTerminated().thenRun(recorder::close);
        return recorder;
    }

    private ClusterSharding startEntities(ActorSystem<Void> system, ConditionRegistry conditions,
                                          ActorRef<HitRouter.Command> router, AcceptedTicks recorder,
                                          ClosedBars archive, DailyContexts daily) {
        ClusterSharding sharding = ClusterSharding.get(system);
        TickerEntity.init(sharding, new TickerEntity.Deps(conditions, router, settings.ticker(),
                java.time.Clock.systemUTC(), recorder, archive, daily));
        return sharding;
    }

    /** The registry singleton: it wakes each watched ticker's entity, and passivates a removed one. */
    private ActorRef<TickerRegistry.Command> startRegistry(ActorSystem<Void> system, ClusterSharding sharding,
                                                           List<String> sourceNames) {
        return TickerRegistry.init(ClusterSingleton.get(system), sourceNames, new TickerRegistry.Watcher() {
            @Override
            public void wake(WatchedTicker t) {
                sharding.entityRefFor(TickerEntity.KEY, t.symbol()).tell(TickerEntity.Wake.INSTANCE);
            }

            @Override
            public void stop(WatchedTicker t) {
                sharding.entityRefFor(TickerEntity.KEY, t.symbol()).tell(TickerEntity.Passivate.INSTANCE);
            }
        }, settings.wakeInterval());
    }

    /**
     * Builds this node's instance of every configured source and starts this node's part of the
     * feed workers' daemon process; the sources are closed when the node stops, after the workers
     * placed here have unwatched their tickers.
     */
    private void startSources(ActorSystem<Void> system, Plan plan, Node node) {
        TickRecorder recorder = node.recorder();
        SourceHost.NodeIngest ingest = new SourceHost.NodeIngest() {
            @Override
            public java.util.concurrent.CompletionStage<TickerEntity.IngestResult> ingest(
                    String source, List<conditions.Tick> ticks, long[] positions, String idempotencyKey) {
                return node.ingestWatched(source, ticks, positions, idempotencyKey);
            }

            @Override
            public java.util.concurrent.CompletionStage<Long> position(String symbol) {
                return node.position(symbol);
            }

            @Override
            public java.util.concurrent.CompletionStage<Long> lastTickTime(String symbol) {
                return node.lastTickTime(symbol);
            }
        };
        SourceHost host = SourceHost.start(system, plan.sources(), sourceTypes, ingest,
                recorder == null ? engine.sources.SourceContext.Recorder.NONE : recorder::recordRows);
        node.sourceHost(host);
        startDaily(system, node, host);
        startUniverse(system, node);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-sources",
                () -> {
                    host.close();
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
        SourcePlacement.init(system, node.registry(), host, plan.placement());
    }

    /**
     * The daily store, and the fetcher of the daily bars of the KRX tickers this node feeds
     * (following the source host, so before the placement starts), unless {@code tickwatch.daily}
     * is off.
     */
    private void startDaily(ActorSystem<Void> system, Node node, SourceHost host) {
        DailyStore store = DailyStore.of(system, settings.db());
        DailySettings daily = configured(() -> DailySettings.from(settings.config()));
        DailyFetcher fetcher = null;
        if (daily.enabled()) {
            fetcher = new DailyFetcher(daily, configured(() -> NaverSource.holidays(settings.config())), dailyClock, store);
            host.listen(fetcher);
            DailyFetcher f = fetcher;
            system.getWhenTerminated().thenRun(f::close);
        } else {
            LOG.info("daily data fetching is off (tickwatch.daily.enabled = false)");
        }
        node.daily(store, fetcher);
    }

    /**
     * The universe job's singleton (every node takes part, one runs it) and its store, unless
     * {@code tickwatch.universe.size} is 0. The job watches its tickers with the {@code naver} source.
     */
    private void startUniverse(ActorSystem<Void> system, Node node) {
        persistence.universe.UniverseStore store = persistence.universe.UniverseStore.of(system, settings.db());
        engine.universe.UniverseSettings universe = configured(() -> engine.universe.UniverseSettings.from(settings.config()));
        if (!universe.enabled()) {
            LOG.info("the universe job is off (tickwatch.universe.size = 0)");
            node.universe(store, null);
            return;
        }
        engine.sources.naver.KrxCalendar calendar = configured(() -> NaverSource.holidays(settings.config()));
        engine.universe.UniverseJob.Tickers tickers = new engine.universe.UniverseJob.Tickers() {
            @Override
            public java.util.concurrent.CompletionStage<java.util.List<WatchedTicker>> list() {
                return node.tickers();
            }

            @Override
            public java.util.concurrent.CompletionStage<TickerRegistry.AddResult> add(String symbol, long addedAt) {
                return node.addTicker(symbol, NaverSource.TYPE, conditions.Market.KRX, null, null, WatchedTicker.UNIVERSE,
                        addedAt);
            }

            @Override
            public java.util.concurrent.CompletionStage<TickerRegistry.RemoveResult> remove(String symbol) {
                return node.removeTicker(symbol);
            }
        };
        node.universe(store, engine.universe.UniverseRunner.init(system,
                () -> new engine.universe.UniverseJob(universe, calendar, dailyClock, store, tickers),
                universe.checkInterval()));
    }

    /** Waits until this node is an Up member and the registry has answered. */
    private void awaitUp(ActorSystem<Void> system, Node node, ClusterDiscovery discovery) throws Exception {
        Duration wait = settings.startTimeout();
        Cluster cluster = Cluster.get(system);
        long deadline = System.nanoTime() + wait.toNanos();
        while (cluster.selfMember().status() != MemberStatus.up()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the node did not join the cluster ("
                        + (discovery.bootstrap() ? discovery.toString() : "seed nodes " + settings.seedNodes())
                        + ") within " + wait);
            }
            Thread.sleep(20);
        }
        // The registry singleton may still be starting (or moving, when this node joins a running cluster
        // on a busy machine): ask again until the start timeout rather than fail after one ask-timeout.
        while (true) {
            try {
                node.refreshKnown().toCompletableFuture().get(Math.max(1, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                break;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.info("the ticker registry did not answer yet ({}); asking again", e.getCause() == null ? e : e.getCause());
            }
        }
        LOG.info("tickwatch node up at {} with {} watched ticker(s)", cluster.selfMember().address(), node.knownCount());
    }

    /** Stops the actor system; the router, if it started, closes the sinks, the shutdown task the sources. */
    private static void stopAfterFailure(ActorSystem<Void> system) {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already failing
        }
    }
}
