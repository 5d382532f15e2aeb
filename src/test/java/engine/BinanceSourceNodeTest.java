package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.BarInterval;
import conditions.Market;
import conditions.ModelConfig;
import conditions.Tick;
import conditions.Volume;
import engine.sources.binance.FakeBinance;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import persistence.tickfile.TickFileWriter;

/**
 * The binance source in a running node against a fake Binance on loopback: aggregate trades become
 * ticks and bars equal to a backtest of the same trades, through a dropped connection whose
 * resubscription brings trades again; the gap in {@code GET /api/tickers/{symbol}} and the
 * connection's events in {@code GET /api/sources}.
 */
class BinanceSourceNodeTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-11-18 23:45 UTC, on a five-minute boundary. */
    static final long T0 = 1_794_999_900_000L;

    @TempDir
    Path dir;

    static String config(FakeBinance fake) {
        return "tickwatch.sinks.log.enabled = false\n"
                + "tickwatch.sources.binance { url = \"" + fake.url() + "\", backoff = 20ms, max-backoff = 100ms,\n"
                + "  check-interval = 50ms, messages-per-second = 10, rest-url = \"" + fake.restUrl() + "\",\n"
                + "  catch-up { request-interval = 0s, backoff = 50ms } }\n";
    }

    /** Trade {@code i}: one every 7 seconds, sizes with eight decimals. */
    static FakeBinance.Trade trade(long i) {
        return new FakeBinance.Trade("BTCUSDT", 1000 + i, (91000 + (i * 37) % 500) + "." + (i % 10),
                "0." + String.format("%08d", 1 + i * 12345 % 99_999_999), T0 + i * 7000);
    }

    @Test
    void aggTradesBecomeBarsEqualToABacktestThroughADropAndTheGapAndEventsAreShown() throws Exception {
        try (FakeBinance fake = new FakeBinance();
             Node node = new NodeBootstrap(NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), config(fake)))
                     .start()) {
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("BTCUSDT", "binance")));
            NaverSourceTest.awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1, "SUBSCRIBE btcusdt@aggTrade");
            fake.resendOnSubscribe(15);
            int n = 300; // 35 minutes
            for (long i = 0; i < n / 2; i++) {
                fake.publish(trade(i));
            }
            NaverSourceTest.awaitUntil(() -> NaverSourceTest.accepted(node, "BTCUSDT") == n / 2, "the first half");
            fake.dropAll();
            NaverSourceTest.awaitUntil(() -> fake.connections().size() == 2 && fake.subscribed("btcusdt@aggTrade") == 1,
                    "reconnected and subscribed again");
            for (long i = n / 2; i < n; i++) {
                fake.publish(trade(i));
            }
            NaverSourceTest.awaitUntil(() -> NaverSourceTest.accepted(node, "BTCUSDT") == n, "every trade");
            Map<String, Long> rejected = NodeTest.get(node.status("BTCUSDT")).orElseThrow().rejected();
            assertTrue(rejected.values().stream().allMatch(v -> v == 0), "the replay never reached the entity: " + rejected);
            NaverSourceTest.awaitUntil(() -> NodeTest.get(node.bars("BTCUSDT", 0)).orElseThrow().size() == 7,
                    "seven closed five-minute bars");

            assertBarsEqualBacktest(node, fake, 35);

            // what an operator sees
            int port = AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1000))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS).localAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode status = get(http, port, "/api/tickers/BTCUSDT");
            JsonNode sh = status.get("source_health");
            assertNotNull(sh, status.toString());
            assertEquals(1, sh.get("gaps").size(), sh.toString());
            JsonNode gap = sh.get("gaps").get(0);
            assertEquals(1000 + n / 2 - 1, gap.get("last_id_before").asLong());
            assertEquals(1000 + n / 2, gap.get("first_id_after").asLong());
            assertEquals(0, gap.get("missed_trades").asLong());
            assertTrue(gap.hasNonNull("from") && gap.hasNonNull("to"), gap.toString());
            assertEquals(15, sh.get("duplicates").asLong());

            JsonNode binance = binanceHealth(get(http, port, "/api/sources"));
            assertEquals("connected", binance.get("state").asText());
            assertEquals(1, binance.get("connections").asInt());
            assertEquals(1, binance.get("subscriptions").asInt());
            assertEquals(1, binance.get("reconnects").asInt());
            assertTrue(binance.hasNonNull("last_message") && binance.has("messages_per_second"), binance.toString());
            List<String> kinds = new ArrayList<>();
            binance.get("events").forEach(e -> kinds.add(e.get("kind").asText()));
            assertEquals(List.of("connected", "disconnected", "reconnecting", "connected"), kinds);
            assertEquals(1, binance.get("event_counts").get("disconnected").asInt());
        }
    }

    /**
     * The node's closed five-minute bars equal a backtest over every trade the fake published, and their
     * volume is the exact sum of the sizes of the trades before {@code minutes} after T0 (none lost, none
     * counted twice).
     */
    void assertBarsEqualBacktest(Node node, FakeBinance fake, int minutes) throws Exception {
        Path file = dir.resolve("trades-" + System.nanoTime() + ".csv.gz");
        try (TickFileWriter w = new TickFileWriter(file)) {
            for (FakeBinance.Trade t : fake.trades()) {
                w.append(Tick.of(t.symbol(), t.time(), Double.parseDouble(t.price()), Volume.parse(t.qty()), null,
                        Market.CRYPTO));
            }
        }
        Path out = dir.resolve("bt-" + System.nanoTime());
        Backtest.run(List.of(file), node.conditions(),
                new ModelConfig(BarInterval.parse("5m"), true, ModelConfig.DEFAULT.history()), out);
        List<JsonNode> backtested = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("bars.jsonl"))) {
            backtested.add(JSON.readTree(line));
        }
        List<Map<String, Object>> live = NodeTest.get(node.bars("BTCUSDT", 0)).orElseThrow();
        assertEquals(minutes / 5, live.size(), "closed bars");
        assertTrue(backtested.size() >= live.size(), backtested.size() + " bars backtested");
        BigDecimal volume = BigDecimal.ZERO;
        for (int i = 0; i < live.size(); i++) {
            NaverSourceTest.assertSameBar(backtested.get(i), JSON.readTree(JSON.writeValueAsString(live.get(i))));
            volume = volume.add(new BigDecimal(live.get(i).get("volume").toString()));
        }
        BigDecimal expected = BigDecimal.ZERO;
        for (FakeBinance.Trade t : fake.trades()) {
            if (t.time() < T0 + minutes * 60_000L) {
                expected = expected.add(new BigDecimal(t.qty()));
            }
        }
        assertEquals(expected.stripTrailingZeros(), volume.stripTrailingZeros(), "each size counted once, exactly");
    }

    static JsonNode get(HttpClient http, int port, String path) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    static JsonNode binanceHealth(JsonNode sources) {
        for (JsonNode src : sources) {
            if (src.get("name").asText().equals("binance")) {
                return src.get("health");
            }
        }
        throw new AssertionError("no binance source in " + sources);
    }

    @Test
    void tradesPublishedWhileDisconnectedAreFetchedOverRestAfterA429AndTheBarsEqualABacktestOfEveryTrade()
            throws Exception {
        try (FakeBinance fake = new FakeBinance();
             Node node = new NodeBootstrap(NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), config(fake)))
                     .start()) {
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("BTCUSDT", "binance")));
            NaverSourceTest.awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1, "SUBSCRIBE btcusdt@aggTrade");
            int n = 300; // 35 minutes
            for (long i = 0; i < 100; i++) {
                fake.publish(trade(i));
            }
            NaverSourceTest.awaitUntil(() -> NaverSourceTest.accepted(node, "BTCUSDT") == 100, "the first third");
            // the venue goes away mid-stream; trades go on meanwhile, reaching no one
            fake.refuse(true);
            fake.dropAll();
            for (long i = 100; i < 200; i++) {
                assertEquals(0, fake.publish(trade(i)));
            }
            fake.failRest(1, 429, "1");
            fake.refuse(false);
            NaverSourceTest.awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1, "reconnected and subscribed");
            for (long i = 200; i < n; i++) {
                fake.publish(trade(i));
            }
            NaverSourceTest.awaitUntil(() -> NaverSourceTest.accepted(node, "BTCUSDT") == n, "every trade");
            Map<String, Long> rejected = NodeTest.get(node.status("BTCUSDT")).orElseThrow().rejected();
            assertTrue(rejected.values().stream().allMatch(v -> v == 0), "fetched trades came in order: " + rejected);
            NaverSourceTest.awaitUntil(() -> NodeTest.get(node.bars("BTCUSDT", 0)).orElseThrow().size() == 7,
                    "seven closed five-minute bars");
            assertBarsEqualBacktest(node, fake, 35);

            // the 429 was waited out for its Retry-After, then the gap fetched from its first missed id
            List<FakeBinance.RestRequest> rest = fake.restRequests();
            assertEquals(2, rest.size(), rest.toString());
            assertEquals(429, rest.get(0).status());
            assertEquals(1100, rest.get(1).fromId());
            assertEquals("BTCUSDT", rest.get(1).symbol());
            assertTrue(rest.get(1).atNanos() - rest.get(0).atNanos() >= 1_000_000_000L,
                    "asked again only after Retry-After: " + (rest.get(1).atNanos() - rest.get(0).atNanos()) + " ns");

            int port = AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1000))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS).localAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode gaps = get(http, port, "/api/tickers/BTCUSDT").get("source_health").get("gaps");
            assertEquals(1, gaps.size(), gaps.toString());
            JsonNode gap = gaps.get(0);
            assertEquals(1099, gap.get("last_id_before").asLong(), gap.toString());
            assertEquals(1200, gap.get("first_id_after").asLong(), gap.toString());
            assertEquals(100, gap.get("missed_trades").asLong(), gap.toString());
            assertTrue(gap.get("filled").asBoolean(), gap.toString());
            assertEquals(100, gap.get("recovered_trades").asLong(), gap.toString());
            assertTrue(gap.hasNonNull("from") && gap.hasNonNull("to"), gap.toString());
            JsonNode catchUp = binanceHealth(get(http, port, "/api/sources")).get("catch_up");
            assertEquals(1, catchUp.get("filled").asInt(), catchUp.toString());
            assertEquals(0, catchUp.get("unfilled").asInt(), catchUp.toString());
            assertEquals(100, catchUp.get("recovered_trades").asInt(), catchUp.toString());
            assertEquals(1, catchUp.get("rate_limited").asInt(), catchUp.toString());
            assertEquals(0, catchUp.get("held_trades").asInt(), catchUp.toString());
        }
    }
}
