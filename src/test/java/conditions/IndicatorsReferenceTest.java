package conditions;

import static conditions.Field.*;
import static conditions.TestSupport.Feeder;
import static conditions.TestSupport.config;
import static conditions.TestSupport.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every indicator of every bar against a deliberately naive reference written from the spec:
 * plain arrays over the whole history, each bar recomputed from scratch (no rings, no running
 * sums, no incremental state). Thousands of random-walk bars, so the model's rings wrap many times;
 * run with 120 bars of history and with the smallest history (2), and with a check:"update"
 * condition that makes the model append and retract the forming bar on every tick.
 */
class IndicatorsReferenceTest {
    static final double TOL = 1e-9;

    /** Bars as plain arrays, oldest first; {@code ticks[i]} is 1 (o=h=l=c) or 4 (o, h, l, c). */
    record Bars(double[] o, double[] h, double[] l, double[] c, long[] v, int[] ticks) {
        int n() {
            return c.length;
        }
    }

    // ------------------------------------------------------------------ the reference

    static double mean(double[] x, int from, int toInclusive) {
        double s = 0;
        for (int j = from; j <= toInclusive; j++) {
            s += x[j];
        }
        return s / (toInclusive - from + 1);
    }

    /**
     * EMA with alpha = 2/(n+1), seeded with the simple mean of the first n values of x[first..i],
     * computed from scratch: element j of the result is the EMA at j (NaN before it is ready).
     */
    static double[] ema(double[] x, int first, int i, int n) {
        double[] out = new double[i + 1];
        java.util.Arrays.fill(out, Double.NaN);
        if (i - first + 1 < n) {
            return out;
        }
        double alpha = 2.0 / (n + 1);
        double e = mean(x, first, first + n - 1);
        out[first + n - 1] = e;
        for (int j = first + n; j <= i; j++) {
            e = alpha * x[j] + (1 - alpha) * e;
            out[j] = e;
        }
        return out;
    }

    static double fastK(Bars b, int j) {
        double hh = Double.NEGATIVE_INFINITY;
        double ll = Double.POSITIVE_INFINITY;
        for (int k = j - 11; k <= j; k++) {
            hh = Math.max(hh, b.h[k]);
            ll = Math.min(ll, b.l[k]);
        }
        return hh == ll ? 0 : 100 * (b.c[j] - ll) / (hh - ll);
    }

    static double slowK(Bars b, int j) {
        double s = 0;
        for (int k = j - 4; k <= j; k++) {
            s += fastK(b, k);
        }
        return s / 5;
    }

