package conditions;

import static conditions.DailyKey.*;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daily context of one symbol for one trading day: every {@link DailyKey}, computed once from
 * the completed days before it, {@code NaN} where there are too few days (like an indicator that is
 * not ready). Immutable; the backtest and the live node build it with the same {@link #compute}, from
 * the same inputs, so both give the same hits.
 *
 * <p>Daily Bollinger, stochastic and RSI are the 5-minute definitions run over daily bars: the
 * daily bars go through a {@link BarHistory} of their own, so there is one definition of each.
 */
public final class DailyContext {
    /** Computes the context of a symbol's trading day on demand, on the model's thread (the backtest). */
    @FunctionalInterface
    public interface Provider {
        /** The context of {@code day} for {@code symbol}, or {@code null} when there is none. */
        DailyContext contextFor(SymbolState symbol, LocalDate day);
    }

    /** Daily bars a context reads at most (the longest key, {@code 60D_*} / {@code 01D_I60}). */
    public static final int DAYS = 60;
    /** Trading days of 5-minute bars the {@code 20D_} keys read. */
    public static final int BAR_DAYS = 20;
    /** The {@code 20D_TOP20_*} keys average this many largest-volume bars. */
    static final int TOP = 20;
    /** A day without context: every key absent. */
    static final double[] ABSENT = absent();

    private final LocalDate day;
    private final long epochDay;
    private final double[] values;

    private DailyContext(LocalDate day, double[] values) {
        this.day = day;
        this.epochDay = day.toEpochDay();
        this.values = values;
    }

    private static double[] absent() {
        double[] a = new double[DailyKey.COUNT];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    /**
     * The context of trading day {@code day}.
     *
     * @param days   completed daily bars of the symbol, oldest first; days on or after {@code day} are
     *               ignored, and only the newest {@link #DAYS} before it are read
     * @param bars   closed 5-minute bars of the symbol, oldest first; bars on or after {@code day} are
     *               ignored, and only those of the newest {@link #BAR_DAYS} trading days (local dates
     *               of {@code market}) before it are read
     */
    public static DailyContext compute(LocalDate day, List<DailyBar> days, List<Bar> bars, Market market) {
        double[] v = absent();
        List<DailyBar> d = lastBefore(day, days);
        dailyKeys(d, v);
        intradayKeys(day, bars, market, v);
        return new DailyContext(day, v);
    }

    private static List<DailyBar> lastBefore(LocalDate day, List<DailyBar> days) {
        List<DailyBar> before = new ArrayList<>();
        for (DailyBar b : days) {
            if (b.date().isBefore(day)) {
                before.add(b);
            }
        }
        before.sort(Comparator.comparing(DailyBar::date));
        return before.subList(Math.max(0, before.size() - DAYS), before.size());
    }

    private static void dailyKeys(List<DailyBar> d, double[] v) {
        int n = d.size();
        if (n == 0) {
            return;
        }
        DailyBar last = d.get(n - 1);
        v[D01_OPEN.ordinal()] = last.open();
        v[D01_HIGH.ordinal()] = last.high();
        v[D01_LOW.ordinal()] = last.low();
        v[D01_CLOSE.ordinal()] = last.close();
        v[D01_VOLUME.ordinal()] = last.volume();

        // Bollinger, stochastic and RSI as of the last day: the 5-minute definitions over daily bars.
        BarHistory h = new BarHistory(2);
        for (DailyBar b : d) {
            h.append(b.date().toEpochDay() * Market.DAY, b.open(), b.high(), b.low(), b.close(), b.volume(), 0);
        }
        double[] f = new double[Field.COUNT];
        h.compute(h.count() - 1, f);
        v[D01_BBU.ordinal()] = f[Field.BBU.ordinal()];
        v[D01_BBL.ordinal()] = f[Field.BBL.ordinal()];
        v[D01_BBP.ordinal()] = f[Field.BBP.ordinal()];
        v[D01_BBW.ordinal()] = f[Field.BBW.ordinal()];
        // jazzstock stores the daily stochastic on a 0-1 scale
        double k = f[Field.STOCH_K.ordinal()] / 100;
        double dd = f[Field.STOCH_D.ordinal()] / 100;
        v[D01_K.ordinal()] = k;
        v[D01_D.ordinal()] = dd;
        v[D01_J.ordinal()] = 3 * k - 2 * dd;
        v[D01_RSI.ordinal()] = f[Field.RSI14.ordinal()];

        flows(d, v, true, D01_I1, D01_I5, D01_I20, D01_I60);
        flows(d, v, false, D01_F1, D01_F5, D01_F20, D01_F60);

        range(d, 5, v, D05_HIGH, D05_LOW);
        range(d, 60, v, D60_HIGH, D60_LOW);
    }

    /** Net buying summed over the last 1, 5, 20, 60 days; absent when a day of the span has no figure. */
    private static void flows(List<DailyBar> d, double[] v, boolean inst, DailyKey... keys) {
        for (DailyKey key : keys) {
            int span = key.days();
            if (d.size() < span) {
                continue;
            }
            long sum = 0;
            boolean known = true;
            for (int i = d.size() - span; i < d.size() && known; i++) {
                Long x = inst ? d.get(i).instNet() : d.get(i).foreignNet();
                known = x != null;
                sum += known ? x : 0;
            }
            if (known) {
                v[key.ordinal()] = sum;
            }
        }
    }

    private static void range(List<DailyBar> d, int span, double[] v, DailyKey high, DailyKey low) {
        if (d.size() < span) {
            return;
        }
        double hh = Double.NEGATIVE_INFINITY;
        double ll = Double.POSITIVE_INFINITY;
        for (int i = d.size() - span; i < d.size(); i++) {
            hh = Math.max(hh, d.get(i).high());
            ll = Math.min(ll, d.get(i).low());
        }
        v[high.ordinal()] = hh;
        v[low.ordinal()] = ll;
    }

    private static void intradayKeys(LocalDate day, List<Bar> bars, Market market, double[] v) {
        long first = day.toEpochDay();
        // the local dates present before the day, newest first, until BAR_DAYS of them
        long[] dates = new long[BAR_DAYS];
        int found = 0;
        for (int i = bars.size() - 1; i >= 0 && found < BAR_DAYS; i--) {
            long date = localDay(bars.get(i), market);
            if (date < first && (found == 0 || date < dates[found - 1])) {
                dates[found++] = date;
            }
        }
        if (found < BAR_DAYS) {
            return;
        }
        long oldest = dates[BAR_DAYS - 1];
        List<Bar> window = new ArrayList<>();
        for (Bar b : bars) {
            long date = localDay(b, market);
            if (date >= oldest && date < first) {
                window.add(b);
            }
        }
        double[] volumes = new double[window.size()];
        for (int i = 0; i < volumes.length; i++) {
            volumes[i] = window.get(i).volume().toDouble();
        }
        Arrays.sort(volumes);
        v[D20_85QTILE_VOL.ordinal()] = quantile(volumes, 0.85);

        // the 20 largest volumes; of equal volumes the earlier bar first (the sort is stable)
        List<Bar> top = new ArrayList<>(window);
        top.sort(Comparator.comparingDouble((Bar b) -> b.volume().toDouble()).reversed());
        top = top.subList(0, Math.min(TOP, top.size()));
        double vol = 0;
        double close = 0;
        double fluct = 0;
        for (Bar b : top) {
            vol += b.volume().toDouble();
            close += b.close();
            fluct += (b.high() - b.open()) / b.open();
        }
        v[D20_TOP20_MEAN_VOL.ordinal()] = vol / top.size();
        v[D20_TOP20_MEAN_CLOSE.ordinal()] = close / top.size();
        v[D20_TOP20_MEAN_FLUCT.ordinal()] = fluct / top.size();
    }

    private static long localDay(Bar b, Market market) {
        return Math.floorDiv(b.start() + market.offsetMillis(), Market.DAY);
    }

    /**
     * The {@code q} quantile of sorted values, interpolating linearly between the closest ranks
     * (rank {@code q·(n-1)}, as numpy's and pandas' default, which jazzstock used).
     */
    static double quantile(double[] sorted, double q) {
        double rank = q * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }

    /** The trading day it applies to. */
    public LocalDate day() {
        return day;
    }

    /** The key's value, {@code NaN} when it could not be computed. */
    public double value(DailyKey key) {
        return values[key.ordinal()];
    }

    /** The computed keys by name, in key order (absent ones left out). */
    public Map<String, Double> present() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (DailyKey k : DailyKey.values()) {
            if (!Double.isNaN(values[k.ordinal()])) {
                out.put(k.key(), values[k.ordinal()]);
            }
        }
        return out;
    }

    /** The values for a bar starting at local epoch day {@code localDay}: absent on another day. */
    double[] valuesFor(long localDay) {
        return localDay == epochDay ? values : ABSENT;
    }

    @Override
    public String toString() {
        return "DailyContext[" + day + ", " + present() + "]";
    }
}
