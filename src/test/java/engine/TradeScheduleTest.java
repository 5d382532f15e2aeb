package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bench's schedule: its two directions agree, so the bench times every trade from the right due time. */
class TradeScheduleTest {
    @Test
    void everySymbolInTurnWithoutSkew() {
        TradeSchedule s = new TradeSchedule(12_000, 0);
        assertEquals(7, s.symbol(12_007));
        assertEquals(12_007, s.nth(7, 1));
        assertEquals(0.1, s.share(1_200), 1e-9);
    }

    @Test
    void theJthMessageOfASymbolIsOneOfItsOwnAndInOrder() {
        TradeSchedule s = new TradeSchedule(12_000, 1.0);
        int[] seen = new int[12_000];
        for (long n = 0; n < 3L * TradeSchedule.CYCLE; n++) {
            int i = s.symbol(n);
            assertEquals(n, s.nth(i, seen[i]++), "message " + n + " of symbol " + i);
        }
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i] >= 3, "symbol " + i + " traded " + seen[i] + " times in three cycles");
        }
    }

    @Test
    void aSkewedMarketGivesMostTradesToAFewNames() {
        TradeSchedule s = new TradeSchedule(12_000, 1.0);
        // Zipf with exponent 1 over 12,000 names: the busiest 100 take H(100)/H(12000), about half
        assertEquals(0.52, s.share(100), 0.03);
        assertTrue(s.share(1_000) > 0.7, "the busiest 1,000: " + s.share(1_000));
    }
}
