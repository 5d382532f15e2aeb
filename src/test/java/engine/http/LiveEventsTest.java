package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Await;

/**
 * {@code GET /api/events}: bars, hits and resumption with {@code Last-Event-ID} after a dropped
 * connection (nothing lost, nothing twice), the session cookie with a token, the preview.
 */
class LiveEventsTest {
    /** Hits on every closed bar of BTCUSDT. */
    static final String EVERY_BAR = "{\"every-bar\": {\"symbols\": [\"BTCUSDT\"], \"when\": [\"CLOSE\", \">\", 0]}}";
    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    /** Bars of 5 minutes from two hours ago: never "future". */
    static final long T0 = (Instant.now().minus(Duration.ofHours(3)).toEpochMilli() / 300_000) * 300_000;

    /** One tick at the start of bar {@code n}: it closes bar {@code n - 1} (a hit). */
    static String tick(int n) {
        return "{\"time\":" + (T0 + n * 300_000L) + ",\"symbol\":\"BTCUSDT\",\"price\":" + (100 + n)
                + ",\"volume\":1,\"market\":\"CRYPTO\"}";
    }

    static void push(int port, int n) throws Exception {
        RawHttp.Reply r = RawHttp.send(port, "POST", "/api/ticks", JSON, "[" + tick(n) + "]");
        assertEquals(200, r.status(), r.body());
    }

    static List<String> hitIds(List<SseClient.Event> events) {
        return events.stream().filter(e -> e.type().equals("hit")).map(e -> json(e.data()).path("id").asText()).toList();
    }

    static JsonNode json(String s) {
        try {
            return RawHttp.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }

    /** Takes events until {@code enough} says so (or fails after 30 s). */
    static List<SseClient.Event> take(SseClient c, java.util.function.Predicate<List<SseClient.Event>> enough)
            throws InterruptedException {
        List<SseClient.Event> got = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!enough.test(got)) {
            SseClient.Event e = c.events.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(e, "no event within 30 s; had " + got);
            got.add(e);
        }
        return got;
    }

