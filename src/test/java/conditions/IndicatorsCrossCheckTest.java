package conditions;

import static conditions.Field.*;
import static conditions.TestSupport.Feeder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import conditions.IndicatorsReferenceTest.Bars;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.Indicator;
import org.ta4j.core.indicators.EMAIndicator;
import org.ta4j.core.indicators.MACDIndicator;
import org.ta4j.core.indicators.RSIIndicator;
import org.ta4j.core.indicators.SMAIndicator;
import org.ta4j.core.indicators.StochasticOscillatorDIndicator;
import org.ta4j.core.indicators.StochasticOscillatorKIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandWidthIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsLowerIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsMiddleIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsUpperIndicator;
import org.ta4j.core.indicators.bollinger.PercentBIndicator;
import org.ta4j.core.indicators.helpers.ClosePriceIndicator;
import org.ta4j.core.indicators.helpers.VolumeIndicator;
import org.ta4j.core.indicators.statistics.StandardDeviationIndicator;
import org.ta4j.core.num.DoubleNum;
import org.ta4j.core.num.Num;

/**
 * Our indicators against ta4j-core 0.17 (an independent, widely used implementation), on 3000
 * random-walk bars built through {@link SymbolState}, with ta4j on {@code DoubleNum}.
 *
 * <p>Where the two define an indicator the same way the values must agree to 1e-9 (relative to
 * max(1, |value|)) on every bar where ours is ready. Where they differ (read off ta4j 0.17's
 * bytecode and confirmed by {@link #theDocumentedDifferencesAreReal()}):
 *
 * <ol>
 *   <li><b>EMA12, EMA26 (and so MACD):</b> ta4j's {@code EMAIndicator} has a value from bar 1 and
 *       seeds with the first close ({@code ema[0] = close[0]}); ours is absent until bar n and seeds
 *       with the simple mean of the first n closes. Same alpha 2/(n+1) and recursion, so the
 *       difference decays by (1-alpha) a bar: compared from bar 400 on, where (25/27)^374 ~ 3e-13.
 *   <li><b>MACD_SIGNAL, MACD_HIST:</b> ta4j's {@code MACDIndicator.getSignalLine(9)} is an EMA(9)
 *       over ta4j's MACD from bar 1 seeded with its first value (0); ours starts at the 26th bar
 *       (the first MACD) and is seeded with the mean of the first 9 MACD values (ready at bar 34).
 *       Compared from bar 400 on.
 *   <li><b>RSI14:</b> ta4j's {@code RSIIndicator} uses {@code MMAIndicator} (alpha 1/14, i.e.
 *       Wilder's avg = (avg·13 + x)/14) but seeded with the first gain/loss (0 at bar 1) and has a
 *       value from bar 1; ours seeds with the mean of the first 14 changes and is absent until
 *       bar 15. Compared from bar 400 on, where (13/14)^386 ~ 4e-13. Also, when average gain and
 *       average loss are both 0 (a flat series) ta4j gives 0 and ours 100 (the spec: 100 when the
 *       average loss is 0).
 *   <li><b>PSMA, VSMA, Bollinger middle:</b> ta4j's {@code SMAIndicator} averages the bars it has
 *       before the window fills (a value from bar 1); ours is absent until bar n. Same value once
 *       the window is full.
 *   <li><b>BBU, BBL:</b> the same definition (SMA20 ± 2 · population standard deviation of the last
 *       20 closes; ta4j's {@code StandardDeviationIndicator} divides by n, and k defaults to 2).
 *   <li><b>BBW:</b> ta4j's {@code BollingerBandWidthIndicator} is a percentage:
 *       (upper - lower) / middle · 100; ours is the plain ratio. Compared as ours · 100.
 *   <li><b>BBP:</b> the same as ta4j's {@code PercentBIndicator(close, 20, 2)}; when the 20 closes
 *       are equal ours is absent, ta4j divides 0 by 0 (NaN).
 *   <li><b>STOCH_FASTK:</b> ta4j's {@code StochasticOscillatorKIndicator(series, 12)} is the same
 *       fast %K (it uses partial windows before bar 12); when HH12 == LL12 ta4j gives NaN (0/0),
 *       ours 0.
 *   <li><b>STOCH_K, STOCH_D:</b> ta4j has no slow stochastic; its {@code
 *       StochasticOscillatorDIndicator} is a 3-bar SMA of the fast %K, not our 5-bar. Ours equals
 *       {@code SMA(SMA(fastK, 5), 5)} built from ta4j's {@code SMAIndicator}, which is compared.
 *   <li><b>VALUE, TRADINGVALUE:</b> ta4j has no such indicator; they are checked by
 *       {@link IndicatorsReferenceTest} and {@link IndicatorsTest}.
 * </ol>
 */
