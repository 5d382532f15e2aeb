package engine.sources.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import com.typesafe.config.ConfigFactory;

/**
 * Binance USD-M's combined streams on loopback, as the wire README describes them: {@code /market/stream}
 * answers {@code SUBSCRIBE}/{@code UNSUBSCRIBE} with {@code {"result":null,"id":N}} and pushes
 * {@code {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade",...}}} to every connection subscribed to
 * the stream; the old {@code /stream} path answers but never sends data. The test drops connections,
 * sends error frames, goes silent, and reads what each connection was sent.
 */
public final class FakeBinance implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A request a connection received. */
    public record Request(int connection, String method, List<String> params, long id, long atNanos) {
    }

    /**
     * A request of {@code /fapi/v1/aggTrades} and the status it was answered with: by id ({@code fromId}),
     * or by time ({@code startTime}-{@code endTime}, inclusive; {@code fromId} -1).
     */
    public record RestRequest(String symbol, long fromId, int limit, long atNanos, int status, long startTime,
                              long endTime) {
    }

    private record Scripted(int status, String retryAfter) {
    }

    /** A trade the fake published. */
    public record Trade(String symbol, long id, String price, String qty, long time) {
    }

    /** One client connection. */
    public static final class Conn {
        public final int id;
        final BoundedSourceQueue<Message> out;
        public final Set<String> streams = ConcurrentHashMap.newKeySet();
        public volatile boolean open = true;
        public final Instant openedAt = Instant.now();

        Conn(int id, BoundedSourceQueue<Message> out) {
            this.id = id;
            this.out = out;
        }

        void send(String text) {
            if (open) {
                out.offer(TextMessage.create(text));
            }
        }
    }

    private final ActorSystem<Void> system;
    private final ServerBinding binding;
    private final AtomicInteger ids = new AtomicInteger();
    private final List<Conn> conns = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Appended on every publish: not copy-on-write, which made each publish copy the whole log (bench feeds). */
    private final List<Trade> trades = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, List<Trade>> bySymbol = new ConcurrentHashMap<>();
    private volatile boolean silent;
    private volatile int resendOnSubscribe;
    private volatile long answerDelayMillis;
    private volatile boolean refusing;
    private volatile long historyFrom = Long.MIN_VALUE;
    private final java.util.Queue<Scripted> restFaults = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final List<RestRequest> restRequests = new CopyOnWriteArrayList<>();

    public FakeBinance() throws Exception {
        system = ActorSystem.create(Behaviors.empty(), "fake-binance",
                ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.actor.provider = local").withFallback(ConfigFactory.load()));
        Route route = new AllDirectives() {
            Route route() {
                return concat(path(org.apache.pekko.http.javadsl.server.PathMatchers.segment("market").slash("stream"),
                                () -> refusing ? complete(StatusCodes.SERVICE_UNAVAILABLE, "down for the test")
                                        : handleWebSocketMessages(connection(false))),
                        path("stream", () -> handleWebSocketMessages(connection(true))),
                        path(org.apache.pekko.http.javadsl.server.PathMatchers.segment("fapi").slash("v1").slash("aggTrades"),
                                () -> get(() -> parameter("symbol", symbol -> parameterOptional("fromId", from ->
                                        parameterOptional("startTime", start -> parameterOptional("endTime", end ->
                                        parameterOptional("limit", limit -> aggTrades(symbol,
                                                from.map(Long::parseLong).orElse(-1L),
                                                start.map(Long::parseLong).orElse(-1L),
                                                end.map(Long::parseLong).orElse(-1L),
                                                limit.map(Integer::parseInt).orElse(500))))))))));
            }
        }.route();
        binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(route).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }

    /** The REST base on the same port ({@code http://127.0.0.1:port}), for {@code rest-url}. */
    public String restUrl() {
        return "http://127.0.0.1:" + binding.localAddress().getPort();
    }

    /** The base URL a source is configured with ({@code ws://127.0.0.1:port}). */
    public String url() {
        return "ws://127.0.0.1:" + binding.localAddress().getPort();
    }

    /**
     * {@code GET /fapi/v1/aggTrades?symbol=X&fromId=N&limit=L} (or {@code startTime=S&endTime=E} in place of
     * {@code fromId}: under an hour apart, both inclusive) from the same trade log the streams publish: the
     * symbol's trades with {@code a >= fromId} (or {@code T} in the window) in id order, at most {@code limit}
     * (1,000 at most), each as Binance writes it ({@code a p q f l T m}); or the next scripted failure.
     */
    private Route aggTrades(String symbol, long fromId, long startTime, long endTime, int limit) {
        if (fromId >= 0 == startTime >= 0 || startTime >= 0 && (endTime < startTime || endTime - startTime >= 3_600_000)) {
            // Binance: -1128 for a combination it does not take, -1127 for a window of an hour or more
            return new AllDirectives() { }.complete(StatusCodes.BAD_REQUEST,
                    "{\"code\":-1127,\"msg\":\"fromId, or startTime and endTime less than 1 hour apart.\"}");
        }
        Scripted fault = restFaults.poll();
        restRequests.add(new RestRequest(symbol, fromId, limit, System.nanoTime(), fault == null ? 200 : fault.status,
                startTime, endTime));
        if (fault != null) {
            var response = org.apache.pekko.http.javadsl.model.HttpResponse.create().withStatus(fault.status)
                    .withEntity(org.apache.pekko.http.javadsl.model.ContentTypes.APPLICATION_JSON,
                            "{\"code\":-1003,\"msg\":\"Too many requests; scripted by the test.\"}");
            if (fault.retryAfter != null) {
                response = response.addHeader(org.apache.pekko.http.javadsl.model.HttpHeader.parse("Retry-After",
                        fault.retryAfter));
            }
            return new AllDirectives() { }.complete(response);
        }
        List<Trade> log = log(symbol);
        StringBuilder b = new StringBuilder("[");
        log.stream().filter(t -> (fromId >= 0 ? t.id >= fromId : t.time >= startTime && t.time <= endTime)
                        && t.id >= historyFrom).sorted(java.util.Comparator.comparingLong(Trade::id))
                .limit(Math.min(1000, limit)).forEach(t -> {
                    if (b.length() > 1) {
                        b.append(',');
                    }
                    b.append("{\"a\":").append(t.id).append(",\"p\":\"").append(t.price).append("\",\"q\":\"")
                            .append(t.qty).append("\",\"f\":").append(t.id * 3).append(",\"l\":").append(t.id * 3 + 2)
                            .append(",\"T\":").append(t.time).append(",\"m\":true}");
                });
        return new AllDirectives() { }.complete(StatusCodes.OK, b.append(']').toString());
    }

    private Flow<Message, Message, ?> connection(boolean oldPath) {
        int id = ids.incrementAndGet();
        Conn[] holder = new Conn[1];
        Source<Message, BoundedSourceQueue<Message>> out = Source.<Message>queue(100_000)
                .mapMaterializedValue(q -> {
                    Conn c = new Conn(id, q);
                    holder[0] = c;
                    if (!oldPath) {
                        conns.add(c);
                    }
                    return q;
                });
        Sink<Message, ?> in = Flow.<Message>create()
                .<String>mapAsync(1, m -> m.asTextMessage().toStrict(5000, org.apache.pekko.stream.Materializer.matFromSystem(system))
                        .thenApply(t -> t.getStrictText()))
                .to(Sink.foreach(text -> received(holder[0], text)));
        return Flow.fromSinkAndSourceCoupledMat(in, out, (a, b) -> b)
                .watchTermination((mat, done) -> {
                    done.whenComplete((d, e) -> {
                        if (holder[0] != null) {
                            holder[0].open = false;
                        }
                    });
                    return mat;
                });
    }

    private void received(Conn c, String text) throws Exception {
        JsonNode n = JSON.readTree(text);
        String method = n.path("method").asText();
        List<String> params = new ArrayList<>();
        n.path("params").forEach(p -> params.add(p.asText()));
        long id = n.path("id").asLong();
        requests.add(new Request(c.id, method, params, id, System.nanoTime()));
        if (method.equals("SUBSCRIBE")) {
            c.streams.addAll(params);
        } else if (method.equals("UNSUBSCRIBE")) {
            params.forEach(c.streams::remove);
        }
        String answer = "{\"result\":null,\"id\":" + id + "}";
        if (answerDelayMillis > 0) {
            // the stream is live at once; the answer comes later (trades arrive before it)
            java.util.concurrent.CompletableFuture.delayedExecutor(answerDelayMillis, TimeUnit.MILLISECONDS)
                    .execute(() -> c.send(answer));
        } else {
            c.send(answer);
        }
        if (method.equals("SUBSCRIBE") && resendOnSubscribe > 0 && !silent) {
            // a replay of the recent trades, as a catch-up would: the source must drop what it has
            for (String stream : params) {
                List<Trade> l = log(stream.substring(0, stream.indexOf('@')));
                for (Trade t : l.subList(Math.max(0, l.size() - resendOnSubscribe), l.size())) {
                    c.send(frame(t));
                }
            }
        }
    }

    /** A copy of one symbol's trades, in publishing order. */
    private List<Trade> log(String symbol) {
        List<Trade> l = bySymbol.getOrDefault(symbol.toLowerCase(Locale.ROOT), List.of());
        synchronized (l) {
            return List.copyOf(l);
        }
    }

    static String frame(Trade t) {
        String s = t.symbol.toLowerCase(Locale.ROOT);
        return "{\"stream\":\"" + s + "@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"E\":" + (t.time + 3) + ",\"s\":\""
                + t.symbol + "\",\"a\":" + t.id + ",\"p\":\"" + t.price + "\",\"q\":\"" + t.qty + "\",\"f\":" + (t.id * 3)
                + ",\"l\":" + (t.id * 3 + 2) + ",\"T\":" + t.time + ",\"m\":true}}";
    }

    /**
     * Publishes one aggregate trade to every open connection subscribed to its stream; returns how many
     * it reached.
     */
    public int publish(Trade t) {
        record(t);
        if (silent) {
            return 0;
        }
        String stream = t.symbol.toLowerCase(Locale.ROOT) + "@aggTrade";
        int n = 0;
        for (Conn c : conns) {
            if (c.open && c.streams.contains(stream)) {
                c.send(frame(t));
                n++;
            }
        }
        return n;
    }

    /** Puts a trade in the log (and so in the REST answers) without sending it: a trade the streams missed. */
    public void record(Trade t) {
        trades.add(t);
        bySymbol.computeIfAbsent(t.symbol.toLowerCase(Locale.ROOT), k -> Collections.synchronizedList(new ArrayList<>()))
                .add(t);
    }

    /** Every trade published, in order. */
    public List<Trade> trades() {
        synchronized (trades) {
            return List.copyOf(trades);
        }
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Conn> connections() {
        return List.copyOf(conns);
    }

    public List<Conn> open() {
        return conns.stream().filter(c -> c.open).toList();
    }

    /** Open connections subscribed to {@code stream}. */
    public long subscribed(String stream) {
        return conns.stream().filter(c -> c.open && c.streams.contains(stream)).count();
    }

    /** Cuts every open connection (as a network drop or a server restart would). */
    public void dropAll() {
        for (Conn c : conns) {
            if (c.open) {
                c.open = false;
                c.out.fail(new RuntimeException("dropped by the test"));
            }
        }
    }

    /** Sends Binance's answer to a bad request on every open connection. */
    public void errorFrame() {
        for (Conn c : open()) {
            c.send("{\"error\":{\"code\":2,\"msg\":\"Invalid request: service unavailable\"},\"id\":null}");
        }
    }

    /** While silent, connections are accepted and requests answered, but no trade is sent. */
    public void silent(boolean on) {
        silent = on;
    }

    /** While refusing, websocket upgrades on {@code /market/stream} are answered 503 (the venue is down). */
    public void refuse(boolean on) {
        refusing = on;
    }

    /** The next {@code times} aggTrades requests are answered {@code status} (with {@code Retry-After} if not null). */
    public void failRest(int times, int status, String retryAfter) {
        for (int i = 0; i < times; i++) {
            restFaults.add(new Scripted(status, retryAfter));
        }
    }

    /** The REST history starts at this id: older trades are gone (Binance's "too old"). */
    public void historyFrom(long id) {
        historyFrom = id;
    }

    public List<RestRequest> restRequests() {
        return List.copyOf(restRequests);
    }

    /** Requests are answered this long after the streams go live. */
    public void answerDelay(long millis) {
        answerDelayMillis = millis;
    }

    /** Each SUBSCRIBE is followed by the stream's last {@code n} trades again. */
    public void resendOnSubscribe(int n) {
        resendOnSubscribe = n;
    }

    @Override
    public void close() throws Exception {
        binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