    /** All fields of bar i computed from bars 0..i only. */
    static double[] referenceAt(Bars b, int i) {
        double[] out = new double[Field.COUNT];
        java.util.Arrays.fill(out, Double.NaN);
        int n = i + 1;
        double c = b.c[i];
        double vol = b.v[i];
        out[OPEN.ordinal()] = b.o[i];
        out[HIGH.ordinal()] = b.h[i];
        out[LOW.ordinal()] = b.l[i];
        out[CLOSE.ordinal()] = c;
        out[VOLUME.ordinal()] = vol;
        double[] vd = new double[n];
        for (int j = 0; j < n; j++) {
            vd[j] = b.v[j];
        }
        int[] lens = {5, 20, 60};
        Field[] psma = {PSMA5, PSMA20, PSMA60};
        Field[] psmar = {PSMAR5, PSMAR20, PSMAR60};
        Field[] vsma = {VSMA5, VSMA20, VSMA60};
        Field[] vsmar = {VSMAR5, VSMAR20, VSMAR60};
        for (int k = 0; k < 3; k++) {
            int p = lens[k];
            if (n >= p) {
                double m = mean(b.c, i - p + 1, i);
                out[psma[k].ordinal()] = m;
                out[psmar[k].ordinal()] = (c - m) / m;
                double vm = mean(vd, i - p + 1, i);
                out[vsma[k].ordinal()] = vm;
                out[vsmar[k].ordinal()] = vm == 0 ? Double.NaN : (vol - vm) / vm;
            }
        }
        double[] e12 = ema(b.c, 0, i, 12);
        double[] e26 = ema(b.c, 0, i, 26);
        out[EMA12.ordinal()] = e12[i];
        out[EMA26.ordinal()] = e26[i];
        if (n >= 26) {
            double[] macd = new double[n];
            for (int j = 25; j <= i; j++) {
                macd[j] = e12[j] - e26[j];
            }
            out[MACD.ordinal()] = macd[i];
            double sig = ema(macd, 25, i, 9)[i]; // NaN until 9 MACD values exist
            out[MACD_SIGNAL.ordinal()] = sig;
            out[MACD_HIST.ordinal()] = macd[i] - sig;
        }
        if (n >= 20) {
            double m = mean(b.c, i - 19, i);
            double ss = 0;
            boolean allEqual = true;
            for (int j = i - 19; j <= i; j++) {
                ss += (b.c[j] - m) * (b.c[j] - m);
                allEqual &= b.c[j] == b.c[i];
            }
            double sd = allEqual ? 0 : Math.sqrt(ss / 20); // population sd; exactly 0 for equal closes
            double up = m + 2 * sd;
            double lo = m - 2 * sd;
            out[BBU.ordinal()] = up;
            out[BBL.ordinal()] = lo;
            out[BBW.ordinal()] = (up - lo) / m;
            out[BBP.ordinal()] = sd == 0 ? Double.NaN : (c - lo) / (up - lo);
        }
        if (n >= 12) {
            out[STOCH_FASTK.ordinal()] = fastK(b, i);
        }
        if (n >= 16) {
            out[STOCH_K.ordinal()] = slowK(b, i);
        }
        if (n >= 20) {
            double s = 0;
            for (int j = i - 4; j <= i; j++) {
                s += slowK(b, j);
            }
            out[STOCH_D.ordinal()] = s / 5;
        }
        if (n >= 15) {
            double g = 0;
            double l = 0;
            for (int j = 1; j <= 14; j++) {
                double d = b.c[j] - b.c[j - 1];
                g += Math.max(d, 0);
                l += Math.max(-d, 0);
            }
            g /= 14;
            l /= 14;
            for (int j = 15; j <= i; j++) {
                double d = b.c[j] - b.c[j - 1];
                g = (g * 13 + Math.max(d, 0)) / 14;
                l = (l * 13 + Math.max(-d, 0)) / 14;
            }
            out[RSI14.ordinal()] = l == 0 ? 100 : 100 - 100 / (1 + g / l);
        }
        out[VALUE.ordinal()] = c * vol;
        out[TRADINGVALUE.ordinal()] = c * vol / 1e8;
        return out;
    }

    // ------------------------------------------------------------------ data

    /** A geometric random walk with real-valued prices, 4 ticks a bar, a quarter of bars without volume. */
    static Bars continuousWalk(int n, long seed) {
        Random r = new Random(seed);
        Bars b = new Bars(new double[n], new double[n], new double[n], new double[n], new long[n], new int[n]);
        double p = 100;
        for (int i = 0; i < n; i++) {
            double o = p;
            double c = p * Math.exp(0.01 * r.nextGaussian());
            b.o[i] = o;
            b.c[i] = c;
            b.h[i] = Math.max(o, c) * (1 + 0.004 * r.nextDouble());
            b.l[i] = Math.min(o, c) * (1 - 0.004 * r.nextDouble());
            b.v[i] = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(5000);
            b.ticks[i] = 4;
            p = c;
        }
        return b;
    }

