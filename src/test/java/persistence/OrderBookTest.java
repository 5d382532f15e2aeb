package persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import persistence.OrderBook.Order;
import persistence.OrderBook.State;

/** The orders table and the positions on H2 and PostgreSQL: one order per hit, states, fills and P&L. */
class OrderBookTest {
    static Order order(String id, String hit, String symbol, String side, String qty, String price, String day, long at) {
        return new Order(id, hit, "orders", "paper", "ls", symbol, side, "market", new BigDecimal(qty),
                new BigDecimal(price), day, State.INTENT, null, null, null, null, at, at);
    }

    @EachDb("orders")
    void book(TestDb.Db db) {
        OrderBook b = new OrderBook(db::connect, db.settings());
        b.createTables();
        b.createTables(); // harmless when they exist
        Order a = order("c1", "005930/dip/1", "005930", "buy", "10", "100", "2026-11-20", 1);
        assertTrue(b.insert(a));
        assertFalse(b.insert(a), "the same client id once");
        assertFalse(b.insert(order("c1-other", "005930/dip/1", "005930", "buy", "1", "1", "2026-11-20", 2)),
                "the same hit once, whatever its client id");
        assertEquals(List.of("c1"), b.unanswered("orders").stream().map(Order::clientId).toList());

        assertTrue(b.move("c1", List.of(State.INTENT), State.ACCEPTED, null, "32004", 3));
        assertFalse(b.move("c1", List.of(State.INTENT), State.UNKNOWN, "lost", null, 4), "moved already");
        assertEquals("32004", b.byClientId("c1").orElseThrow().venueId());
        assertTrue(b.unanswered("orders").isEmpty());

        Order filled = b.fill("c1", new BigDecimal("100"), null, null, 5).orElseThrow();
        assertEquals(State.FILLED, filled.state());
        assertEquals(new BigDecimal("100"), filled.fillPrice());
        assertTrue(b.fill("c1", new BigDecimal("101"), null, null, 6).isEmpty(), "a fill counts once");

        b.insert(order("c2", "005930/dip/2", "005930", "buy", "10", "110", "2026-11-20", 7));
        b.fill("c2", new BigDecimal("110"), null, null, 8);
        OrderBook.Position p = b.position("ls", "005930").orElseThrow();
        assertEquals(new BigDecimal("20"), p.quantity());
        assertEquals(new BigDecimal("105"), p.averagePrice());

        b.insert(order("c3", "005930/exit/3", "005930", "sell", "15", "120", "2026-11-20", 9));
        Order exit = b.fill("c3", new BigDecimal("120"), null, null, 10).orElseThrow();
        assertEquals(new BigDecimal("225"), exit.realised(), "15 x (120 - 105)");
        p = b.position("ls", "005930").orElseThrow();
        assertEquals(new BigDecimal("5"), p.quantity());
        assertEquals(new BigDecimal("105"), p.averagePrice());
        assertEquals(new BigDecimal("225"), p.realised());
        b.markPrice("005930", new BigDecimal("100"), 11);
        assertEquals(new BigDecimal("-25"), b.position("ls", "005930").orElseThrow().unrealised().stripTrailingZeros());

        Order refused = order("c4", "000660/dip/4", "000660", "buy", "1", "200000", "2026-11-20", 12)
                .with(State.REFUSED, "max-order-value 100000 exceeded: 200000");
        assertTrue(b.insert(refused));
        OrderBook.DayFigures f = b.day("2026-11-20", "ls", "005930");
        assertEquals(3, f.orders(), "a refusal is not an order placed");
        assertEquals(3, f.ordersOfSymbol());
        assertEquals(0, new BigDecimal("225").compareTo(f.realised()));
        assertEquals(0, b.day("2026-11-21", "ls", "005930").orders());
        assertEquals(0, b.day("2026-11-20", "binance", "005930").orders(), "per broker: KRW and USDT never add up");

        assertEquals(List.of("c4", "c3", "c2", "c1"), b.list(null, null, null, 10).stream().map(Order::clientId).toList());
        assertEquals(List.of("c4"), b.list("000660", null, null, 10).stream().map(Order::clientId).toList());
        Order r = b.list(null, State.REFUSED, "2026-11-20", 10).get(0);
        assertEquals("max-order-value 100000 exceeded: 200000", r.reason());
        assertTrue(b.list(null, null, "2026-11-19", 10).isEmpty());
        assertEquals(List.of("c4", "c3"), b.list(null, null, null, 2).stream().map(Order::clientId).toList());

        assertTrue(b.halted().isEmpty());
        b.halt("halted through the API", 13);
        b.halt("halted again", 14);
        assertEquals("halted again", b.halted().orElseThrow());
        b.resume();
        assertTrue(b.halted().isEmpty());
    }
}
