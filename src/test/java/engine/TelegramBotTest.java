package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.sinks.telegram.FakeTelegram;
import actors.sinks.telegram.FakeTelegram.Answer;
import actors.sinks.telegram.FakeTelegram.Received;
import actors.sinks.telegram.TelegramSink;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import conditions.Hit;
import conditions.Market;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import persistence.TestDb;

/**
 * The Telegram sink and bot on a real node (H2) against a fake Bot API on loopback: subscribing with
 * the invite code, the commands, alerts, pacing, 429/403, restarts, the token kept out of the log.
 */
class TelegramBotTest {
    // a bound, not a pause: 600 messages through the outbox took over 30 s with two test JVMs on a busy 2-core machine
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String TOKEN = "4242424:AAE-secret_Token";
    static final String CODE = "open-sesame";
    static final long ADMIN = 999;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    FakeTelegram fake;

    @BeforeEach
    void fake() throws Exception {
        fake = FakeTelegram.start(TOKEN);
        Files.writeString(dir.resolve("conditions.json"), "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"sinks\": "
                + "[\"telegram\"], \"description\": \"closes above <0> & keeps going\"}, \"other\": {\"when\": "
                + "[\"CLOSE\", \"<\", 0], \"sinks\": [\"telegram\"]}}");
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    /** A node whose telegram sink talks to the fake, with fast pacing unless {@code extra} says otherwise. */
    Node start(String extra) {
        String conf = "tickwatch.sinks.log.enabled = false\n"
                + "tickwatch.sinks.telegram { type = telegram, enabled = true, token = \"" + TOKEN + "\", url = \"" + fake.url() + "\"\n"
                + "  invite-code = \"" + CODE + "\", admin-chat = \"" + ADMIN + "\", poll-timeout = 1s\n"
                + "  per-chat-interval = 10ms, group-interval = 20ms, global-interval = 1ms, idle = 20ms\n"
                + "  retry-min = 50ms, retry-max = 200ms, request-timeout = 5s }\n" + extra;
        NodeSettings s = NodeSettings.from(ConfigFactory.parseString(conf)
                .withFallback(NodeTest.settings(dir, TestDb.h2(dir.resolve("data"))).config()).resolve());
        return new NodeBootstrap(s).start();
    }

    static TelegramSink sink(Node node) {
        return node.sinkInstances().stream().filter(TelegramSink.class::isInstance).map(TelegramSink.class::cast)
                .findFirst().orElseThrow();
    }

    /** One attempt of the sink, as the node's queue makes it: the hit fanned out to the outbox. */
    static void deliver(TelegramSink sink, Hit hit) throws Exception {
        assertEquals(actors.sinks.SendResult.sent(), sink.send(hit, 1).toCompletableFuture().get(20, TimeUnit.SECONDS));
    }

    static Hit hit(String symbol, int bar) {
        return new Hit("up", symbol, NodeTest.krx("2026-11-20T09:00") + bar * 300_000L, Market.KRX,
                Map.of("CLOSE", 1000.0 + bar), List.of("telegram"));
    }

    static Predicate<List<Received>> has(long chat, String text) {
        return rs -> rs.stream().anyMatch(r -> r.chat() == chat && r.text().contains(text));
    }

    static List<Received> alerts(List<Received> rs, long chat) {
        return rs.stream().filter(r -> r.chat() == chat && r.text().startsWith("<b>#")).toList();
    }

    /** Subscribes {@code chat} through {@code /start CODE} and waits for the welcome. */
    void subscribe(long chat) throws Exception {
        fake.userSends(chat, "/start " + CODE);
        fake.await(has(chat, "Subscribed"), WAIT, chat + " welcomed");
    }

    static JsonNode api(Node node, String method, String path) throws Exception {
        int port = AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1000)).toCompletableFuture()
                .get(20, TimeUnit.SECONDS).localAddress().getPort();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (method.equals("DELETE")) {
            b.DELETE().header("Content-Type", "application/json");
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return NodeTest.JSON.readTree(r.body().isEmpty() ? "{\"status\":" + r.statusCode() + "}" : r.body());
    }

    static Set<Long> subscriberChats(Node node) throws Exception {
        Set<Long> out = new HashSet<>();
        api(node, "GET", "/api/subscribers").forEach(s -> out.add(s.get("chat").asLong()));
        return out;
    }

