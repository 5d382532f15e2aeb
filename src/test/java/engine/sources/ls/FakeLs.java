package engine.sources.ls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A fake LS Securities OpenAPI on loopback, speaking the formats of {@code shared/wire/ls-openapi.jsonl}:
 * {@code POST /oauth2/token} (form body) and the {@code /websocket} registrations, acks and data frames.
 * The test decides which registrations are refused, publishes trades to the connections registered for
 * them, drops connections, sends error frames and expires tokens.
 */
public final class FakeLs implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A request the server received on a websocket. */
    public record Request(int connection, String trType, String trCd, String key, String token) {
    }

    /** One websocket connection. */
    private final class Conn {
        final int id;
        final BoundedSourceQueue<Message> out;
        final Set<String> registered = ConcurrentHashMap.newKeySet();

        Conn(int id, BoundedSourceQueue<Message> out) {
            this.id = id;
            this.out = out;
        }

        void send(String text) {
            out.offer(TextMessage.create(text));
        }

        void onText(String text) throws Exception {
            JsonNode n = JSON.readTree(text);
            String trType = n.path("header").path("tr_type").asText();
            String token = n.path("header").path("token").asText();
            String trCd = n.path("body").path("tr_cd").asText();
            String key = n.path("body").path("tr_key").asText();
            requests.add(new Request(id, trType, trCd, key, token));
            String sub = trCd + "|" + key.trim();
            if (!validTokens.contains(token)) {
                send(ack(trCd, key, trType, "IGW00121", "유효하지 않은 토큰입니다"));
            } else if ("3".equals(trType) && refused.containsKey(sub)) {
                String[] r = refused.get(sub);
                send(ack(trCd, key, trType, r[0], r[1]));
            } else if ("3".equals(trType)) {
                registered.add(sub);
                send(ack(trCd, key, trType, "00000", "정상처리되었습니다"));
            } else if ("4".equals(trType)) {
                registered.remove(sub);
                send(ack(trCd, key, trType, "00000", "정상처리되었습니다"));
            }
        }
    }

    private final ActorSystem system;
    private final ServerBinding binding;
    private final AtomicInteger connSeq = new AtomicInteger();
    private final AtomicInteger tokenSeq = new AtomicInteger();
    private final List<Conn> conns = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> tokenForms = new CopyOnWriteArrayList<>();
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String[]> refused = new ConcurrentHashMap<>();
    private volatile long expiresIn = 86_400;
    private volatile String expiresKey = "expires_in";

    public FakeLs() throws Exception {
        system = ActorSystem.create("fake-ls", ConfigFactory.parseString(
                "pekko.loglevel = WARNING\npekko.actor.provider = local\n"
                        // a ping after a second without a frame, as venues keep idle connections alive (0s,
                        // as it was, sent pings back to back whenever the line was idle: hundreds of
                        // thousands a test, before which the JDK's websocket client delivered nothing else)
                        + "pekko.http.server.websocket.periodic-keep-alive-max-idle = 1s")
                .withFallback(ConfigFactory.load()));
        binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(this::handle)
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private java.util.concurrent.CompletionStage<HttpResponse> handle(HttpRequest req) {
        String path = req.getUri().path();
        if (path.equals("/oauth2/token")) {
            return req.entity().toStrict(5000, Materializer.matFromSystem(system)).thenApply(e -> {
                String form = e.getData().utf8String();
                tokenForms.add(form);
                Map<String, String> f = new java.util.HashMap<>();
                for (String kv : form.split("&")) {
                    int i = kv.indexOf('=');
                    if (i > 0) {
                        f.put(kv.substring(0, i), URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
                    }
                }
                if (!"client_credentials".equals(f.get("grant_type")) || f.get("appkey") == null
                        || f.get("appsecretkey") == null) {
                    return HttpResponse.create().withStatus(StatusCodes.BAD_REQUEST)
                            .withEntity(ContentTypes.APPLICATION_JSON, "{\"rsp_cd\":\"IGW00002\",\"rsp_msg\":\"bad\"}");
                }
                String token = "tok-" + tokenSeq.incrementAndGet();
                validTokens.add(token);
                ObjectNode n = JSON.createObjectNode().put("access_token", token).put("scope", "oob")
                        .put("token_type", "Bearer").put(expiresKey, expiresIn);
                return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, n.toString());
            });
        }
        if (path.equals("/websocket")) {
            WebSocketUpgrade up = req.getAttribute(AttributeKeys.webSocketUpgrade).orElse(null);
            if (up == null) {
                return CompletableFuture.completedFuture(HttpResponse.create().withStatus(StatusCodes.BAD_REQUEST));
            }
            Pair<BoundedSourceQueue<Message>, Source<Message, org.apache.pekko.NotUsed>> q =
                    Source.<Message>queue(100_000).preMaterialize(Materializer.matFromSystem(system));
            Conn c = new Conn(connSeq.incrementAndGet(), q.first());
            conns.add(c);
            Sink<Message, ?> in = Flow.<Message>create()
                    .mapAsync(1, m -> m.asTextMessage().toStrict(5000, Materializer.matFromSystem(system)))
                    .to(Sink.foreach(m -> c.onText(m.getStrictText())));
            Flow<Message, Message, ?> flow = Flow.fromSinkAndSourceCoupled(in, q.second())
                    .watchTermination((mat, done) -> {
                        done.whenComplete((d, e) -> conns.remove(c));
                        return mat;
                    });
            return CompletableFuture.completedFuture(up.handleMessagesWith(flow));
        }
        return CompletableFuture.completedFuture(HttpResponse.create().withStatus(StatusCodes.NOT_FOUND));
    }

    static String ack(String trCd, String key, String trType, String code, String msg) {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("header").put("tr_cd", trCd).put("tr_key", key).put("tr_type", trType).put("rsp_cd", code)
                .put("rsp_msg", msg);
        return n.toString();
    }

    public String url() {
        return "http://127.0.0.1:" + binding.localAddress().getPort();
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + binding.localAddress().getPort() + "/websocket";
    }

    /** Tokens live this long, given under this key ({@code expires_in} or {@code expire_in}). */
    public void tokenLife(long seconds, String key) {
        expiresIn = seconds;
        expiresKey = key;
    }

    /** Registrations of {@code key} under {@code trCd} are refused with this code and message. */
    public void refuse(String trCd, String key, String code, String msg) {
        refused.put(trCd + "|" + key, new String[] {code, msg});
    }

    /** A quotes frame's body ({@code H1_}, {@code OH0}, ...): {@code levels} levels a side from {@code ask} up and {@code bid} down. */
    public static Map<String, String> quotesBody(int levels, double ask, double bid, double step) {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("hotime", "100000");
        for (int i = 1; i <= levels; i++) {
            b.put("offerho" + i, String.valueOf(ask + (i - 1) * step));
            b.put("bidho" + i, String.valueOf(bid - (i - 1) * step));
            b.put("offerrem" + i, String.valueOf(100 * i));
            b.put("bidrem" + i, String.valueOf(200 * i));
        }
        b.put("totofferrem", "5500");
        b.put("totbidrem", "11000");
        return b;
    }

    /** Sends a data frame to every connection registered for it; how many got it. */
    public int publish(String trCd, String key, Map<String, String> body) {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("header").put("tr_cd", trCd).put("tr_key", key);
        ObjectNode b = n.putObject("body");
        body.forEach(b::put);
        int sent = 0;
        for (Conn c : conns) {
            if (c.registered.contains(trCd + "|" + key.trim())) {
                c.send(n.toString());
                sent++;
            }
        }
        return sent;
    }

    /** Whether an open connection has {@code key} registered under {@code trCd}. */
    public boolean registered(String trCd, String key) {
        return conns.stream().anyMatch(c -> c.registered.contains(trCd + "|" + key));
    }

    /** Drops every connection without a close frame. */
    public void drop() {
        for (Conn c : conns) {
            c.out.fail(new RuntimeException("dropped by the test"));
        }
    }

    /** Sends an error frame (an {@code rsp_cd} that answers no request) on every connection. */
    public void errorFrame(String code, String msg) {
        for (Conn c : conns) {
            c.send(ack("", "", "", code, msg));
        }
    }

    /**
     * Every token expires: the server says so on every connection and forgets the registrations
     * made with it.
     */
    public void expireTokens() {
        validTokens.clear();
        for (Conn c : conns) {
            c.registered.clear();
            c.send(ack("", "", "", "IGW00121", "토큰이 만료되었습니다"));
        }
    }

    public int connections() {
        return conns.size();
    }

    public int connectionsEver() {
        return connSeq.get();
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** The token requests' form bodies. */
    public List<String> tokenForms() {
        return List.copyOf(tokenForms);
    }

    @Override
    public void close() throws Exception {
        binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
