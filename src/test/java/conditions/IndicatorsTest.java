package conditions;

import static conditions.Field.*;
import static conditions.TestSupport.Feeder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every indicator against values worked out by hand on short sequences, with the exact bar at
 * which it becomes ready (bars counted from 1; the value at a bar includes that bar). Bars are
 * built from real ticks through {@link SymbolState}.
 */
class IndicatorsTest {
    static final double EPS = 1e-9;

    private static Feeder closes(double... cs) {
        return Feeder.crypto().closes(cs).finish();
    }

    private static double[] range(int from, int toInclusive) {
        double[] a = new double[toInclusive - from + 1];
        for (int i = 0; i < a.length; i++) {
            a[i] = from + i;
        }
        return a;
    }

    private static void assertAbsent(Feeder f, int bar, Field... fields) {
        for (Field x : fields) {
            assertTrue(Double.isNaN(f.rec.at(bar, x)), x + " must be absent at bar " + bar + ", was " + f.rec.at(bar, x));
        }
    }

    // ---- readiness of every field ----

    @Test
    void everyIndicatorBecomesReadyAtItsBar() {
        Map<Field, Integer> ready = new LinkedHashMap<>();
        for (Field x : new Field[] {OPEN, HIGH, LOW, CLOSE, VOLUME, VALUE, TRADINGVALUE}) {
            ready.put(x, 1);
        }
        for (Field x : new Field[] {PSMA5, PSMAR5, VSMA5, VSMAR5}) {
            ready.put(x, 5);
        }
        for (Field x : new Field[] {PSMA20, PSMAR20, VSMA20, VSMAR20, BBU, BBL, BBW, BBP, STOCH_D}) {
            ready.put(x, 20);
        }
        for (Field x : new Field[] {PSMA60, PSMAR60, VSMA60, VSMAR60}) {
            ready.put(x, 60);
        }
        ready.put(EMA12, 12);
        ready.put(STOCH_FASTK, 12);
        ready.put(RSI14, 15);
        ready.put(STOCH_K, 16);
        ready.put(EMA26, 26);
        ready.put(MACD, 26);
        ready.put(MACD_SIGNAL, 34);
        ready.put(MACD_HIST, 34);
        assertEquals(Field.COUNT, ready.size(), "every field has a readiness bar in this test");

        Feeder f = Feeder.crypto();
        for (int i = 0; i < 70; i++) {
            double c = 100 + 7 * Math.sin(i * 0.9) + i * 0.1;
            f.bar(c - 0.5, c + 2, c - 2, c, 100 + (i % 7) * 10);
        }
        f.finish();
        for (Map.Entry<Field, Integer> e : ready.entrySet()) {
            int k = e.getValue();
            if (k > 1) {
                assertTrue(Double.isNaN(f.rec.at(k - 1, e.getKey())), e.getKey() + " is absent at bar " + (k - 1));
            }
            for (int b = k; b <= 70; b++) {
                assertFalse(Double.isNaN(f.rec.at(b, e.getKey())), e.getKey() + " is ready at bar " + b);
            }
        }
    }

    // ---- price and volume means ----

    @Test
    void psmaIsTheMeanOfTheLastNClosesAndPsmarTheDistanceToIt() {
        Feeder f = closes(range(1, 61));
        assertAbsent(f, 4, PSMA5, PSMAR5);
        assertEquals(3.0, f.rec.at(5, PSMA5), EPS);
        assertEquals((5 - 3.0) / 3.0, f.rec.at(5, PSMAR5), EPS);
        assertEquals(4.0, f.rec.at(6, PSMA5), EPS);
        assertAbsent(f, 19, PSMA20, PSMAR20);
        assertEquals(10.5, f.rec.at(20, PSMA20), EPS);
        assertEquals((20 - 10.5) / 10.5, f.rec.at(20, PSMAR20), EPS);
        assertEquals(11.5, f.rec.at(21, PSMA20), EPS);
        assertAbsent(f, 59, PSMA60, PSMAR60);
        assertEquals(30.5, f.rec.at(60, PSMA60), EPS);
        assertEquals((60 - 30.5) / 30.5, f.rec.at(60, PSMAR60), EPS);
        assertEquals(31.5, f.rec.at(61, PSMA60), EPS);
    }

