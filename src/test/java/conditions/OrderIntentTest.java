package conditions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A condition's "order" block: what loads, what is refused and how, the KRX grid, the sizing. */
class OrderIntentTest {

    private static Condition load(String order) {
        return ConditionParser.parseSet("{\"dip\": {\"when\": [\"CLOSE\", \">\", 1], \"sinks\": [\"orders\"], \"order\": "
                + order + "}}").get("dip");
    }

    private static List<String> problems(String order) {
        return assertThrows(ConditionException.class, () -> load(order)).problems();
    }

    @Test
    void anOrderBlockLoadsWithItsDefaults() {
        OrderIntent o = load("{\"broker\": \"ls\", \"side\": \"buy\", \"quantity\": 10}").order();
        assertEquals(new OrderIntent("ls", "buy", new BigDecimal("10"), null, "market", 0, null, null), o);
        OrderIntent b = load("""
                {"broker": "binance", "side": "sell", "amount": 500, "type": "limit", "offset_ticks": 3,
                 "stop_loss": 0.02, "take_profit": 0.04}""").order();
        assertEquals(new OrderIntent("binance", "sell", null, new BigDecimal("500"), "limit", 3, 0.02, 0.04), b);
        assertNull(ConditionParser.parseSet("{\"x\": {\"when\": [\"CLOSE\", \">\", 1]}}").get("x").order());
    }

    @Test
    void mistakesNameTheConditionAndThePlace() {
        assertEquals(List.of("condition \"dip\": order.broker: \"kiwoom\" is not one of binance, ls"),
                problems("{\"broker\": \"kiwoom\", \"side\": \"buy\", \"quantity\": 1}"));
        assertEquals(List.of("condition \"dip\": order.side: missing; one of buy, sell"),
                problems("{\"broker\": \"ls\", \"quantity\": 1}"));
        assertEquals(List.of("condition \"dip\": order.quantity: give exactly one of \"quantity\" (a size) or \"amount\" (a value converted at the bar close)"),
                problems("{\"broker\": \"ls\", \"side\": \"buy\", \"quantity\": 1, \"amount\": 100000}"));
        assertEquals(List.of("condition \"dip\": order.quantity: give exactly one of \"quantity\" (a size) or \"amount\" (a value converted at the bar close)"),
                problems("{\"broker\": \"ls\", \"side\": \"buy\"}"));
        assertEquals(List.of("condition \"dip\": order.quantity: -1 is not a positive number"),
                problems("{\"broker\": \"binance\", \"side\": \"buy\", \"quantity\": -1}"));
        assertEquals(List.of("condition \"dip\": order.quantity: 1.5 is not a whole number of shares"),
                problems("{\"broker\": \"ls\", \"side\": \"buy\", \"quantity\": 1.5}"));
        assertEquals(List.of("condition \"dip\": order.offset_ticks: only a limit order has an offset (\"type\": \"limit\")"),
                problems("{\"broker\": \"ls\", \"side\": \"buy\", \"quantity\": 1, \"offset_ticks\": 2}"));
        assertEquals(List.of("condition \"dip\": order.offset_ticks: 70000 is not a whole number of ticks between -100 and 100"),
                problems("{\"broker\": \"ls\", \"side\": \"buy\", \"quantity\": 1, \"type\": \"limit\", \"offset_ticks\": 70000}"));
        assertEquals(List.of("condition \"dip\": order.stop_loss: 2 is not a fraction of the entry price between 0 and 1 (0.02 is 2%)"),
                problems("{\"broker\": \"binance\", \"side\": \"buy\", \"quantity\": 1, \"stop_loss\": 2}"));
        assertEquals(List.of("condition \"dip\": order.take_profit: LS spot orders (CSPAT00601) carry no stop-loss or take-profit; only binance does"),
                problems("{\"broker\": \"ls\", \"side\": \"buy\", \"quantity\": 1, \"take_profit\": 0.05}"));
        assertEquals(List.of("condition \"dip\": order.qty: unknown key; expected one of broker, side, quantity, amount, type, offset_ticks, stop_loss, take_profit",
                        "condition \"dip\": order.quantity: give exactly one of \"quantity\" (a size) or \"amount\" (a value converted at the bar close)"),
                problems("{\"broker\": \"ls\", \"side\": \"buy\", \"qty\": 1}"));
        assertEquals(List.of("condition \"dip\": order: must be an object like {\"broker\": \"ls\", \"side\": \"buy\", \"quantity\": 1}"),
                problems("\"buy\""));
    }

