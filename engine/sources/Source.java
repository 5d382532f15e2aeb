package engine.sources;

import persistence.WatchedTicker;

/**
 * Where ticks come from: one instance per configured source ({@code tickwatch.sources.<name>}) per
 * node, built once when the node starts by the factory its {@code type} names ({@link SourceTypes}),
 * with a {@link SourceContext} (the actor system, its config block, and {@link SourceContext#ingest}
 * to hand ticks to the node with backpressure).
 *
 * <p>It is then told which tickers it must feed <em>on this node</em>, as they come and go: every
 * ticker that names this source is watched by exactly one node of the cluster at a time
 * ({@link SourcePlacement}). One instance may serve hundreds of tickers over one connection: a
 * websocket feed subscribes a symbol on {@link #watch} and unsubscribes it on {@link #unwatch}.
 *
 * <p>{@code watch}, {@code unwatch} and {@code close} are called one at a time (never concurrently)
 * from actor threads: they must return quickly and never block. Run I/O on the actor system
 * (Pekko streams, HTTP client, the scheduler). A source reconnects by itself: a lost connection is
 * its own business, and {@link SourceContext#watched()} says what to subscribe again.
 */
public interface Source extends AutoCloseable {

    /** Start feeding {@code ticker} (this node owns it now). Called once per ticker until {@link #unwatch}. */
    void watch(WatchedTicker ticker);

    /** Stop feeding {@code ticker}: it was removed, or another node owns it now. */
    void unwatch(WatchedTicker ticker);

    /**
     * Completes once the ticks of {@code symbol} this source took before {@link #unwatch} have reached
     * the node (stored, or refused by it). Its feed moves to another node only after that, so the new
     * feeder asks where the stored ticks end after they are all there ({@link SourceHost#handOver}).
     * A source that hands ticks straight to {@link SourceContext#ingest} holds none: the default.
     */
    default java.util.concurrent.CompletionStage<org.apache.pekko.Done> drained(String symbol) {
        return java.util.concurrent.CompletableFuture.completedFuture(org.apache.pekko.Done.getInstance());
    }

    /**
     * Why this source cannot feed {@code ticker} as asked ({@code POST /api/tickers} answers 400 with
     * it), or null when it can. By default a source takes no instrument and gives trades only; one that
     * knows instruments or gives quotes and member flow (the {@code ls} source) says so here.
     */
    default String check(WatchedTicker ticker) {
        if (ticker.instrument() != null) {
            return "this source takes no instrument";
        }
        for (String c : ticker.channels()) {
            if (!WatchedTicker.TRADES.equals(c)) {
                return "this source gives no " + c + " (only trades)";
            }
        }
        return null;
    }

    /**
     * The latest order book of a ticker this source feeds on this node ({@code quotes} in
     * {@code GET /api/tickers/{symbol}}: a record Jackson writes), or null for none.
     */
    default Object quotes(String symbol) {
        return null;
    }

    /** The latest member (broker) flow of a ticker this source feeds on this node ({@code members}), or null. */
    default Object members(String symbol) {
        return null;
    }

    /**
     * What the source reports about itself on this node ({@code GET /api/sources}): counters, the
     * last error, whatever tells an operator it works. Called from any thread; must not block.
     */
    default java.util.Map<String, Object> health() {
        return java.util.Map.of();
    }

    /**
     * What the source reports about one ticker it feeds on this node ({@code source_health} in
     * {@code GET /api/tickers/{symbol}}), or null for nothing to say.
     */
    default java.util.Map<String, Object> health(String symbol) {
        return null;
    }

    /** The node is stopping: release connections and threads. Every ticker was unwatched before (or is moot). */
    @Override
    default void close() {
    }
}