    @Test
    void vsmaIsTheMeanOfTheLastNVolumesAndVsmarTheDistanceToIt() {
        Feeder f = Feeder.crypto();
        for (int k = 1; k <= 60; k++) {
            f.close(10, 100L * k);
        }
        f.finish();
        assertAbsent(f, 4, VSMA5, VSMAR5);
        assertEquals(300.0, f.rec.at(5, VSMA5), EPS);
        assertEquals((500 - 300.0) / 300.0, f.rec.at(5, VSMAR5), EPS);
        assertAbsent(f, 19, VSMA20, VSMAR20);
        assertEquals(1050.0, f.rec.at(20, VSMA20), EPS);
        assertEquals((2000 - 1050.0) / 1050.0, f.rec.at(20, VSMAR20), EPS);
        assertAbsent(f, 59, VSMA60, VSMAR60);
        assertEquals(3050.0, f.rec.at(60, VSMA60), EPS);
        assertEquals((6000 - 3050.0) / 3050.0, f.rec.at(60, VSMAR60), EPS);
    }

    @Test
    void vsmarIsAbsentWhenVsmaIsZero() {
        Feeder f = Feeder.crypto();
        for (int k = 1; k <= 5; k++) {
            f.close(10 + k, 0);
        }
        f.close(20, 50).finish();
        assertEquals(0.0, f.rec.at(5, VSMA5), 0);
        assertAbsent(f, 5, VSMAR5);
        assertEquals(10.0, f.rec.at(6, VSMA5), EPS);
        assertEquals((50 - 10.0) / 10.0, f.rec.at(6, VSMAR5), EPS);
        assertEquals(0.0, f.rec.at(5, VALUE), 0);
    }

    // ---- EMA and MACD ----

    @Test
    void emaIsSeededWithTheMeanOfTheFirstNCloses() {
        // Closes 1, 2, 3, ...: the seed is the mean of the first n, and from there a steady trend of
        // +1 per bar keeps the EMA exactly (1 - alpha) / alpha behind: 5.5 for n = 12, 12.5 for 26.
        Feeder f = closes(range(1, 40));
        assertAbsent(f, 11, EMA12);
        assertEquals(6.5, f.rec.at(12, EMA12), EPS, "EMA12 at the 12th bar is SMA12");
        assertEquals(6.5 + 2.0 / 13 * (13 - 6.5), f.rec.at(13, EMA12), EPS);
        assertEquals(7.5, f.rec.at(13, EMA12), EPS);
        assertEquals(40 - 5.5, f.rec.at(40, EMA12), EPS);
        assertAbsent(f, 25, EMA26, MACD);
        assertEquals(13.5, f.rec.at(26, EMA26), EPS, "EMA26 at the 26th bar is SMA26");
        assertEquals(40 - 12.5, f.rec.at(40, EMA26), EPS);
        assertEquals(7.0, f.rec.at(26, MACD), EPS);
        assertAbsent(f, 33, MACD_SIGNAL, MACD_HIST);
        assertEquals(7.0, f.rec.at(34, MACD_SIGNAL), EPS);
        assertEquals(0.0, f.rec.at(34, MACD_HIST), EPS);
    }

    @Test
    void emaAfterAJump() {
        double[] cs = new double[14];
        java.util.Arrays.fill(cs, 10);
        cs[11] = 46; // 12th bar
        cs[12] = 10;
        cs[13] = 36;
        Feeder f = closes(cs);
        double seed = (11 * 10 + 46) / 12.0; // 13
        assertEquals(13.0, seed);
        assertEquals(seed, f.rec.at(12, EMA12), EPS);
        double e13 = seed + 2.0 / 13 * (10 - seed); // 12.538...
        assertEquals(e13, f.rec.at(13, EMA12), EPS);
        assertEquals(e13 + 2.0 / 13 * (36 - e13), f.rec.at(14, EMA12), EPS);
    }

