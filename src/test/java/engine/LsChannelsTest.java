package engine;

import static engine.LsSourceTest.DAY;
import static engine.LsSourceTest.accepted;
import static engine.LsSourceTest.derivativeBody;
import static engine.LsSourceTest.overseasBody;
import static engine.LsSourceTest.rejected;
import static engine.LsSourceTest.start;
import static engine.LsSourceTest.stockBody;
import static engine.LsSourceTest.trades;
import static engine.NaverSourceTest.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import engine.sources.ls.FakeLs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.tickfile.TickFileReader;

/**
 * The ls source's channels through a node and its API: instruments and channels on
 * {@code POST /api/tickers} (and the 400s), quotes and member flow of every instrument kind
 * registered, their latest state in {@code GET /api/tickers/{symbol}} and their files; a refusal that
 * is not asked again after a reconnect; the derivatives and overseas-futures markets.
 */
class LsChannelsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Reply(int status, JsonNode body) {
    }

    static Reply call(HttpClient http, int port, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
    }

    /** An H1_/HA_ (10 levels) or FH0/OH0/OVH (5) body: asks from {@code ask} up, bids from {@code bid} down. */
    static Map<String, String> membersBody(String code) {
        Map<String, String> b = new LinkedHashMap<>();
        String[][] sellers = {{"036", "JP모간"}, {"029", "KB증권"}, {"005", "미래에셋"}, {"044", "메릴린치"}, {"017", "KB"}};
        for (int i = 1; i <= 5; i++) {
            b.put("offerno" + i, sellers[i - 1][0]);
            b.put("offertrad" + i, sellers[i - 1][1]);
            b.put("tradmdvol" + i, String.valueOf(10_000 / i));
            b.put("bidno" + i, sellers[5 - i][0]);
            b.put("bidtrad" + i, sellers[5 - i][1]);
            b.put("tradmsvol" + i, String.valueOf(8_000 / i));
        }
        b.put("ftradmdvol", "12000");
        b.put("ftradmsvol", "3000");
        b.put("shcode", code);
        return b;
    }

    static List<String> gunzipLines(Path file) throws Exception {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    @Test
    void channelsFromTheApiQuotesAndMembersOfEveryKindTheirLatestStateAndTheirFiles() throws Exception {
        Path ticks;
        try (FakeLs fake = new FakeLs(); Node node = start(dir, fake, "")) {
            ticks = node.recorder().settings().dir();
            int port = AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1000))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS).localAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();

            // what cannot be fed is refused, saying why
            Reply r = call(http, port, "POST", "/api/tickers", "{\"symbol\": \"005930\", \"source\": \"ls\", \"instrument\": \"nyse\"}");
            assertEquals(400, r.status(), String.valueOf(r.body()));
            assertTrue(r.body().toString().contains("unknown instrument"), r.body().toString());
            r = call(http, port, "POST", "/api/tickers", "{\"symbol\": \"101W9000\", \"source\": \"ls\", \"channels\": [\"trades\", \"members\"]}");
            assertEquals(400, r.status());
            assertTrue(r.body().toString().contains("no members channel"), r.body().toString());
            r = call(http, port, "POST", "/api/tickers", "{\"symbol\": \"ABC\", \"source\": \"ls\", \"instrument\": \"overseas-future\", \"channels\": [\"members\"]}");
            assertEquals(400, r.status());
            r = call(http, port, "POST", "/api/tickers", "{\"symbol\": \"005930\", \"source\": \"ls\", \"channels\": [\"depth\"]}");
            assertEquals(400, r.status());
            assertTrue(r.body().toString().contains("unknown channel"), r.body().toString());
            r = call(http, port, "POST", "/api/tickers", "{\"symbol\": \"005930\", \"source\": \"ls\", \"channels\": []}");
            assertEquals(400, r.status());
            r = call(http, port, "POST", "/api/tickers", "{\"symbol\": \"005930\", \"source\": \"push\", \"channels\": [\"quotes\"]}");
            assertEquals(400, r.status(), "push gives trades only");
            r = call(http, port, "POST", "/api/tickers", "{\"symbol\": \"005930\", \"source\": \"push\", \"instrument\": \"kospi\"}");
            assertEquals(400, r.status(), "push takes no instrument");
            assertEquals(0, call(http, port, "GET", "/api/tickers", null).body().size(), "nothing was added");

            // every instrument kind's quotes, members for both stock markets
            r = call(http, port, "POST", "/api/tickers", "{\"symbol\": \"005930\", \"source\": \"ls\", \"channels\": [\"quotes\", \"members\", \"trades\"]}");
            assertEquals(201, r.status(), String.valueOf(r.body()));
            assertEquals("[\"trades\",\"quotes\",\"members\"]", r.body().get("channels").toString());
            r = call(http, port, "POST", "/api/tickers", "{\"symbol\": \"122870\", \"source\": \"ls\", \"instrument\": \"KOSDAQ\", \"channels\": [\"quotes\", \"members\"]}");
            assertEquals(201, r.status(), String.valueOf(r.body()));
            assertEquals("kosdaq", r.body().get("instrument").asText());
            for (String body : List.of("{\"symbol\": \"101W9000\", \"source\": \"ls\", \"channels\": [\"trades\", \"quotes\"]}",
                    "{\"symbol\": \"201W9342\", \"source\": \"ls\", \"channels\": [\"quotes\"]}",
                    "{\"symbol\": \"NQU23\", \"source\": \"ls\", \"channels\": [\"trades\", \"quotes\"]}",
                    "{\"symbol\": \"000660\", \"source\": \"ls\"}")) {
                assertEquals(201, call(http, port, "POST", "/api/tickers", body).status(), body);
            }
            awaitUntil(() -> fake.registered("S3_", "005930") && fake.registered("H1_", "005930")
                    && fake.registered("K1_", "005930") && fake.registered("HA_", "122870")
                    && fake.registered("OK_", "122870") && fake.registered("FC0", "101W9000")
                    && fake.registered("FH0", "101W9000") && fake.registered("OH0", "201W9342")
                    && fake.registered("OVC", "NQU23") && fake.registered("OVH", "NQU23")
                    && fake.registered("S3_", "000660"), "every channel registered: " + fake.requests());
            assertTrue(fake.requests().stream().noneMatch(q -> q.key().equals("122870") && (q.trCd().equals("K3_")
                    || q.trCd().equals("H1_") || q.trCd().equals("S3_"))), "the given instrument, no trades: " + fake.requests());
            assertTrue(fake.requests().stream().noneMatch(q -> q.key().equals("000660") && !q.trCd().equals("S3_")),
                    "trades only by default");
            assertTrue(fake.requests().stream().anyMatch(q -> q.trCd().equals("OVH") && q.key().equals("NQU23   ")));
            JsonNode list = call(http, port, "GET", "/api/tickers", null).body();
            assertEquals(6, list.size());
            for (JsonNode t : list) {
                if (t.get("symbol").asText().equals("000660")) {
                    assertEquals("[\"trades\"]", t.get("channels").toString());
                    assertTrue(!t.has("instrument"), t.toString());
                }
            }
            JsonNode before = call(http, port, "GET", "/api/tickers/005930", null).body();
            assertTrue(before.has("quotes") && before.get("quotes").isNull(), "null until quotes came: " + before);
            assertTrue(before.get("members").isNull());

            assertEquals(1, fake.publish("H1_", "005930", FakeLs.quotesBody(10, 55_100, 55_000, 100)));
            fake.publish("H1_", "005930", FakeLs.quotesBody(10, 55_200, 55_100, 100)); // the latest wins
            fake.publish("K1_", "005930", membersBody("005930"));
            fake.publish("HA_", "122870", FakeLs.quotesBody(10, 81_700, 81_500, 100));
            fake.publish("OK_", "122870", membersBody("122870"));
            fake.publish("FH0", "101W9000", FakeLs.quotesBody(5, 402.15, 402.1, 0.05));
            fake.publish("OH0", "201W9342", FakeLs.quotesBody(5, 3.5, 3.45, 0.05));
            fake.publish("OVH", "NQU23   ", FakeLs.quotesBody(5, 15321.5, 15321.25, 0.25));
            awaitUntil(() -> node.quotes("NQU23") != null && node.quotes("201W9342") != null
                    && node.quotes("101W9000") != null && node.members("122870") != null
                    && node.quotes("122870") != null && node.members("005930") != null, "the latest state of each");
            awaitUntil(() -> call(http, port, "GET", "/api/tickers/005930", null).body().get("quotes")
                    .get("best_ask").get("price").asDouble() == 55_200, "the latest quotes");
            JsonNode samsung = call(http, port, "GET", "/api/tickers/005930", null).body();
            JsonNode q = samsung.get("quotes");
            assertEquals(55_100, q.get("best_bid").get("price").asDouble());
            assertEquals(200, q.get("best_bid").get("size").asLong());
            assertEquals(10, q.get("asks").size());
            assertEquals(10, q.get("bids").size());
            assertEquals(55_200 + 900, q.get("asks").get(9).get("price").asDouble());
            assertEquals(5500, q.get("total_ask_size").asLong());
            JsonNode m = samsung.get("members");
            assertEquals("036", m.get("sell").get(0).get("no").asText());
            assertEquals("JP모간", m.get("sell").get(0).get("name").asText());
            assertEquals(10_000, m.get("sell").get(0).get("volume").asLong());
            assertEquals(5, m.get("buy").size());
            assertEquals(12_000, m.get("foreign_sell_volume").asLong());
            assertEquals("registered", samsung.get("source_health").get("channels").get("members").get("state").asText());
            assertEquals(0, samsung.get("accepted").asLong(), "quotes and members make no ticks");
            JsonNode future = call(http, port, "GET", "/api/tickers/101W9000", null).body();
            assertEquals(5, future.get("quotes").get("asks").size());
            assertEquals(402.15, future.get("quotes").get("best_ask").get("price").asDouble());
            assertTrue(future.get("members").isNull());
            assertEquals(15321.25, call(http, port, "GET", "/api/tickers/NQU23", null).body().get("quotes")
                    .get("best_bid").get("price").asDouble());
            assertEquals(0, NodeTest.get(node.bars("005930", 0)).orElseThrow().size(), "no bars from quotes");
            awaitUntil(() -> node.recorder().written() >= 8, "recorded: " + node.recorder().written());
        }
        // the node stopped: its files are closed and read back
        Path day = ticks.resolve(DAY.toString());
        List<String> quotes = gunzipLines(day.resolve("ls-quotes.csv.gz"));
        assertEquals(engine.sources.ls.Quotes.HEADER, quotes.get(0));
        assertEquals(7, quotes.size(), "a header and 6 quotes: " + quotes);
        assertTrue(quotes.stream().anyMatch(l -> l.startsWith("2026-11-20T15:40:00.000+09:00,NQU23,100000,5500,11000,"
                + "15321.5,100,15321.25,200,15321.75,200,")), quotes.toString());
        assertTrue(quotes.get(1).matches("2026-11-20T15:40:00\\.000\\+09:00,005930,100000,5500,11000,55100,100,55000,200,.*"),
                quotes.get(1));
        List<String> members = gunzipLines(day.resolve("ls-members.csv.gz"));
        assertEquals(engine.sources.ls.Members.HEADER, members.get(0));
        assertEquals(3, members.size(), members.toString());
        assertTrue(members.get(1).startsWith("2026-11-20T15:40:00.000+09:00,005930,036,JP모간,10000,029,KB증권,5000,"),
                members.get(1));
        assertTrue(members.get(2).startsWith("2026-11-20T15:40:00.000+09:00,122870,"), members.get(2));
    }

    @Test
    void aRefusedRegistrationIsNotAskedAgainAfterAReconnectOrANewToken() throws Exception {
        try (FakeLs fake = new FakeLs()) {
            fake.refuse("H1_", "005930", "01405", "시세 권한이 없습니다");
            fake.refuse("S3_", "999999", "01405", "KOSPI 종목이 아닙니다");
            fake.refuse("K3_", "999999", "01406", "존재하지 않는 종목입니다");
            try (Node node = start(dir, fake, "")) {
                assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("005930", "ls", null, null,
                        List.of("trades", "quotes"))));
                assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("999999", "ls")));
                awaitUntil(() -> refusedChannel(node, "005930", "quotes") && "refused".equals(
                        node.sourceHealth("999999").get("state")), "refused: " + fake.requests());
                awaitUntil(() -> fake.registered("S3_", "005930"), "trades registered");
                assertEquals("registered", node.sourceHealth("005930").get("state"), "trades go on without quotes");
                long asked = asked(fake);
                assertEquals(3, asked, "H1_ 005930, S3_ and K3_ 999999 once each: " + fake.requests());

                fake.drop();
                awaitUntil(() -> fake.connectionsEver() == 2 && fake.registered("S3_", "005930"), "reconnected");
                int forms = fake.tokenForms().size();
                fake.expireTokens();
                awaitUntil(() -> fake.tokenForms().size() > forms && fake.registered("S3_", "005930"), "a new token");
                assertEquals(asked, asked(fake), "refusals are not asked again: " + fake.requests());
                assertTrue(refusedChannel(node, "005930", "quotes"), "the refusal stays on the ticker");
                @SuppressWarnings("unchecked")
                Map<String, Object> refusal = (Map<String, Object>) ((Map<String, Map<String, Object>>)
                        node.sourceHealth("005930").get("channels")).get("quotes").get("refused");
                assertEquals(Map.of("tr_cd", "H1_", "code", "01405", "message", "시세 권한이 없습니다"), refusal);

                // removed and added again: asked again (the server may have changed its mind)
                NodeTest.get(node.removeTicker("005930"));
                awaitUntil(() -> !fake.registered("S3_", "005930"), "unregistered");
                NodeTest.get(node.addTicker("005930", "ls", null, null, List.of("trades", "quotes")));
                awaitUntil(() -> asked(fake) == asked + 1, "asked once more");
            }
        }
    }

    static boolean refusedChannel(Node node, String symbol, String channel) {
        Map<String, Object> h = node.sourceHealth(symbol);
        if (h == null) {
            return false;
        }
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> channels = (Map<String, Map<String, Object>>) h.get("channels");
        return "refused".equals(channels.get(channel).get("state"));
    }

    /** Registrations asked for that the fake refuses. */
    static long asked(FakeLs fake) {
        return fake.requests().stream().filter(q -> q.trType().equals("3") && (q.trCd().equals("H1_")
                && q.key().equals("005930") || q.key().equals("999999"))).count();
    }

    @Test
    void aFuturesTradeAt0850MakesABarAndAnOverseasTradeAt0600BelongsToTheDayBefore() throws Exception {
        Path ticks;
        try (FakeLs fake = new FakeLs(); Node node = start(dir, fake, "")) {
            ticks = node.recorder().settings().dir();
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("101W9000", "ls")));
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("NQU23", "ls")));
            awaitUntil(() -> fake.registered("FC0", "101W9000") && fake.registered("OVC", "NQU23"), "registered");
            var morning = trades(LocalTime.of(8, 50), 30, 20, 40_200); // 08:50:00 to 08:59:40
            for (var t : morning) {
                fake.publish("FC0", "101W9000", derivativeBody("101W9000", t));
            }
            awaitUntil(() -> accepted(node, "101W9000") == 30, "the futures trades before 09:00 accepted");
            assertEquals(0, rejected(node, "101W9000", "outside_session"));
            awaitUntil(() -> !NodeTest.get(node.bars("101W9000", 0)).orElseThrow().isEmpty(), "a bar closed");
            Map<String, Object> bar = NodeTest.get(node.bars("101W9000", 0)).orElseThrow().get(0);
            assertEquals("2026-11-20T08:50:00+09:00", bar.get("start").toString(), bar.toString());
            assertEquals("KRX_DERIVATIVES", NodeTest.get(node.status("101W9000")).orElseThrow().market());

            var night = trades(LocalTime.of(6, 0), 3, 60, 45_000); // 06:00, 06:01, 06:02 on DAY
            var day = trades(LocalTime.of(8, 0), 2, 60, 45_300);
            for (var t : night) {
                fake.publish("OVC", "NQU23   ", overseasBody("NQU23", t));
            }
            for (var t : day) {
                Map<String, String> b = overseasBody("NQU23", t);
                b.put("totq", String.valueOf(t.size())); // a new trading day: the cumulative volume starts again
                fake.publish("OVC", "NQU23   ", b);
            }
            awaitUntil(() -> accepted(node, "NQU23") == 5, "the overseas trades");
            assertEquals("OVERSEAS_FUTURES", NodeTest.get(node.status("NQU23")).orElseThrow().market());
        }
        List<conditions.Tick> before = read(ticks.resolve(DAY.minusDays(1).toString()).resolve("ls-trades.csv.gz"));
        assertEquals(List.of("NQU23", "NQU23", "NQU23"), before.stream().map(conditions.Tick::symbol).toList(),
                "06:00-06:02 belong to the trading day that began at 07:30 the day before");
        List<conditions.Tick> on = read(ticks.resolve(DAY.toString()).resolve("ls-trades.csv.gz"));
        assertEquals(2, on.stream().filter(t -> t.symbol().equals("NQU23")).count());
        assertEquals(30, on.stream().filter(t -> t.symbol().equals("101W9000")).count());
        assertTrue(on.stream().allMatch(t -> t.market() != null && t.market().name().startsWith(
                t.symbol().equals("NQU23") ? "OVERSEAS" : "KRX_DER")), on.toString());
    }

    static List<conditions.Tick> read(Path file) throws Exception {
        List<conditions.Tick> out = new java.util.ArrayList<>();
        TickFileReader.read(file, out::add, TickFileReader.IGNORE);
        return out;
    }

    @Test
    void pastTheRegistrationLimitAnotherConnectionOpensEachReconnectsAndAnEmptyOneCloses() throws Exception {
        try (FakeLs fake = new FakeLs(); Node node = start(dir, fake, "max-registrations-per-connection = 2\n")) {
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("005930", "ls")));
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("000660", "ls")));
            awaitUntil(() -> fake.registered("S3_", "005930") && fake.registered("S3_", "000660"), "two on one");
            assertEquals(1, fake.connections(), "two registrations fit one connection");
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("035420", "ls", null, "kospi",
                    List.of("trades", "quotes"))));
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("051910", "ls", null, "kospi",
                    null)));
            awaitUntil(() -> fake.registered("S3_", "035420") && fake.registered("H1_", "035420")
                    && fake.registered("S3_", "051910"), "registered past the limit");
            assertEquals(3, fake.connections(), "2 + 2 + 1 registrations: " + fake.requests());
            Map<String, Integer> connectionOf = new LinkedHashMap<>();
            fake.requests().forEach(q -> connectionOf.put(q.key(), q.connection()));
            assertEquals(connectionOf.get("005930"), connectionOf.get("000660"));
            assertTrue(new java.util.HashSet<>(connectionOf.values()).size() == 3, connectionOf.toString());
            awaitUntil(() -> Integer.valueOf(3).equals(node.sourceHealth().get("ls").get("connections"))
                    && "connected".equals(node.sourceHealth().get("ls").get("state")), "health: 3 connected");

            var day = trades(LocalTime.of(9, 0), 5, 10, 55_000);
            for (var t : day.subList(0, 3)) {
                for (String s : List.of("005930", "000660", "035420", "051910")) {
                    fake.publish("S3_", s, stockBody(s, t));
                }
            }
            for (String s : List.of("005930", "000660", "035420", "051910")) {
                awaitUntil(() -> accepted(node, s) == 3, s + "'s trades");
            }
            // every connection dropped: each reconnects and registers its own tickers again
            fake.drop();
            awaitUntil(() -> fake.connectionsEver() == 6 && fake.registered("S3_", "005930")
                    && fake.registered("S3_", "000660") && fake.registered("S3_", "035420")
                    && fake.registered("H1_", "035420") && fake.registered("S3_", "051910"), "all back");
            for (var t : day.subList(2, 5)) { // the third sent again: a duplicate
                for (String s : List.of("005930", "000660", "035420", "051910")) {
                    fake.publish("S3_", s, stockBody(s, t));
                }
            }
            for (String s : List.of("005930", "000660", "035420", "051910")) {
                awaitUntil(() -> accepted(node, s) == 5 && rejected(node, s, "duplicate") == 1, s + " after the drop");
            }
            // a connection left without tickers is closed
            assertInstanceOf(TickerRegistry.Removed.class, NodeTest.get(node.removeTicker("051910")));
            awaitUntil(() -> fake.connections() == 2, "the empty connection closed");
            awaitUntil(() -> Integer.valueOf(2).equals(node.sourceHealth().get("ls").get("connections")), "health: 2");
        }
    }
}
