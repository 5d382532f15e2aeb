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
final class FakeVenue implements AutoCloseable {
    /** One request as the fake saw it. */
    record Request(String method, String path, String query, Map<String, String> headers, String body) {
        /** A form or query parameter. */
        String param(String name) {
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
    record Answer(int status, String body, Map<String, String> headers, boolean hang) {
        static Answer json(int status, String body) {
            return new Answer(status, body, Map.of(), false);
        }

        static Answer hangs() {
            return new Answer(0, "", Map.of(), true);
        }
    }

    private final HttpServer server;
    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Deque<Answer>> scripted = new HashMap<>();
    private final Map<String, Function<Request, Answer>> handlers = new HashMap<>();

    FakeVenue() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeVenue on(String path, Function<Request, Answer> handler) {
        handlers.put(path, handler);
        return this;
    }

    /** The next request to {@code path} gets {@code a} (before the path's handler). */
    synchronized FakeVenue script(String path, Answer a) {
        scripted.computeIfAbsent(path, p -> new ArrayDeque<>()).add(a);
        return this;
    }

    List<Request> to(String method, String path) {
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

    @Override
    public void close() {
        server.stop(0);
    }
}