    @Test
    void resumesAfterADroppedConnectionWithoutLosingOrRepeatingAHit(@TempDir Path dir) throws Exception {
        try (ApiNode api = ApiNode.start(dir, EVERY_BAR, "")) {
            push(api.open, 0);
            List<SseClient.Event> first;
            try (SseClient c = new SseClient(api.open, Map.of())) {
                assertEquals(200, c.status);
                assertTrue(c.headers.get("content-type").startsWith("text/event-stream"), c.headers.toString());
                take(c, got -> got.size() == 1); // hello: the current id
                for (int n = 1; n <= 3; n++) {
                    push(api.open, n);
                }
                first = take(c, got -> hitIds(got).size() == 3);
                assertTrue(first.stream().anyMatch(e -> e.type().equals("bar") && json(e.data()).path("closed").asBoolean()),
                        "closed bars on the stream: " + first);
            } // dropped, as a network would
            String last = first.get(first.size() - 1).id();
            for (int n = 4; n <= 8; n++) { // hits while nobody listens
                push(api.open, n);
            }
            Await.until(() -> {
                try {
                    return RawHttp.send(api.open, "GET", "/api/hits?limit=100", Map.of()).json().size() == 8;
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(30), "eight hits stored");
            List<String> all = new ArrayList<>(hitIds(first));
            try (SseClient c = new SseClient(api.open, Map.of("Last-Event-ID", last))) {
                List<SseClient.Event> rest = take(c, got -> hitIds(got).size() >= 5);
                assertFalse(rest.stream().anyMatch(e -> e.type().equals("reset")), "resumed, not reset: " + rest);
                all.addAll(hitIds(rest));
                push(api.open, 9); // and live after the replay
                all.addAll(hitIds(take(c, got -> hitIds(got).size() == 1)));
            }
            Set<String> expected = new HashSet<>();
            for (JsonNode h : RawHttp.send(api.open, "GET", "/api/hits?limit=100", Map.of()).json()) {
                expected.add(h.path("id").asText());
            }
            assertEquals(9, all.size(), "each hit once: " + all);
            assertEquals(expected, new HashSet<>(all), "no hit lost");
        }
    }

    /** A tick one minute into bar {@code n} of BTCUSDT: it forms bar {@code n} (and closes {@code n - 1}). */
    static void pushInside(int port, int n) {
        String t = "{\"time\":" + (T0 + n * 300_000L + 60_000) + ",\"symbol\":\"BTCUSDT\",\"price\":" + (200 + n)
                + ",\"volume\":1,\"market\":\"CRYPTO\"}";
        try {
            assertEquals(200, RawHttp.send(port, "POST", "/api/ticks", JSON, "[" + t + "]").status());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** What the probe receives until {@code quiet} passes without a message. */
    static List<actors.LiveEvent> drain(org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<actors.LiveEvent> probe,
                                        Duration quiet) {
        List<actors.LiveEvent> got = new ArrayList<>();
        while (true) {
            try {
                got.add(probe.receiveMessage(quiet));
            } catch (AssertionError timedOut) {
                return got;
            }
        }
    }

    static boolean forming(actors.LiveEvent e) {
        return e instanceof actors.LiveTicker.Bar b && !b.closed();
    }

    /**
     * Forming bars cost every entity a JSON map and a cluster message twice a second: they are made
     * only while a stream client is connected somewhere (and for three demand intervals after it left).
     */
    @Test
    void formingBarsAreMadeOnlyWhileSomeoneWatches(@TempDir Path dir) throws Exception {
        try (ApiNode api = ApiNode.start(dir, EVERY_BAR, "", "tickwatch.live.demand-interval = 200ms\n"
                + "tickwatch.live.bar-interval = 10ms\n")) {
            var system = api.node.system();
            var probe = org.apache.pekko.actor.testkit.typed.javadsl.TestProbe.<actors.LiveEvent>create(system);
            system.eventStream().tell(new org.apache.pekko.actor.typed.eventstream.EventStream.Subscribe<>(
                    actors.LiveEvent.class, probe.getRef()));
            pushInside(api.open, 0);
            pushInside(api.open, 1); // closes bar 0: its closed bar and its hit are published, always
            List<actors.LiveEvent> quiet = drain(probe, Duration.ofMillis(700));
            assertTrue(quiet.stream().anyMatch(e -> e instanceof actors.LiveTicker.HitFound), "the hit: " + quiet);
            assertTrue(quiet.stream().noneMatch(LiveEventsTest::forming), "no forming bar without a client: " + quiet);
            try (SseClient c = new SseClient(api.open, Map.of())) {
                take(c, got -> got.size() == 1); // hello: subscribed, and the demand announced
                Await.until(() -> {
                    pushInside(api.open, 1);
                    return c.events.stream().anyMatch(e -> e.type().equals("bar") && !json(e.data()).path("closed").asBoolean());
                }, Duration.ofSeconds(10), "a forming bar on the stream while a client watches");
            }
            // three demand intervals after the client left, a write makes no forming bar again
            Await.until(() -> {
                drain(probe, Duration.ofMillis(50));
                pushInside(api.open, 1);
                return drain(probe, Duration.ofMillis(300)).stream().noneMatch(LiveEventsTest::forming);
            }, Duration.ofSeconds(10), "forming bars stop once nobody watches");
        }
    }

    /** What another part of the node (orders, say) would publish. */
    public record OrderFilled(String symbol, @com.fasterxml.jackson.annotation.JsonProperty("filled_qty") long filledQty)
            implements actors.LiveEvent {
        @Override
        public String liveType() {
            return "order";
        }

        @Override
        public Object livePayload() {
            return this;
        }
    }

    @Test
    void sourceEventsAndAnyLiveEventPublishedOnTheEventStreamReachTheStream(@TempDir Path dir) throws Exception {
        try (ApiNode api = ApiNode.start(dir, EVERY_BAR, "");
             SseClient c = new SseClient(api.open, Map.of())) {
            take(c, got -> got.size() == 1); // hello: subscribed
            var stream = api.node.system().eventStream();
            stream.tell(new org.apache.pekko.actor.typed.eventstream.EventStream.Publish<>(new actors.SourceLifecycle.Event(
                    "ls", actors.SourceLifecycle.DISCONNECTED, null, "connection reset", Instant.parse("2026-11-30T01:02:03Z"))));
            stream.tell(new org.apache.pekko.actor.typed.eventstream.EventStream.Publish<>(new OrderFilled("005930", 10)));
            List<SseClient.Event> got = take(c, l -> l.stream().anyMatch(e -> e.type().equals("order")));
            SseClient.Event source = got.stream().filter(e -> e.type().equals("source")).findFirst().orElseThrow();
            assertEquals("{\"source\":\"ls\",\"kind\":\"disconnected\",\"symbol\":null,\"detail\":\"connection reset\","
                    + "\"time\":\"2026-11-30T01:02:03Z\"}", source.data());
            assertEquals("{\"symbol\":\"005930\",\"filled_qty\":10}",
                    got.stream().filter(e -> e.type().equals("order")).findFirst().orElseThrow().data());
        }
    }

    @Test
    void anIdThatCannotBeResumedGetsAReset(@TempDir Path dir) throws Exception {
        try (ApiNode api = ApiNode.start(dir, EVERY_BAR, "");
             SseClient c = new SseClient(api.open, Map.of("Last-Event-ID", "otherstream-12"))) {
            SseClient.Event e = take(c, got -> got.size() == 1).get(0);
            assertEquals("reset", e.type(), e.toString());
            assertNotNull(e.id(), "a reset carries the id to resume from");
        }
    }

    @Test
    void withATokenTheStreamTakesTheBearerOrTheSessionCookie(@TempDir Path dir) throws Exception {
        try (ApiNode api = ApiNode.start(dir, EVERY_BAR, "s3cret-token")) {
            try (SseClient c = new SseClient(api.guarded, Map.of())) {
                assertEquals(401, c.status);
            }
            try (SseClient c = new SseClient(api.guarded, Map.of("Cookie", "tickwatch_session=9999999999.forged"))) {
                assertEquals(401, c.status);
            }
            assertEquals(401, RawHttp.send(api.guarded, "POST", "/api/session", Map.of()).status());
            RawHttp.Reply session = RawHttp.send(api.guarded, "POST", "/api/session",
                    Map.of("Authorization", "Bearer s3cret-token"));
            assertEquals(200, session.status(), session.body());
            String setCookie = session.headers().get("set-cookie");
            assertNotNull(setCookie, session.headers().toString());
            assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict")
                    && setCookie.contains("Path=/api/events"), setCookie);
            assertFalse(setCookie.contains("s3cret-token"), setCookie);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            try (SseClient c = new SseClient(api.guarded, Map.of("Cookie", cookie))) {
                assertEquals(200, c.status);
                assertEquals("hello", take(c, got -> got.size() == 1).get(0).type());
            }
            // the cookie opens the stream only, not the rest of the API
            assertEquals(401, RawHttp.send(api.guarded, "GET", "/api/tickers", Map.of("Cookie", cookie)).status());
        }
    }

    @Test
    void previewEvaluatesAConditionOverTheKeptBars(@TempDir Path dir) throws Exception {
        try (ApiNode api = ApiNode.start(dir, EVERY_BAR, "")) {
            for (int n = 0; n <= 6; n++) {
                push(api.open, n);
            }
            // closes of bars 0..5 are 100..105: above 102.5 are bars 3, 4 and 5
            RawHttp.Reply r = RawHttp.send(api.open, "POST", "/api/conditions/preview", JSON,
                    "{\"symbol\":\"BTCUSDT\",\"condition\":{\"when\":[\"CLOSE\",\">\",102.5]}}");
            assertEquals(200, r.status(), r.body());
            assertEquals(6, r.json().path("bars").asInt(), r.body());
            assertEquals(3, r.json().path("hits").size(), r.body());
            assertEquals(103.0, r.json().path("hits").get(0).path("values").path("CLOSE").asDouble(), r.body());
            RawHttp.Reply bad = RawHttp.send(api.open, "POST", "/api/conditions/preview", JSON,
                    "{\"symbol\":\"BTCUSDT\",\"condition\":{\"when\":[\"CLOZE\",\">\",1]}}");
            assertEquals(400, bad.status(), bad.body());
            assertTrue(bad.body().contains("when[0]: unknown field"), bad.body());
            assertEquals(404, RawHttp.send(api.open, "POST", "/api/conditions/preview", JSON,
                    "{\"symbol\":\"NOPE\",\"condition\":{\"when\":[\"CLOSE\",\">\",1]}}").status());
        }
    }
}