    /**
     * Integer prices in a narrow band (many ties), a rising start (RSI with no losses), flat
     * stretches (sd 0, HH == LL), runs of zero volume (VSMA 0), one-tick and four-tick bars.
     */
    static Bars integerWalk(int n, long seed) {
        Random r = new Random(seed);
        Bars b = new Bars(new double[n], new double[n], new double[n], new double[n], new long[n], new int[n]);
        int p = 40;
        for (int i = 0; i < n; i++) {
            boolean flat = i % 400 >= 300 && i % 400 < 330;
            int o = p;
            int c;
            if (i < 20) {
                c = p + 1;
            } else if (flat) {
                c = p;
            } else {
                c = Math.max(20, Math.min(80, p + r.nextInt(3) - 1));
            }
            b.o[i] = o;
            b.c[i] = c;
            boolean oneTick = flat || r.nextInt(3) == 0;
            if (oneTick) {
                b.o[i] = c;
                b.h[i] = c;
                b.l[i] = c;
                b.ticks[i] = 1;
            } else {
                b.h[i] = Math.max(o, c) + r.nextInt(2);
                b.l[i] = Math.min(o, c) - r.nextInt(2);
                b.ticks[i] = 4;
            }
            boolean noVolume = (i % 250 >= 100 && i % 250 < 108) || r.nextInt(10) < 3;
            b.v[i] = noVolume ? 0 : 1 + r.nextInt(1000);
            p = c;
        }
        return b;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("continuous walk, history 120", continuousWalk(3000, 1), 120, false),
                Arguments.of("continuous walk, history 2", continuousWalk(1500, 2), 2, false),
                Arguments.of("integer walk, history 120, update condition", integerWalk(2000, 3), 120, true),
                Arguments.of("integer walk, history 2, update condition", integerWalk(1200, 4), 2, true));
    }

    /** A check:"update" condition that reads every field, so its hits show the forming bar's values. */
    static ConditionSet readEverythingOnUpdate() {
        StringBuilder all = new StringBuilder();
        for (Field f : Field.values()) {
            all.append(all.length() == 0 ? "" : ",").append("[\"").append(f.name()).append("\", \">\", -1e300]");
        }
        return ConditionParser.parseSet("{\"live\": {\"when\": {\"all\": [" + all + "]}, \"check\": \"update\"}}");
    }

    static Feeder feed(Bars b, int history, ConditionSet set) {
        Feeder f = new Feeder("BTCUSDT", config(5, true, history), set, utc("2024-01-01T00:00"));
        for (int i = 0; i < b.n(); i++) {
            if (b.ticks[i] == 1) {
                f.close(b.c[i], b.v[i]);
            } else {
                f.bar(b.o[i], b.h[i], b.l[i], b.c[i], b.v[i]);
            }
        }
        return f.finish();
    }

    static void assertClose(double expected, double actual, String what) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            if (Double.isNaN(expected) != Double.isNaN(actual)) {
                fail(what + ": expected " + expected + " but was " + actual);
            }
            return;
        }
        if (Math.abs(expected - actual) > TOL * Math.max(1, Math.abs(expected))) {
            fail(what + ": expected " + expected + " but was " + actual);
        }
    }

    // ------------------------------------------------------------------ the test

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyIndicatorOfEveryBarMatchesTheReference(String name, Bars b, int history, boolean withUpdate) {
        ConditionSet set = withUpdate ? readEverythingOnUpdate() : ConditionSet.EMPTY;
        Feeder f = feed(b, history, set);
        assertEquals(b.n(), f.rec.bars.size());
        int[] readyCount = new int[Field.COUNT];
        for (int i = 0; i < b.n(); i++) {
            double[] want = referenceAt(b, i);
            double[] got = f.rec.bars.get(i).values();
            assertEquals(f.barStart(i), f.rec.bars.get(i).start());
            for (Field x : Field.values()) {
                assertClose(want[x.ordinal()], got[x.ordinal()], name + ": " + x + " at bar " + (i + 1));
                if (!Double.isNaN(want[x.ordinal()])) {
                    readyCount[x.ordinal()]++;
                }
            }
        }
        // the data exercised the edge cases it was built for
        if (name.startsWith("integer")) {
            assertTrue(readyCount[VSMAR5.ordinal()] < readyCount[VSMA5.ordinal()], "some VSMA5 were 0");
            assertTrue(readyCount[BBP.ordinal()] < readyCount[BBU.ordinal()], "some windows were flat");
        }

        if (withUpdate) {
            // A hit on the t-th tick of bar i sees the bars before it plus the part of bar i that had
            // arrived: ticks o, h, l, c in that order (the first carries the whole volume).
            int checked = 0;
            for (int k = 0; k < f.hitTick.size(); k++) {
                Hit h = f.rec.hits.get(k);
                int t = f.hitTick.get(k);
                int i = f.indexOf(h.barStart()) - 1;
                double[] seq = b.ticks[i] == 1 ? new double[] {b.c[i]} : new double[] {b.o[i], b.h[i], b.l[i], b.c[i]};
                double[] saved = {b.o[i], b.h[i], b.l[i], b.c[i]};
                b.o[i] = seq[0];
                b.h[i] = seq[0];
                b.l[i] = seq[0];
                for (int j = 0; j < t; j++) {
                    b.h[i] = Math.max(b.h[i], seq[j]);
                    b.l[i] = Math.min(b.l[i], seq[j]);
                }
                b.c[i] = seq[t - 1];
                double[] want = referenceAt(b, i);
                b.o[i] = saved[0];
                b.h[i] = saved[1];
                b.l[i] = saved[2];
                b.c[i] = saved[3];
                for (Map.Entry<String, Double> e : h.values().entrySet()) {
                    assertClose(want[Field.valueOf(e.getKey()).ordinal()], e.getValue(),
                            name + ": forming " + e.getKey() + " at bar " + (i + 1));
                }
                assertEquals(Field.COUNT, h.values().size());
                checked++;
            }
            assertTrue(checked > b.n() / 2, "the update condition fired on most bars: " + checked);
        }
    }
}
