package engine.sources.ls;

import actors.ls.TokenClient;

import conditions.Tick;
import engine.sources.Source;
import engine.sources.SourceContext;
import engine.sources.SourceEvent;
import engine.sources.SymbolLanes;
import engine.sources.SourceFactory;
import engine.sources.VenueSilence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.WatchedTicker;
import persistence.tickfile.RecordedRow;

/**
 * The {@code ls} source: LS Securities OpenAPI's real-time websocket (README "The ls source").
 *
 * <ul>
 * <li><b>Token.</b> From {@code POST /oauth2/token} before the first connection; renewed
 *     {@code renew-before} ahead of its {@code expires_in}, and at once when the server answers
 *     {@code IGW00121} (expired), after which every watched ticker is registered again.</li>
 * <li><b>One connection</b> carries every ticker's registration ({@code tr_type} 3 on watch, 4 on
 *     unwatch). Every ack is read: a refused one is shown on the ticker with its code and message;
 *     a six-digit code is tried as KOSPI ({@code S3_}), then KOSDAQ ({@code K3_}).</li>
 * <li><b>Reconnect.</b> After a drop, an error frame or {@code silence-limit} without a frame: a
 *     jittered exponential backoff, then every watched ticker registered again; the gap (from the
 *     last frame to the new ack) is shown on each ticker. Trades carry the day's cumulative volume,
 *     so one received again is not counted twice.</li>
 * </ul>
 *
 * All state is changed on one thread of the source's own; frames are parsed on the stream and their
 * trades go to the node symbol by symbol ({@link SymbolLanes}), with backpressure: the websocket is
 * not read while more than {@code max-queued} trades wait for the node.
 */
public final class LsSource implements Source {
    public static final String TYPE = "ls";
    private static final Logger LOG = LoggerFactory.getLogger(LsSource.class);
    static final int MAX_EVENTS = 100;
    /** A batch the node did not store is sent again after this long (same key). */
    private static final long INGEST_RETRY_MS = 500;
    /** Trades in one batch (one ingest). */
    private static final int MAX_BATCH_TRADES = 1_000;
    /** Frames in one batch, quotes and member flow included: bounds what waits while a batch is ingested. */
    private static final int MAX_BATCH_FRAMES = 20_000;

    /** The built-in factory (system clock). */
    public static Source create(SourceContext ctx) {
        return factory(Clock.systemUTC()).create(ctx);
    }

    /** A factory whose sources date trades (and stamp events) by {@code clock}. */
    public static Factory factory(Clock clock) {
        return ctx -> new LsSource(ctx, LsSettings.from(ctx.config()), clock);
    }

    /** A {@link SourceFactory} that does not throw checked exceptions. */
    @FunctionalInterface
    public interface Factory extends SourceFactory {
        @Override
        Source create(SourceContext ctx);
    }

    /** One websocket (one attempt of a {@link Slot}'s connection). */
    private static final class Conn {
        final long id;
        final Slot slot;
        UniqueKillSwitch kill;
        LsSocket socket;
        boolean open;
        volatile Instant lastFrame;
        /** When the last frame was read ({@link System#nanoTime()}). */
        volatile long readNanos = System.nanoTime();
        /** This connection's backpressure, told apart from the venue's silence. */
        final VenueSilence silence = new VenueSilence();

        Conn(long id, Slot slot) {
            this.id = id;
            this.slot = slot;
        }
    }

    /**
     * One of the source's connections and the tickers registered on it: at most
     * {@code max-registrations-per-connection} channels (0: no limit, so one connection carries all).
     * Each reconnects by itself, with its own backoff; an empty one is closed.
     */
    private static final class Slot {
        final int number;
        final Map<String, LsTicker> tickers = new LinkedHashMap<>();
        /** Registrations sent and not answered yet, by {@code tr_cd|key}. */
        final Map<String, LsTicker> pending = new HashMap<>();
        Conn ws;
        int attempt;
        volatile String state = "idle";
        volatile Instant nextTry;

        Slot(int number) {
            this.number = number;
        }

        /** The channels its tickers ask for. */
        int load() {
            int n = 0;
            for (LsTicker t : tickers.values()) {
                n += t.registrations.size();
            }
            return n;
        }

        boolean open() {
            return ws != null && ws.open;
        }
    }

