package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.sinks.FakeWebhookReceiver;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/**
 * Webhooks through a whole node: hits from ticks reach signed endpoints once, dead letters are
 * redelivered through the API, health shows it all, a slow endpoint holds up nothing, a restart
 * mid-burst sends nothing twice and loses nothing, and max-age skips stale hits.
 */
class WebhookNodeTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    NodeSettings settings(String endpoints, String extra) {
        return NodeSettings.from(ConfigFactory.parseString("""
                tickwatch.sinks.log.enabled = false
                tickwatch.sinks.webhook {
                  max-retries = 2, backoff = 50ms, max-backoff = 200ms, resume-interval = 200ms, lease = 5s, timeout = 2s
                  endpoints { %s }
                }
                %s
                """.formatted(endpoints, extra)).withFallback(NodeTest.settings(dir, TestDb.h2(dir.resolve("data")))
                .config()).resolve());
    }

    void conditions(String sinks) throws Exception {
        Files.writeString(dir.resolve("conditions.json"),
                "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"sinks\": [" + sinks + "]}}");
    }

    static int bind(Node node) throws Exception {
        return AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1000)).toCompletableFuture()
                .get(20, TimeUnit.SECONDS).localAddress().getPort();
    }

    static JsonNode sink(int port, String name) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sinks"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        for (JsonNode n : JSON.readTree(r.body())) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no sink " + name + " in " + r.body());
    }

    /** Two bars close per symbol: two hits each. */
    static List<Tick> burst(int symbols) {
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i < symbols; i++) {
            ticks.addAll(NodeTest.ticks(String.format("%06d", 100 + i), 11));
        }
        return ticks;
    }

    static Set<String> expectedIds(int symbols) {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < symbols; i++) {
            for (String bar : List.of("2026-11-20T09:00", "2026-11-20T09:05")) {
                ids.add(String.format("%06d", 100 + i) + "/up/" + NodeTest.krx(bar));
            }
        }
        return ids;
    }

    @Test
    void deadLettersAreRedeliveredThroughTheApiAndHealthShowsIt() throws Exception {
        int port = FakeWebhookReceiver.freePort();
        conditions("\"webhook:desk\"");
        NodeSettings s = settings("desk { url = \"http://127.0.0.1:" + port + "/in\", secret = \"" + SECRET
                + "\", timeout = 2s }", "");
        try (Node node = Node.start(s)) {
            assertEquals(Set.of("file", "webhook:desk"), node.sinkNames());
            int api = bind(node);
            assertEquals(2, NodeTest.get(node.ingest(burst(1))).accepted() / 11 * 2);
            Path dead = s.dataDir().resolve("dead-letters/webhook-desk.jsonl");
            awaitTrue(() -> lines(dead) == 2, "two dead letters");
            JsonNode h = sink(api, "webhook:desk");
            assertEquals("webhook", h.path("type").asText());
            assertEquals(2, h.path("dead").asInt(), h.toString());
            assertEquals(2, h.path("dead_letters").asInt(), h.toString());
            assertEquals(0, h.path("sent").asInt());
            assertTrue(h.path("last_error").asText().contains("127.0.0.1:" + port), h.toString());
            assertFalse(h.toString().contains("/in") || h.toString().contains(SECRET.substring(6)), h.toString());

            try (FakeWebhookReceiver back = FakeWebhookReceiver.start(port)) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api
                                + "/api/sinks/webhook:desk/redeliver")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(2, JSON.readTree(r.body()).path("redelivered").asInt());
                List<FakeWebhookReceiver.Request> got = back.awaitRequests(2, WAIT);
                assertEquals(expectedIds(1), new TreeSet<>(got.stream().map(FakeWebhookReceiver.Request::id).toList()));
                assertTrue(got.stream().allMatch(q -> FakeWebhookReceiver.verified(q, SECRET)));
                awaitTrue(() -> field(api, "sent") == 2 && field(api, "dead") == 0 && field(api, "dead_letters") == 0,
                        "health after the redelivery");
            }
            HttpResponse<String> unknown = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api
                    + "/api/sinks/webhook:nope/redeliver")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, unknown.statusCode());
            HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api
                            + "/api/conditions/x")).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"when\": [\"CLOSE\", \">\", 0], \"sinks\": [\"webhook:nope\"]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, put.statusCode(), "only configured endpoints: " + put.body());
            assertTrue(put.body().contains("webhook:desk"), put.body());
        }
    }

    int field(int api, String f) {
        try {
            return sink(api, "webhook:desk").path(f).asInt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSlowEndpointDelaysNeitherTheEntitiesNorAnotherEndpoint() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeWebhookReceiver slow = FakeWebhookReceiver.start(); FakeWebhookReceiver fast = FakeWebhookReceiver.start()) {
            slow.answer(r -> {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return FakeWebhookReceiver.Answer.of(200);
            });
            conditions("\"webhook:slow\", \"webhook:fast\"");
            NodeSettings s = settings("slow { url = \"" + slow.url("/") + "\", timeout = 30s, lease = 90s }\n"
                    + "fast { url = \"" + fast.url("/") + "\" }", "");
            try (Node node = Node.start(s)) {
                NodeTest.get(node.ingest(burst(5)));
                assertEquals(expectedIds(5), new TreeSet<>(fast.awaitRequests(10, WAIT).stream()
                        .map(FakeWebhookReceiver.Request::id).toList()), "the fast endpoint got every hit");
                // the entities have no hit waiting: the slow endpoint's queue holds them, not the tickers
                awaitTrue(() -> pendingHits(node, 5) == 0, "no pending hits in the entities");
                assertEquals(1, slow.requests().size(), "the slow endpoint is on its first request");
                release.countDown();
                awaitTrue(() -> slow.requests().size() == 10, "the slow endpoint catches up");
            } finally {
                release.countDown();
            }
        }
    }

    static int pendingHits(Node node, int symbols) {
        int n = 0;
        for (int i = 0; i < symbols; i++) {
            try {
                n += NodeTest.get(node.status(String.format("%06d", 100 + i))).orElseThrow().pendingHits().size();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return n;
    }

    @Test
    void aRestartMidBurstSendsNothingTwiceAndLosesNothing() throws Exception {
        int symbols = 20;
        try (FakeWebhookReceiver desk = FakeWebhookReceiver.start()) {
            desk.answer(r -> {
                try {
                    Thread.sleep(30); // slow enough that the stop comes mid-burst
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return FakeWebhookReceiver.Answer.of(200);
            });
            conditions("\"webhook:desk\"");
            NodeSettings s = settings("desk { url = \"" + desk.url("/") + "\", secret = \"" + SECRET + "\" }", "");
            try (Node node = Node.start(s)) {
                NodeTest.get(node.ingest(burst(symbols)));
                desk.awaitRequests(3, WAIT);
            } // graceful stop mid-burst
            int before = desk.requests().size();
            assertTrue(before < 2 * symbols, "stopped mid-burst: " + before);
            try (Node node = Node.start(s)) {
                awaitTrue(() -> desk.requests().size() >= 2 * symbols, "every hit after the restart");
                Thread.sleep(500); // let a duplicate, if there were one, arrive
            }
            Map<String, Integer> times = new HashMap<>();
            desk.requests().forEach(r -> times.merge(r.id(), 1, Integer::sum));
            assertEquals(expectedIds(symbols), new TreeSet<>(times.keySet()), "nothing lost");
            times.forEach((id, n) -> assertEquals(1, n, id + " sent " + n + " times"));
        }
    }

    @Test
    void maxAgeSkipsStaleHitsAndRecordsThem() throws Exception {
        try (FakeWebhookReceiver desk = FakeWebhookReceiver.start()) {
            conditions("\"webhook:desk\"");
            // the ticks are of 2026-11-20: older than an hour by the wall clock
            NodeSettings s = settings("desk { url = \"" + desk.url("/") + "\", max-age = 1h }", "");
            try (Node node = Node.start(s)) {
                int api = bind(node);
                NodeTest.get(node.ingest(burst(2)));
                awaitTrue(() -> field(api, "skipped") == 4, "four hits skipped");
                assertEquals(0, field(api, "sent"));
                assertEquals(0, desk.requests().size());
            }
        }
    }

    static long lines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p).stream().filter(l -> !l.isBlank()).count() : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    static void awaitTrue(BooleanSupplier c, String what) throws InterruptedException {
        testkit.Await.until(c, WAIT, what);
    }
}
