package actors.sinks.orders;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A broker's REST API on loopback (an ephemeral port), in the shapes of {@code ../shared/wire}: each
 * request is recorded (method, path, headers, query and body), and answered by a scripted answer for
 * its path when one is queued, else by the path's default handler.
 */
public final class FakeVenue implements AutoCloseable {
    /** One request as the fake saw it. */
    public record Request(String method, String path, String query, Map<String, String> headers, String body) {
        /** A form or query parameter. */
        public String param(String name) {
            String all = (query == null ? "" : query) + "&" + (body == null ? "" : body);
            for (String kv : all.split("&")) {
                int i = kv.indexOf('=');
                if (i > 0 && kv.substring(0, i).equals(name)) {
                    return java.net.URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }

    /** An answer: status, JSON body, extra headers; {@code hang} keeps the request open (a lost answer). */
    public record Answer(int status, String body, Map<String, String> headers, boolean hang) {
        public static Answer json(int status, String body) {
            return new Answer(status, body, Map.of(), false);
        }

        public static Answer hangs() {
            return new Answer(0, "", Map.of(), true);
        }
    }

    private final HttpServer server;
    public final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Deque<Answer>> scripted = new HashMap<>();
    private final Map<String, Function<Request, Answer>> handlers = new HashMap<>();

    public FakeVenue() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeVenue on(String path, Function<Request, Answer> handler) {
        handlers.put(path, handler);
        return this;
    }

    /** The next request to {@code path} gets {@code a} (before the path's handler). */
    public synchronized FakeVenue script(String path, Answer a) {
        scripted.computeIfAbsent(path, p -> new ArrayDeque<>()).add(a);
        return this;
    }

    public List<Request> to(String method, String path) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
        Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
                headers, body);
        requests.add(r);
        Answer a;
        synchronized (this) {
            Deque<Answer> q = scripted.get(r.path());
            a = q == null ? null : q.poll();
        }
        if (a == null) {
            Function<Request, Answer> h = handlers.get(r.path());
            a = h == null ? Answer.json(404, "{\"code\": -1, \"msg\": \"no such path\"}") : h.apply(r);
        }
        if (a.hang()) {
            return; // never answered: the client's timeout decides
        }
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.sendResponseHeaders(a.status(), out.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
        }
    }

    /**
     * A Binance USD-M order API (time, exchangeInfo with BTCUSDT, signed {@code /fapi/v1/order} and
     * {@code /fapi/v1/algoOrder}) that checks the key and the signature; orders it took are kept in
     * {@code orders} by client id (a lookup by {@code origClientOrderId} finds them, else -2013).
     */
    public static FakeVenue binance(String key, String secret, Map<String, String> orders) throws IOException {
        FakeVenue v = new FakeVenue();
        Function<Request, Answer> unsigned = r -> {
            String all = "GET".equals(r.method()) ? r.query() : r.body();
            int i = all.lastIndexOf("&signature=");
            if (!key.equals(r.headers().get("x-mbx-apikey")) || i < 0
                    || !BinanceBroker.sign(secret, all.substring(0, i)).equals(all.substring(i + 11))) {
                return Answer.json(400, "{\"code\": -1022, \"msg\": \"Signature for this request is not valid.\"}");
            }
            return null;
        };
        v.on("/fapi/v1/time", r -> Answer.json(200, "{\"serverTime\": " + (System.currentTimeMillis() + 1234) + "}"))
                .on("/fapi/v1/exchangeInfo", r -> Answer.json(200, """
                        {"timezone": "UTC", "symbols": [{"symbol": "BTCUSDT", "status": "TRADING", "filters": [
                          {"filterType": "PRICE_FILTER", "minPrice": "556.80", "maxPrice": "4529764", "tickSize": "0.10"},
                          {"filterType": "LOT_SIZE", "stepSize": "0.001", "maxQty": "1000", "minQty": "0.001"},
                          {"filterType": "MIN_NOTIONAL", "notional": "100"}]}]}"""))
                .on("/fapi/v1/order", r -> {
                    Answer bad = unsigned.apply(r);
                    if (bad != null) {
                        return bad;
                    }
                    String id = "GET".equals(r.method()) ? r.param("origClientOrderId") : r.param("newClientOrderId");
                    if ("GET".equals(r.method())) {
                        String o = orders.get(id);
                        return o == null ? Answer.json(400, "{\"code\": -2013, \"msg\": \"Order does not exist.\"}")
                                : Answer.json(200, o);
                    }
                    String body = "{\"orderId\": " + (1000 + orders.size()) + ", \"symbol\": \"" + r.param("symbol")
                            + "\", \"status\": \"FILLED\", \"clientOrderId\": \"" + id + "\", \"avgPrice\": \"91250.30\","
                            + " \"origQty\": \"" + r.param("quantity") + "\", \"executedQty\": \"" + r.param("quantity")
                            + "\", \"side\": \"" + r.param("side") + "\", \"type\": \"" + r.param("type") + "\"}";
                    orders.put(id, body);
                    return Answer.json(200, body);
                })
                .on("/fapi/v1/algoOrder", r -> {
                    Answer bad = unsigned.apply(r);
                    return bad != null ? bad : Answer.json(200, "{\"algoId\": 2146760, \"clientAlgoId\": \""
                            + r.param("clientAlgoId") + "\", \"algoType\": \"CONDITIONAL\", \"algoStatus\": \"NEW\"}");
                });
        return v;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
