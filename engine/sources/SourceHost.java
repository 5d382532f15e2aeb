package engine.sources;

import actors.ConfigBlocks;
import actors.TickerEntity.IngestResult;
import conditions.Tick;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.WatchedTicker;

/**
 * This node's sources: one instance of each configured source, the symbols each feeds here, and
 * the filter on their ticks. The feed workers placed on this node ({@link FeedWorker}) tell it what
 * to watch; it calls the sources one at a time (the methods are synchronized), so a source needs no
 * locking of its own for {@code watch}/{@code unwatch}.
 */
public final class SourceHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceHost.class);

    /**
     * The node's ingest path for sources: stores ticks of watched tickers, never adds a ticker, and
     * records the accepted ones under the source's name; and the position a numbered source's ticks
     * of a symbol reached ({@link SourceContext#position(String)}).
     */
    public interface NodeIngest {
        /** @param positions each tick's number at its source, or null (see {@link SourceContext#ingest(List, long[], String)}) */
        CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, long[] positions, String idempotencyKey);

        CompletionStage<Long> position(String symbol);

        /** See {@link SourceContext#lastTickTime(String)}. */
        CompletionStage<Long> lastTickTime(String symbol);
    }

    /**
     * Told of every ticker this node starts or stops feeding, after its source was (the daily
     * fetcher follows the tickers this way). Called from actor threads, one call at a time: must not
     * block.
     */
    public interface Listener {
        void watched(WatchedTicker t);

        void unwatched(WatchedTicker t);
    }

    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final Map<String, Set<String>> watched = new ConcurrentHashMap<>();
    /** Symbols handed over ({@link #handOver}) whose ticks taken here still go to the node, by source. */
    private final Map<String, Set<String>> draining = new ConcurrentHashMap<>();
    /** Symbols whose feed here began with a hand-over from another node: when ({@link SourceContext#handedOverAt}). */
    private final Map<String, Long> handedOver = new ConcurrentHashMap<>();
    /** When this node started feeding each symbol it feeds ({@code fed_here_since}). */
    private final Map<String, java.time.Instant> fedSince = new ConcurrentHashMap<>();
    private final Set<String> warnedMissing = new HashSet<>();
    private final NodeIngest node;

    private SourceHost(NodeIngest node) {
        this.node = node;
    }

    /**
     * Builds every configured source (in name order) with its context.
     *
     * @throws IllegalStateException naming the source whose factory failed (those built are closed)
     */
    public static SourceHost start(ActorSystem<?> system, List<ConfigBlocks.Block> blocks, SourceTypes types,
                                   NodeIngest node) {
        return start(system, blocks, types, node, SourceContext.Recorder.NONE);
    }

    /** {@link #start(ActorSystem, List, SourceTypes, NodeIngest)} with where sources record quotes and member flow. */
    public static SourceHost start(ActorSystem<?> system, List<ConfigBlocks.Block> blocks, SourceTypes types,
                                   NodeIngest node, SourceContext.Recorder recorder) {
        SourceHost host = new SourceHost(node);
        for (ConfigBlocks.Block b : blocks) {
            Set<String> symbols = ConcurrentHashMap.newKeySet();
            host.watched.put(b.name(), symbols);
            host.draining.put(b.name(), ConcurrentHashMap.newKeySet());
            SourceContext.Ingest ingest = new SourceContext.Ingest() {
                @Override
                public CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, String idempotencyKey) {
                    return host.ingest(source, ticks, null, idempotencyKey);
                }

                @Override
                public CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, long[] positions,
                                                            String idempotencyKey) {
                    return host.ingest(source, ticks, positions, idempotencyKey);
                }

                @Override
                public CompletionStage<Long> position(String symbol) {
                    return host.node.position(symbol);
                }

                @Override
                public CompletionStage<Long> lastTickTime(String symbol) {
                    return host.node.lastTickTime(symbol);
                }

                @Override
                public long handedOverAt(String symbol) {
                    return host.handedOver.getOrDefault(symbol, 0L);
                }
            };
            SourceContext ctx = new SourceContext(b.name(), b.config(), system, ingest, symbols, recorder);
            try {
                host.sources.put(b.name(), types.factory(b.type()).create(ctx));
            } catch (Exception e) {
                host.close();
                throw new IllegalStateException("source \"" + b.name() + "\" (type " + b.type() + "): " + e.getMessage(), e);
            }
        }
        LOG.info("sources on this node: {}", host.sources.keySet());
        return host;
    }

    /** Adds a listener, told of the tickers fed here from now on: add it before the placement starts. */
    public void listen(Listener l) {
        listeners.add(l);
    }

    /** The configured source names, in order. */
    public List<String> names() {
        return List.copyOf(sources.keySet());
    }

    /**
     * Starts feeding {@code t} here (a no-op when it is fed here already), which another node handed
     * over at {@code handedOverAt} (epoch millis; 0: not a hand-over), as {@link SourceContext#handedOverAt}
     * tells its source.
     */
    public synchronized void watch(WatchedTicker t, long handedOverAt) {
        Source s = sources.get(t.source());
        if (s == null) {
            if (warnedMissing.add(t.source())) {
                LOG.warn("ticker {} names source \"{}\", which this node does not configure (configured: {}); "
                        + "its ticks will not come from this node (logged once per source)", t.symbol(), t.source(),
                        sources.keySet());
            }
            return;
        }
        if (!watched.get(t.source()).add(t.symbol())) {
            return;
        }
        fedSince.put(t.symbol(), java.time.Instant.now());
        if (handedOverAt > 0) {
            handedOver.put(t.symbol(), handedOverAt);
        } else {
            handedOver.remove(t.symbol());
        }
        try {
            s.watch(t);
        } catch (RuntimeException e) {
            LOG.error("source {} failed to watch {}: {}", t.source(), t.symbol(), e.toString(), e);
        }
        tell(l -> l.watched(t), t);
    }

    private void tell(java.util.function.Consumer<Listener> call, WatchedTicker t) {
        for (Listener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.error("listener {} failed on {}: {}", l, t.symbol(), e.toString(), e);
            }
        }
    }

    /** Stops feeding {@code t} here (a no-op when it is not fed here): ticks of it still on their way are dropped. */
    public synchronized void unwatch(WatchedTicker t) {
        Source s = sources.get(t.source());
        if (s == null || !watched.get(t.source()).remove(t.symbol())) {
            return;
        }
        stopFeeding(s, t);
    }

    /**
     * Stops feeding {@code t} here because its feed moves to another node, and completes once the
     * ticks the source took here before reached the node ({@link Source#drained}), or after
     * {@code timeout}; until then those ticks still go to the node, after it they are dropped.
     *
     * <p>Why: the new feeder starts where the ticker's stored ticks end. When this node's last ticks
     * were still queued (or dropped, as they were), it started before them; with nothing stored yet it
     * could not tell the missing trades from the ticker's start, and they were lost (ClusterKillIT,
     * about one run in four). The feed worker stops only when this completes, and sharding starts it
     * on the other node only after it stopped.
     */
    public CompletionStage<Done> handOver(WatchedTicker t, Duration timeout) {
        Source s;
        Set<String> ours;
        synchronized (this) {
            s = sources.get(t.source());
            if (s == null || !watched.get(t.source()).contains(t.symbol())) {
                return CompletableFuture.completedFuture(Done.getInstance());
            }
            ours = draining.get(t.source());
            ours.add(t.symbol()); // before it leaves the watched set, so no tick of it is dropped between
            watched.get(t.source()).remove(t.symbol());
            stopFeeding(s, t);
        }
        CompletionStage<Done> drained;
        try {
            drained = s.drained(t.symbol());
        } catch (RuntimeException e) {
            LOG.error("source {} failed to say when {} drained: {}", t.source(), t.symbol(), e.toString(), e);
            drained = CompletableFuture.completedFuture(Done.getInstance());
        }
        return drained.toCompletableFuture().copy()
                .completeOnTimeout(Done.getInstance(), timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((d, e) -> {
                    ours.remove(t.symbol());
                    if (e != null) {
                        LOG.warn("source {}: {} handed over without its last ticks: {}", t.source(), t.symbol(),
                                e.toString());
                    }
                    return Done.getInstance();
                });
    }

    private void stopFeeding(Source s, WatchedTicker t) {
        fedSince.remove(t.symbol());
        handedOver.remove(t.symbol());
        try {
            s.unwatch(t);
        } catch (RuntimeException e) {
            LOG.error("source {} failed to unwatch {}: {}", t.source(), t.symbol(), e.toString(), e);
        }
        tell(l -> l.unwatched(t), t);
    }

    /** The symbols {@code source} feeds on this node now. */
    public Set<String> watched(String source) {
        Set<String> s = watched.get(source);
        return s == null ? Set.of() : Set.copyOf(s);
    }

    /**
     * Whether {@code source} feeds {@code symbol} on this node now. Reads the live set: a copy (as
     * {@link #watched(String)} makes) of 12,000 symbols on every {@code GET /api/tickers/{symbol}} and
     * {@code GET /api/sources} was about 30 % of the latter's CPU in {@code bench feeds}.
     */
    private boolean feeds(String source, String symbol) {
        Set<String> s = watched.get(source);
        return s != null && s.contains(symbol);
    }

    /** Each source's health on this node, by name (see {@link Source#health()}). */
    public Map<String, Map<String, Object>> health() {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        sources.forEach((name, s) -> {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("tickers", watched.getOrDefault(name, Set.of()).size());
            try {
                h.putAll(s.health());
            } catch (RuntimeException e) {
                h.put("error", e.toString());
            }
            m.put(name, h);
        });
        return m;
    }

    /**
     * What the source feeding {@code symbol} on this node says about it, or null; with
     * {@code fed_here_since}, when this node started feeding it (the node's own clock: after a node
     * died, when the ticker's feed moved here).
     */
    public Map<String, Object> health(String symbol) {
        Source s = feeding(symbol);
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        java.time.Instant since = fedSince.get(symbol);
        m.put("fed_here_since", since == null ? null : since.toString());
        try {
            Map<String, Object> h = s.health(symbol);
            if (h != null) {
                m.putAll(h);
            }
        } catch (RuntimeException ex) {
            m.put("error", ex.toString());
        }
        return m;
    }

    /** The latest quotes of {@code symbol} from the source feeding it here, or null. */
    public Object quotes(String symbol) {
        Source s = feeding(symbol);
        return s == null ? null : s.quotes(symbol);
    }

    /** The latest member flow of {@code symbol} from the source feeding it here, or null. */
    public Object members(String symbol) {
        Source s = feeding(symbol);
        return s == null ? null : s.members(symbol);
    }

    /** Why {@code t}'s source cannot feed it as asked, or null (also when this node does not run that source). */
    public String check(WatchedTicker t) {
        Source s = sources.get(t.source());
        return s == null ? null : s.check(t);
    }

    private Source feeding(String symbol) {
        for (Map.Entry<String, Source> e : sources.entrySet()) {
            if (feeds(e.getKey(), symbol)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * A source's ticks: those of symbols it feeds here, or hands over now ({@link #handOver}), go to the
     * node; the rest are dropped (see {@link SourceContext#ingest}).
     */
    private CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, long[] positions,
                                                 String idempotencyKey) {
        Set<String> mine = watched.getOrDefault(source, Set.of());
        Set<String> leaving = draining.getOrDefault(source, Set.of());
        List<Tick> kept = new ArrayList<>(ticks.size());
        long[] keptPositions = positions == null ? null : new long[ticks.size()];
        int dropped = 0;
        for (int i = 0; i < ticks.size(); i++) {
            Tick t = ticks.get(i);
            // a malformed tick (no symbol, say) goes on to be counted as malformed
            if (t == null || t.problem() != null || mine.contains(t.symbol())
                    || !leaving.isEmpty() && leaving.contains(t.symbol())) {
                if (keptPositions != null) {
                    keptPositions[kept.size()] = positions[i];
                }
                kept.add(t);
            } else {
                dropped++;
            }
        }
        if (dropped > 0) {
            LOG.debug("source {}: {} tick(s) of symbols it does not feed on this node dropped", source, dropped);
        }
        return node.ingest(source, kept, keptPositions == null || dropped == 0 ? keptPositions
                : java.util.Arrays.copyOf(keptPositions, kept.size()), idempotencyKey);
    }

    /** Closes every source (the node is stopping). */
    @Override
    public synchronized void close() {
        for (Map.Entry<String, Source> e : sources.entrySet()) {
            try {
                e.getValue().close();
            } catch (RuntimeException ex) {
                LOG.warn("closing source {}: {}", e.getKey(), ex.toString());
            }
        }
    }
}
