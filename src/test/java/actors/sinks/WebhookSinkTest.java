package actors.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.HitRouter;
import actors.RecentHits;
import actors.SinkRuntime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.DeadLetterFile;
import persistence.DeliveryLedger;
import persistence.StoredHit;
import persistence.TestDb;

/** The webhook sink against fake receivers on loopback, run by the node's sink queue and ledger. */
class WebhookSinkTest {
    static final ActorTestKit kit = ActorTestKit.create("webhook",
            ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    DeliveryLedger ledger;
    java.sql.Connection keepOpen;
    final List<ActorRef<HitRouter.Command>> routers = new ArrayList<>();
    final List<FakeWebhookReceiver> receivers = new ArrayList<>();

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    @BeforeEach
    void db() throws Exception {
        TestDb.Db db = TestDb.h2(dir);
        keepOpen = db.connect();
        ledger = new DeliveryLedger(db::connect, db.settings());
        ledger.createTable();
    }

    @AfterEach
    void stop() throws Exception {
        routers.forEach(kit::stop);
        receivers.forEach(FakeWebhookReceiver::close);
        keepOpen.close();
    }

    FakeWebhookReceiver receiver() throws Exception {
        FakeWebhookReceiver r = FakeWebhookReceiver.start();
        receivers.add(r);
        return r;
    }

    /** Endpoints (name -> HOCON block) as the node would build them: {@code webhook:<name>}. */
    ActorRef<HitRouter.Command> node(Map<String, String> endpoints) {
        StringBuilder conf = new StringBuilder("max-retries = 2, backoff = 50ms, max-backoff = 200ms, resume-interval = 200ms\n"
                + "endpoints {\n");
        endpoints.forEach((n, b) -> conf.append(n).append(" { ").append(b).append(" }\n"));
        conf.append("}");
        ConfigBlocksView blocks = new ConfigBlocksView(conf.toString());
        List<HitSink> sinks = new ArrayList<>();
        Map<String, SinkSettings> settings = new LinkedHashMap<>();
        for (actors.ConfigBlocks.Block b : blocks.blocks) {
            sinks.add(WebhookSink.open(new SinkContext(b.name(), b.config(), kit.system(), dir, 10)));
            settings.put(b.name(), SinkSettings.from(b.config()));
        }
        SinkRuntime rt = new SinkRuntime(ledger, "n1", Duration.ofMinutes(5), Clock.systemUTC(), dir, settings,
                Map.of(), statuses);
        ActorRef<HitRouter.Command> r = kit.spawn(HitRouter.create(sinks, rt, new RecentHits(10), Duration.ofMinutes(1)));
        routers.add(r);
        return r;
    }

    final Map<String, SinkStatus> statuses = new ConcurrentHashMap<>();

    /** The blocks {@code tickwatch.sinks.webhook} expands to. */
    static final class ConfigBlocksView {
        final List<actors.ConfigBlocks.Block> blocks;

        ConfigBlocksView(String webhookBlock) {
            blocks = SinkTypes.builtIn().configured(ConfigFactory.parseString(
                    "tickwatch.sinks.webhook {\n" + webhookBlock + "\n}"));
        }
    }

    static StoredHit hit(String cond, long bar, String... sinks) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("CLOSE", 70100.0);
        values.put("MACD", 1.25);
        return new StoredHit(cond, "005930", bar, "KRX", values, List.of(sinks));
    }

    void route(ActorRef<HitRouter.Command> router, StoredHit h) {
        TestProbe<HitRouter.Ack> acks = kit.createTestProbe();
        router.tell(new HitRouter.Route(h, acks.ref()));
        acks.receiveMessage(WAIT);
    }

    static final long BAR = 1_763_596_800_000L; // 2025-11-20T09:00+09:00