    @Test
    void aChatJoinsWithTheCodeAndGetsTheHitsOfTheNodeAWrongCodeIsRefused() throws Exception {
        try (Node node = start("")) {
            fake.userSends(102, "/start wrong-code");
            fake.userSends(103, "/start");
            subscribe(101);
            fake.await(has(102, "invite code"), WAIT, "a wrong code is answered");
            fake.await(has(103, "invite code"), WAIT, "no code is answered");
            JsonNode subs = api(node, "GET", "/api/subscribers");
            assertEquals(1, subs.size(), subs.toString());
            assertEquals(101, subs.get(0).get("chat").asLong());
            assertEquals("telegram", subs.get(0).get("sink").asText());
            assertTrue(subs.get(0).get("follows").isNull(), "a new subscriber follows every condition");

            // through the node's real path: ticks stored, bars closed, the condition hits, the sink queues, the bot sends
            assertEquals(11, NodeTest.get(node.ingest(NodeTest.ticks("005930", 11))).accepted());
            List<Received> got = fake.await(rs -> alerts(rs, 101).size() >= 2, WAIT, "two alerts for 101");
            Received first = alerts(got, 101).get(0);
            assertEquals("HTML", first.parseMode());
            assertTrue(first.text().startsWith("<b>#005930</b> (KRX) 09:00 · <b>up</b>\n<i>closes above &lt;0&gt; "
                    + "&amp; keeps going</i>\nClose <b>1,004</b>"), first.text());
            assertTrue(first.text().contains("code=005930"), first.text());
            assertEquals(0, alerts(fake.received(), 102).size(), "a refused chat gets no alert");
            assertEquals(1, fake.receivedBy(102).size(), "only its refusal");
            JsonNode health = null;
            for (JsonNode h : api(node, "GET", "/api/sinks")) {
                health = h.get("name").asText().equals("telegram") ? h : health;
            }
            assertEquals(2, health.get("sent").asLong(), "the ledger: both hits fanned out once; " + health);
        }
    }

    @Test
    void commandsWatchFollowMuteInPrivateAndGroupChats() throws Exception {
        try (Node node = start("")) {
            TelegramSink sink = sink(node);
            subscribe(101);
            fake.userSends(-5001, "/start@" + FakeTelegram.BOT_NAME + " " + CODE);
            fake.await(has(-5001, "Subscribed"), WAIT, "a group subscribes with /start@BotName");
            fake.userSends(-5001, "/watch@" + FakeTelegram.BOT_NAME + " 000660");
            fake.await(has(-5001, "Watching 000660."), WAIT, "watch answered");
            fake.userSends(-5001, "/help@SomeOtherBot");
            fake.userSends(101, "/frobnicate");
            fake.await(has(101, "Unknown command. Try /help."), WAIT, "an unknown command gets a short help");
            fake.userSends(101, "/conditions");
            fake.await(has(101, "* up – closes above &lt;0&gt; &amp; keeps going"), WAIT, "conditions listed");
            fake.userSends(101, "/follow nope");
            fake.await(has(101, "No such condition: nope"), WAIT, "unknown condition");

            deliver(sink, hit("005930", 1));
            deliver(sink, hit("000660", 1));
            List<Received> rs = fake.await(r -> alerts(r, 101).size() == 2 && alerts(r, -5001).size() == 1, WAIT,
                    "101 watches everything, the group only 000660");
            assertTrue(alerts(rs, -5001).get(0).text().startsWith("<b>#000660</b>"));
            assertEquals(2, rs.stream().filter(r -> r.chat() == -5001 && !r.text().startsWith("<b>#")).count(),
                    "the welcome and the watch: another bot's /help is not ours");

            fake.userSends(101, "/unfollow up");
            fake.await(has(101, "Following other."), WAIT, "unfollow from everything leaves the rest");
            deliver(sink, hit("005930", 2)); // "up": 101 no longer follows it
            fake.userSends(101, "/follow up");
            fake.await(has(101, "Following other, up."), WAIT, "follow again");
            fake.userSends(101, "/mute 30m");
            fake.await(has(101, "Muted until"), WAIT, "muted");
            deliver(sink, hit("005930", 3)); // muted
            fake.userSends(101, "/mute off");
            fake.await(has(101, "Alerts are on again."), WAIT, "unmuted");
            deliver(sink, hit("005930", 4));
            rs = fake.await(r -> alerts(r, 101).size() == 3, WAIT, "the alert after the mute");
            assertTrue(alerts(rs, 101).get(2).text().contains("09:20"), "bar 4, not 2 (unfollowed) or 3 (muted)");
            fake.userSends(101, "/list");
            fake.await(has(101, "Watching: every symbol\nFollowing: other, up"), WAIT, "list");
            fake.userSends(101, "/status");
            fake.await(r -> r.stream().anyMatch(x -> x.chat() == 101 && x.text().startsWith("Sources: ")
                    && x.text().contains("push") && x.text().contains("Last hit: ")), WAIT, "status");
            fake.userSends(101, "/stop");
            fake.await(has(101, "Unsubscribed."), WAIT, "stop");
            assertEquals(Set.of(-5001L), subscriberChats(node));
            assertEquals(204, api(node, "DELETE", "/api/subscribers/-5001").get("status").asInt());
            assertEquals(Set.of(), subscriberChats(node), "removed through the API");
            assertEquals("no such subscriber", api(node, "DELETE", "/api/subscribers/-5001").path("error").asText());
        }
    }

