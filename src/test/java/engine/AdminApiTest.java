package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/**
 * Every admin endpoint against a real node (H2 in a temporary folder), over real HTTP on
 * loopback: the answers a user gets, including the errors and the token check.
 */
class AdminApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String TOKEN = "test-token-" + System.nanoTime();

    @TempDir
    static Path dir;
    static Node node;
    static String open;
    static String guarded;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("conditions.json"), "{\"jazz\": {\"CLOSE\": [\"BIGGER\", 1]}}");
        node = Node.start(NodeTest.settings(dir, TestDb.h2(dir)));
        open = base(AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1000)));
        guarded = base(AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, TOKEN, 1000)));
    }

    private static String base(java.util.concurrent.CompletionStage<ServerBinding> b) throws Exception {
        ServerBinding binding = b.toCompletableFuture().get(20, TimeUnit.SECONDS);
        return "http://127.0.0.1:" + binding.localAddress().getPort();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    record Answer(int status, JsonNode body) {
    }

    static Answer call(String method, String url, String body, String token) throws Exception {
        return call(method, url, body, token, Map.of());
    }

    static Answer call(String method, String url, String body, String token, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        if (body != null && !headers.containsKey("Content-Type")) {
            // as every client must without a token (engine.http.LocalRequestsTest)
            r.header("Content-Type", "application/json");
        }
        headers.forEach(r::header);
        HttpResponse<String> resp = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = resp.body().isEmpty() ? null : JSON.readTree(resp.body());
        if (json != null) {
            assertTrue(resp.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                    "JSON content type: " + resp.headers().map());
        }
        return new Answer(resp.statusCode(), json);
    }

    static Answer call(String method, String path, String body) throws Exception {
        return call(method, open + path, body, null);
    }

    @Test
    void healthAndReady() throws Exception {
        assertEquals("up", call("GET", "/health", null).body().get("status").asText());
        Answer ready = call("GET", "/ready", null);
        assertEquals(200, ready.status());
        assertTrue(ready.body().get("ready").asBoolean());
    }

    @Test
    void addListGetAndRemoveATicker() throws Exception {
        Answer added = call("POST", "/api/tickers", "{\"symbol\": \"000660\", \"source\": \"push\"}");
        assertEquals(201, added.status(), added.body().toString());
        assertEquals("000660", added.body().get("symbol").asText());
        Answer again = call("POST", "/api/tickers", "{\"symbol\": \"000660\", \"source\": \"push\"}");
        assertEquals(409, again.status());
        assertTrue(again.body().get("error").asText().contains("000660"));
        Answer list = call("GET", "/api/tickers", null);
        assertTrue(list.body().findValuesAsText("symbol").contains("000660"));
        Answer status = call("GET", "/api/tickers/000660", null);
        assertEquals(200, status.status());
        assertEquals(0, status.body().get("accepted").asLong());
        assertEquals(204, call("DELETE", "/api/tickers/000660", null).status());
        assertFalse(call("GET", "/api/tickers", null).body().findValuesAsText("symbol").contains("000660"));
        assertEquals(404, call("DELETE", "/api/tickers/000660", null).status());
    }

    /**
     * A ticker added with a market keeps it (over its symbol's), and the list shows it; removed
     * with purge=true and added again, it starts empty; a tick a year ahead is "future".
     */
    @Test
    void aMarketWhenAddedPurgeWhenRemovedAndFutureTicks() throws Exception {
        Answer added = call("POST", "/api/tickers", "{\"symbol\": \"005490\", \"market\": \"CRYPTO\"}");
        assertEquals(201, added.status(), added.body().toString());
        assertEquals("CRYPTO", added.body().get("market").asText());
        JsonNode listed = null;
        for (JsonNode t : call("GET", "/api/tickers", null).body()) {
            if (t.get("symbol").asText().equals("005490")) {
                listed = t;
            }
        }
        assertEquals("CRYPTO", listed.get("market").asText(), listed.toString());
        assertFalse(call("POST", "/api/tickers", "{\"symbol\": \"005491\"}").body().has("market"),
                "no market key when none was given");

        String night = "[{\"time\": \"2026-11-20T03:00:00+09:00\", \"symbol\": \"005490\", \"price\": 300000, \"volume\": 1}]";
        Answer r = call("POST", "/api/ticks", night);
        assertEquals(1, r.body().get("accepted").asLong(), "CRYPTO as added, not the KRX session: " + r.body());
        assertEquals("CRYPTO", call("GET", "/api/tickers/005490", null).body().get("market").asText());

        String ahead = java.time.Instant.now().plus(Duration.ofDays(365)).toString();
        Answer future = call("POST", "/api/ticks", "[{\"time\": \"" + ahead
                + "\", \"symbol\": \"005490\", \"price\": 300000, \"volume\": 1}]");
        assertEquals(200, future.status(), future.body().toString());
        assertEquals(1, future.body().get("rejected").get("future").asLong(), future.body().toString());
        assertEquals(1, call("GET", "/api/tickers/005490", null).body().get("rejected").get("future").asLong());

        assertEquals(400, call("DELETE", "/api/tickers/005490?purge=yes", null).status());
        assertEquals(204, call("DELETE", "/api/tickers/005490?purge=true", null).status());
        assertEquals(404, call("GET", "/api/tickers/005490", null).status());
        assertEquals(201, call("POST", "/api/tickers", "{\"symbol\": \"005490\"}").status());
        JsonNode fresh = call("GET", "/api/tickers/005490", null).body();
        assertEquals(0, fresh.get("accepted").asLong(), "purged: starts empty " + fresh);
        assertEquals(0, fresh.get("rejected").get("future").asLong());
        Answer krx = call("POST", "/api/ticks", night);
        assertEquals(1, krx.body().get("rejected").get("outside_session").asLong(),
                "added again without a market: the symbol's, KRX " + krx.body());
    }

    @Test
    void badTickerRequestsSayWhy() throws Exception {
        Answer market = call("POST", "/api/tickers", "{\"symbol\": \"005380\", \"market\": \"NYSE\"}");
        assertEquals(400, market.status());
        assertTrue(market.body().get("error").asText().contains("NYSE"), market.body().toString());
        assertEquals("KRX", market.body().get("detail").get("available").get(0).asText());
        assertEquals(400, call("POST", "/api/tickers", "{\"symbol\": \"005380\", \"market\": 7}").status());
        Answer source = call("POST", "/api/tickers", "{\"symbol\": \"005380\", \"source\": \"bloomberg\"}");
        assertEquals(400, source.status());
        assertTrue(source.body().get("error").asText().contains("bloomberg"));
        assertEquals("[\"binance\",\"naver\",\"push\"]", source.body().get("detail").get("available").toString());
        Answer symbol = call("POST", "/api/tickers", "{\"symbol\": \"bad symbol!\"}");
        assertEquals(400, symbol.status());
        assertEquals("invalid symbol", symbol.body().get("error").asText());
        Answer malformed = call("POST", "/api/tickers", "{\"symbol\": ");
        assertEquals(400, malformed.status());
        assertTrue(malformed.body().get("error").asText().startsWith("malformed JSON"), malformed.body().toString());
        Answer wrongType = call("POST", "/api/tickers", "{\"symbol\": 5930}");
        assertEquals(400, wrongType.status());
        assertEquals(404, call("GET", "/api/tickers/NOPE01", null).status());
        assertEquals(404, call("GET", "/api/tickers/NOPE01/bars", null).status());
        assertEquals(400, call("GET", "/api/tickers/005930/bars?limit=abc", null).status());
        assertEquals(405, call("PATCH", "/api/tickers", "{}").status());
        assertEquals(404, call("GET", "/api/nothing-here", null).status());
    }

    @Test
    void pushedTicksBuildBarsAndAnswerAfterPersisting() throws Exception {
        String ticks = """
                [{"time": "2026-11-20T09:00:01+09:00", "symbol": "035720", "price": 50000, "volume": 10, "cum_volume": 10},
                 {"time": "2026-11-20T09:01:00+09:00", "symbol": "035720", "price": 50500, "volume": 5, "cum_volume": 15},
                 {"time": "2026-11-20T09:01:30+09:00", "symbol": "035720", "price": 50400, "volume": 5, "cum_volume": 15},
                 {"time": "2026-11-20T08:30:00+09:00", "symbol": "035720", "price": 49000, "volume": 1},
                 {"time": "2026-11-20T09:05:00+09:00", "symbol": "035720", "price": 49900, "volume": 7, "cum_volume": 22}]
                """;
        Answer r = call("POST", "/api/ticks", ticks);
        assertEquals(200, r.status(), String.valueOf(r.body()));
        assertEquals(3, r.body().get("accepted").asLong());
        assertEquals(1, r.body().get("rejected").get("duplicate").asLong());
        assertEquals(1, r.body().get("rejected").get("outside_session").asLong());
        // the unknown symbol was added with source push
        assertTrue(call("GET", "/api/tickers", null).body().toString().contains("\"035720\""));
        JsonNode bars = call("GET", "/api/tickers/035720/bars?limit=10", null).body();
        assertEquals(1, bars.size());
        JsonNode bar = bars.get(0);
        assertEquals("2026-11-20T09:00:00+09:00", bar.get("start").asText());
        assertEquals(50000, bar.get("open").asLong());
        assertEquals(50500, bar.get("high").asLong());
        assertEquals(50500, bar.get("close").asLong());
        assertEquals(15, bar.get("volume").asLong());
        JsonNode status = call("GET", "/api/tickers/035720", null).body();
        assertEquals(3, status.get("accepted").asLong());
        assertEquals("2026-11-20T09:05:00+09:00", status.get("forming").get("start").asText());
        assertEquals(49900, status.get("forming").get("close").asLong());
    }

    @Test
    void archivedBarsByTimeRange() throws Exception {
        String ticks = """
                [{"time": "2026-11-19T09:00:01+09:00", "symbol": "000270", "price": 100, "volume": 10},
                 {"time": "2026-11-19T09:05:01+09:00", "symbol": "000270", "price": 101, "volume": 20},
                 {"time": "2026-11-19T09:10:01+09:00", "symbol": "000270", "price": 102, "volume": 30},
                 {"time": "2026-11-20T09:00:01+09:00", "symbol": "000270", "price": 103, "volume": 40.5},
                 {"time": "2026-11-20T09:05:01+09:00", "symbol": "000270", "price": 104, "volume": 50}]
                """;
        assertEquals(200, call("POST", "/api/ticks", ticks).status());
        // four bars closed (the last one still forms); they reach the archive off the entity's thread
        Answer[] all = new Answer[1];
        testkit.Await.until(() -> {
            try {
                all[0] = call("GET", "/api/tickers/000270/bars?from=2026-11-19&to=2026-11-21", null);
                return all[0].body().get("bars").size() == 4;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(20), "four archived bars");
        assertEquals("000270", all[0].body().get("symbol").asText());
        JsonNode first = all[0].body().get("bars").get(0);
        assertEquals("2026-11-19T09:00:00+09:00", first.get("start").asText(), "oldest first");
        assertEquals(10, first.get("volume").asLong());
        assertEquals("40.5", all[0].body().get("bars").get(3).get("volume").toString());
        // ISO times and epoch milliseconds, [from, to), and limit keeps the newest
        long from = NodeTest.krx("2026-11-19T09:05");
        JsonNode some = call("GET", "/api/tickers/000270/bars?from=" + from + "&to=2026-11-20T09:00:00%2B09:00", null)
                .body().get("bars");
        assertEquals(2, some.size());
        assertEquals("2026-11-19T09:05:00+09:00", some.get(0).get("start").asText());
        assertEquals("2026-11-19T09:10:00+09:00", some.get(1).get("start").asText());
        JsonNode newest = call("GET", "/api/tickers/000270/bars?from=2026-11-19&to=2026-11-21&limit=1", null)
                .body().get("bars");
        assertEquals(1, newest.size());
        assertEquals("2026-11-20T09:00:00+09:00", newest.get(0).get("start").asText());
        // a symbol without bars: none; a bad time: 400 saying what is expected
        assertEquals(0, call("GET", "/api/tickers/999999/bars?from=2026-11-19", null).body().get("bars").size());
        Answer bad = call("GET", "/api/tickers/000270/bars?from=yesterday", null);
        assertEquals(400, bad.status());
        assertTrue(bad.body().toString().contains("epoch milliseconds"), bad.body().toString());
        assertEquals(400, call("GET", "/api/tickers/000270/bars?from=2026-11-21&to=2026-11-19", null).status());
    }

    @Test
    void ticksAsJsonLinesAndMalformedBatchesAreRejectedWhole() throws Exception {
        String lines = "{\"time\":\"2026-11-20T09:00:01+09:00\",\"symbol\":\"BTCUSDT\",\"price\":91000.5,\"volume\":1}\n"
                + "{\"time\":\"2026-11-20T09:00:02+09:00\",\"symbol\":\"BTCUSDT\",\"price\":91001.5,\"volume\":2}\n";
        Answer ok = call("POST", "/api/ticks", lines);
        assertEquals(200, ok.status(), String.valueOf(ok.body()));
        assertEquals(2, ok.body().get("accepted").asLong());
        String bad = "{\"time\":\"2026-11-20T09:00:03+09:00\",\"symbol\":\"BTCUSDT\",\"price\":91002,\"volume\":1}\n"
                + "{\"time\":\"yesterday\",\"symbol\":\"BTCUSDT\",\"price\":1,\"volume\":1}\n"
                + "{\"time\":\"2026-11-20T09:00:04+09:00\",\"symbol\":\"BTCUSDT\",\"price\":\"cheap\",\"volume\":1}\n";
        Answer rejected = call("POST", "/api/ticks", bad);
        assertEquals(400, rejected.status());
        assertTrue(rejected.body().get("error").asText().contains("nothing was ingested"));
        assertEquals(2, rejected.body().get("detail").get(0).get("line").asInt());
        assertTrue(rejected.body().get("detail").get(0).get("reason").asText().contains("ISO-8601"));
        assertEquals(3, rejected.body().get("detail").get(1).get("line").asInt());
        assertTrue(rejected.body().get("detail").get(1).get("reason").asText().contains("price"));
        // nothing of the bad batch was applied: still two ticks
        assertEquals(2, call("GET", "/api/tickers/BTCUSDT", null).body().get("accepted").asLong());
        assertEquals(400, call("POST", "/api/ticks", "[{\"symbol\": \"bad!\", \"time\": 0, \"price\": 1, \"volume\": 1}]").status());
        assertEquals(400, call("POST", "/api/ticks", "[1, 2").status());
    }

    /** A client whose request timed out sends it again with the same key: its ticks count once. */
    @Test
    void aBatchSentAgainWithItsIdempotencyKeyIsCountedOnce() throws Exception {
        String ticks = """
                [{"time": "2026-11-20T09:00:01Z", "symbol": "ETHUSDT", "price": 3100.5, "volume": 2},
                 {"time": "2026-11-20T09:00:01Z", "symbol": "ETHUSDT", "price": 3100.5, "volume": 2},
                 {"time": "2026-11-20T09:00:02Z", "symbol": "ETHUSDT", "price": 3101, "volume": 1}]
                """;
        Map<String, String> key = Map.of("Idempotency-Key", "feed-7:batch-000123");
        Answer first = call("POST", open + "/api/ticks", ticks, null, key);
        assertEquals(200, first.status(), String.valueOf(first.body()));
        assertEquals(3, first.body().get("accepted").asLong(), "no cum_volume: two equal trades are two trades");
        assertEquals(0, first.body().get("already_stored").asLong());

        Answer again = call("POST", open + "/api/ticks", ticks, null, key);
        assertEquals(200, again.status(), String.valueOf(again.body()));
        assertEquals(0, again.body().get("accepted").asLong());
        assertEquals(3, again.body().get("already_stored").asLong());
        JsonNode status = call("GET", "/api/tickers/ETHUSDT", null).body();
        assertEquals(3, status.get("accepted").asLong());
        assertEquals(5, status.get("forming").get("volume").asLong());

        // the same key on other ticks (a client whose counter restarted) stores them: nothing is lost
        Answer reused = call("POST", open + "/api/ticks",
                "[{\"time\": \"2026-11-20T09:00:03Z\", \"symbol\": \"ETHUSDT\", \"price\": 3102, \"volume\": 4}]", null, key);
        assertEquals(1, reused.body().get("accepted").asLong(), reused.body().toString());
        assertEquals(0, reused.body().get("already_stored").asLong());

        Answer badKey = call("POST", open + "/api/ticks", ticks, null, Map.of("Idempotency-Key", "two words"));
        assertEquals(400, badKey.status());
        assertTrue(badKey.body().get("error").asText().contains("Idempotency-Key"), badKey.body().toString());
        assertEquals(4, call("GET", "/api/tickers/ETHUSDT", null).body().get("accepted").asLong());
    }

    @Test
    void conditionsCanBeReadChangedValidatedAndRemovedLive() throws Exception {
        Answer list = call("GET", "/api/conditions", null);
        assertTrue(list.body().findValuesAsText("name").contains("jazz"));
        Answer put = call("PUT", "/api/conditions/rsi-low", "{\"when\": [\"RSI14\", \"<\", 30], \"cooldown\": \"30m\"}");
        assertEquals(201, put.status(), String.valueOf(put.body()));
        assertEquals("native", put.body().get("form").asText());
        assertEquals(1800, put.body().get("cooldown_seconds").asLong());
        assertEquals(200, call("PUT", "/api/conditions/rsi-low", "{\"when\": [\"RSI14\", \"<\", 25]}").status());
        Answer jazz = call("PUT", "/api/conditions/j2", "{\"j2\": {\"STOCH_K\": [\"BETWEEN\", 0, 20]}}");
        assertEquals(201, jazz.status());
        assertEquals("jazzstock", jazz.body().get("form").asText());
        assertTrue(call("GET", "/api/conditions", null).body().findValuesAsText("name").containsAll(java.util.List.of("rsi-low", "j2")));
        // written through to the conditions file, so a restart keeps it
        assertTrue(Files.readString(dir.resolve("conditions.json")).contains("rsi-low"));

        Answer invalid = call("PUT", "/api/conditions/bad", "{\"when\": [\"RSI15\", \"<\", 30]}");
        assertEquals(400, invalid.status());
        assertTrue(invalid.body().get("detail").get(0).asText().contains("unknown field \"RSI15\""));
        assertTrue(invalid.body().get("detail").get(0).asText().contains("RSI14"), "lists the valid names");
        assertEquals(404, call("GET", "/api/conditions/bad", null).status());

        Answer valid = call("POST", "/api/conditions/validate", "{\"a\": {\"when\": [\"CLOSE\", \">\", \"BBU\"]}}");
        assertEquals(200, valid.status());
        assertTrue(valid.body().get("valid").asBoolean());
        Answer notValid = call("POST", "/api/conditions/validate", "{\"a\": {\"CLOSE\": [\"HUGE\", 1]}}");
        assertEquals(400, notValid.status());
        assertTrue(notValid.body().get("detail").get(0).asText().contains("unknown operator \"HUGE\""));
        assertEquals(404, call("GET", "/api/conditions/a", null).status(), "validate applies nothing");

        assertEquals(204, call("DELETE", "/api/conditions/rsi-low", null).status());
        assertEquals(404, call("DELETE", "/api/conditions/rsi-low", null).status());
    }

    @Test
    void hitsComeBackNewestFirst() throws Exception {
        call("POST", "/api/ticks", """
                [{"time": "2026-11-20T10:00:00+09:00", "symbol": "051910", "price": 300000, "volume": 1},
                 {"time": "2026-11-20T10:05:00+09:00", "symbol": "051910", "price": 300500, "volume": 1},
                 {"time": "2026-11-20T10:10:00+09:00", "symbol": "051910", "price": 301000, "volume": 1}]
                """);
        // "jazz" (CLOSE > 1) hits each closed bar: 10:00 and 10:05; hits are routed after persisting
        JsonNode hits = null;
        for (int i = 0; i < 100; i++) {
            hits = call("GET", "/api/hits?symbol=051910&limit=10", null).body();
            if (hits.size() == 2) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(2, hits.size(), String.valueOf(hits));
        assertEquals("2026-11-20T10:05:00+09:00", hits.get(0).get("bar").asText());
        assertEquals("2026-11-20T10:00:00+09:00", hits.get(1).get("bar").asText());
        assertEquals("jazz", hits.get(0).get("condition").asText());
        assertEquals(300500, hits.get(0).get("values").get("CLOSE").asLong());
        assertEquals(400, call("GET", "/api/hits?limit=0", null).status());
    }

    @Test
    void theTokenGuardsEveryApiRequest() throws Exception {
        assertEquals(401, call("GET", guarded + "/api/tickers", null, null).status());
        Answer wrong = call("GET", guarded + "/api/tickers", null, "not-the-token");
        assertEquals(401, wrong.status());
        assertEquals("unauthorized", wrong.body().get("error").asText());
        assertEquals(401, call("POST", guarded + "/api/ticks", "[]", null).status());
        assertEquals(200, call("GET", guarded + "/api/tickers", null, TOKEN).status());
        assertEquals(200, call("GET", guarded + "/health", null, null).status(), "health needs no token");
    }

    @Test
    void withoutATokenOnlyLoopbackIsAllowed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> AdminApi.bind(node, new AdminApi.Settings("0.0.0.0", 0, "", 1000)));
        assertTrue(e.getMessage().contains("TICKWATCH_ADMIN_TOKEN"));
        assertTrue(AdminApi.isLoopback("127.0.0.1"));
        assertTrue(AdminApi.isLoopback("localhost"));
        assertFalse(AdminApi.isLoopback("0.0.0.0"));
    }
}