class IndicatorsCrossCheckTest {
    static final double TOL = 1e-9;
    /** Bar (1-based) from which the differently seeded recursive indicators are compared. */
    static final int DECAYED = 400;
    static final int N = 3000;

    static Bars bars;
    static Feeder ours;
    static BarSeries series;

    @BeforeAll
    static void build() {
        bars = IndicatorsReferenceTest.continuousWalk(N, 42);
        ours = IndicatorsReferenceTest.feed(bars, 120, ConditionSet.EMPTY);
        series = ta4jSeries(bars);
    }

    static BarSeries ta4jSeries(Bars b) {
        BarSeries s = new BaseBarSeriesBuilder().withName("walk").withNumTypeOf(DoubleNum.class).build();
        ZonedDateTime end = ZonedDateTime.of(2024, 1, 1, 0, 5, 0, 0, ZoneOffset.UTC);
        for (int i = 0; i < b.n(); i++) {
            s.addBar(end.plusMinutes(5L * i), b.o()[i], b.h()[i], b.l()[i], b.c()[i], b.v()[i]);
        }
        return s;
    }

    private static double ta(Indicator<Num> ind, int bar) {
        return ind.getValue(bar - 1).doubleValue();
    }

    /** Compares ours with ta4j's (times a scale) on every bar from {@code from} on where ours is ready. */
    private static int compare(Field field, Indicator<Num> theirs, double scale, int from) {
        int compared = 0;
        for (int k = from; k <= N; k++) {
            double mine = ours.rec.at(k, field);
            if (Double.isNaN(mine)) {
                continue;
            }
            double t = ta(theirs, k);
            if (Double.isNaN(t) || Math.abs(mine * scale - t) > TOL * Math.max(1, Math.abs(t))) {
                fail(field + " at bar " + k + ": ours " + mine * scale + ", ta4j " + t);
            }
            compared++;
        }
        return compared;
    }

    @Test
    void simpleMeansAgreeOnceTheWindowIsFull() {
        ClosePriceIndicator close = new ClosePriceIndicator(series);
        VolumeIndicator volume = new VolumeIndicator(series);
        assertEquals(N - 4, compare(PSMA5, new SMAIndicator(close, 5), 1, 1));
        assertEquals(N - 19, compare(PSMA20, new SMAIndicator(close, 20), 1, 1));
        assertEquals(N - 59, compare(PSMA60, new SMAIndicator(close, 60), 1, 1));
        compare(VSMA5, new SMAIndicator(volume, 5), 1, 1);
        compare(VSMA20, new SMAIndicator(volume, 20), 1, 1);
        assertEquals(N - 59, compare(VSMA60, new SMAIndicator(volume, 60), 1, 1));
        // the ratios, from ta4j's mean
        SMAIndicator sma20 = new SMAIndicator(close, 20);
        for (int k = 20; k <= N; k++) {
            double m = ta(sma20, k);
            assertEquals((bars.c()[k - 1] - m) / m, ours.rec.at(k, PSMAR20), TOL);
        }
    }

    @Test
    void bollingerAgrees() {
        ClosePriceIndicator close = new ClosePriceIndicator(series);
        BollingerBandsMiddleIndicator mid = new BollingerBandsMiddleIndicator(new SMAIndicator(close, 20));
        StandardDeviationIndicator sd = new StandardDeviationIndicator(close, 20);
        BollingerBandsUpperIndicator up = new BollingerBandsUpperIndicator(mid, sd);
        BollingerBandsLowerIndicator low = new BollingerBandsLowerIndicator(mid, sd);
        assertEquals(N - 19, compare(BBU, up, 1, 1));
        assertEquals(N - 19, compare(BBL, low, 1, 1));
        assertEquals(N - 19, compare(BBW, new BollingerBandWidthIndicator(up, mid, low), 100, 1)); // ta4j: percent
        assertEquals(N - 19, compare(BBP, new PercentBIndicator(close, 20, 2.0), 1, 1));
    }