    /** Each alert photo of {@code chat}: a PNG of the chart's size, sent after its alert's text. */
    List<FakeTelegram.Photo> assertChartsFollowTheirTexts(long chat, int count) throws Exception {
        List<FakeTelegram.Photo> photos = fake.photos().stream().filter(p -> p.chat() == chat).toList();
        assertEquals(count, photos.size(), "photos for " + chat);
        List<Received> texts = alerts(fake.received(), chat);
        assertEquals(count, texts.size(), "alerts for " + chat);
        for (int i = 0; i < count; i++) {
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(
                    new java.io.ByteArrayInputStream(photos.get(i).png()));
            assertTrue(img != null, "a PNG ImageIO reads");
            assertEquals(960, img.getWidth());
            assertEquals(540, img.getHeight());
            assertTrue(photos.get(i).atNanos() > texts.get(i).atNanos(), "the photo after its text");
            assertTrue(photos.get(i).caption().startsWith("#up (005930)"), photos.get(i).caption());
        }
        return photos;
    }

    @Test
    void aConditionWithChartTrueSendsThePhotoAfterTheText() throws Exception {
        Files.writeString(dir.resolve("conditions.json"), "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"sinks\": "
                + "[\"telegram\"], \"chart\": true}}");
        try (Node node = start("")) {
            JsonNode listed = api(node, "GET", "/api/conditions");
            assertTrue(listed.get(0).get("chart").asBoolean(), listed.toString());
            subscribe(101);
            assertEquals(11, NodeTest.get(node.ingest(NodeTest.ticks("005930", 11))).accepted());
            fake.await(rs -> alerts(rs, 101).size() >= 2, WAIT, "two alerts for 101");
            awaitTrue(() -> fake.photos().size() >= 2, "two charts for 101");
            awaitTrue(() -> sink(node).health().queued() == 0, "the outbox drained");
            assertChartsFollowTheirTexts(101, 2);
        }
    }

    @Test
    void chartOnGivesOneSubscriberChartsOfAConditionWithoutTheFlag() throws Exception {
        try (Node node = start("")) {
            subscribe(101);
            subscribe(102);
            fake.userSends(101, "/chart maybe");
            fake.await(has(101, "Usage: /chart on"), WAIT, "a bad argument gets the usage");
            fake.userSends(101, "/chart on");
            fake.await(has(101, "Every alert now comes with a chart."), WAIT, "chart on answered");
            fake.userSends(101, "/list");
            fake.await(has(101, "Charts: with every alert"), WAIT, "list shows it");
            Map<Long, Boolean> charts = new java.util.HashMap<>();
            api(node, "GET", "/api/subscribers").forEach(x -> charts.put(x.get("chat").asLong(), x.get("chart").asBoolean()));
            assertEquals(Map.of(101L, true, 102L, false), charts);

            assertEquals(11, NodeTest.get(node.ingest(NodeTest.ticks("005930", 11))).accepted());
            fake.await(rs -> alerts(rs, 101).size() >= 2 && alerts(rs, 102).size() >= 2, WAIT, "two alerts each");
            awaitTrue(() -> sink(node).health().queued() == 0, "the outbox drained");
            assertChartsFollowTheirTexts(101, 2);
            assertEquals(0, fake.photos().stream().filter(p -> p.chat() == 102).count(), "102 did not ask");

            fake.userSends(101, "/chart off");
            fake.await(has(101, "Charts only with conditions that ask for them."), WAIT, "chart off answered");
            fake.userSends(101, "/list");
            fake.await(has(101, "Charts: where the condition asks"), WAIT, "list shows it off");
        }
    }

