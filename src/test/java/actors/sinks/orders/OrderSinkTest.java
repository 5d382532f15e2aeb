package actors.sinks.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickTap;
import actors.sinks.SendResult;
import com.typesafe.config.ConfigFactory;
import conditions.Hit;
import conditions.Market;
import conditions.OrderIntent;
import conditions.Tick;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
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
 * The orders sink without a venue (paper, simulated at the next tick) on a real H2 database: fills
 * and positions, the KRX grid, every limit refusing with its reason, the halt switch, max-age, the
 * session, {@code off}, and {@code live} refusing to start without its second switch.
 */
class OrderSinkTest {
    static final ActorTestKit kit = ActorTestKit.create("orders",
            ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
    /** A Friday, 10:00 in Seoul: KRX is open. */
    static final long NOW = LocalDateTime.parse("2026-11-20T10:00").toInstant(ZoneOffset.ofHours(9)).toEpochMilli();
    static final long MIN = 60_000L;

    @TempDir
    Path dir;
    TestDb.Db db;
    OrderBook book;
    final MutableClock clock = new MutableClock(LocalDateTime.parse("2026-11-20T10:00"));

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    @BeforeEach
    void open() {
        db = TestDb.h2(dir);
        book = new OrderBook(db::connect, db.settings());
    }

    @AfterEach
    void drop() {
        db.drop();
    }

    OrderSink sink(String conf) {
        return sink(conf, Map.of());
    }

    OrderSink sink(String conf, Map<String, String> env) {
        OrderSettings s = OrderSettings.from(ConfigFactory.parseString("tickwatch.orders {" + conf + "}"), env::get);
        return new OrderSink("orders", s, book, OrderSink.brokers(kit.system(), s), kit.system(), clock).start();
    }

    static OrderIntent ls(String side, int qty) {
        return new OrderIntent("ls", side, BigDecimal.valueOf(qty), null, "market", 0, null, null);
    }

    /** A hit on a bar that ended a minute ago. */
    Hit hit(String symbol, String condition, double close, OrderIntent o) {
        long end = clock.millis() - MIN;
        return new Hit(condition, symbol, end - 5 * MIN, Market.forSymbol(symbol), Map.of("CLOSE", close),
                List.of("orders"), close, end, o);
    }

    static SendResult send(OrderSink s, Hit h) throws Exception {
        return s.send(h, 1).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Sends and feeds ticks of the symbol at {@code price} until the simulated fill took one. */
    SendResult sendFilledAt(OrderSink s, Hit h, double price) throws Exception {
        CompletableFuture<SendResult> f = s.send(h, 1).toCompletableFuture();
        TickTap tap = TickTap.get(kit.system());
        testkit.Await.until(() -> {
            tap.accepted(List.of(new Tick(h.symbol(), clock.millis() + 1_000, price, 1)));
            return f.isDone();
        }, Duration.ofSeconds(20), "the paper order took the next tick");
        return f.get();
    }

    Order only(String hitId) {
        List<Order> all = book.list(null, null, null, 100).stream().filter(o -> o.hit().equals(hitId)).toList();
        assertEquals(1, all.size(), "one order for " + hitId + ": " + all);
        return all.get(0);
    }

    @Test
    void aPaperFillAtTheNextTickMakesAPosition() throws Exception {
        OrderSink s = sink("mode = paper");
        Hit h = hit("005930", "dip", 70000, ls("buy", 10));
        assertInstanceOf(SendResult.Sent.class, sendFilledAt(s, h, 70100));
        Order o = only(h.id());
        assertEquals(State.FILLED, o.state());
        assertEquals(new BigDecimal("70100"), o.fillPrice(), "the next tick's price, not the bar close");
        assertEquals("paper", o.mode());
        OrderBook.Position p = book.position("ls", "005930").orElseThrow();
        assertEquals(new BigDecimal("10"), p.quantity());
        assertEquals(new BigDecimal("70100"), p.averagePrice());

        // the same hit again (a redelivery, a replay): no second order
        assertInstanceOf(SendResult.Sent.class, send(s, h));
        only(h.id());

        // selling 4 at 71000 realises 4 x 900
        Hit exit = hit("005930", "exit", 71000, ls("sell", 4));
        sendFilledAt(s, exit, 71000);
        assertEquals(new BigDecimal("3600"), only(exit.id()).realised());
        assertEquals(new BigDecimal("6"), book.position("ls", "005930").orElseThrow().quantity());
    }

    @Test
    void aLimitPriceSitsOnTheKrxGrid() throws Exception {
        OrderSink s = sink("mode = paper");
        OrderIntent limit = new OrderIntent("ls", "buy", null, new BigDecimal("1000000"), "limit", 2, null, null);
        Hit h = hit("005930", "dip", 70050, limit);
        sendFilledAt(s, h, 69700);
        Order o = only(h.id());
        assertEquals(new BigDecimal("69800"), o.price(), "70050 rounded down to 70000, then two 100-won ticks lower");
        assertEquals(new BigDecimal("14"), o.quantity(), "1,000,000 won at 69,800: 14 shares, rounded down");
        assertEquals(State.FILLED, o.state());
        assertEquals(new BigDecimal("69800"), o.fillPrice(), "a limit fills at its limit");
    }

    @Test
    void everyLimitRefusesWithItsReason() throws Exception {
        OrderSink s = sink("""
                mode = paper
                limits { max-order-value = 1000000, max-orders-per-day = 3, max-orders-per-symbol-per-day = 2,
                         max-position-value = 1200000, max-total-position-value = 2500000, max-daily-loss = 50000 }""");
        Hit big = hit("005930", "big", 70000, ls("buy", 15)); // 1,050,000
        send(s, big);
        assertRefused(big, "max-order-value 1000000: this order is worth 1050000");

        sendFilledAt(s, hit("005930", "a", 70000, ls("buy", 10)), 70000);
        Hit second = hit("005930", "b", 70000, ls("buy", 10));
        send(s, second);
        assertRefused(second, "max-position-value 1200000: 005930 would be worth 1400000");
    }

    void assertRefused(Hit h, String reason) {
        Order o = only(h.id());
        assertEquals(State.REFUSED, o.state(), o.toString());
        assertEquals(reason, o.reason());
    }

    @Test
    void limitsOnCountsTotalsAndLoss() throws Exception {
        OrderSink s = sink("""
                mode = paper
                limits { max-order-value = 10000000, max-orders-per-day = 3, max-orders-per-symbol-per-day = 2,
                         max-position-value = 10000000, max-total-position-value = 1000000, max-daily-loss = 5000 }""");
        sendFilledAt(s, hit("005930", "a", 70000, ls("buy", 10)), 70000);   // 700,000
        Hit total = hit("000660", "t", 200000, ls("buy", 2));              // +400,000 > 1,000,000
        send(s, total);
        assertEquals("max-total-position-value 1000000: positions would be worth 1100000", only(total.id()).reason());

        sendFilledAt(s, hit("005930", "loss", 69000, ls("sell", 10)), 69000); // realises -10,000
        Hit afterLoss = hit("000660", "x", 200000, ls("buy", 1));
        send(s, afterLoss);
        assertEquals("max-daily-loss 5000: today's realised loss is 10000", only(afterLoss.id()).reason());

        Hit perSymbol = hit("005930", "p", 70000, ls("buy", 1));
        send(s, perSymbol);
        assertEquals("max-orders-per-symbol-per-day 2: 2 placed on 005930 today", only(perSymbol.id()).reason());
    }

    @Test
    void ordersPerDay() throws Exception {
        OrderSink s = sink("mode = paper\nlimits { max-orders-per-day = 1 }");
        sendFilledAt(s, hit("005930", "a", 70000, ls("buy", 1)), 70000);
        Hit next = hit("000660", "b", 200000, ls("buy", 1));
        send(s, next);
        assertEquals("max-orders-per-day 1: 1 placed today", only(next.id()).reason());
    }

    @Test
    void theHaltSwitchStopsEveryOrderUntilResumed() throws Exception {
        OrderSink s = sink("mode = paper");
        book.halt("halted through the API", NOW);
        Hit h = hit("005930", "dip", 70000, ls("buy", 1));
        send(s, h);
        assertEquals("orders are halted (halted through the API); POST /api/orders/resume to trade again",
                only(h.id()).reason());
        book.resume();
        Hit after = hit("005930", "dip2", 70000, ls("buy", 1));
        sendFilledAt(s, after, 70000);
        assertEquals(State.FILLED, only(after.id()).state());
    }

    @Test
    void oldBarsSessionAndZeroSizesNeverTrade() throws Exception {
        OrderSink s = sink("mode = paper\nmax-age = 5m");
        long end = NOW - 6 * MIN;
        Hit replayed = new Hit("dip", "005930", end - 5 * MIN, Market.KRX, Map.of(), List.of("orders"), 70000, end,
                ls("buy", 1));
        send(s, replayed);
        assertTrue(only(replayed.id()).reason().startsWith("the bar ended 360s ago, more than max-age PT5M"));

        Hit storedBeforeOrders = new Hit("old", "005930", NOW - 5 * MIN, Market.KRX, Map.of(), List.of("orders"),
                Double.NaN, NOW - 5 * MIN, ls("buy", 1));
        send(s, storedBeforeOrders);
        assertEquals(State.REFUSED, only(storedBeforeOrders.id()).state());

        Hit tiny = hit("005930", "tiny", 70000,
                new OrderIntent("ls", "buy", null, new BigDecimal("50000"), "market", 0, null, null));
        send(s, tiny);
        assertEquals("the size rounds to 0 at 70000 (step 1): nothing to send", only(tiny.id()).reason());

        clock.set(LocalDateTime.parse("2026-11-20T16:00"));
        Hit late = hit("005930", "late", 70000, ls("buy", 1));
        send(s, late);
        assertEquals("outside the session (KRX orders 09:00-15:30 Seoul time, weekdays)", only(late.id()).reason());
    }

    @Test
    void offSendsNothingAndTheHitCarriesItsIntent() throws Exception {
        OrderSink s = sink("mode = off");
        Hit h = hit("005930", "dip", 70000, ls("buy", 1));
        assertInstanceOf(SendResult.Sent.class, send(s, h));
        assertEquals("buy", h.order().side());
        book.createTables();
        assertTrue(book.list(null, null, null, 10).isEmpty(), "nothing stored");
    }

    @Test
    void liveRefusesToStartWithoutTheSecondSwitch() {
        var conf = ConfigFactory.parseString("tickwatch.orders.mode = live");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OrderSettings.from(conf, Map.<String, String>of()::get));
        assertEquals("tickwatch.orders.mode = live trades real money and also needs TICKWATCH_LIVE_ORDERS=yes in the "
                + "environment; refusing to start (set mode = paper to try it safely)", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> OrderSettings.from(conf, Map.of("TICKWATCH_LIVE_ORDERS", "true")::get), "only yes");
        Map<String, String> env = new HashMap<>(Map.of("TICKWATCH_LIVE_ORDERS", "yes"));
        assertEquals(OrderSettings.Mode.LIVE, OrderSettings.from(conf, env::get).mode());
        IllegalArgumentException noKeys = assertThrows(IllegalArgumentException.class, () -> sink("mode = live", env));
        assertTrue(noKeys.getMessage().contains("needs the ls key and secret"), noKeys.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> OrderSettings.from(ConfigFactory.parseString("tickwatch.orders.mode = yolo"), env::get));
    }
}
