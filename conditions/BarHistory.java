package conditions;

import static conditions.Field.*;

/**
 * The closed bars of one symbol and everything the indicators need, in fixed-size rings.
 *
 * <p>Window indicators (means, Bollinger, stochastic) are recomputed from the bars in their window
 * when asked, so only the recursive ones (EMA, MACD signal, RSI averages) are stored per bar. The
 * bar ring keeps {@link #WINDOW} more bars than are shown, so every shown bar has its full window;
 * one more slot is spare, so a forming bar can be appended, read and retracted without touching a
 * shown bar. Work per bar is bounded by the longest window (60), never by history length.
 */
public final class BarHistory {
    /** Bars a window reaches back beyond the bar itself: the longest window is 60. */
    static final int WINDOW = 59;
    private static final double A12 = 2.0 / 13, A26 = 2.0 / 27, A9 = 2.0 / 10;

    private final int keep;
    private final int cap;
    private final int rcap;
    private long count;

    private final long[] start;
    private final double[] open;
    private final double[] high;
    private final double[] low;
    private final double[] close;
    private final long[] volume;
    /** The volumes' fractions in 10^-8 (see {@link Volume}). */
    private final int[] volumeFraction;

    // Recursive state per bar. While an average is still being seeded, its slot holds the running
    // sum of the seed values (MACD values for the signal, gains and losses for RSI).
    private final double[] ema12;
    private final double[] ema26;
    private final double[] signal;
    private final double[] gain;
    private final double[] loss;

    private final double[] fastK = new double[9];

    /** @param keep how many closed bars are shown with their indicators (at least 2) */
    public BarHistory(int keep) {
        if (keep < 2) {
            throw new IllegalArgumentException("history must keep at least 2 bars, got " + keep);
        }
        this.keep = keep;
        this.cap = keep + WINDOW + 1;
        this.rcap = keep + 1;
        start = new long[cap];
        open = new double[cap];
        high = new double[cap];
        low = new double[cap];
        close = new double[cap];
        volume = new long[cap];
        volumeFraction = new int[cap];
        ema12 = new double[rcap];
        ema26 = new double[rcap];
        signal = new double[rcap];
        gain = new double[rcap];
        loss = new double[rcap];
    }

    public int keep() {
        return keep;
    }

    /** Bars closed since the symbol's first bar (the sequence number of the next bar). */
    public long count() {
        return count;
    }

    /** Sequence number of the oldest bar that is shown with indicators. */
    public long firstShown() {
        return Math.max(0, count - keep);
    }

    public long start(long seq) {
        return start[slot(seq)];
    }

    /** Whole part of the volume of bar {@code seq} (a kept bar). */
    public long volumeUnits(long seq) {
        return volume[slot(seq)];
    }

    /** Fraction (10^-8) of the volume of bar {@code seq}. */
    public int volumeFraction(long seq) {
        return volumeFraction[slot(seq)];
    }

    private int slot(long seq) {
        return (int) (seq % cap);
    }

    /**
     * The slot after {@code i}, wrapping without a branch: a branch that is never taken until the
     * ring first wraps makes the JIT throw away and recompile the whole hot path mid-run.
     */
    private int next(int i) {
        int j = i + 1;
        return j & ((j - cap) >> 31);
    }

    private int rslot(long seq) {
        return (int) (seq % rcap);
    }

    /** Appends a closed bar and advances the recursive indicators. */
    public void append(long barStart, double o, double h, double l, double c, long v, int vFraction) {
        long seq = count;
        int i = slot(seq);
        start[i] = barStart;
        open[i] = o;
        high[i] = h;
        low[i] = l;
        close[i] = c;
        volume[i] = v;
        volumeFraction[i] = vFraction;
        int r = rslot(seq);
        ema12[r] = nextEma(seq, 12, A12, ema12);
        ema26[r] = nextEma(seq, 26, A26, ema26);
        signal[r] = nextSignal(seq, r);
        if (seq == 0) {
            gain[r] = 0;
            loss[r] = 0;
        } else {
            double change = c - close[slot(seq - 1)];
            double g = change > 0 ? change : 0;
            double d = change < 0 ? -change : 0;
            int p = rslot(seq - 1);
            // seq is the number of close-to-close changes up to this bar
            if (seq < 14) {
                gain[r] = gain[p] + g;
                loss[r] = loss[p] + d;
            } else if (seq == 14) {
                gain[r] = (gain[p] + g) / 14;
                loss[r] = (loss[p] + d) / 14;
            } else {
                gain[r] = (gain[p] * 13 + g) / 14;
                loss[r] = (loss[p] * 13 + d) / 14;
            }
        }
        count = seq + 1;
    }

    /**
     * Takes back the bar appended last. Only valid straight after {@link #append}: used to read the
     * indicators of a forming bar as if it had closed.
     */
    public void retract() {
        count--;
    }

    private double nextEma(long seq, int n, double alpha, double[] ema) {
        if (seq + 1 < n) {
            return Double.NaN;
        }
        if (seq + 1 == n) {
            return mean(close, seq, n);
        }
        double prev = ema[rslot(seq - 1)];
        return prev + alpha * (close[slot(seq)] - prev);
    }