    @Test
    void aSignedHitThatFailsTwiceIsDeliveredOnce() throws Exception {
        FakeWebhookReceiver desk = receiver();
        AtomicInteger calls = new AtomicInteger();
        desk.answer(r -> {
            if (!FakeWebhookReceiver.verified(r, SECRET)) {
                return FakeWebhookReceiver.Answer.of(401);
            }
            return FakeWebhookReceiver.Answer.of(calls.incrementAndGet() <= 2 ? 503 : 204);
        });
        ActorRef<HitRouter.Command> router = node(Map.of("desk",
                "url = \"" + desk.url("/hooks/tickwatch?token=abc") + "\", secret = \"" + SECRET + "\""));
        route(router, hit("golden", BAR, "webhook:desk"));

        awaitTrue(() -> ledger.get("webhook:desk", "005930/golden/" + BAR).map(e -> e.state())
                .orElse(null) == DeliveryLedger.State.SENT, "sent");
        List<FakeWebhookReceiver.Request> got = desk.requests();
        assertEquals(3, got.size(), "two failures, then delivered");
        assertEquals(3, calls.get(), "every attempt carried a valid signature");
        for (FakeWebhookReceiver.Request r : got) {
            assertEquals("005930/golden/" + BAR, r.id(), "webhook-id is the hit id on every attempt");
            assertEquals(got.get(0).body(), r.body(), "the same body on every attempt");
        }
        JsonNode body = JSON.readTree(got.get(0).body());
        assertEquals("hit", body.path("type").asText());
        JsonNode data = body.path("data");
        assertEquals("005930/golden/" + BAR, data.path("id").asText());
        assertEquals("golden", data.path("condition").asText());
        assertEquals("005930", data.path("symbol").asText());
        assertEquals("KRX", data.path("market").asText());
        assertEquals("2025-11-20T09:00:00+09:00", data.path("bar").path("start").asText());
        assertEquals("2025-11-20T09:05:00+09:00", data.path("bar").path("end").asText());
        assertEquals(70100, data.path("values").path("CLOSE").asInt());
        assertEquals(1.25, data.path("values").path("MACD").asDouble());
        assertTrue(got.get(0).headers().get("content-type").startsWith("application/json"));

        route(router, hit("golden", BAR, "webhook:desk")); // offered again (a replay): not sent again
        kit.createTestProbe().expectNoMessage(Duration.ofMillis(300));
        assertEquals(3, desk.requests().size());
        SinkStatus st = statuses.get("webhook:desk");
        assertEquals("ok", st.state());
        assertEquals("HTTP 503 from http://127.0.0.1:" + desk.port(), st.lastError(), "no path or query in errors");
    }

    @Test
    void aForgedSignatureDoesNotVerify() throws Exception {
        FakeWebhookReceiver desk = receiver();
        ActorRef<HitRouter.Command> router = node(Map.of("desk",
                "url = \"" + desk.url("/") + "\", secret = \"whsec_" + java.util.Base64.getEncoder()
                        .encodeToString("another key".getBytes()) + "\""));
        route(router, hit("golden", BAR, "webhook:desk"));
        FakeWebhookReceiver.Request r = desk.awaitRequests(1, WAIT).get(0);
        assertFalse(FakeWebhookReceiver.verified(r, SECRET), "signed with another secret");
        assertTrue(r.headers().get("webhook-signature").startsWith("v1,"));
    }

