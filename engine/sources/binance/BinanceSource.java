package engine.sources.binance;

import conditions.Tick;
import engine.sources.Source;
import engine.sources.SourceContext;
import engine.sources.SourceFactory;
import engine.sources.SymbolLanes;
import engine.sources.VenueSilence;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.MergeHub;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.WatchedTicker;

/**
 * The {@code binance} source: Binance USD-M futures' {@code aggTrade} streams over websockets
 * (combined streams on {@code /market/stream}), one tick per aggregate trade, its size exact.
 *
 * <ul>
 * <li><b>Streams.</b> A watched ticker is {@code SUBSCRIBE}d at once on a connection with room (at most
 *     {@code max-streams}, else a new connection opens), an unwatched one {@code UNSUBSCRIBE}d; each
 *     connection sends at most {@code messages-per-second} of these, several streams a message.</li>
 * <li><b>Nothing twice.</b> Every connection's trades go through one stage that keeps each symbol's last
 *     aggregate id and drops any trade at or below it (a reconnect's or a renewal's overlap), then to the
 *     node symbol by symbol ({@link SymbolLanes}): one batch of a symbol in flight, a batch that fails
 *     sent again with the same key, and no symbol waiting for another's entity.</li>
 * <li><b>Reconnects.</b> A drop, an error frame or {@code silence} with streams subscribed closes the
 *     websocket; it is opened again after a jittered backoff and every stream subscribed again. Each
 *     ticker's gap (from the last frame to the re-subscription) is in its health.</li>
 * <li><b>Renewal.</b> After {@code lifetime} a connection opens a second websocket, subscribes it,
 *     then closes the first: no gap, and the overlap's duplicates are dropped by id.</li>
 * <li><b>Catch-up.</b> When a symbol's aggregate ids jump, its live trades wait in the ingest stage
 *     ({@link Sequencer}) while {@link CatchUp} fetches the missed ids over REST; they go in first.</li>
 * <li><b>Hand-over.</b> Every tick goes to the node with its aggregate id; each entity stores the highest
 *     in the same write as the ticks and drops a tick at or below it. A symbol this source starts feeding
 *     (it moved here from a node that left or died) holds its live trades until the node says where its
 *     stored ones end ({@link Frame.Resume}); the feed goes on from there, fetching over REST what was
 *     published while no node fed it.</li>
 * </ul>
 */
public final class BinanceSource implements Source {
    public static final String TYPE = "binance";
    private static final Logger LOG = LoggerFactory.getLogger(BinanceSource.class);
    /** A failed batch is offered to the node again after this long. */
    private static final long INGEST_RETRY_MS = 500;
    /** How often a moved feed asks again where its stored trades end, holding its live trades meanwhile. */
    private static final int POSITION_ASKS = 6;
    /** How far before a hand-over a symbol with nothing stored is fetched from ({@link #since}). */
    static final long HAND_OVER_MARGIN_MS = 60_000;

    /** The built-in factory. */
    public static Source create(SourceContext ctx) {
        return new BinanceSource(ctx, BinanceSettings.from(ctx.config()), Clock.systemUTC());
    }

    /** A factory whose sources read instants from {@code clock} (event and gap times). */
    public static SourceFactory factory(Clock clock) {
        return ctx -> new BinanceSource(ctx, BinanceSettings.from(ctx.config()), clock);
    }

    final Object lock = new Object();
    final String name;
    final BinanceSettings settings;
    final ActorSystem<?> system;
    final Clock clock;
    final Materializer mat;
    final ScheduledExecutorService timer;
    /** Where every connection's trades go: the one deduplicating, ordering, ingesting stage. */
    final Sink<Frame, NotUsed> hub;
    /** Dedup by aggregate id, gaps, and the live trades held while a gap is fetched: the stage's logic. */
    private final Sequencer sequencer;
    /** Fetches a gap's trades over REST; null when {@code catch-up.enabled = false}. */
    private final CatchUp catchUp;
    /** The trades' way into the node, one lane per symbol. */
    private final SymbolLanes lanes;
    /** Where a catch-up's result enters the ingest stage. */
    private final BoundedSourceQueue<Frame> caughtUp;
    private final SourceContext ctx;
    /** Watched symbols by symbol, and by stream name. */
    private final Map<String, SymbolFeed> feeds = new ConcurrentHashMap<>();
    private final Map<String, SymbolFeed> byStream = new ConcurrentHashMap<>();
    /** Guarded by {@link #lock}. */
    private final List<Connection> connections = new ArrayList<>();
    private int connectionNumbers;
    private final FeedEvents events = new FeedEvents();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private volatile Instant lastMessage;
    private final Deque<long[]> rateSamples = new ArrayDeque<>();
    private volatile double messagesPerSecond;
    private final AtomicBoolean closed = new AtomicBoolean();

