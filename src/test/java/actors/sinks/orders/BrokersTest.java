package actors.sinks.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.sinks.SendResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import conditions.Hit;
import conditions.Market;
import conditions.OrderIntent;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.OrderBook;
import persistence.OrderBook.Order;
import persistence.OrderBook.State;
import persistence.TestDb;
import engine.sources.naver.MutableClock;

/**
 * The Binance and LS brokers against fake venues on loopback that speak the wire formats of
 * {@code ../shared/wire}: signed entries and brackets, a rejected bracket closing the position, rate
 * limits, token expiry mid-order, and an order whose answer was never stored (what a kill -9 between
 * sending and storing leaves): Binance reconciled by client id, LS reported unknown, neither sent twice.
 */
class BrokersTest {
    static final ActorTestKit kit = ActorTestKit.create("brokers",
            ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "binance-key-0123456789";
    static final String SECRET = "binance-secret-abcdefghij";
    static final String LS_KEY = "ls-appkey-0123456789";
    static final String LS_SECRET = "ls-appsecret-abcdefghij";
    /** A Friday, 10:00 in Seoul (KRX open). */
    static final long NOW = LocalDateTime.parse("2026-11-20T10:00").toInstant(ZoneOffset.ofHours(9)).toEpochMilli();

    @TempDir
    Path dir;
    TestDb.Db db;
    OrderBook book;
    FakeVenue venue;
    final MutableClock clock = new MutableClock(LocalDateTime.parse("2026-11-20T10:00"));

    /** The actor system's HTTP client starts slowly on a busy machine: once, before any timeout counts. */
    @org.junit.jupiter.api.BeforeAll
    static void warmUp() throws Exception {
        try (FakeVenue v = new FakeVenue()) {
            v.on("/", r -> FakeVenue.Answer.json(200, "{}"));
            org.apache.pekko.http.javadsl.Http.get(kit.system())
                    .singleRequest(org.apache.pekko.http.javadsl.model.HttpRequest.GET(v.url() + "/"))
                    .toCompletableFuture().get(60, TimeUnit.SECONDS).discardEntityBytes(kit.system());
        }
    }

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    @BeforeEach
    void open() throws Exception {
        db = TestDb.h2(dir);
        book = new OrderBook(db::connect, db.settings());
        venue = new FakeVenue();
    }

    @AfterEach
    void close() {
        venue.close();
        db.drop();
    }

    OrderSink sink(String broker) {
        OrderSettings s = OrderSettings.from(ConfigFactory.parseString("tickwatch.orders { mode = paper, request-timeout = 5s, "
                + broker + ".paper-url = \"" + venue.url() + "\" }"), Map.of("TICKWATCH_BINANCE_API_KEY", KEY,
                "TICKWATCH_BINANCE_API_SECRET", SECRET, "TICKWATCH_LS_APPKEY", LS_KEY, "TICKWATCH_LS_APPSECRET", LS_SECRET)::get);
        return new OrderSink("orders", s, book, OrderSink.brokers(kit.system(), s), kit.system(), clock).start();
    }

    Hit hit(String symbol, String condition, double close, OrderIntent o) {
        long end = clock.millis() - 60_000;
        return new Hit(condition, symbol, end - 300_000, Market.forSymbol(symbol), Map.of("CLOSE", close),
                List.of("orders"), close, end, o);
    }

    static SendResult send(OrderSink s, Hit h) throws Exception {
        return s.send(h, 1).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    Order only(Hit h) {
        List<Order> all = book.list(null, null, null, 100).stream().filter(o -> o.hit().equals(h.id())).toList();
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    void assertNoSecrets() {
        for (Order o : book.list(null, null, null, 100)) {
            String text = String.valueOf(o.reason());
            for (String secret : List.of(SECRET, LS_SECRET, KEY, LS_KEY)) {
                assertFalse(text.contains(secret), "a secret in " + text);
            }
        }
    }

    // ---- a fake Binance USD-M ----

    final Map<String, String> binanceOrders = new ConcurrentHashMap<>();

    static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void binance() throws Exception {
        venue.close();
        venue = FakeVenue.binance(KEY, SECRET, binanceOrders);
    }

    static OrderIntent btc(String side, Double sl, Double tp) {
        return new OrderIntent("binance", side, null, new BigDecimal("1000"), "market", 0, sl, tp);
    }

    @Test
    void binanceEntryWithItsBracketSignedAndOnTheGrid() throws Exception {
        binance();
        OrderSink s = sink("binance");
        Hit h = hit("BTCUSDT", "breakout", 91234.5, btc("buy", 0.02, 0.04));
        assertInstanceOf(SendResult.Sent.class, send(s, h));

        Order o = only(h);
        assertEquals(State.FILLED, o.state(), o.toString());
        assertEquals(new BigDecimal("0.01"), o.quantity(), "1000 USDT at 91234.5: 0.010 BTC, the step 0.001");
        assertEquals(new BigDecimal("91250.3"), o.fillPrice());
        List<FakeVenue.Request> entries = venue.to("POST", "/fapi/v1/order");
        assertEquals(1, entries.size());
        FakeVenue.Request e = entries.get(0);
        assertEquals(o.clientId(), e.param("newClientOrderId"));
        assertEquals("BUY", e.param("side"));
        assertEquals("MARKET", e.param("type"));
        assertEquals("0.010", e.param("quantity"));
        assertEquals("5000", e.param("recvWindow"));
        List<FakeVenue.Request> algo = venue.to("POST", "/fapi/v1/algoOrder");
        assertEquals(2, algo.size());
        assertEquals(List.of("STOP_MARKET", "TAKE_PROFIT_MARKET"), algo.stream().map(r -> r.param("type")).toList());
        assertEquals(List.of("89425.3", "94900.3"), algo.stream().map(r -> r.param("triggerPrice")).toList(),
                "2% under and 4% over the fill price 91250.3, on the 0.10 grid");
        for (FakeVenue.Request r : algo) {
            assertEquals("CONDITIONAL", r.param("algoType"));
            assertEquals("SELL", r.param("side"));
            assertEquals("true", r.param("closePosition"));
        }
        assertTrue(o.reason().startsWith("bracket placed"), o.reason());
        assertEquals(new BigDecimal("0.01"), book.position("binance", "BTCUSDT").orElseThrow().quantity());
        venue.requests.forEach(r -> assertFalse((r.body() + r.query()).contains(SECRET), "the secret never leaves"));
    }

    @Test
    void aRejectedBracketClosesThePositionAndSaysSo() throws Exception {
        binance();
        venue.script("/fapi/v1/algoOrder", FakeVenue.Answer.json(400, "{\"code\": -2021, \"msg\": \"Order would immediately trigger.\"}"));
        TestProbe<OrderEvent> events = kit.createTestProbe();
        kit.system().eventStream().tell(new EventStream.Subscribe<>(OrderEvent.class, events.getRef()));
        OrderSink s = sink("binance");
        Hit h = hit("BTCUSDT", "breakout", 91234.5, btc("buy", 0.02, 0.04));
        send(s, h);

        Order entry = only(h);
        assertEquals(State.FILLED, entry.state());
        assertEquals("stop-loss rejected: HTTP 400 -2021 Order would immediately trigger.; position closed at 91250.3",
                entry.reason());
        List<FakeVenue.Request> orders = venue.to("POST", "/fapi/v1/order");
        assertEquals(2, orders.size(), "the entry and its close");
        assertEquals("SELL", orders.get(1).param("side"));
        assertEquals("true", orders.get(1).param("reduceOnly"));
        assertEquals(1, venue.to("POST", "/fapi/v1/algoOrder").size(), "no take-profit after the stop-loss failed");
        assertEquals(0, book.position("binance", "BTCUSDT").orElseThrow().quantity().signum(), "flat again");
        OrderEvent first = events.expectMessageClass(OrderEvent.class);
        assertEquals("filled", first.state());
        assertTrue(first.adminText().contains("position closed at 91250.3"), first.adminText());
    }

    @Test
    void aRateLimitedAnswerBacksOffAndIsSentAgainOnce() throws Exception {
        binance();
        venue.script("/fapi/v1/order", new FakeVenue.Answer(429, "{\"code\": -1003, \"msg\": \"Too many requests.\"}",
                Map.of("Retry-After", "7"), false));
        OrderSink s = sink("binance");
        Hit h = hit("BTCUSDT", "b", 91234.5, btc("sell", null, null));
        SendResult first = send(s, h);
        SendResult.Retry retry = assertInstanceOf(SendResult.Retry.class, first);
        assertEquals(Duration.ofSeconds(7), retry.after(), "Binance's Retry-After");
        assertEquals(State.RETRY, only(h).state());
        assertInstanceOf(SendResult.Sent.class, send(s, h));
        assertEquals(State.FILLED, only(h).state());
        assertEquals(2, venue.to("POST", "/fapi/v1/order").size(), "the refused request and the one order");
        assertInstanceOf(SendResult.Sent.class, send(s, h));
        assertEquals(2, venue.to("POST", "/fapi/v1/order").size(), "done is done");
    }

    /** What a kill -9 between sending and storing leaves: the row in intent. Binance is asked by client id. */
    @Test
    void binanceOrdersWithoutAStoredAnswerAreReconciledByClientId() throws Exception {
        binance();
        sink("binance"); // makes the tables
        Hit sent = hit("BTCUSDT", "sent", 91234.5, btc("buy", null, null));
        Hit neverArrived = hit("BTCUSDT", "lost", 91234.5, btc("buy", null, null));
        String sentId = OrderSink.clientId("orders", sent.id());
        book.insert(intent(sentId, sent, "0.010"));
        book.insert(intent(OrderSink.clientId("orders", neverArrived.id()), neverArrived, "0.010"));
        binanceOrders.put(sentId, "{\"orderId\": 77, \"status\": \"FILLED\", \"avgPrice\": \"91240.00\","
                + " \"clientOrderId\": \"" + sentId + "\"}");

        OrderSink restarted = sink("binance");
        assertEquals(State.FILLED, only(sent).state(), "found at Binance by its client id");
        assertEquals("77", only(sent).venueId());
        assertEquals(new BigDecimal("91240"), only(sent).fillPrice());
        assertEquals(State.RETRY, only(neverArrived).state(), "Binance has no such order: it never arrived");
        assertEquals(0, venue.to("POST", "/fapi/v1/order").size(), "nothing sent at start");

        send(restarted, sent);
        send(restarted, neverArrived);
        assertEquals(State.FILLED, only(neverArrived).state());
        assertEquals(1, venue.to("POST", "/fapi/v1/order").size(), "only the order that never arrived was sent");
        assertNoSecrets();
    }

    @Test
    void aLostBinanceAnswerIsLookedUpNotSentAgain() throws Exception {
        binance();
        AtomicInteger posts = new AtomicInteger();
        var real = venue;
        venue.script("/fapi/v1/order", FakeVenue.Answer.hangs()); // the order arrives, its answer never does
        OrderSink s = sink("binance");
        Hit h = hit("BTCUSDT", "b", 91234.5, btc("buy", null, null));
        SendResult first = send(s, h);
        assertInstanceOf(SendResult.Retry.class, first);
        assertEquals(State.INTENT, only(h).state(), "its fate is unknown until Binance is asked");
        String id = only(h).clientId();
        binanceOrders.put(id, "{\"orderId\": 78, \"status\": \"FILLED\", \"avgPrice\": \"91250.30\"}");
        send(s, h);
        assertEquals(State.FILLED, only(h).state());
        assertEquals(1, real.to("POST", "/fapi/v1/order").size() + posts.get(), "sent once");
        assertEquals(1, real.to("GET", "/fapi/v1/order").size(), "then looked up");
    }

    static Order intent(String clientId, Hit h, String qty) {
        return new Order(clientId, h.id(), "orders", "paper", "binance", h.symbol(), "buy", "market", new BigDecimal(qty),
                new BigDecimal("91234.5"), "2026-11-20", State.INTENT, null, null, null, null, NOW, NOW);
    }

    // ---- a fake LS OpenAPI ----

    final AtomicInteger tokensIssued = new AtomicInteger();
    static final String OK = """
            {"CSPAT00601OutBlock1": {"RecCnt": 1, "IsuNo": "A005930", "OrdQty": 3, "OrdPrc": "0.00", "BnsTpCode": "2"},
             "CSPAT00601OutBlock2": {"RecCnt": 1, "OrdNo": 32004, "OrdTime": "100000702", "OrdAmt": 210000, "IsuNm": "삼성전자"},
             "rsp_cd": "00040", "rsp_msg": "매수 주문이 완료되었습니다."}""";

    void ls() {
        venue.on("/oauth2/token", r -> {
            assertTrue(r.body().contains("appkey=" + LS_KEY));
            return FakeVenue.Answer.json(200, "{\"access_token\": \"tok-" + tokensIssued.incrementAndGet()
                    + "\", \"scope\": \"oob\", \"token_type\": \"Bearer\", \"expires_in\": 86400}");
        }).on("/stock/order", r -> ("Bearer tok-" + tokensIssued.get()).equals(r.headers().get("authorization"))
                ? FakeVenue.Answer.json(200, OK)
                : FakeVenue.Answer.json(500, "{\"rsp_cd\": \"IGW00121\", \"rsp_msg\": \"유효하지 않은 토큰입니다.\"}"));
    }

    static OrderIntent samsung(int qty) {
        return new OrderIntent("ls", "buy", BigDecimal.valueOf(qty), null, "market", 0, null, null);
    }

    @Test
    void lsOrderInTheWireShape() throws Exception {
        ls();
        OrderSink s = sink("ls");
        Hit h = hit("005930", "dip", 70000, samsung(3));
        assertInstanceOf(SendResult.Sent.class, send(s, h));
        Order o = only(h);
        assertEquals(State.ACCEPTED, o.state(), "an order number, though rsp_cd is 00040");
        assertEquals("32004", o.venueId());
        FakeVenue.Request r = venue.to("POST", "/stock/order").get(0);
        assertEquals("CSPAT00601", r.headers().get("tr_cd"));
        assertEquals("N", r.headers().get("tr_cont"));
        JsonNode in = parse(r.body()).path("CSPAT00601InBlock1");
        assertEquals("A005930", in.path("IsuNo").asText(), "the paper port wants the A prefix");
        assertEquals(3, in.path("OrdQty").asInt());
        assertTrue(in.path("OrdQty").isNumber());
        assertEquals("2", in.path("BnsTpCode").asText());
        assertEquals("03", in.path("OrdprcPtnCode").asText());
        assertEquals("000", in.path("MgntrnCode").asText());
    }

    @Test
    void anExpiredLsTokenIsRenewedAndTheOrderSentOnceMore() throws Exception {
        ls();
        OrderSink s = sink("ls");
        send(s, hit("005930", "first", 70000, samsung(1)));
        tokensIssued.incrementAndGet(); // LS expires the token: the one we hold is refused from now on
        Hit h = hit("005930", "second", 70000, samsung(1));
        assertInstanceOf(SendResult.Sent.class, send(s, h));
        assertEquals(State.ACCEPTED, only(h).state());
        assertEquals(2, venue.to("POST", "/oauth2/token").size(), "one token at the start and one renewal");
        assertEquals(List.of("Bearer tok-1", "Bearer tok-1", "Bearer tok-3"), venue.to("POST", "/stock/order").stream()
                .map(r -> r.headers().get("authorization")).toList(), "the first order, the refused one, the retry");
    }

    @Test
    void aRateLimitedLsAnswerBacksOff() throws Exception {
        ls();
        venue.script("/stock/order", FakeVenue.Answer.json(200, "{\"rsp_cd\": \"IGW00201\", \"rsp_msg\": \"초당 전송수를 초과하였습니다.\"}"));
        OrderSink s = sink("ls");
        Hit h = hit("005930", "dip", 70000, samsung(1));
        SendResult.Retry r = assertInstanceOf(SendResult.Retry.class, send(s, h));
        assertEquals(Duration.ofSeconds(1), r.after());
        assertEquals(State.RETRY, only(h).state());
        send(s, h);
        assertEquals(State.ACCEPTED, only(h).state());
        assertEquals(2, venue.to("POST", "/stock/order").size());
    }

    /** LS cannot be asked by our id: an order whose answer was lost is unknown, told, and never sent again. */
    @Test
    void aLostLsAnswerIsUnknownAndNeverSentAgain() throws Exception {
        ls();
        TestProbe<OrderEvent> events = kit.createTestProbe();
        kit.system().eventStream().tell(new EventStream.Subscribe<>(OrderEvent.class, events.getRef()));
        venue.script("/stock/order", FakeVenue.Answer.hangs());
        OrderSink s = sink("ls");
        Hit h = hit("005930", "dip", 70000, samsung(1));
        assertInstanceOf(SendResult.Sent.class, send(s, h));
        assertEquals(State.UNKNOWN, only(h).state());
        OrderEvent e = events.expectMessageClass(OrderEvent.class);
        assertEquals("unknown", e.state());
        assertTrue(e.adminText().contains("check the account"), e.adminText());
        send(s, h);
        assertEquals(1, venue.to("POST", "/stock/order").size(), "never sent blindly again");

        // and after a restart with an order left in intent (kill -9 between sending and storing)
        Hit crashed = hit("005930", "crashed", 70000, samsung(1));
        book.insert(new Order(OrderSink.clientId("orders", crashed.id()), crashed.id(), "orders", "paper", "ls", "005930",
                "buy", "market", BigDecimal.ONE, new BigDecimal("70000"), "2026-11-20", State.INTENT, null, null, null,
                null, NOW, NOW));
        OrderSink restarted = sink("ls");
        assertEquals(State.UNKNOWN, only(crashed).state());
        send(restarted, crashed);
        assertEquals(1, venue.to("POST", "/stock/order").size(), "nothing sent for it");
        assertNoSecrets();
    }
}
