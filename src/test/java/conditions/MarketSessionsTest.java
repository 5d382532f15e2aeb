package conditions;

import static conditions.TestSupport.Recorder;
import static conditions.TestSupport.krx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * KRX derivatives (day session 08:45-15:45 KST) and overseas futures (around the clock, the trading
 * day from 07:30 KST): the sessions the model applies and where the day's cumulative volume starts again.
 */
class MarketSessionsTest {
    private final Recorder rec = new Recorder();

    private TickOutcome offer(SymbolState s, String seoulTime, double price, long size, long cum) {
        return s.offer(new Tick(s.symbol(), krx(seoulTime), price, size, cum, s.market()), ConditionSet.EMPTY, rec);
    }

    @Test
    void aFuturesTradeAt0850IsInTheSessionWhereAStockTradeIsNot() {
        SymbolState future = new SymbolState("101W9000", Market.KRX_DERIVATIVES, ModelConfig.DEFAULT);
        assertEquals(TickOutcome.OUTSIDE_SESSION, offer(future, "2026-11-20T08:44:59", 402.1, 1, 1));
        assertEquals(TickOutcome.ACCEPTED, offer(future, "2026-11-20T08:50:00", 402.1, 3, 4));
        assertEquals(TickOutcome.ACCEPTED, offer(future, "2026-11-20T15:45:20", 403.0, 2, 6), "the closing print");
        assertEquals(TickOutcome.OUTSIDE_SESSION, offer(future, "2026-11-20T15:46:00", 403.0, 1, 7));
        assertEquals(krx("2026-11-20T15:40"), future.formingBar().start(), "the close joins the last bar");

        SymbolState stock = new SymbolState("005930", Market.KRX, ModelConfig.DEFAULT);
        assertEquals(TickOutcome.OUTSIDE_SESSION, offer(stock, "2026-11-20T08:50:00", 55000, 3, 4));
    }

    @Test
    void overseasFuturesTradeAroundTheClockAndTheirDayStartsAt0730() {
        SymbolState nq = new SymbolState("NQU23", Market.OVERSEAS_FUTURES, ModelConfig.DEFAULT);
        assertEquals(TickOutcome.ACCEPTED, offer(nq, "2026-11-20T06:00:00", 15321.25, 5, 90_000));
        assertEquals(TickOutcome.ACCEPTED, offer(nq, "2026-11-20T07:29:00", 15321.5, 5, 90_010)); // counts 10
        // 07:30: a new trading day, the cumulative volume starts again (and a small one is not a duplicate)
        assertEquals(TickOutcome.ACCEPTED, offer(nq, "2026-11-20T07:31:00", 15322, 4, 4));
        assertEquals(TickOutcome.DUPLICATE, offer(nq, "2026-11-20T07:31:10", 15322, 4, 4));
        assertEquals(TickOutcome.ACCEPTED, offer(nq, "2026-11-21T03:00:00", 15330, 1, 12)); // counts 8, same day
        assertEquals(Volume.of(8), nq.formingBar().volume());
        assertEquals(0, nq.rejected(TickOutcome.OUTSIDE_SESSION));
        assertEquals(7 * 60 * 60_000L + 30 * 60_000L, Market.OVERSEAS_FUTURES.dayStartMillis());
        assertEquals(0, Market.KRX.dayStartMillis());
        assertEquals(0, Market.CRYPTO.dayStartMillis());
    }

    @Test
    void sessionsAreConfigurableButKrxAndCryptoAreFixed() {
        try {
            Market.KRX_DERIVATIVES.configure(8 * 60, 15 * 60, 0);
            SymbolState future = new SymbolState("101W9000", Market.KRX_DERIVATIVES, ModelConfig.DEFAULT);
            assertEquals(TickOutcome.ACCEPTED, offer(future, "2026-11-20T08:01:00", 402.1, 1, 1));
        } finally {
            Market.KRX_DERIVATIVES.configure(8 * 60 + 45, 15 * 60 + 45, 0);
        }
        assertThrows(IllegalArgumentException.class, () -> Market.KRX.configure(8 * 60, 15 * 60, 0));
        assertThrows(IllegalArgumentException.class, () -> Market.KRX_DERIVATIVES.configure(16 * 60, 15 * 60, 0));
        assertEquals(Market.KRX_DERIVATIVES, Market.parse("krx_derivatives"));
    }
}