    @Test
    void stochasticAgrees() {
        StochasticOscillatorKIndicator fastK = new StochasticOscillatorKIndicator(series, 12);
        SMAIndicator slowK = new SMAIndicator(fastK, 5);
        SMAIndicator slowD = new SMAIndicator(slowK, 5);
        assertEquals(N - 11, compare(STOCH_FASTK, fastK, 1, 1));
        assertEquals(N - 15, compare(STOCH_K, slowK, 1, 1));
        assertEquals(N - 19, compare(STOCH_D, slowD, 1, 1));
    }

    @Test
    void recursiveIndicatorsAgreeOnceTheSeedHasDecayed() {
        ClosePriceIndicator close = new ClosePriceIndicator(series);
        MACDIndicator macd = new MACDIndicator(close, 12, 26);
        int n = N - DECAYED + 1;
        assertEquals(n, compare(EMA12, new EMAIndicator(close, 12), 1, DECAYED));
        assertEquals(n, compare(EMA26, new EMAIndicator(close, 26), 1, DECAYED));
        assertEquals(n, compare(MACD, macd, 1, DECAYED));
        assertEquals(n, compare(MACD_SIGNAL, macd.getSignalLine(9), 1, DECAYED));
        assertEquals(n, compare(MACD_HIST, macd.getHistogram(9), 1, DECAYED));
        assertEquals(n, compare(RSI14, new RSIIndicator(close, 14), 1, DECAYED));
    }

    /** Each difference written down in the class comment, shown to be real. */
    @Test
    void theDocumentedDifferencesAreReal() {
        ClosePriceIndicator close = new ClosePriceIndicator(series);
        // EMA: ta4j seeds with the first close and has values before bar n; at bar 12 ours is SMA12.
        EMAIndicator ema12 = new EMAIndicator(close, 12);
        assertEquals(bars.c()[0], ta(ema12, 1), 0);
        assertTrue(Double.isNaN(ours.rec.at(11, EMA12)));
        double sma12 = ta(new SMAIndicator(close, 12), 12);
        assertEquals(sma12, ours.rec.at(12, EMA12), 1e-9);
        assertTrue(Math.abs(ta(ema12, 12) - sma12) > 1e-6, "ta4j's EMA12 at bar 12 is not SMA12");
        // RSI: ta4j has a value at bar 2 already; different seed, visibly different at bar 15.
        RSIIndicator rsi = new RSIIndicator(close, 14);
        assertTrue(Double.isNaN(ours.rec.at(14, RSI14)));
        assertTrue(Math.abs(ta(rsi, 15) - ours.rec.at(15, RSI14)) > 1e-6);
        // SMA: ta4j averages a partial window.
        assertEquals(bars.c()[0], ta(new SMAIndicator(close, 5), 1), 0);
        assertTrue(Double.isNaN(ours.rec.at(4, PSMA5)));
        // Stochastic D: ta4j's is a 3-bar mean of fast K.
        StochasticOscillatorKIndicator fastK = new StochasticOscillatorKIndicator(series, 12);
        StochasticOscillatorDIndicator d = new StochasticOscillatorDIndicator(fastK);
        double mean3 = (ta(fastK, 98) + ta(fastK, 99) + ta(fastK, 100)) / 3;
        assertEquals(mean3, ta(d, 100), 1e-9);

        // Flat series: ta4j's fast K and %B are NaN, its RSI 0; ours 0, absent and 100.
        double[] flat = new double[40];
        Arrays.fill(flat, 100);
        Bars fb = new Bars(flat, flat.clone(), flat.clone(), flat.clone(), new long[40], new int[40]);
        Arrays.fill(fb.ticks(), 1);
        Arrays.fill(fb.v(), 10);
        Feeder f = IndicatorsReferenceTest.feed(fb, 120, ConditionSet.EMPTY);
        BarSeries fs = ta4jSeries(fb);
        ClosePriceIndicator fc = new ClosePriceIndicator(fs);
        assertTrue(Double.isNaN(ta(new StochasticOscillatorKIndicator(fs, 12), 30)));
        assertEquals(0.0, f.rec.at(30, STOCH_FASTK), 0);
        assertTrue(Double.isNaN(ta(new PercentBIndicator(fc, 20, 2.0), 30)));
        assertTrue(Double.isNaN(f.rec.at(30, BBP)));
        assertEquals(0.0, ta(new RSIIndicator(fc, 14), 30), 0);
        assertEquals(100.0, f.rec.at(30, RSI14), 0);
        assertEquals(0.0, f.rec.at(30, BBW), 0);
    }
}