    @Test
    void tablesOfAnEarlierVersionUpgradeKeepingTheirSubscribersAndQueuedMessages() throws Exception {
        // the tables as the sink first created them: no chart column, no photo column
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                TestDb.h2(dir.resolve("data")).settings().url(), "sa", "");
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE telegram_subscriber (sink VARCHAR(200) NOT NULL, chat_id BIGINT NOT NULL, "
                    + "chat_type VARCHAR(20) NOT NULL, title VARCHAR(1000) NOT NULL, watching VARCHAR(100000) NOT NULL, "
                    + "follows VARCHAR(100000), muted_until BIGINT NOT NULL, joined_at BIGINT NOT NULL, "
                    + "PRIMARY KEY (sink, chat_id))");
            st.execute("CREATE TABLE telegram_outbox (seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                    + "sink VARCHAR(200) NOT NULL, chat_id BIGINT NOT NULL, hit_id VARCHAR(1000), "
                    + "text VARCHAR(100000) NOT NULL, created BIGINT NOT NULL)");
            st.execute("INSERT INTO telegram_subscriber VALUES ('telegram', 101, 'private', 'Old Timer', '', NULL, 0, 1)");
            st.execute("INSERT INTO telegram_outbox (sink, chat_id, hit_id, text, created) "
                    + "VALUES ('telegram', 101, NULL, 'queued before the upgrade', 1)");
        }
        try (Node node = start("")) {
            fake.await(has(101, "queued before the upgrade"), WAIT, "the old queued message is sent");
            JsonNode subs = api(node, "GET", "/api/subscribers");
            assertEquals("Old Timer", subs.get(0).get("title").asText(), subs.toString());
            assertFalse(subs.get(0).get("chart").asBoolean(), "an old subscriber gets no charts until it asks");
            fake.userSends(101, "/chart on");
            fake.await(has(101, "Every alert now comes with a chart."), WAIT, "chart on stored in the new column");
            assertEquals(11, NodeTest.get(node.ingest(NodeTest.ticks("005930", 11))).accepted());
            fake.await(rs -> alerts(rs, 101).size() >= 2, WAIT, "two alerts");
            awaitTrue(() -> sink(node).health().queued() == 0, "the outbox drained");
            assertChartsFollowTheirTexts(101, 2);
        }
    }

    /**
     * Intervals long enough that the per-chat and group limits bind: each chat has its next alert
     * queued, and one pass over the fifty chats takes less than an interval.
     */
    // A fifth of Telegram's own spacing (PacerTest checks the defaults): the same order and gaps to check,
    // five times less waiting.
    static final String PACED = "tickwatch.sinks.telegram { per-chat-interval = 100ms, group-interval = 200ms, "
            + "global-interval = 1ms }";

    @Test
    void anUpdateThatFailsEveryTimeIsSkippedAndLaterCommandsAreHandled() throws Exception {
        try (Node node = start("")) {
            fake.userSends(-6001, "G".repeat(5000), "/start " + CODE); // a title longer than its column
            subscribe(101);
            assertEquals(Set.of(101L), subscriberChats(node));
            assertEquals(0, fake.receivedBy(-6001).size());
            fake.await(has(ADMIN, "polling works again"), WAIT, "the end of the outage");
            List<Received> admin = fake.receivedBy(ADMIN);
            assertEquals(1, admin.stream().filter(r -> r.text().contains("polling is failing")).count(), admin.toString());
            assertEquals(1, admin.stream().filter(r -> r.text().contains("polling works again")).count(), admin.toString());
        }
    }

    @Test
    void pacingHoldsForFiftySubscribersAndABurstOfFiveHundredHitsNoneLost() throws Exception {
        List<Long> chats = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            chats.add(i < 40 ? 1000L + i : -7000L - i); // ten groups
        }
        try (Node node = start(PACED)) {
            TelegramSink sink = sink(node);
            for (int i = 0; i < chats.size(); i++) {
                fake.userSends(chats.get(i), "/start " + CODE);
                fake.userSends(chats.get(i), "/watch SYM" + i);
            }
            fake.await(rs -> chats.stream().allMatch(c -> rs.stream().filter(r -> r.chat() == c).count() == 2), WAIT,
                    "every chat subscribed and watching its symbol");
            for (int i = 0; i < 500; i++) { // ten bars of fifty symbols, symbol by symbol: ten alerts for each chat
                deliver(sink, hit("SYM" + (i / 10), i % 10));
            }
            List<Received> rs = fake.await(r -> chats.stream().allMatch(c -> alerts(r, c).size() >= 10), WAIT,
                    "every alert arrives");
            for (long c : chats) {
                List<Received> mine = rs.stream().filter(r -> r.chat() == c).toList();
                assertEquals(10, alerts(rs, c).size(), "chat " + c + ": none lost, none twice");
                assertEquals(10, alerts(rs, c).stream().map(Received::text).distinct().count());
                long least = c < 0 ? 200_000_000L : 100_000_000L;
                for (int k = 1; k < mine.size(); k++) {
                    long gap = mine.get(k).atNanos() - mine.get(k - 1).atNanos();
                    assertTrue(gap >= least, "chat " + c + ": two messages " + gap / 1000 + " µs apart");
                }
            }
            List<Received> all = fake.received();
            for (int k = 1; k < all.size(); k++) {
                assertTrue(all.get(k).atNanos() - all.get(k - 1).atNanos() >= 1_000_000L, "the bot's own spacing");
            }
            assertEquals(600, all.size(), "two answers and ten alerts for each chat");
            // the last outbox rows are deleted just after Telegram confirmed them: wait for that, not a sleep
            testkit.Await.until(() -> sink.health().queued() == 0, WAIT, "nothing left queued");
            assertEquals(0, sink.health().overflow());
        }
    }

    @Test
    void a429IsWaitedOutAndA403RemovesTheSubscriberAndTellsTheAdmin() throws Exception {
        try (Node node = start("")) {
            TelegramSink sink = sink(node);
            subscribe(101);
            subscribe(102);
            subscribe(103);
            fake.script(101, Answer.tooManyRequests(1));
            fake.script(102, Answer.blocked());
            fake.script(103, Answer.chatNotFound());
            deliver(sink, hit("005930", 1));
            List<Received> rs = fake.await(r -> alerts(r, 101).size() == 1, WAIT, "the alert after the 429");
            long refused = fake.attempts().stream().filter(a -> a.chat() == 101 && a.text().startsWith("<b>#"))
                    .findFirst().orElseThrow().atNanos();
            assertTrue(alerts(rs, 101).get(0).atNanos() - refused >= 1_000_000_000L, "retry_after 1 s honoured");
            fake.await(has(ADMIN, "Subscriber 102 removed: HTTP 403 Forbidden: bot was blocked by the user"), WAIT,
                    "the admin hears of the 403");
            fake.await(has(ADMIN, "Subscriber 103 removed: HTTP 400 Bad Request: chat not found"), WAIT,
                    "and of the chat not found");
            assertEquals(Set.of(101L), subscriberChats(node));
            assertEquals(2, sink.health().removed());

            deliver(sink, hit("005930", 2));
            fake.await(r -> alerts(r, 101).size() == 2, WAIT, "the next alert");
            assertEquals(1, fake.attempts().stream().filter(a -> a.chat() == 102 && a.text().startsWith("<b>#")).count(),
                    "a removed chat is not tried again");

            // GET /api/sinks: the bot's message-level figures beside the ledger's hit counts
            awaitTrue(() -> details(node).get("outbox_queued").asLong() == 0, "the outbox drains");
            JsonNode bot = details(node);
            assertEquals(2, bot.get("subscribers_removed").asLong(), bot.toString());
            assertEquals(fake.received().size(), bot.get("messages_sent").asLong(),
                    "every message Telegram confirmed (replies, alerts, notices): " + bot);
            assertEquals(0, bot.get("messages_failed").asLong(), bot.toString());
            assertEquals(0, bot.get("overflow").asLong(), bot.toString());
            assertEquals("ok", bot.get("polling").asText(), "this node polls: " + bot);
            assertEquals("ok", bot.get("state").asText(), bot.toString());
        }
    }

    /** The telegram sink's {@code details} in {@code GET /api/sinks}. */
    static JsonNode details(Node node) {
        try {
            for (JsonNode h : api(node, "GET", "/api/sinks")) {
                if (h.get("name").asText().equals("telegram")) {
                    return h.get("details");
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no telegram sink in GET /api/sinks");
    }

    @Test
    void anAlertThatFindsTheOutboxFullIsRefusedWholeAndTakenOnceThereIsRoom() throws Exception {
        try (Node node = start("tickwatch.sinks.telegram.max-queued = 1")) {
            TelegramSink sink = sink(node);
            subscribe(101);
            subscribe(102);
            Hit h = hit("005930", 1);
            actors.sinks.SendResult r = sink.send(h, 1).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(new actors.sinks.SendResult.Retry("the Telegram outbox is full (1 messages)", null), r,
                    "two chats, room for one: none queued, the node's queue tries again");
            assertEquals(1, sink.health().overflow());
            fake.await(has(ADMIN, "The Telegram outbox is full"), WAIT, "the admin is told");
            assertEquals(1, details(node).get("overflow").asLong(), "GET /api/sinks shows the overflow");
            assertEquals(204, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + AdminApi.bind(node,
                            new AdminApi.Settings("127.0.0.1", 0, "", 1000)).toCompletableFuture().get(20, TimeUnit.SECONDS)
                            .localAddress().getPort() + "/api/subscribers/102")).DELETE()
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            // The node's queue tries again until the outbox takes it whole: room comes once the admin's notice
            // has left the outbox, which is when the bot has Telegram's answer, a moment after the fake
            // recorded the request the test waited for. One try right after the DELETE found the outbox
            // still full in a CI run.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            actors.sinks.SendResult taken = sink.send(h, 2).toCompletableFuture().get(20, TimeUnit.SECONDS);
            for (int attempt = 3; !taken.equals(actors.sinks.SendResult.sent()); attempt++) {
                assertTrue(taken instanceof actors.sinks.SendResult.Retry, "refused whole, to be tried again: " + taken);
                assertTrue(System.nanoTime() < deadline, "taken once there is room: " + taken);
                Thread.sleep(100);
                taken = sink.send(h, attempt).toCompletableFuture().get(20, TimeUnit.SECONDS);
            }
            fake.await(r2 -> alerts(r2, 101).size() == 1, WAIT, "the alert once there is room");
            assertEquals(0, alerts(fake.received(), 102).size());
        }
    }

    /** The telegram block of {@link #start}, for nodes built by hand. */
    String telegramConfig() {
        return "tickwatch.sinks.log.enabled = false\n"
                + "tickwatch.sinks.telegram { type = telegram, enabled = true, token = \"" + TOKEN + "\", url = \""
                + fake.url() + "\"\n  invite-code = \"" + CODE + "\", admin-chat = \"" + ADMIN + "\", poll-timeout = 1s\n"
                + "  per-chat-interval = 10ms, group-interval = 20ms, global-interval = 1ms, idle = 20ms\n"
                + "  retry-min = 50ms, retry-max = 200ms, request-timeout = 5s }\n";
    }

    @Test
    void twoNodesPollOnceAndSendEachHitOnceWhileEntitiesMove() throws Exception {
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        Files.copy(dir.resolve("conditions.json"), Files.createDirectories(dir.resolve("a")).resolve("conditions.json"));
        Files.copy(dir.resolve("conditions.json"), Files.createDirectories(dir.resolve("b")).resolve("conditions.json"));
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            symbols.add(String.format("%06d", 100 + i));
        }
        try (Node a = new NodeBootstrap(NodeSettings.from(ConfigFactory.parseString(telegramConfig())
                .withFallback(NodeTest.settings(dir.resolve("a"), db).config()).resolve())).start()) {
            String seed = org.apache.pekko.cluster.typed.Cluster.get(a.system()).selfMember().address().toString();
            Node b = new NodeBootstrap(NodeSettings.from(ConfigFactory.parseString(telegramConfig()
                    + "tickwatch.cluster.seed-nodes = \"" + seed + "\"")
                    .withFallback(NodeTest.settings(dir.resolve("b"), db).config()).resolve())).start();
            try {
                awaitTrue(() -> java.util.stream.StreamSupport.stream(org.apache.pekko.cluster.typed.Cluster.get(a.system())
                        .state().getMembers().spliterator(), false)
                        .filter(m -> m.status() == org.apache.pekko.cluster.MemberStatus.up()).count() == 2, "A sees B Up");
                subscribe(101);
                fake.userSends(101, "/list");
                fake.await(has(101, "Watching: every symbol"), WAIT, "a second command");
                List<conditions.Tick> ticks = new ArrayList<>();
                symbols.forEach(sym -> ticks.addAll(NodeTest.ticks(sym, 11)));
                assertEquals(12 * 11, NodeTest.get(b.ingest(ticks)).accepted());
                fake.await(r -> alerts(r, 101).size() >= 24, WAIT, "two alerts a symbol");
            } finally {
                b.close(); // its entities and its share of the queue move to A
            }
            List<conditions.Tick> more = new ArrayList<>();
            symbols.forEach(sym -> more.addAll(NodeTest.ticks(sym, 16).subList(11, 16)));
            assertEquals(12 * 5, NodeTest.get(a.ingest(more)).accepted());
            List<Received> rs = fake.await(r -> alerts(r, 101).size() >= 36, WAIT, "the third alert of each symbol");
            assertEquals(36, alerts(rs, 101).stream().map(Received::text).distinct().count());
            assertEquals(36, alerts(rs, 101).size(), "each hit once");
            assertEquals(2, rs.stream().filter(r -> r.chat() == 101).count() - 36,
                    "one welcome and one /list answer (one node polls), and nothing else");
        }
    }

    @Test
    void aRestartMidBurstSendsNothingTwiceAndLosesNothingAndTheOffsetSurvives() throws Exception {
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hits.add(hit("005930", i));
        }
        long startUpdate;
        try (Node node = start("tickwatch.sinks.telegram.per-chat-interval = 20ms")) {
            startUpdate = fake.nextUpdateId();
            subscribe(101);
            subscribe(102);
            subscribe(103);
            TelegramSink sink = sink(node);
            for (Hit h : hits) {
                deliver(sink, h);
            }
            fake.await(r -> alerts(r, 101).size() >= 20, WAIT, "the burst under way");
        }
        int before = fake.received().size();
        assertTrue(alerts(fake.received(), 101).size() < 100, "stopped mid-burst");
        int asked = fake.offsetsAsked().size();
        try (Node node = start("tickwatch.sinks.telegram.per-chat-interval = 20ms")) {
            List<Received> rs = fake.await(r -> List.of(101L, 102L, 103L).stream()
                    .allMatch(c -> alerts(r, c).size() >= 100), WAIT, "the rest after the restart");
            for (long c : List.of(101L, 102L, 103L)) {
                assertEquals(100, alerts(rs, c).stream().map(Received::text).distinct().count(), "chat " + c);
                assertEquals(100, alerts(rs, c).size(), "chat " + c + ": nothing twice");
                assertEquals(1, rs.stream().filter(r -> r.chat() == c && r.text().contains("Subscribed")).count(),
                        "chat " + c + ": its /start is not handled again");
            }
            assertTrue(fake.received().size() > before);
            assertEquals(startUpdate + 3, fake.offsetsAsked().get(asked), "the first poll after the restart confirms "
                    + "the three /start updates");

            // the same hits again (a replay): nothing is queued. First let the last outbox rows of the
            // burst be confirmed (their deletion may trail the fake's receipt by a moment).
            TelegramSink sink = sink(node);
            testkit.Await.until(() -> sink.health().queued() == 0, WAIT, "the burst's outbox emptied");
            for (Hit h : hits) {
                deliver(sink, h);
            }
            assertEquals(0, sink.health().queued(), "hit ids already taken");
            fake.userSends(101, "/list");
            fake.await(has(101, "Watching: every symbol"), WAIT, "a new command is still handled");
            assertEquals(100, alerts(fake.received(), 101).size());
        }
    }

    /** Publishes the event record the ls and binance sources publish, as they do. */
    static void publish(Node node, String kind, String symbol, String detail) {
        node.system().eventStream().tell(new org.apache.pekko.actor.typed.eventstream.EventStream.Publish<>(
                new engine.sources.SourceEvent("ls", java.time.Instant.now(), kind, symbol, detail)));
    }

    @Test
    void aSourceOutageIsOneAdminNoticeAndItsEndAnotherARefusalIsToldOnce() throws Exception {
        try (Node node = start("")) {
            subscribe(101); // the bot is up
            publish(node, actors.SourceLifecycle.CONNECTED, null, "connection 1");
            publish(node, actors.SourceLifecycle.DISCONNECTED, null, "closed by the server (1006)");
            for (int i = 1; i <= 3; i++) {
                publish(node, actors.SourceLifecycle.RECONNECTING, null, "attempt " + i + ", next in 1s");
            }
            publish(node, actors.SourceLifecycle.REGISTRATION_REFUSED, "005930", "IGW00121 <not allowed>");
            publish(node, actors.SourceLifecycle.REGISTRATION_REFUSED, "005930", "IGW00121 <not allowed>");
            publish(node, actors.SourceLifecycle.TOKEN_RENEWED, null, "expires 2026-12-01");
            publish(node, actors.SourceLifecycle.CONNECTED, null, "connection 1");
            fake.await(has(ADMIN, "Source ls connected again after 4 failed attempt(s)"), WAIT, "the outage's end");
            // a second outage within admin-quiet (10m) is not told, nor its end; a new refusal is
            publish(node, actors.SourceLifecycle.DISCONNECTED, null, "again");
            publish(node, actors.SourceLifecycle.CONNECTED, null, "connection 1");
            publish(node, actors.SourceLifecycle.REGISTRATION_REFUSED, "000660", "IGW00121");
            fake.await(has(ADMIN, "refused 000660"), WAIT, "the second refusal");
            List<String> admin = fake.receivedBy(ADMIN).stream().map(Received::text).toList();
            assertEquals(List.of("⚠️ Source ls disconnected: closed by the server (1006)",
                    "⛔ Source ls refused 005930: IGW00121 &lt;not allowed&gt;"), admin.subList(0, 2),
                    "one notice for the outage (not for the first connect, the reconnects or the token), the "
                            + "refusal once, escaped: " + admin);
            assertTrue(admin.get(2).startsWith("✅ Source ls connected again after 4 failed attempt(s) over "),
                    admin.toString());
            assertEquals("⛔ Source ls refused 000660: IGW00121", admin.get(3), admin.toString());
            assertEquals(4, admin.size(), admin.toString());
        }
    }

    /** An order's result (an AdminMessage on the event stream, as the orders sink publishes it) reaches the admin chat. */
    @Test
    void orderResultsReachTheAdminChat() throws Exception {
        try (Node node = start("")) {
            subscribe(101); // the bot is up
            node.system().eventStream().tell(new org.apache.pekko.actor.typed.eventstream.EventStream.Publish<>(
                    new actors.sinks.orders.OrderEvent("orders", "tw1", "005930/dip/1", "005930", "ls", "buy", "3", "70000",
                            "unknown", "no answer; check the account before trading this symbol again", null, null, 1L)));
            fake.await(has(ADMIN, "Order unknown"), WAIT, "the admin is told");
            List<String> admin = fake.receivedBy(ADMIN).stream().map(Received::text).toList();
            assertEquals(List.of("⚠️ Order unknown: buy 3 005930 on ls (70000): no answer; check the account before "
                    + "trading this symbol again"), admin);
        }
    }

    @Test
    void theTokenNeverReachesTheLogAndAnOutageIsOneNoticeAndItsEndAnother() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<String> lines = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                        : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())));
            }
        };
        capture.setContext(root.getLoggerContext());
        capture.start();
        root.addAppender(capture);
        try (Node node = start("")) {
            subscribe(101);
            fake.script(101, Answer.serverError("/bot<path>"), Answer.serverError("/bot<path>"),
                    Answer.serverError("/bot<path>"));
            fake.failUpdates(true);
            deliver(sink(node), hit("005930", 1));
            fake.await(r -> alerts(r, 101).size() == 1, WAIT, "the alert after three 500s");
            awaitTrue(() -> lines.stream().anyMatch(l -> l.contains("polling failed")), "a failed poll is logged");
            fake.failUpdates(false);
            fake.await(has(ADMIN, "sending works again after 3 failed attempt(s)"), WAIT, "the end of the outage");
            fake.await(has(ADMIN, "polling works again"), WAIT, "the end of the polling outage");
            List<Received> admin = fake.receivedBy(ADMIN);
            assertEquals(1, admin.stream().filter(r -> r.text().contains("sending is failing")).count(), admin.toString());
            assertEquals(1, admin.stream().filter(r -> r.text().contains("polling is failing")).count(), admin.toString());
            assertTrue(admin.stream().anyMatch(r -> r.text().contains("/bot&lt;token&gt;/sendMessage")), admin.toString());
        } finally {
            root.detachAppender(capture);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("/bot<token>/")), "the errors quoting a URL were logged");
        assertEquals(List.of(), lines.stream().filter(l -> l.contains(TOKEN) || l.contains("AAE-secret")).toList());
        assertFalse(fake.received().stream().anyMatch(r -> r.text().contains("AAE-secret")), "nor any message");
    }

    static void awaitTrue(java.util.function.BooleanSupplier test, String what) throws InterruptedException {
        testkit.Await.until(test, WAIT, what);
    }
}