    private final SourceContext ctx;
    private final LsSettings settings;
    private final Clock clock;
    private final TokenClient tokens;
    private final Materializer mat;
    /** The websockets' client ({@link LsSocket} says why the JDK's). */
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    private final ScheduledExecutorService exec;
    /** The trades' way into the node, one lane per symbol (a moving entity holds back only its own). */
    private final SymbolLanes lanes;
    private final Random random = new Random();

    // changed on exec only
    private final Map<String, LsTicker> tickers = new ConcurrentHashMap<>();
    private final List<Slot> slots = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Slot> slotOf = new HashMap<>();
    private long connSeq;
    private int slotSeq;
    private TokenClient.Token token;
    private long tokenExpiresNanos;
    private boolean renewing;
    private ScheduledFuture<?> renewTask;
    private boolean closed;

    // counters, read from any thread
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    /** Quote frames taken as the latest state and handed to the recording, all tickers together. */
    private final AtomicLong quoteFrames = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong tokenRenewals = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private volatile long messagesPerSecond;
    private long messagesAtLastSecond;
    private volatile Instant lastMessage;
    private volatile Instant tokenExpires;
    private final Deque<SourceEvent> events = new ArrayDeque<>();
    private final Map<String, Long> eventCounts = new TreeMap<>();