    /** The KRX bands by hand (KRX rules since 2023-01-25), at and around every boundary. */
    @ParameterizedTest
    @CsvSource({
            "1, 1", "1999, 1", "2000, 5", "4995, 5", "5000, 10", "19990, 10", "20000, 50", "49950, 50",
            "50000, 100", "199900, 100", "200000, 500", "499500, 500", "500000, 1000", "1234000, 1000"})
    void krxTickBands(long price, long tick) {
        assertEquals(tick, KrxTicks.tickAt(price));
    }

    @ParameterizedTest
    @CsvSource({
            // close, buy?, offset, limit price
            "70000, true, 0, 70000",
            "70050, true, 0, 70000",    // a buy rounds down onto the 100-won grid
            "70050, false, 0, 70100",   // a sell rounds up
            "70000, true, 2, 69800",    // two ticks below for a buy
            "70000, false, 2, 70200",   // two above for a sell
            "50000, true, 1, 49950",    // below 50,000 the tick is 50
            "49950, false, 1, 50000",
            "2000, true, 1, 1999",      // crossing into the 1-won band
            "2003, false, 0, 2005",
            "200000, true, -1, 200500", // a negative offset pays up
            "1, true, 3, 1"})           // never below one won
    void limitPricesSitOnTheKrxGrid(double close, boolean buy, int offset, long expected) {
        long p = KrxTicks.limitPrice(close, buy, offset);
        assertEquals(expected, p);
        assertEquals(0, p % KrxTicks.tickAt(p), "on the grid");
    }

    @Test
    void sizesRoundDownToTheStepAndZeroIsRefused() {
        OrderIntent krw = new OrderIntent("ls", "buy", null, new BigDecimal("1000000"), "market", 0, null, null);
        assertEquals(new BigDecimal("14"), OrderSize.of(krw, 70000, BigDecimal.ONE)); // 14.28 shares
        OrderIntent small = new OrderIntent("ls", "buy", null, new BigDecimal("50000"), "market", 0, null, null);
        assertEquals(0, OrderSize.of(small, 70000, BigDecimal.ONE).signum(), "less than one share: nothing");
        OrderIntent usdt = new OrderIntent("binance", "buy", null, new BigDecimal("1000"), "market", 0, null, null);
        assertEquals(new BigDecimal("0.010"), OrderSize.of(usdt, 91234.5, new BigDecimal("0.001"))); // 0.01096
        OrderIntent fixed = new OrderIntent("binance", "sell", new BigDecimal("0.0157"), null, "market", 0, null, null);
        assertEquals(new BigDecimal("0.015"), OrderSize.of(fixed, 91234.5, new BigDecimal("0.001")));
        assertEquals(0, OrderSize.of(usdt, Double.NaN, new BigDecimal("0.001")).signum(), "no close, no size");
        assertEquals(new BigDecimal("91234.5"), OrderSize.toStep(new BigDecimal("91234.56"), new BigDecimal("0.10"), false));
        assertEquals(new BigDecimal("91234.6"), OrderSize.toStep(new BigDecimal("91234.56"), new BigDecimal("0.10"), true));
        assertTrue(OrderSize.floorToStep(new BigDecimal("3"), BigDecimal.ONE).compareTo(new BigDecimal("3")) == 0);
    }

    @Test
    void hitsCarryTheirConditionsOrderAndBarClose() {
        ConditionSet set = ConditionParser.parseSet("""
                {"up": {"when": ["CLOSE", ">", 100], "sinks": ["orders"],
                        "order": {"broker": "ls", "side": "buy", "quantity": 1}}}""");
        SymbolState s = new SymbolState("005930", Market.KRX, TestSupport.config(5, true, 50));
        List<Hit> hits = new java.util.ArrayList<>();
        ModelListener l = new ModelListener() {
            @Override
            public void onHit(Hit hit) {
                hits.add(hit);
            }
        };
        long open = TestSupport.krx("2026-11-20T09:00");
        s.offer(new Tick("005930", open, 70000, 1), set, l);
        s.offer(new Tick("005930", open + 60_000, 70100, 1), set, l);
        s.offer(new Tick("005930", open + 5 * 60_000, 70200, 1), set, l);
        assertEquals(1, hits.size());
        assertEquals(70100.0, hits.get(0).close());
        assertEquals(open + 5 * 60_000, hits.get(0).barEnd());
        assertEquals("ls", hits.get(0).order().broker());
    }
}
