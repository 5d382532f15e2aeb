package engine.sources.binance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketRequest;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the source's connections to {@code /market/stream}, carrying up to {@code max-streams}
 * streams: it opens its websocket, subscribes its streams (paced), reconnects with jittered backoff
 * after a drop, an error frame or silence, and renews itself before Binance's 24-hour cut by opening a
 * new websocket and closing the old one once the new one has every stream. Every method runs under
 * the source's lock ({@link BinanceSource#lock}); the stream callbacks take it.
 */
final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    enum State { CONNECTING, CONNECTED, WAITING, CLOSED }

    final int number;
    private final BinanceSource src;
    /** The streams this connection must carry (watched tickers'). */
    final LinkedHashSet<String> streams = new LinkedHashSet<>();
    Socket current;
    /** The renewal's websocket, until it has every stream and replaces {@link #current}. */
    Socket next;
    State state = State.CONNECTING;
    int attempt;
    Instant nextTry;
    private ScheduledFuture<?> retry;
    private long renewNotBeforeNanos = System.nanoTime(); // nanoTime may be negative: never compare with 0
    private int serials;

    Connection(int number, BinanceSource src) {
        this.number = number;
        this.src = src;
    }

    void start() {
        current = open(false);
    }

    /** A stream was watched on this connection. */
    void add(String stream) {
        streams.add(stream);
        for (Socket s : sockets()) {
            if (s.up) {
                s.subscribe(stream);
            }
        }
    }

    void remove(String stream) {
        streams.remove(stream);
        for (Socket s : sockets()) {
            if (s.up) {
                s.unsubscribe(stream);
            }
        }
    }

    List<Socket> sockets() {
        List<Socket> l = new ArrayList<>(2);
        if (current != null) {
            l.add(current);
        }
        if (next != null) {
            l.add(next);
        }
        return l;
    }

    /** Stopping (no streams left, or the node stops): no reconnect. */
    void close() {
        state = State.CLOSED;
        if (retry != null) {
            retry.cancel(false);
        }
        for (Socket s : sockets()) {
            s.intended = true;
            shutdown(s);
        }
        current = null;
        next = null;
    }

    /** Closes {@code s} gracefully: a close frame, and what it received still goes on to the ingest stage. */
    private static void shutdown(Socket s) {
        if (s.out != null) {
            s.out.complete();
        }
        if (s.kill != null) {
            s.kill.shutdown();
        }
    }

    private Socket open(boolean gated) {
        Socket s = new Socket(++serials);
        s.gated = gated;
        String url = src.settings.streamUrl();
        Pair<Pair<Pair<BoundedSourceQueue<Message>, CompletionStage<WebSocketUpgradeResponse>>, UniqueKillSwitch>,
                CompletionStage<Done>> m = Source.<Message>queue(64)
                .viaMat(Http.get(src.system).webSocketClientFlow(WebSocketRequest.create(url)), Keep.both())
                .viaMat(KillSwitches.single(), Keep.both())
                .mapAsync(1, msg -> src.text(msg))
                .merge(Source.<String>queue(8).mapMaterializedValue(q -> {
                    s.control = q;
                    return q;
                }), true)
                .mapConcat(text -> src.onText(this, s, text))
                .watchTermination(Keep.both())
                .to(src.hub)
                .run(src.mat);
        s.out = m.first().first().first();
        s.kill = m.first().second();
        m.first().first().second().whenComplete((upgrade, e) -> {
            if (e == null && upgrade.response().status().equals(StatusCodes.SWITCHING_PROTOCOLS)) {
                synchronized (src.lock) {
                    opened(s);
                }
            } else if (e == null) {
                synchronized (src.lock) {
                    s.closeReason = "upgrade refused: HTTP " + upgrade.response().status().intValue();
                }
                shutdown(s);
            }
        });
        m.second().whenComplete((done, e) -> {
            synchronized (src.lock) {
                ended(s, e);
            }
        });
        return s;
    }

    private void opened(Socket s) {
        if (s.intended) {
            return;
        }
        s.up = true;
        s.openedAt = src.clock.instant();
        s.openedNanos = System.nanoTime();
        s.lastFrameNanos = s.openedNanos;
        s.lastFrameAt = s.openedAt;
        s.toSubscribe.addAll(streams);
        if (s == current) {
            state = State.CONNECTED;
            attempt = 0;
            nextTry = null;
            src.event("connected", number, null, 0, null);
            LOG.info("binance \"{}\" connection {}: connected to {}, subscribing {} streams", src.name, number,
                    BinanceSettings.scrub(src.settings.streamUrl()), streams.size());
        } else {
            LOG.info("binance \"{}\" connection {}: renewal connected, subscribing {} streams", src.name, number,
                    streams.size());
        }
    }

    /** The pacer's turn: at most one message. */
    void sendOne(Socket s) {
        if (!s.up || s.intended) {
            return;
        }
        long now = System.nanoTime();
        // a sliding second, with a margin for the network bunching messages up on their way
        while (!s.sentNanos.isEmpty() && now - s.sentNanos.peekFirst() > 1_100_000_000L) {
            s.sentNanos.removeFirst();
        }
        if (s.sentNanos.size() >= src.settings.messagesPerSecond()) {
            return;
        }
        LinkedHashSet<String> from = !s.toUnsubscribe.isEmpty() ? s.toUnsubscribe : s.toSubscribe;
        if (from.isEmpty()) {
            return;
        }
        String method = from == s.toUnsubscribe ? "UNSUBSCRIBE" : "SUBSCRIBE";
        List<String> params = new ArrayList<>();
        for (var it = from.iterator(); it.hasNext() && params.size() < src.settings.streamsPerMessage(); ) {
            params.add(it.next());
            it.remove();
        }
        long id = s.nextId++;
        s.inFlight.put(id, new Socket.Request(method, params));
        String json;
        try {
            json = Frame.JSON.writeValueAsString(Map.of("method", method, "params", params, "id", id));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        var result = s.out.offer(TextMessage.create(json));
        if (!result.equals(org.apache.pekko.stream.QueueOfferResult.enqueued())) {
            LOG.warn("binance \"{}\" connection {}: {} not sent ({})", src.name, number, method, result);
        }
        s.sentNanos.addLast(now);
        src.sent.incrementAndGet();
    }

    /** {@code {"result":null,"id":N}}: a request of ours is done. */
    void answered(Socket s, long id) {
        Socket.Request r = s.inFlight.remove(id);
        if (r == null) {
            return;
        }
        Instant now = src.clock.instant();
        if (r.method().equals("SUBSCRIBE")) {
            if (s.subscribed.isEmpty()) {
                s.subscribedNanos = System.nanoTime();
            }
            for (String stream : r.streams()) {
                if (streams.contains(stream)) {
                    s.subscribed.add(stream);
                    src.resumed(stream, now);
                }
            }
            if (s == next && !s.subscribing()) {
                renewed();
            }
        } else {
            s.subscribed.removeAll(r.streams());
        }
    }

    /** The renewal's websocket has every stream: it takes over, the old one closes (its overlap is deduplicated). */
    private void renewed() {
        Socket old = current;
        current = next;
        next = null;
        if (old != null) {
            old.intended = true;
            old.successor = current;
            shutdown(old);
        } else {
            release(current);
        }
        src.event("renewed", number, null, 0, null);
        LOG.info("binance \"{}\" connection {}: renewed without a gap", src.name, number);
    }

    /** Closes {@code s} because of {@code reason} (an error frame, silence); {@link #ended} reconnects. */
    void fail(Socket s, String reason) {
        if (s.intended || s.closeReason != null) {
            return;
        }
        s.closeReason = reason;
        shutdown(s);
    }

    /** Lets a renewal's socket pass its trades on: the socket it replaces has ended. */
    private static void release(Socket s) {
        if (s != null && s.gated) {
            s.gated = false;
            s.control.offer("");
        }
    }

    private void ended(Socket s, Throwable e) {
        if (s.successor != null) {
            release(s.successor);
        }
        if (s.intended || state == State.CLOSED) {
            return;
        }
        String reason = s.closeReason != null ? s.closeReason
                : e != null ? (s.up ? "" : "connect failed: ") + rootMessage(e)
                : "closed by the server";
        if (s == next) {
            next = null;
            renewNotBeforeNanos = System.nanoTime() + src.settings.backoff().toNanos();
            LOG.warn("binance \"{}\" connection {}: renewal failed ({}); the current connection stays", src.name,
                    number, reason);
            return;
        }
        if (s != current) {
            return;
        }
        current = null;
        Instant from = s.lastFrameAt != null ? s.lastFrameAt : src.clock.instant();
        if (s.up) {
            src.event("disconnected", number, reason, 0, null);
            LOG.warn("binance \"{}\" connection {}: disconnected: {}", src.name, number, reason);
            for (String stream : streams) {
                src.interrupted(stream, from, reason);
            }
        }
        if (next != null && next.up) {
            // a renewal under way takes over at once: it subscribes what it has not yet
            current = next;
            next = null;
            state = State.CONNECTED;
            release(current);
            return;
        }
        scheduleReconnect(reason);
    }

    private void scheduleReconnect(String reason) {
        attempt++;
        state = State.WAITING;
        long base = src.settings.backoff().toMillis();
        long max = src.settings.maxBackoff().toMillis();
        long delay = Math.min(max, base << Math.min(attempt - 1, 20));
        delay = Math.max(1, (long) (delay * (0.5 + ThreadLocalRandom.current().nextDouble())));
        nextTry = src.clock.instant().plusMillis(delay);
        src.reconnects.incrementAndGet();
        src.event("reconnecting", number, reason, attempt, nextTry);
        LOG.info("binance \"{}\" connection {}: reconnect attempt {} in {} ms", src.name, number, attempt, delay);
        retry = src.timer.schedule(() -> {
            synchronized (src.lock) {
                if (state == State.WAITING) {
                    state = State.CONNECTING;
                    current = open(false);
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** The checker's turn: silence and the lifetime. */
    void check(long nowNanos) {
        Duration silence = src.settings.silence();
        for (Socket s : sockets()) {
            if (s.up && !s.subscribed.isEmpty() && s.closeReason == null) {
                long since = Math.max(s.lastFrameNanos, s.subscribedNanos);
                if (src.silence.silent(since, nowNanos, silence)) {
                    LOG.warn("binance \"{}\" connection {}: no frame for {} with {} streams subscribed: reconnecting"
                            + " (a path that connects but sends nothing, as the old /stream does, looks like this)",
                            src.name, number, silence, s.subscribed.size());
                    fail(s, "silent for " + silence.toMillis() + " ms with streams subscribed");
                }
            }
        }
        Socket c = current;
        if (c != null && c.up && next == null && state == State.CONNECTED
                && nowNanos - c.openedNanos >= src.settings.lifetime().toNanos() && nowNanos - renewNotBeforeNanos >= 0) {
            LOG.info("binance \"{}\" connection {}: renewing before the 24-hour cut", src.name, number);
            next = open(true);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    Map<String, Object> view() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("number", number);
        m.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        m.put("streams", streams.size());
        m.put("subscribed", current == null ? 0 : current.subscribed.size());
        m.put("connected_since", current == null || current.openedAt == null ? null : current.openedAt.toString());
        m.put("last_frame", current == null || current.lastFrameAt == null ? null : current.lastFrameAt.toString());
        m.put("renewing", next != null);
        m.put("attempt", attempt);
        m.put("next_try", nextTry == null ? null : nextTry.toString());
        return m;
    }
}