    BinanceSource(SourceContext ctx, BinanceSettings settings, Clock clock) {
        this.ctx = ctx;
        this.name = ctx.name();
        this.settings = settings;
        this.system = ctx.system();
        this.clock = clock;
        this.mat = Materializer.createMaterializer(system);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "binance-" + name);
            t.setDaemon(true);
            return t;
        });
        this.catchUp = settings.catchUp().enabled()
                ? new CatchUp(name, settings.catchUp(), system, mat, timer, this::caughtUp) : null;
        this.lanes = new SymbolLanes(ctx, timer, INGEST_RETRY_MS, settings.maxQueued(), true);
        this.sequencer = new Sequencer(byStream::get, catchUp);
        this.hub = MergeHub.of(Frame.class, 256)
                .mapConcat(sequencer::accept)
                .groupedWithin(2000, java.time.Duration.ofMillis(20))
                .mapAsync(1, this::ingest)
                .to(Sink.ignore())
                .run(mat);
        this.caughtUp = org.apache.pekko.stream.javadsl.Source.<Frame>queue(4096).to(hub).run(mat);
        // each connection keeps its own sliding second (Connection#sendOne); this only looks often enough
        long pace = Math.max(1, 1000 / settings.messagesPerSecond() / 4);
        timer.scheduleWithFixedDelay(this::pace, pace, pace, TimeUnit.MILLISECONDS);
        long every = settings.checkInterval().toMillis();
        timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        LOG.info("binance source \"{}\": {}", name, BinanceSettings.scrub(settings.streamUrl()));
    }

    @Override
    public void watch(WatchedTicker ticker) {
        synchronized (lock) {
            if (closed.get() || feeds.containsKey(ticker.symbol())) {
                return;
            }
            SymbolFeed feed = new SymbolFeed(ticker.symbol());
            Connection conn = null;
            for (Connection c : connections) {
                if (c.streams.size() < settings.maxStreams()) {
                    conn = c;
                    break;
                }
            }
            boolean fresh = conn == null;
            if (fresh) {
                conn = new Connection(++connectionNumbers, this);
                connections.add(conn);
            }
            feed.connection = conn.number;
            // its trades wait for where the node's stored ones end (another node may have fed it until now)
            feed.awaitingPosition = true;
            feeds.put(feed.symbol, feed);
            byStream.put(feed.stream, feed);
            conn.add(feed.stream);
            if (fresh) {
                conn.start();
            }
            resumeAfterStored(feed, 1);
        }
    }

    /**
     * Asks the node where the symbol's stored trades end and hands that to the ingest stage; the ask
     * goes to the symbol's entity, which may be starting on another node (its node just died): asked
     * again a few times before the feed goes on from its next live trade without the gap.
     */
    private void resumeAfterStored(SymbolFeed feed, int attempt) {
        ctx.position(feed.symbol).whenComplete((position, e) -> {
            if (e == null || closed.get()) {
                offer(new Frame.Resume(feed, e == null ? position : -1, since(feed)));
                return;
            }
            if (attempt < POSITION_ASKS && feeds.get(feed.symbol) == feed) {
                LOG.info("binance \"{}\": where the stored trades of {} end is not known yet ({}): asking again",
                        name, feed.symbol, e.toString());
                try {
                    timer.schedule(() -> resumeAfterStored(feed, attempt + 1), INGEST_RETRY_MS, TimeUnit.MILLISECONDS);
                    return;
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    return;
                }
            }
            LOG.warn("binance \"{}\": where the stored trades of {} end is not known ({}): its feed starts"
                    + " with the next live trade", name, feed.symbol, e.toString());
            offer(new Frame.Resume(feed, -1, since(feed)));
        });
    }

    /**
     * Where a symbol handed over from another node may have trades that no node took, when it has
     * stored none: from a minute before the hand-over (the other node stopped taking its trades then;
     * the minute covers its last ones, had they not reached the node). 0 when it was no hand-over.
     */
    private long since(SymbolFeed feed) {
        long at = ctx.handedOverAt(feed.symbol);
        return at > 0 ? Math.max(1, at - HAND_OVER_MARGIN_MS) : 0;
    }

    @Override
    public void unwatch(WatchedTicker ticker) {
        synchronized (lock) {
            SymbolFeed feed = feeds.remove(ticker.symbol());
            if (feed == null) {
                return;
            }
            byStream.remove(feed.stream);
            for (var it = connections.iterator(); it.hasNext(); ) {
                Connection c = it.next();
                if (c.streams.contains(feed.stream)) {
                    c.remove(feed.stream);
                    if (c.streams.isEmpty()) {
                        c.close(); // nothing left to carry
                        it.remove();
                    }
                }
            }
        }
    }

    /** The symbol's trades already in its lane (taken before {@link #unwatch}) reached the node. */
    @Override
    public CompletionStage<Done> drained(String symbol) {
        return lanes.drained(symbol);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (lock) {
            connections.forEach(Connection::close);
            connections.clear();
        }
        lanes.close();
        timer.shutdownNow();
        mat.shutdown();
    }

    /** A websocket message as text (a streamed one read whole; binary ones are not Binance's, and skipped). */
    CompletionStage<String> text(Message msg) {
        if (msg.isText()) {
            return msg.asTextMessage().toStrict(10_000, mat).thenApply(t -> t.getStrictText());
        }
        return msg.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), mat).thenApply(d -> "");
    }

    /** One frame of socket {@code s}: trades go on to the ingest stage, the rest is handled here. */
    List<Frame> onText(Connection conn, Socket s, String text) {
        List<Frame> out = List.of();
        if (!s.gated && !s.held.isEmpty()) {
            out = new ArrayList<>(s.held);
            s.held.clear();
        }
        if (text.isEmpty()) {
            return out;
        }
        Instant now = clock.instant();
        s.lastFrameNanos = System.nanoTime();
        s.lastFrameAt = now;
        lastMessage = now;
        frames.incrementAndGet();
        Frame f = Frame.parse(text, stream -> {
            SymbolFeed feed = byStream.get(stream);
            return feed == null ? null : feed.symbol;
        });
        if (f instanceof Frame.Trade t) {
            if (s.gated) {
                s.held.add(t);
                return out;
            }
            if (out.isEmpty()) {
                return List.of(t);
            }
            out.add(t);
            return out;
        }
        if (f instanceof Frame.Answer a) {
            synchronized (lock) {
                conn.answered(s, a.id());
            }
        } else if (f instanceof Frame.Error e) {
            synchronized (lock) {
                event("error", conn.number, e.message(), 0, null);
                LOG.warn("binance \"{}\" connection {}: error frame: {}", name, conn.number, e.message());
                conn.fail(s, "error frame: " + e.message());
            }
        } else if (f instanceof Frame.Malformed m) {
            if (malformed.incrementAndGet() % 1000 == 1) {
                LOG.warn("binance \"{}\": {} (logged every 1000th)", name, m.message());
            }
        }
        return out;
    }

    /** A catch-up ended: its trades join the ingest stage, behind what is already in it. */
    private void caughtUp(Frame.CaughtUp c) {
        offer(c);
    }

    /** A catch-up's end or a feed's stored position into the ingest stage. */
    private void offer(Frame f) {
        var result = caughtUp.offer(f);
        if (!result.equals(org.apache.pekko.stream.QueueOfferResult.enqueued()) && !closed.get()) {
            String symbol = f instanceof Frame.CaughtUp c ? c.feed().symbol : ((Frame.Resume) f).feed().symbol;
            LOG.error("binance \"{}\": {} of {} could not be handed on ({}): its live trades stay held", name,
                    f.getClass().getSimpleName(), symbol, result);
        }
    }

    /** The stream's own backpressure, told apart from the venue's silence ({@link Connection#check}). */
    final VenueSilence silence = new VenueSilence();

    /**
     * One batch of trades into the symbols' lanes ({@link SymbolLanes}): each symbol's trades go to
     * the node with their aggregate ids (each entity stores the highest, so the next node to feed it
     * knows), one batch of a symbol at a time; the stream reads on unless too many wait.
     */
    private CompletionStage<Done> ingest(List<Frame.Trade> batch) {
        List<Tick> list = new ArrayList<>(batch.size());
        long[] ids = new long[batch.size()];
        for (Frame.Trade t : batch) {
            ids[list.size()] = t.id();
            list.add(t.tick());
        }
        return silence.storing(() -> lanes.submit(list, ids));
    }

    /** A stream's feed was cut: its ticker's gap opens. */
    void interrupted(String stream, Instant from, String reason) {
        SymbolFeed feed = byStream.get(stream);
        if (feed != null) {
            feed.openGap(from, reason);
        }
    }

    /** A stream is subscribed again: its ticker's gap (if any) closes. */
    void resumed(String stream, Instant to) {
        SymbolFeed feed = byStream.get(stream);
        if (feed != null) {
            feed.closeGap(to);
        }
    }

    void event(String kind, int connection, String reason, int attempt, Instant nextTry) {
        FeedEvent e = new FeedEvent(name, clock.instant(), kind, connection, reason, attempt, nextTry);
        events.add(e);
        system.eventStream().tell(new EventStream.Publish<>(e));
        // The type every source publishes, so a sink that tells an admin listens to one type for all.
        StringBuilder detail = new StringBuilder("connection ").append(connection);
        if (reason != null) {
            detail.append(": ").append(reason);
        }
        if (attempt > 0) {
            detail.append("; attempt ").append(attempt);
        }
        if (nextTry != null) {
            detail.append(", next try ").append(nextTry);
        }
        system.eventStream().tell(new EventStream.Publish<>(
                new engine.sources.SourceEvent(name, e.time(), kind, null, detail.toString())));
    }

    private void pace() {
        try {
            synchronized (lock) {
                for (Connection c : connections) {
                    for (Socket s : c.sockets()) {
                        c.sendOne(s);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("binance \"{}\": pacing failed", name, e);
        }
    }

    private void check() {
        try {
            long now = System.nanoTime();
            synchronized (lock) {
                for (Connection c : connections) {
                    c.check(now);
                }
            }
            long count = frames.get();
            rateSamples.addLast(new long[] {now, count});
            while (rateSamples.size() > 2 && now - rateSamples.peekFirst()[0] > 10_000_000_000L) {
                rateSamples.removeFirst();
            }
            long[] first = rateSamples.peekFirst();
            double secs = (now - first[0]) / 1e9;
            messagesPerSecond = secs <= 0 ? 0 : (count - first[1]) / secs;
        } catch (RuntimeException e) {
            LOG.error("binance \"{}\": check failed", name, e);
        }
    }

    @Override
    public Map<String, Object> health(String symbol) {
        SymbolFeed feed = feeds.get(symbol);
        return feed == null ? null : feed.view();
    }

    @Override
    public Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("url", BinanceSettings.scrub(settings.streamUrl()));
        List<Map<String, Object>> conns = new ArrayList<>();
        int subscriptions = 0;
        String state;
        synchronized (lock) {
            boolean allUp = true;
            for (Connection c : connections) {
                conns.add(c.view());
                subscriptions += c.current == null ? 0 : c.current.subscribed.size();
                allUp &= c.state == Connection.State.CONNECTED;
            }
            state = closed.get() ? "closed" : connections.isEmpty() ? "idle" : allUp ? "connected" : "reconnecting";
        }
        m.put("state", state);
        m.put("tickers", feeds.size());
        m.put("subscriptions", subscriptions);
        m.put("messages", frames.get());
        m.put("messages_per_second", Math.round(messagesPerSecond * 10) / 10.0);
        m.put("last_message", lastMessage == null ? null : lastMessage.toString());
        m.put("ticks", sequencer.ticks.get());
        m.put("duplicates", sequencer.duplicates.get());
        m.put("malformed", malformed.get());
        m.put("requests_sent", sent.get());
        m.put("reconnects", reconnects.get());
        Map<String, Object> cu = sequencer.view();
        if (catchUp != null) {
            cu.putAll(catchUp.view());
        }
        m.put("catch_up", cu);
        m.put("ingest", lanes.view());
        m.put("event_counts", events.counts());
        m.put("connections", conns.size());
        m.put("per_connection", conns);
        Map<String, Object> per = new TreeMap<>();
        feeds.forEach((s, f) -> per.put(s, f.view()));
        m.put("per_ticker", per);
        m.put("events", events.view());
        return m;
    }
}