    @Test
    void aDeadEndpointEndsInTheDeadLetterFileAndIsRedelivered() throws Exception {
        int port = FakeWebhookReceiver.freePort();
        ActorRef<HitRouter.Command> router = node(Map.of("desk",
                "url = \"http://127.0.0.1:" + port + "/in\", secret = \"" + SECRET + "\", timeout = 2s"));
        route(router, hit("golden", BAR, "webhook:desk"));
        DeadLetterFile dead = new DeadLetterFile(dir, "webhook:desk");
        assertEquals(dir.resolve("dead-letters/webhook-desk.jsonl"), dead.path());
        awaitTrue(() -> dead.count() == 1, "a dead letter");
        JsonNode line = JSON.readTree(Files.readAllLines(dead.path()).get(0));
        assertEquals("005930/golden/" + BAR, line.path("id").asText());
        assertEquals(3, line.path("attempts").asInt());
        assertTrue(line.path("error").asText().contains("127.0.0.1:" + port), line.toString());
        assertFalse(line.toString().contains("/in"), "the URL's path is not in the error");
        assertEquals("golden", line.path("hit").path("condition").asText());
        assertEquals("golden", JSON.readTree(line.path("payload").asText()).path("data").path("condition").asText(),
                "the body that failed, as sent");

        try (FakeWebhookReceiver back = FakeWebhookReceiver.start(port)) {
            TestProbe<HitRouter.Redelivered> r = kit.createTestProbe();
            router.tell(new HitRouter.Redeliver("webhook:desk", r.ref()));
            assertEquals(1, r.receiveMessage(WAIT).count());
            assertTrue(FakeWebhookReceiver.verified(back.awaitRequests(1, WAIT).get(0), SECRET));
            awaitTrue(() -> ledger.get("webhook:desk", "005930/golden/" + BAR).orElseThrow().state()
                    == DeliveryLedger.State.SENT, "sent");
            assertEquals(0, dead.count());
        }
    }

    @Test
    void gone410SwitchesTheEndpointOffAndSaysSo() throws Exception {
        FakeWebhookReceiver desk = receiver().answer(r -> FakeWebhookReceiver.Answer.of(410));
        ActorRef<HitRouter.Command> router = node(Map.of("desk", "url = \"" + desk.url("/") + "\""));
        route(router, hit("a", BAR, "webhook:desk"));
        awaitTrue(() -> "off".equals(statuses.get("webhook:desk").state()), "off");
        assertTrue(statuses.get("webhook:desk").lastError().contains("410"), statuses.get("webhook:desk").lastError());
        route(router, hit("b", BAR, "webhook:desk"));
        DeadLetterFile dead = new DeadLetterFile(dir, "webhook:desk");
        awaitTrue(() -> dead.count() == 2, "both in the dead letters");
        assertEquals(1, desk.requests().size(), "no request after the 410");
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        FakeWebhookReceiver desk = receiver();
        AtomicInteger calls = new AtomicInteger();
        desk.answer(r -> calls.incrementAndGet() == 1
                ? new FakeWebhookReceiver.Answer(429, Map.of("Retry-After", "1")) : FakeWebhookReceiver.Answer.of(200));
        // our own backoff would wait a minute: the second attempt within the deadline is the endpoint's 1 s
        ActorRef<HitRouter.Command> router = node(Map.of("desk", "url = \"" + desk.url("/") + "\", backoff = 60s, "
                + "max-backoff = 60s"));
        route(router, hit("a", BAR, "webhook:desk"));
        List<FakeWebhookReceiver.Request> got = desk.awaitRequests(2, WAIT);
        long gapMs = TimeUnit.NANOSECONDS.toMillis(got.get(1).atNanos() - got.get(0).atNanos());
        assertTrue(gapMs >= 950, "waited the endpoint's Retry-After: " + gapMs + " ms");
    }

