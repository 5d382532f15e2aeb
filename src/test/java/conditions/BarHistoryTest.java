package conditions;

import static conditions.TestSupport.Feeder;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import conditions.IndicatorsReferenceTest.Bars;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bar history shows its last {@code keep} closed bars with their indicators: every shown bar
 * reads back exactly as it was when it closed (also the oldest, whose windows reach furthest back,
 * also after forming bars were appended and retracted, and after a snapshot and restore).
 */
class BarHistoryTest {

    private static void assertEveryShownBarReadsBack(BarHistory h, Feeder f, String when) {
        double[] out = new double[Field.COUNT];
        for (long seq = h.firstShown(); seq < h.count(); seq++) {
            TestSupport.Closed closed = f.rec.bars.get((int) seq);
            h.compute(seq, out);
            assertArrayEquals(SymbolSnapshotTest.bits(closed.values()), SymbolSnapshotTest.bits(out),
                    when + ": bar " + seq + " of " + h.count());
            assertEquals(closed.start(), h.start(seq));
            assertEquals(closed.bar(), h.bar(seq));
        }
    }

    @ParameterizedTest(name = "history {0}")
    @ValueSource(ints = {2, 5, 120})
    void everyShownBarReadsBackAsItClosed(int keep) {
        Bars b = IndicatorsReferenceTest.integerWalk(700, 9);
        Feeder f = IndicatorsReferenceTest.feed(b, keep, IndicatorsReferenceTest.readEverythingOnUpdate());
        BarHistory h = f.state.history();
        assertEquals(keep, h.keep());
        assertEquals(700, h.count());
        assertEquals(700 - keep, h.firstShown());
        assertEveryShownBarReadsBack(h, f, "live");

        SymbolState restored = SymbolState.restore(f.state.snapshot(), TestSupport.config(5, true, keep));
        assertEveryShownBarReadsBack(restored.history(), f, "restored");
    }

    @ParameterizedTest(name = "history {0}")
    @ValueSource(ints = {0, 1, -5})
    void historyKeepsAtLeastTwoBars(int keep) {
        assertThrows(IllegalArgumentException.class, () -> new BarHistory(keep));
    }
}
