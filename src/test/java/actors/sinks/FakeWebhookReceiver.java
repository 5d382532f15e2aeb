package actors.sinks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on 127.0.0.1 for tests: a real HTTP server that records every request and
 * answers what {@link #answer} says (default 200), checking Standard Webhooks signatures the way
 * the README's receiver does.
 */
public final class FakeWebhookReceiver implements AutoCloseable {

    /** One request as received. */
    public record Request(String path, Map<String, String> headers, String body, long atNanos) {
        public String id() {
            return headers.get("webhook-id");
        }
    }

    /** What to answer: a status and extra headers. */
    public record Answer(int status, Map<String, String> headers) {
        public static Answer of(int status) {
            return new Answer(status, Map.of());
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private volatile Function<Request, Answer> answer = r -> Answer.of(200);

    private FakeWebhookReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-webhook");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", ex -> {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request r = new Request(ex.getRequestURI().toString(), headers, body, System.nanoTime());
            synchronized (requests) {
                requests.add(r);
            }
            Answer a;
            try {
                a = answer.apply(r);
            } catch (RuntimeException e) {
                a = Answer.of(500);
            }
            a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            try {
                ex.sendResponseHeaders(a.status(), -1);
            } catch (IOException gone) {
                // the client gave up (timeout): fine
            }
            ex.close();
        });
        server.start();
    }

    /** A receiver on a free port. */
    public static FakeWebhookReceiver start() throws IOException {
        return new FakeWebhookReceiver(0);
    }

    /** A receiver on {@code port} (an endpoint that comes back). */
    public static FakeWebhookReceiver start(int port) throws IOException {
        return new FakeWebhookReceiver(port);
    }

    /** A port nothing listens on (for now). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public FakeWebhookReceiver answer(Function<Request, Answer> f) {
        answer = f;
        return this;
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Requests answered 2xx... as seen by this receiver: the ids it accepted. */
    public List<Request> awaitRequests(int n, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (requests().size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " request(s) within " + within + ", got " + requests().size());
            }
            Thread.sleep(10);
        }
        return requests();
    }

    /**
     * The README's check: the signature over {@code id.timestamp.body} with the secret's bytes
     * ({@code whsec_} + base64), compared in constant time, and a timestamp within 5 minutes.
     */
    public static boolean verified(Request r, String secret) {
        try {
            String id = r.headers().get("webhook-id");
            String ts = r.headers().get("webhook-timestamp");
            String sig = r.headers().get("webhook-signature");
            if (id == null || ts == null || sig == null
                    || Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(ts)) > 300) {
                return false;
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            String expected = "v1," + Base64.getEncoder().encodeToString(
                    mac.doFinal((id + "." + ts + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
            for (String s : sig.split(" ")) {
                if (MessageDigest.isEqual(s.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
