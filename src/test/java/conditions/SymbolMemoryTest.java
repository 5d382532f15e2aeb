package conditions;

import static conditions.TestSupport.Feeder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The per-symbol memory budget: one symbol with 120 bars of history takes under 16 KB, measured
 * by JOL as the retained size of the whole object graph reachable from the {@link SymbolState}
 * (not estimated by hand).
 */
class SymbolMemoryTest {
    static final long BUDGET = 16 * 1024;

    @BeforeAll
    static void jolWithoutAgent() {
        // JOL normally self-attaches an agent to learn field offsets; JDK 17 refuses self-attach by
        // default. The "magic field offset" mode reads them through Unsafe instead, no agent needed.
        System.setProperty("jol.magicFieldOffset", "true");
        System.setProperty("jol.skipDynamicAttach", "true");
        System.setProperty("jol.skipHotspotSAAttach", "true");
    }

    private static Feeder fullState(ConditionSet set, int bars) {
        Feeder f = Feeder.crypto(set);
        for (int i = 0; i < bars; i++) {
            double c = 100 + 10 * Math.sin(i / 7.0);
            f.bar(c, c + 1, c - 1, c + 0.5, 1000 + i);
        }
        f.state.offer(TestSupport.tick("BTCUSDT", f.barStart(f.n), 101, 5), set, f.rec); // a forming bar too
        assertEquals(bars, f.state.history().count());
        assertTrue(bars > f.state.history().keep() + 60, "the bar ring must have wrapped");
        return f;
    }

    @Test
    void symbolWith120BarsOfHistoryIsUnder16KB() {
        Feeder f = fullState(ConditionSet.EMPTY, 400);
        assertEquals(120, f.state.history().keep());
        long size = GraphLayout.parseInstance(f.state).totalSize();
        System.out.println("SymbolState (120 bars of history, ring full, forming bar open): " + size + " bytes");
        System.out.println(GraphLayout.parseInstance(f.state).toFootprint());
        assertTrue(size < BUDGET, "one symbol takes " + size + " bytes, budget " + BUDGET);
    }

    @Test
    void symbolWithConditionsAndHitGatesIsUnder16KB() {
        // With conditions in use the state also holds hit gates and the forming-bar scratch array;
        // the condition set itself is shared by every symbol, so it is not charged to this one.
        ConditionSet set = ConditionParser.parseSet("""
                {"up":   {"when": ["CLOSE", ">", "PSMA20"], "cooldown": "30m"},
                 "live": {"when": ["CLOSE", ">", 0], "check": "update"},
                 "rsi":  {"RSI14": ["BIGGER", 10]}}""");
        Feeder f = fullState(set, 400);
        assertTrue(f.rec.hits.size() > 0);
        long size = GraphLayout.parseInstance(f.state).subtract(GraphLayout.parseInstance(set)).totalSize();
        System.out.println("SymbolState with 3 conditions (shared condition set excluded): " + size + " bytes");
        assertTrue(size < BUDGET, "one symbol takes " + size + " bytes, budget " + BUDGET);
    }
}