    LsSource(SourceContext ctx, LsSettings settings, Clock clock) {
        this.ctx = ctx;
        this.settings = settings;
        this.clock = clock;
        this.tokens = new TokenClient(ctx.system(), settings.credentials(), clock);
        this.mat = Materializer.matFromSystem(ctx.system());
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ls-" + ctx.name());
            t.setDaemon(true);
            return t;
        });
        this.lanes = new SymbolLanes(ctx, exec, INGEST_RETRY_MS, settings.maxQueued(), false);
        exec.scheduleAtFixedRate(this::measureRate, 1, 1, TimeUnit.SECONDS);
        if (!settings.silenceLimit().isZero()) {
            long every = Math.max(10, settings.silenceLimit().toMillis() / 4);
            exec.scheduleWithFixedDelay(this::checkSilence, every, every, TimeUnit.MILLISECONDS);
        }
        LOG.info("ls source \"{}\": {}", ctx.name(), settings);
    }

    // ---------------------------------------------------------------- the Source interface

    @Override
    public void watch(WatchedTicker ticker) {
        exec.execute(() -> {
            String s = ticker.symbol();
            Instrument chosen = settings.instruments().get(s);
            if (ticker.instrument() != null) {
                try {
                    chosen = Instrument.parse(ticker.instrument()); // the ticker's own wins over the configuration
                } catch (IllegalArgumentException e) {
                    LOG.warn("ls source \"{}\": ticker {}: {}; going by the configuration and the code's shape",
                            ctx.name(), s, e.getMessage());
                }
            }
            List<Instrument> candidates = chosen != null ? List.of(chosen) : Instrument.byShape(s);
            LsTicker t = new LsTicker(s, candidates, candidates.size() == 1 ? candidates.get(0) : null,
                    ticker.channels());
            tickers.put(s, t);
            Slot slot = slotFor(t);
            slot.tickers.put(s, t);
            slotOf.put(s, slot);
            if (slot.open()) {
                register(slot, t);
            } else if ("idle".equals(slot.state)) {
                connect(slot);
            }
        });
    }

    /** The first connection with room for the ticker's channels, or a new one. */
    private Slot slotFor(LsTicker t) {
        int limit = settings.maxRegistrationsPerConnection();
        for (Slot sl : slots) {
            if (limit <= 0 || sl.tickers.isEmpty() || sl.load() + t.registrations.size() <= limit) {
                return sl;
            }
        }
        Slot sl = new Slot(++slotSeq);
        slots.add(sl);
        return sl;
    }

    /** An empty connection is closed (a later ticker opens a new one). */
    private void retire(Slot slot) {
        slots.remove(slot);
        slot.state = "closed";
        Conn c = slot.ws;
        slot.ws = null;
        if (c != null && c.kill != null) {
            c.kill.shutdown();
        }
    }

    @Override
    public void unwatch(WatchedTicker ticker) {
        exec.execute(() -> {
            LsTicker t = tickers.remove(ticker.symbol());
            if (t == null) {
                return;
            }
            Slot slot = slotOf.remove(ticker.symbol());
            if (slot == null) {
                return;
            }
            slot.tickers.remove(t.symbol);
            slot.pending.values().removeIf(p -> p == t);
            Instrument i = t.instrument;
            if (slot.open() && i != null) {
                for (LsTicker.Registration r : t.registrations.values()) {
                    // one still on its way is ended too: the server answers the 3 before the 4
                    if ("registered".equals(r.state) || "registering".equals(r.state)) {
                        send(slot.ws, Frame.request(token.value(), "4", i.tr(r.channel), i.key(t.symbol)));
                    }
                }
            }
            if (slot.tickers.isEmpty() && slots.size() > 1) {
                retire(slot); // the last connection stays, as one did before there were several
            }
        });
    }

    /**
     * The ticker's instrument must be one LS has, and its channels ones that instrument gives: member
     * flow is for KOSPI and KOSDAQ stocks only.
     */
    @Override
    public String check(WatchedTicker ticker) {
        Instrument i = settings.instruments().get(ticker.symbol());
        if (ticker.instrument() != null) {
            try {
                i = Instrument.parse(ticker.instrument());
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        } else if (i == null && Instrument.byShape(ticker.symbol()).size() == 1) {
            i = Instrument.byShape(ticker.symbol()).get(0);
        }
        for (String c : ticker.channels()) {
            if (!WatchedTicker.CHANNELS.contains(c)) {
                return "unknown channel \"" + c + "\": one of " + WatchedTicker.CHANNELS;
            }
            if (i != null && i.tr(c) == null) {
                return "a " + i.id() + " has no " + c + " channel (member flow is for kospi and kosdaq stocks)";
            }
        }
        return null;
    }

    @Override
    public Object quotes(String symbol) {
        LsTicker t = tickers.get(symbol);
        return t == null ? null : t.quotes;
    }

    @Override
    public Object members(String symbol) {
        LsTicker t = tickers.get(symbol);
        return t == null ? null : t.members;
    }

    /**
     * The ticker's trades already in its lane reached the node: asked on {@code exec} after the
     * {@link #unwatch} queued there, so no trade of it is taken after the answer's question.
     */
    @Override
    public CompletionStage<Done> drained(String symbol) {
        try {
            return CompletableFuture.supplyAsync(() -> lanes.drained(symbol), exec).thenCompose(d -> d);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return CompletableFuture.completedFuture(Done.getInstance());
        }
    }

    @Override
    public void close() {
        lanes.close();
        exec.execute(() -> {
            closed = true;
            for (Slot slot : slots) {
                retire(slot);
            }
        });
        exec.shutdown();
    }

    @Override
    public Map<String, Object> health(String symbol) {
        LsTicker t = tickers.get(symbol);
        return t == null ? null : t.view();
    }

    @Override
    public Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("url", Scrub.url(settings.url().toString()));
        m.put("ws_url", Scrub.url(settings.wsUrl().toString()));
        List<Map<String, Object>> perConnection = new ArrayList<>();
        String state = closed ? "closed" : "idle";
        Instant nextTry = null;
        int open = 0;
        for (Slot sl : slots) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("connection", sl.number);
            c.put("state", sl.state);
            c.put("tickers", sl.tickers.size());
            c.put("registrations", sl.load());
            c.put("next_try", sl.nextTry == null ? null : sl.nextTry.toString());
            perConnection.add(c);
            if ("connected".equals(sl.state)) {
                open++;
            }
            // the source is connected when every connection is; else it says what the first one not connected does
            if ("idle".equals(state) || "connected".equals(state)) {
                state = sl.state;
            }
            if (sl.nextTry != null && (nextTry == null || sl.nextTry.isBefore(nextTry))) {
                nextTry = sl.nextTry;
            }
        }
        m.put("state", state);
        m.put("connections", open);
        m.put("connects", connects.get());
        m.put("reconnects", reconnects.get());
        m.put("ingest", lanes.view());
        m.put("next_try", nextTry == null ? null : nextTry.toString());
        m.put("max_registrations_per_connection", settings.maxRegistrationsPerConnection());
        m.put("per_connection", perConnection);
        m.put("tickers", tickers.size());
        m.put("registrations", tickers.values().stream().flatMap(t -> t.registrations.values().stream())
                .filter(r -> "registered".equals(r.state)).count());
        m.put("refused", tickers.values().stream()
                .filter(t -> t.registrations.values().stream().anyMatch(LsTicker.Registration::refused))
                .map(t -> t.symbol).sorted().toList());
        m.put("messages", messages.get());
        m.put("quote_frames", quoteFrames.get());
        m.put("messages_per_second", messagesPerSecond);
        m.put("last_message", lastMessage == null ? null : lastMessage.toString());
        m.put("malformed", malformed.get());
        m.put("token_expires", tokenExpires == null ? null : tokenExpires.toString());
        m.put("token_renewals", tokenRenewals.get());
        synchronized (events) {
            m.put("event_counts", new TreeMap<>(eventCounts));
            m.put("events", events.stream().map(SourceEvent::view).toList());
        }
        return m;
    }

    // ---------------------------------------------------------------- connection (on exec)

    private void connect(Slot slot) {
        if (closed || !slots.contains(slot)) {
            return;
        }
        if (slot.tickers.isEmpty()) {
            slot.state = "idle";
            return;
        }
        slot.state = "connecting";
        slot.nextTry = null;
        if (token != null && System.nanoTime() - tokenExpiresNanos < 0) {
            open(slot);
            return;
        }
        tokens.fetch().whenComplete((tok, err) -> exec.execute(() -> {
            if (closed || !slots.contains(slot)) {
                return;
            }
            if (err != null) {
                retryLater(slot, "token: " + message(err));
                return;
            }
            setToken(tok);
            open(slot);
        }));
    }

    private void open(Slot slot) {
        Conn c = new Conn(++connSeq, slot);
        slot.ws = c;
        Pair<BoundedSourceQueue<String>, org.apache.pekko.stream.javadsl.Source<String, org.apache.pekko.NotUsed>> q =
                org.apache.pekko.stream.javadsl.Source.<String>queue(2 * LsSocket.HIGH).preMaterialize(mat);
        LsSocket socket = new LsSocket(q.first());
        c.socket = socket;
        // Trades alone fill a batch: quotes and member flow (several times as many frames) ride along
        // without taking a trade's place, so a batch's one ingest carries up to 1,000 trades however
        // many quotes arrive meanwhile (counted as frames, they cut the trades a batch carried to a
        // fifth at 4 quotes a trade, and the node fell behind on trades it could otherwise keep up with).
        Pair<UniqueKillSwitch, CompletionStage<Done>> r = q.second()
                .map(text -> {
                    c.readNanos = System.nanoTime();
                    socket.taken();
                    return text;
                })
                .viaMat(KillSwitches.single(), Keep.right())
                .filter(text -> !text.isEmpty())
                .mapConcat(this::parse)
                .groupedWeightedWithin(MAX_BATCH_TRADES, MAX_BATCH_FRAMES, f -> f.isTrade() ? 1L : 0L,
                        Duration.ofMillis(2))
                .mapAsync(1, batch -> c.silence.storing(() -> onFrames(c, batch)))
                .toMat(Sink.ignore(), Keep.both())
                .run(mat);
        c.kill = r.first();
        socket.open(http, settings.wsUrl(), settings.requestTimeout()).whenComplete((ok, err) -> exec.execute(() -> {
            if (slot.ws != c) {
                socket.abort();
                return;
            }
            if (err != null) {
                c.kill.abort(new IllegalStateException(LsSocket.why(err)));
            } else {
                connected(c);
            }
        }));
        r.second().whenComplete((d, err) -> {
            socket.abort(); // the stream ended (the server closed, or it was aborted): so does the socket
            exec.execute(() -> dropped(c, err == null ? "closed by the server" : silent(err) ? "silent for longer than "
                    + settings.silenceLimit().toMillis() + " ms" : message(err)));
        });
    }

    private void connected(Conn c) {
        Slot slot = c.slot;
        c.readNanos = System.nanoTime(); // silence counts from the connection, not from the attempt to open it
        c.open = true;
        slot.state = "connected";
        connects.incrementAndGet();
        event("connected", null, Scrub.url(settings.wsUrl().toString()) + " (connection " + slot.number + "), "
                + slot.tickers.size() + " tickers to register");
        for (LsTicker t : slot.tickers.values()) {
            register(slot, t);
        }
    }

    /** A connection ended (any reason): each of its tickers is pending and gapped until registered again. */
    private void dropped(Conn c, String reason) {
        Slot slot = c.slot;
        if (slot.ws != c || closed) {
            return;
        }
        slot.ws = null;
        slot.pending.clear();
        Instant from = c.lastFrame != null ? c.lastFrame : clock.instant();
        for (LsTicker t : slot.tickers.values()) {
            if (t.gapFrom == null && ("registered".equals(t.state()) || "registering".equals(t.state()))) {
                t.gapFrom = from;
            }
            t.forgetRegistrations();
        }
        if (c.open) {
            event("disconnected", null, (slots.size() > 1 ? "connection " + slot.number + ": " : "") + reason);
        }
        retryLater(slot, reason);
    }

    private void retryLater(Slot slot, String reason) {
        if (closed || !slots.contains(slot)) {
            return;
        }
        if (slot.tickers.isEmpty()) {
            slot.state = "idle";
            return;
        }
        slot.attempt++;
        reconnects.incrementAndGet();
        long base = settings.backoff().toMillis() << Math.min(slot.attempt - 1, 20);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        long delay = Math.max(1, Math.round(capped * (1 + settings.jitter() * (2 * random.nextDouble() - 1))));
        slot.state = "backoff";
        slot.nextTry = clock.instant().plusMillis(delay);
        event("reconnecting", null, (slots.size() > 1 ? "connection " + slot.number + ", " : "") + "attempt "
                + slot.attempt + ", next try " + slot.nextTry + " (in " + delay + " ms) after: " + reason);
        exec.schedule(() -> connect(slot), delay, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- registrations (on exec)

    /**
     * Registers the ticker's channels that are neither registered, on their way, nor refused: a
     * refusal stands until the ticker is watched anew (removed and added, say with another instrument),
     * so a reconnect or a new token does not ask again. An undecided instrument (a six-digit code)
     * registers its first channel only, under each candidate in turn; the ack decides, then the rest follow.
     */
    private void register(Slot slot, LsTicker t) {
        Instrument i = t.current();
        LsTicker.Registration first = t.first();
        if (i == null) {
            if (t.candidates.isEmpty() && !first.refused()) {
                refuse(t, first, null, "-", "the code's shape does not tell its instrument: give \"instrument\" "
                        + "when adding it, or name it in tickwatch.sources." + ctx.name() + ".instruments");
            }
            return;
        }
        for (LsTicker.Registration r : t.registrations.values()) {
            if ("pending".equals(r.state)) {
                String tr = i.tr(r.channel);
                if (tr == null) {
                    refuse(t, r, null, "-", "a " + i.id() + " has no " + r.channel + " channel");
                    continue;
                }
                slot.pending.put(tr + "|" + t.symbol, t);
                r.state = "registering";
                send(slot.ws, Frame.request(token.value(), "3", tr, i.key(t.symbol)));
            }
            if (t.instrument == null) {
                return; // the first channel's ack decides the instrument before the others are asked for
            }
        }
    }

    private void send(Conn c, String frame) {
        if (c == null || !c.open) {
            return;
        }
        c.socket.send(frame);
    }

    private void onControl(Conn c, Frame f) {
        Slot slot = c.slot;
        if (slot.ws != c) {
            return;
        }
        slot.attempt = 0; // the server answers: the next drop starts the backoff from the beginning
        if (Frame.TOKEN_EXPIRED.equals(f.rspCd())) {
            slot.pending.remove(f.trCd() + "|" + f.key());
            tokenExpired(f);
            return;
        }
        if ("4".equals(f.trType())) {
            return; // unregister ack
        }
        LsTicker t = slot.pending.remove(f.trCd() + "|" + f.key());
        if (t == null) {
            if (!f.isOk()) {
                event("error_frame", f.key().isEmpty() ? null : f.key(), f.rspCd() + " " + f.rspMsg());
                c.kill.abort(new IllegalStateException("error frame " + f.rspCd() + " " + f.rspMsg()));
            }
            return;
        }
        LsTicker.Registration r = t.registration(Instrument.channelOf(f.trCd()));
        if (r == null || !"registering".equals(r.state)) {
            return;
        }
        if (f.isOk()) {
            boolean decided = t.instrument == null;
            t.instrument = Instrument.byTr(f.trCd());
            r.state = "registered";
            r.registeredAt = clock.instant();
            if (r == t.first() && t.gapFrom != null) {
                t.gap(t.gapFrom, r.registeredAt);
                t.gapFrom = null;
            }
            if (decided) {
                register(slot, t); // the other channels, now that the instrument is known
            }
        } else if (t.instrument == null && t.tried + 1 < t.candidates.size()) {
            t.tried++;
            r.state = "pending";
            register(slot, t);
        } else {
            refuse(t, r, f.trCd(), f.rspCd(), f.rspMsg());
        }
    }

    private void refuse(LsTicker t, LsTicker.Registration r, String tr, String code, String message) {
        r.state = "refused";
        r.refusedTr = tr;
        r.refusedCode = code;
        r.refusedMessage = message;
        refusals.incrementAndGet();
        event("registration_refused", t.symbol, r.channel + ": " + (tr == null ? "" : tr + ": ") + code + " " + message);
    }

    /** The server says the token expired: renew now, then register every ticker again. */
    private void tokenExpired(Frame f) {
        tokenExpiresNanos = System.nanoTime();
        if (renewing) {
            return;
        }
        renewing = true;
        tokens.fetch().whenComplete((tok, err) -> exec.execute(() -> {
            renewing = false;
            if (closed) {
                return;
            }
            if (err != null) {
                for (Slot slot : slots) { // every connection registered with the dead token
                    if (slot.open()) {
                        slot.ws.kill.abort(new IllegalStateException("token expired and renewal failed: " + message(err)));
                    }
                }
                return;
            }
            setToken(tok);
            tokenRenewals.incrementAndGet();
            event("token_renewed", null, "the server said " + f.rspCd() + " " + f.rspMsg() + "; expires "
                    + tok.expires());
            for (Slot slot : slots) {
                if (slot.open()) {
                    for (LsTicker t : slot.tickers.values()) {
                        t.forgetRegistrations(); // the server forgot them with the old token; refusals stand
                        register(slot, t);
                    }
                }
            }
        }));
    }

    private void setToken(TokenClient.Token tok) {
        token = tok;
        tokenExpires = tok.expires();
        Duration life = Duration.between(tok.issued(), tok.expires());
        tokenExpiresNanos = System.nanoTime() + life.toNanos();
        if (renewTask != null) {
            renewTask.cancel(false);
        }
        long after = TokenClient.renewAfter(tok, settings.renewBefore()).toMillis();
        renewTask = exec.schedule(this::renewScheduled, after, TimeUnit.MILLISECONDS);
    }

    private void renewScheduled() {
        if (closed || renewing) {
            return;
        }
        renewing = true;
        tokens.fetch().whenComplete((tok, err) -> exec.execute(() -> {
            renewing = false;
            if (closed) {
                return;
            }
            if (err != null) {
                LOG.warn("ls source \"{}\": token renewal failed, trying again in {}: {}", ctx.name(),
                        settings.backoff(), message(err));
                renewTask = exec.schedule(this::renewScheduled, settings.backoff().toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            setToken(tok);
            tokenRenewals.incrementAndGet();
            event("token_renewed", null, "before it expired; expires " + tok.expires());
        }));
    }

    // ---------------------------------------------------------------- frames (on the stream)

    /** A text frame parsed, or nothing for a malformed one (counted). */
    private List<Frame> parse(String text) {
        messages.incrementAndGet();
        try {
            return List.of(Frame.parse(text));
        } catch (IllegalArgumentException e) {
            malformed.incrementAndGet();
            LOG.debug("ls source \"{}\": malformed frame: {}", ctx.name(), e.getMessage());
            return List.of();
        }
    }

    /**
     * A batch of frames: trades become ticks, handed to the symbols' lanes (the next batch is read at
     * once unless too many trades wait for the node); the rest go to exec.
     */
    private CompletionStage<Done> onFrames(Conn c, List<Frame> frames) {
        Instant now = clock.instant();
        LocalDateTime local = LocalDateTime.ofInstant(now, TradeTicks.SEOUL);
        String received = Quotes.iso(now); // one formatting a batch, not one a quote
        lastMessage = now;
        c.lastFrame = now;
        List<Tick> ticks = new ArrayList<>();
        List<RecordedRow> quoteRows = new ArrayList<>();
        List<RecordedRow> memberRows = new ArrayList<>();
        for (Frame f : frames) {
            if (!f.isData()) {
                exec.execute(() -> onControl(c, f));
                continue;
            }
            Instrument i = Instrument.byTr(f.trCd());
            if (i == null) {
                continue; // a TR we never register
            }
            LsTicker t = tickers.get(f.key());
            if (t == null) {
                continue; // unwatched here, its unregistration on its way: its feed may have moved already
            }
            String channel = Instrument.channelOf(f.trCd());
            if (!WatchedTicker.TRADES.equals(channel)) {
                sideFrame(t, i, channel, f, now, received, quoteRows, memberRows);
                continue; // quotes and member flow do not make ticks (nor bars)
            }
            try {
                ticks.add(TradeTicks.tick(i, f.key(), f.body(), local));
                t.trades.incrementAndGet();
                t.lastTrade = now;
            } catch (IllegalArgumentException e) {
                malformed.incrementAndGet();
                t.malformed.incrementAndGet();
                LOG.debug("ls source \"{}\": malformed {} {}: {}", ctx.name(), f.trCd(), f.key(), e.getMessage());
            }
        }
        if (!quoteRows.isEmpty()) {
            ctx.record(WatchedTicker.QUOTES, Quotes.HEADER, quoteRows);
        }
        if (!memberRows.isEmpty()) {
            ctx.record(WatchedTicker.MEMBERS, Members.HEADER, memberRows);
        }
        if (ticks.isEmpty()) {
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        return lanes.submit(ticks, null);
    }

    /** A quotes or member-flow frame: the ticker's latest state, and a row for its file. */
    private void sideFrame(LsTicker t, Instrument i, String channel, Frame f, Instant now, String received,
                           List<RecordedRow> quoteRows, List<RecordedRow> memberRows) {
        try {
            if (WatchedTicker.QUOTES.equals(channel)) {
                Quotes q = Quotes.parse(i, f.body(), received);
                t.quotes = q;
                t.quoteFrames.incrementAndGet();
                quoteFrames.incrementAndGet();
                quoteRows.add(new RecordedRow(now.toEpochMilli(), TradeTicks.market(i), q.csv(t.symbol)));
            } else {
                Members m = Members.parse(f.body(), now);
                t.members = m;
                t.memberFrames.incrementAndGet();
                memberRows.add(new RecordedRow(now.toEpochMilli(), TradeTicks.market(i), m.csv(t.symbol)));
            }
        } catch (IllegalArgumentException e) {
            malformed.incrementAndGet();
            t.malformed.incrementAndGet();
            LOG.debug("ls source \"{}\": malformed {} {}: {}", ctx.name(), f.trCd(), f.key(), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- events and rates

    private void event(String type, String symbol, String detail) {
        SourceEvent e = new SourceEvent(ctx.name(), clock.instant(), type, symbol, detail);
        synchronized (events) {
            events.addLast(e);
            while (events.size() > MAX_EVENTS) {
                events.removeFirst();
            }
            eventCounts.merge(type, 1L, Long::sum);
        }
        if ("registration_refused".equals(type) || "disconnected".equals(type) || "error_frame".equals(type)) {
            LOG.warn("ls source \"{}\": {}{}: {}", ctx.name(), type, symbol == null ? "" : " " + symbol, detail);
        } else {
            LOG.info("ls source \"{}\": {}{}: {}", ctx.name(), type, symbol == null ? "" : " " + symbol, detail);
        }
        ctx.system().eventStream().tell(new EventStream.Publish<>(e));
    }

    /**
     * {@code silence-limit} without a frame ends a connection, but only the venue's silence
     * ({@link VenueSilence}): a stream idle timeout counted the node's own backpressure as silence.
     */
    private void checkSilence() {
        long now = System.nanoTime();
        for (Slot slot : slots) {
            Conn c = slot.ws;
            if (c != null && c.open && c.kill != null && c.silence.silent(c.readNanos, now, settings.silenceLimit())) {
                c.kill.abort(new java.util.concurrent.TimeoutException("no frame for " + settings.silenceLimit()));
            }
        }
    }

    private void measureRate() {
        long m = messages.get();
        messagesPerSecond = m - messagesAtLastSecond;
        messagesAtLastSecond = m;
    }

    /** The failure {@link #checkSilence} ends a connection with when no frame came within {@code silence-limit}. */
    private static boolean silent(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && !(c instanceof java.util.concurrent.TimeoutException)) {
            c = c.getCause();
        }
        return c instanceof java.util.concurrent.TimeoutException;
    }

    /** An error's own words, under the wrappers of futures ({@link LsSocket#why} too). */
    static String message(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