    @Test
    void aHungEndpointTimesOutAndHoldsUpNoOtherEndpoint() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeWebhookReceiver slow = receiver().answer(r -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FakeWebhookReceiver.Answer.of(200);
        });
        FakeWebhookReceiver fast = receiver();
        ActorRef<HitRouter.Command> router = node(Map.of(
                "slow", "url = \"" + slow.url("/") + "\", timeout = 500ms, max-retries = 0",
                "fast", "url = \"" + fast.url("/") + "\""));
        for (int i = 0; i < 10; i++) {
            route(router, hit("a", BAR + i * 300_000L, "webhook:slow", "webhook:fast"));
        }
        assertEquals(10, fast.awaitRequests(10, WAIT).size(), "the other endpoint got every hit");
        awaitTrue(() -> statuses.get("webhook:slow").lastError() != null
                && statuses.get("webhook:slow").lastError().contains("no answer from"), "the slow one timed out");
        release.countDown();
    }

    @Test
    void aTemplateShapesTheBodyForChatWebhooks() throws Exception {
        FakeWebhookReceiver slack = receiver();
        ActorRef<HitRouter.Command> router = node(Map.of("slack", "url = \"" + slack.url("/services/T0/B0/x") + "\", "
                + "template = \"\"\"{\"text\": \"{{symbol}} {{condition}} at {{bar}}: close {{value.CLOSE}} ({{values}})\"}\"\"\""));
        route(router, hit("say \"hi\"", BAR, "webhook:slack"));
        FakeWebhookReceiver.Request r = slack.awaitRequests(1, WAIT).get(0);
        JsonNode body = JSON.readTree(r.body());
        assertEquals("005930 say \"hi\" at 2025-11-20T09:00:00+09:00: close 70100 (CLOSE=70100, MACD=1.25)",
                body.path("text").asText(), "values escaped for JSON: " + r.body());
        assertEquals("/services/T0/B0/x", r.path());
    }

    @Test
    void aBadEndpointRefusesTheStartWithoutShowingItsSecret() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> node(Map.of("desk",
                "url = \"ftp://x\", secret = \"whsec_c2VjcmV0\"")));
        assertTrue(e.getMessage().contains("http:// or https://"), e.getMessage());
        assertFalse(e.getMessage().contains("c2VjcmV0"));
        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class, () -> WebhookSink.open(
                new SinkContext("webhook", ConfigFactory.parseString("url = \"http://x\""), kit.system(), dir, 10)));
        assertTrue(bare.getMessage().contains("endpoints"), bare.getMessage());
    }

    @Test
    void secretsAndUrlPathsNeverReachTheLogs() throws Exception {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> capture =
                new ch.qos.logback.core.AppenderBase<>() {
                    @Override
                    protected void append(ch.qos.logback.classic.spi.ILoggingEvent e) {
                        lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                                : ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(e.getThrowableProxy())));
                    }
                };
        capture.setContext(root.getLoggerContext());
        capture.start();
        root.addAppender(capture);
        try {
            int dead = FakeWebhookReceiver.freePort();
            FakeWebhookReceiver gone = receiver().answer(r -> FakeWebhookReceiver.Answer.of(410));
            ActorRef<HitRouter.Command> router = node(Map.of(
                    "down", "url = \"http://127.0.0.1:" + dead + "/services/T0/B0/TOPSECRETPATH?token=TOPSECRETQUERY\", "
                            + "secret = \"" + SECRET + "\"",
                    "gone", "url = \"" + gone.url("/x/TOPSECRETPATH?token=TOPSECRETQUERY") + "\", secret = \"" + SECRET + "\""));
            route(router, hit("a", BAR, "webhook:down", "webhook:gone"));
            DeadLetterFile d1 = new DeadLetterFile(dir, "webhook:down");
            DeadLetterFile d2 = new DeadLetterFile(dir, "webhook:gone");
            awaitTrue(() -> d1.count() == 1 && d2.count() == 1, "both dead letters");
            assertTrue(lines.stream().anyMatch(l -> l.contains("dead letter")), "the failures were logged");
            for (String l : lines) {
                assertFalse(l.contains("TOPSECRET") || l.contains(SECRET.substring(6)), "leaked: " + l);
            }
            for (DeadLetterFile f : List.of(d1, d2)) {
                String text = Files.readString(f.path());
                assertFalse(text.contains("TOPSECRET") || text.contains(SECRET.substring(6)), text);
            }
        } finally {
            root.detachAppender(capture);
        }
    }

    static void awaitTrue(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        testkit.Await.until(c, WAIT, what);
    }
}