    @Test
    void macdSignalIsSeededWithTheMeanOfTheFirstNineMacdValues() {
        double[] cs = new double[45];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = 100 + 10 * Math.sin(i / 3.0) + 0.3 * i;
        }
        Feeder f = closes(cs);
        for (int k = 26; k <= 45; k++) {
            assertEquals(f.rec.at(k, EMA12) - f.rec.at(k, EMA26), f.rec.at(k, MACD), EPS, "MACD at " + k);
        }
        double sum = 0;
        for (int k = 26; k <= 34; k++) {
            sum += f.rec.at(k, MACD);
        }
        double signal = sum / 9;
        assertEquals(signal, f.rec.at(34, MACD_SIGNAL), EPS);
        for (int k = 35; k <= 45; k++) {
            signal = signal + 0.2 * (f.rec.at(k, MACD) - signal);
            assertEquals(signal, f.rec.at(k, MACD_SIGNAL), EPS, "MACD_SIGNAL at " + k);
            assertEquals(f.rec.at(k, MACD) - signal, f.rec.at(k, MACD_HIST), EPS, "MACD_HIST at " + k);
        }
        // and EMA12 follows alpha = 2/13 from its seed on this curve too
        double ema = 0;
        for (int k = 1; k <= 12; k++) {
            ema += cs[k - 1] / 12;
        }
        assertEquals(ema, f.rec.at(12, EMA12), EPS);
        for (int k = 13; k <= 45; k++) {
            ema = 2.0 / 13 * cs[k - 1] + 11.0 / 13 * ema;
            assertEquals(ema, f.rec.at(k, EMA12), EPS);
        }
    }

    // ---- Bollinger ----

    @Test
    void bollingerUsesThePopulationStandardDeviation() {
        double[] cs = new double[21];
        for (int i = 0; i < 20; i++) {
            cs[i] = i % 2 == 0 ? 90 : 110; // mean 100, population sd exactly 10
        }
        cs[20] = 130;
        Feeder f = closes(cs);
        assertAbsent(f, 19, BBU, BBL, BBW, BBP);
        assertEquals(120.0, f.rec.at(20, BBU), EPS, "sample sd would give 120.52");
        assertEquals(80.0, f.rec.at(20, BBL), EPS);
        assertEquals(0.4, f.rec.at(20, BBW), EPS);
        assertEquals((110 - 80) / 40.0, f.rec.at(20, BBP), EPS);

        // bar 21: window of bars 2..21 holds ten 110s, nine 90s and 130; mean 102, variance 136
        double sd = Math.sqrt(136);
        assertEquals(102.0, f.rec.at(21, PSMA20), EPS);
        assertEquals(102 + 2 * sd, f.rec.at(21, BBU), EPS);
        assertEquals(102 - 2 * sd, f.rec.at(21, BBL), EPS);
        assertEquals(4 * sd / 102, f.rec.at(21, BBW), EPS);
        assertEquals((130 - (102 - 2 * sd)) / (4 * sd), f.rec.at(21, BBP), EPS);
    }

    @Test
    void bbpIsAbsentWithTwentyEqualCloses() {
        double[] cs = new double[20];
        java.util.Arrays.fill(cs, 100.37); // not exact in binary: the mean may pick up rounding
        Feeder f = closes(cs);
        assertAbsent(f, 20, BBP);
        assertEquals(f.rec.at(20, PSMA20), f.rec.at(20, BBU), 0);
        assertEquals(f.rec.at(20, PSMA20), f.rec.at(20, BBL), 0);
        assertEquals(0.0, f.rec.at(20, BBW), 0);
        assertEquals(100.37, f.rec.at(20, PSMA20), 1e-12);
    }

    // ---- stochastic ----

    @Test
    void slowStochastic1255() {
        // Bars 1..11 alternate 100 and 200, so every window up to bar 21 has LL 100 and HH 200 and
        // fast K is simply close - 100 for bars 12..20.
        double[] x = {0, 100, 50, 25, 75, 10, 90, 40, 60};
        double[] cs = new double[20];
        for (int i = 0; i < 11; i++) {
            cs[i] = i % 2 == 0 ? 100 : 200;
        }
        for (int i = 0; i < 9; i++) {
            cs[11 + i] = 100 + x[i];
        }
        Feeder f = closes(cs);
        assertAbsent(f, 11, STOCH_FASTK, STOCH_K, STOCH_D);
        for (int k = 12; k <= 20; k++) {
            assertEquals(x[k - 12], f.rec.at(k, STOCH_FASTK), EPS, "fast K at " + k);
        }
        assertAbsent(f, 15, STOCH_K);
        assertEquals(50.0, f.rec.at(16, STOCH_K), EPS); // (0+100+50+25+75)/5
        assertEquals(52.0, f.rec.at(17, STOCH_K), EPS);
        assertEquals(50.0, f.rec.at(18, STOCH_K), EPS);
        assertEquals(48.0, f.rec.at(19, STOCH_K), EPS);
        assertEquals(55.0, f.rec.at(20, STOCH_K), EPS);
        assertAbsent(f, 19, STOCH_D);
        assertEquals(51.0, f.rec.at(20, STOCH_D), EPS); // (50+52+50+48+55)/5
    }

    @Test
    void fastKUsesTheBarsHighsAndLows() {
        Feeder f = Feeder.crypto();
        for (int k = 1; k <= 12; k++) {
            double low = k == 3 ? 80 : 90;
            double high = k == 7 ? 130 : 110;
            double close = k == 12 ? 105 : 100;
            f.bar(100, high, low, close, 10);
        }
        f.finish();
        assertEquals(100 * (105 - 80) / (130.0 - 80), f.rec.at(12, STOCH_FASTK), EPS); // 50
        assertEquals(new Bar(f.barStart(2), 100, 110, 80, 100, 10), f.rec.bars.get(2).bar());
    }

    @Test
    void fastKIsZeroWhenHighestHighEqualsLowestLow() {
        double[] cs = new double[20];
        java.util.Arrays.fill(cs, 100);
        Feeder f = closes(cs);
        assertEquals(0.0, f.rec.at(12, STOCH_FASTK), 0);
        assertEquals(0.0, f.rec.at(16, STOCH_K), 0);
        assertEquals(0.0, f.rec.at(20, STOCH_D), 0);
    }

    // ---- RSI ----

    @Test
    void rsiIsWilderSeededWithTheMeanOfTheFirst14Changes() {
        // 100, then +2 -1 seven times: gains sum 14, losses sum 7 over the first 14 changes.
        double[] cs = new double[17];
        cs[0] = 100;
        for (int i = 1; i < 15; i++) {
            cs[i] = cs[i - 1] + (i % 2 == 1 ? 2 : -1);
        }
        cs[15] = cs[14] + 3; // gain 3
        cs[16] = cs[15] - 1; // loss 1
        Feeder f = closes(cs);
        assertAbsent(f, 14, RSI14);
        assertEquals(100 - 100 / (1 + 1 / 0.5), f.rec.at(15, RSI14), EPS); // 66.67
        double g = (1.0 * 13 + 3) / 14;
        double l = (0.5 * 13 + 0) / 14;
        assertEquals(100 - 100 / (1 + g / l), f.rec.at(16, RSI14), EPS); // 71.11
        assertEquals(100.0 * 16 / 22.5, f.rec.at(16, RSI14), EPS);
        g = (g * 13 + 0) / 14;
        l = (l * 13 + 1) / 14;
        assertEquals(100 - 100 / (1 + g / l), f.rec.at(17, RSI14), EPS); // 67.86
    }

    @Test
    void rsiIs100WithoutLosses() {
        Feeder up = closes(range(1, 16));
        assertAbsent(up, 14, RSI14);
        assertEquals(100.0, up.rec.at(15, RSI14), 0);
        assertEquals(100.0, up.rec.at(16, RSI14), 0);
        double[] flat = new double[15];
        java.util.Arrays.fill(flat, 50);
        assertEquals(100.0, closes(flat).rec.at(15, RSI14), 0, "no change at all: average loss 0");
    }

    // ---- value ----

    @Test
    void valueIsCloseTimesVolumeAndTradingValueIsIn1e8() {
        Feeder f = Feeder.crypto();
        f.bar(49_000, 51_000, 48_000, 50_000, 3_000).finish();
        assertEquals(1.5e8, f.rec.at(1, VALUE), 0);
        assertEquals(1.5, f.rec.at(1, TRADINGVALUE), EPS);
    }
}