    private double nextSignal(long seq, int r) {
        long m = seq + 1 - 25; // number of MACD values up to this bar
        if (m < 1) {
            return Double.NaN;
        }
        double macd = ema12[r] - ema26[r];
        if (m == 1) {
            return macd;
        }
        double prev = signal[rslot(seq - 1)];
        if (m < 9) {
            return prev + macd;
        }
        if (m == 9) {
            return (prev + macd) / 9;
        }
        return prev + A9 * (macd - prev);
    }

    /** Mean of the last n values of a ring ending at bar seq (oldest first, the same order everywhere). */
    private double mean(double[] ring, long seq, int n) {
        int i = slot(seq - n + 1);
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += ring[i];
            i = next(i);
        }
        return sum / n;
    }

    private double meanVolume(long seq, int n) {
        int i = slot(seq - n + 1);
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += Volume.toDouble(volume[i], volumeFraction[i]);
            i = next(i);
        }
        return sum / n;
    }

    /**
     * Writes the bar fields and every indicator of bar {@code seq} into {@code out} (indexed by
     * {@link Field#ordinal()}); an indicator that is not ready yet is {@code NaN}.
     * {@code seq} must be a shown bar: {@code firstShown() <= seq < count()}.
     */
    public void compute(long seq, double[] out) {
        int i = slot(seq);
        long n = seq + 1;
        double c = close[i];
        double v = Volume.toDouble(volume[i], volumeFraction[i]);
        out[OPEN.ordinal()] = open[i];
        out[HIGH.ordinal()] = high[i];
        out[LOW.ordinal()] = low[i];
        out[CLOSE.ordinal()] = c;
        out[VOLUME.ordinal()] = v;

        smaPair(out, PSMA5, PSMAR5, n >= 5 ? mean(close, seq, 5) : Double.NaN, c);
        smaPair(out, PSMA20, PSMAR20, n >= 20 ? mean(close, seq, 20) : Double.NaN, c);
        smaPair(out, PSMA60, PSMAR60, n >= 60 ? mean(close, seq, 60) : Double.NaN, c);
        smaPair(out, VSMA5, VSMAR5, n >= 5 ? meanVolume(seq, 5) : Double.NaN, v);
        smaPair(out, VSMA20, VSMAR20, n >= 20 ? meanVolume(seq, 20) : Double.NaN, v);
        smaPair(out, VSMA60, VSMAR60, n >= 60 ? meanVolume(seq, 60) : Double.NaN, v);

        int r = rslot(seq);
        double e12 = ema12[r];
        double e26 = ema26[r];
        out[EMA12.ordinal()] = e12;
        out[EMA26.ordinal()] = e26;
        double macd = n >= 26 ? e12 - e26 : Double.NaN;
        double sig = n >= 26 + 8 ? signal[r] : Double.NaN;
        out[MACD.ordinal()] = macd;
        out[MACD_SIGNAL.ordinal()] = sig;
        out[MACD_HIST.ordinal()] = macd - sig;

        bollinger(seq, n, c, out);
        stochastic(seq, n, out);

        out[RSI14.ordinal()] = seq >= 14 ? rsi(gain[r], loss[r]) : Double.NaN;
        double value = c * v;
        out[VALUE.ordinal()] = value;
        out[TRADINGVALUE.ordinal()] = value / 1e8;
    }

    private static void smaPair(double[] out, Field sma, Field ratio, double mean, double x) {
        out[sma.ordinal()] = mean;
        out[ratio.ordinal()] = mean == 0 ? Double.NaN : (x - mean) / mean;
    }

    private static double rsi(double avgGain, double avgLoss) {
        return avgLoss == 0 ? 100 : 100 - 100 / (1 + avgGain / avgLoss);
    }

    private void bollinger(long seq, long n, double c, double[] out) {
        if (n < 20) {
            out[BBU.ordinal()] = out[BBL.ordinal()] = out[BBW.ordinal()] = out[BBP.ordinal()] = Double.NaN;
            return;
        }
        double mean = out[PSMA20.ordinal()];
        double ss = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int i = slot(seq - 19);
        for (int k = 0; k < 20; k++, i = next(i)) {
            double x = close[i];
            double d = x - mean;
            ss += d * d;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        // Equal closes have sd 0 exactly, whatever rounding the mean picked up.
        double sd = max == min ? 0 : Math.sqrt(ss / 20);
        double upper = mean + 2 * sd;
        double lower = mean - 2 * sd;
        out[BBU.ordinal()] = upper;
        out[BBL.ordinal()] = lower;
        out[BBW.ordinal()] = (upper - lower) / mean;
        out[BBP.ordinal()] = sd == 0 ? Double.NaN : (c - lower) / (upper - lower);
    }

    private void stochastic(long seq, long n, double[] out) {
        // fast K needs 12 bars; slow K is the mean of 5 fast K; D the mean of 5 slow K.
        long firstFast = 11;
        int have = (int) Math.min(9, n - firstFast); // fast K values ending at seq we can use (max 9)
        if (have <= 0) {
            out[STOCH_FASTK.ordinal()] = out[STOCH_K.ordinal()] = out[STOCH_D.ordinal()] = Double.NaN;
            return;
        }
        for (int j = 0; j < have; j++) {
            fastK[j] = fastK(seq - have + 1 + j);
        }
        out[STOCH_FASTK.ordinal()] = fastK[have - 1];
        if (have < 5) {
            out[STOCH_K.ordinal()] = out[STOCH_D.ordinal()] = Double.NaN;
            return;
        }
        out[STOCH_K.ordinal()] = meanOf(fastK, have - 5, 5);
        if (have < 9) {
            out[STOCH_D.ordinal()] = Double.NaN;
            return;
        }
        double sumK = 0;
        for (int j = 0; j < 5; j++) {
            sumK += meanOf(fastK, j, 5);
        }
        out[STOCH_D.ordinal()] = sumK / 5;
    }

    private static double meanOf(double[] a, int from, int n) {
        double sum = 0;
        for (int j = from; j < from + n; j++) {
            sum += a[j];
        }
        return sum / n;
    }

    private double fastK(long seq) {
        double hh = Double.NEGATIVE_INFINITY;
        double ll = Double.POSITIVE_INFINITY;
        int i = slot(seq - 11);
        for (int k = 0; k < 12; k++, i = next(i)) {
            hh = Math.max(hh, high[i]);
            ll = Math.min(ll, low[i]);
        }
        return hh == ll ? 0 : 100 * (close[slot(seq)] - ll) / (hh - ll);
    }

    /** Oldest bar kept for indicator windows. */
    private long firstKept() {
        return Math.max(0, count - (cap - 1));
    }

    /** Copies the rings into {@code snap}'s shape: bars from the oldest kept, recursive values from the oldest shown. */
    void exportTo(Exported out) {
        long from = firstKept();
        int n = (int) (count - from);
        out.start = new long[n];
        out.open = new double[n];
        out.high = new double[n];
        out.low = new double[n];
        out.close = new double[n];
        out.volume = new long[n];
        out.volumeFraction = new int[n];
        for (int j = 0; j < n; j++) {
            int i = slot(from + j);
            out.start[j] = start[i];
            out.open[j] = open[i];
            out.high[j] = high[i];
            out.low[j] = low[i];
            out.close[j] = close[i];
            out.volume[j] = volume[i];
            out.volumeFraction[j] = volumeFraction[i];
        }
        long rfrom = firstShown();
        int m = (int) (count - rfrom);
        out.ema12 = new double[m];
        out.ema26 = new double[m];
        out.signal = new double[m];
        out.gain = new double[m];
        out.loss = new double[m];
        for (int j = 0; j < m; j++) {
            int r = rslot(rfrom + j);
            out.ema12[j] = ema12[r];
            out.ema26[j] = ema26[r];
            out.signal[j] = signal[r];
            out.gain[j] = gain[r];
            out.loss[j] = loss[r];
        }
    }

    void restore(long barCount, long[] st, double[] o, double[] h, double[] l, double[] c, long[] v,
                 int[] vf, double[] e12, double[] e26, double[] sig, double[] g, double[] d) {
        count = barCount;
        long from = barCount - st.length;
        if (from < 0 || st.length < Math.min(barCount, cap - 1)) {
            throw new IllegalArgumentException("snapshot holds " + st.length + " bars of " + barCount
                    + "; this history needs " + Math.min(barCount, cap - 1));
        }
        for (int j = 0; j < st.length; j++) {
            int i = slot(from + j);
            start[i] = st[j];
            open[i] = o[j];
            high[i] = h[j];
            low[i] = l[j];
            close[i] = c[j];
            volume[i] = v[j];
            volumeFraction[i] = vf[j];
        }
        long rfrom = barCount - e12.length;
        if (e12.length < Math.min(barCount, keep)) {
            throw new IllegalArgumentException("snapshot holds indicator state for " + e12.length
                    + " bars; this history shows " + Math.min(barCount, keep));
        }
        for (int j = 0; j < e12.length; j++) {
            int r = rslot(rfrom + j);
            ema12[r] = e12[j];
            ema26[r] = e26[j];
            signal[r] = sig[j];
            gain[r] = g[j];
            loss[r] = d[j];
        }
    }

    /** Mutable carrier for {@link #exportTo}. */
    static final class Exported {
        long[] start;
        double[] open;
        double[] high;
        double[] low;
        double[] close;
        long[] volume;
        int[] volumeFraction;
        double[] ema12;
        double[] ema26;
        double[] signal;
        double[] gain;
        double[] loss;
    }

    /** The bar fields of one bar as a record (for snapshots and the API). */
    public Bar bar(long seq) {
        int i = slot(seq);
        return new Bar(start[i], open[i], high[i], low[i], close[i], new Volume(volume[i], volumeFraction[i]));
    }
}
