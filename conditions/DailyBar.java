package conditions;

import java.time.LocalDate;

/**
 * One completed trading day of a symbol: its daily bar and, where the venue publishes them, the
 * investor flows of that day (KRX: Naver's {@code item/frgn.naver}). The daily context keys of
 * conditions ({@code 01D_CLOSE}, {@code 05D_HIGH}, {@code 01D_I5}, ...) are computed from a run of
 * these, oldest first.
 *
 * @param date           the trading date (the exchange's local date)
 * @param open           the day's open
 * @param high           the day's high
 * @param low            the day's low
 * @param close          the day's close
 * @param volume         the day's volume, shares
 * @param instNet        institutions' net buying that day, shares; {@code null} when not known
 * @param foreignNet     foreigners' net buying that day, shares; {@code null} when not known
 * @param foreignHolding shares held by foreigners at the day's end; {@code null} when not known
 * @param foreignRatio   foreigners' holding as a percentage of listed shares; {@code null} when not known
 */
public record DailyBar(LocalDate date, double open, double high, double low, double close, long volume,
                       Long instNet, Long foreignNet, Long foreignHolding, Double foreignRatio) {

    /** A day without investor flows. */
    public static DailyBar ohlcv(LocalDate date, double open, double high, double low, double close, long volume) {
        return new DailyBar(date, open, high, low, close, volume, null, null, null, null);
    }

    /** Whether the day carries both net-buying figures. */
    public boolean hasFlows() {
        return instNet != null && foreignNet != null;
    }
}
