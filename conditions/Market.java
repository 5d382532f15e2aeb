package conditions;

import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Where a symbol trades: its clock and its regular session.
 *
 * <p>Both offsets are fixed (Korea has had no daylight saving since 1988), so local time is
 * {@code epochMillis + offsetMillis}: integer arithmetic on the per-tick path, no time-zone rules.
 */
public enum Market {
    /** Korea Exchange: Asia/Seoul, regular session 09:00-15:30 plus the 15:30 closing-auction print. */
    KRX(ZoneOffset.ofHours(9), 9 * 60, 15 * 60 + 30),
    /** Around the clock in UTC (crypto futures and anything that is not a KRX code). */
    CRYPTO(ZoneOffset.UTC, -1, -1),
    /**
     * KRX derivatives (KOSPI200 futures and options): Asia/Seoul, day session 08:45-15:45 plus the
     * 15:45 closing print ({@code tickwatch.market.krx-derivatives}).
     */
    KRX_DERIVATIVES(ZoneOffset.ofHours(9), 8 * 60 + 45, 15 * 60 + 45),
    /**
     * Overseas futures as LS carries them: around the clock, on Korean time, the trading day running
     * from 07:30 to 07:30 the next day ({@code tickwatch.market.overseas-futures.day-start}): a trade
     * at 06:00 belongs to the day before, and the day's cumulative volume starts again at 07:30.
     */
    OVERSEAS_FUTURES(ZoneOffset.ofHours(9), -1, -1, 7 * 60 + 30);

    static final long MINUTE = 60_000L;
    static final long DAY = 86_400_000L;

    private final ZoneOffset offset;
    private final long offsetMillis;
    /**
     * Session open and close in minutes of the local day; -1 for a market that never closes. Set
     * once at start by {@link #configure} for the markets whose sessions are configurable (KRX and
     * CRYPTO are fixed), before any model reads them.
     */
    private volatile int openMinute;
    private volatile int closeMinute;
    /** When a trading day starts, millis after local midnight (0 but for overseas futures). */
    private volatile long dayStartMillis;

    Market(ZoneOffset offset, int openMinute, int closeMinute) {
        this(offset, openMinute, closeMinute, 0);
    }

    Market(ZoneOffset offset, int openMinute, int closeMinute, int dayStartMinute) {
        this.offset = offset;
        this.offsetMillis = offset.getTotalSeconds() * 1000L;
        this.openMinute = openMinute;
        this.closeMinute = closeMinute;
        this.dayStartMillis = dayStartMinute * MINUTE;
    }

    /**
     * Sets a configurable market's session and trading-day start ({@code tickwatch.market}): the
     * node and {@code backtest} call it once, before any tick is read.
     *
     * @param openMinute     minutes after local midnight; -1 (with {@code closeMinute} -1) for no session
     * @param closeMinute    the close minute, whose print joins the last bar
     * @param dayStartMinute when the trading day (and the day's cumulative volume) starts, minutes after midnight
     * @throws IllegalArgumentException for KRX or CRYPTO, or times out of order
     */
    public void configure(int openMinute, int closeMinute, int dayStartMinute) {
        if (this == KRX || this == CRYPTO) {
            throw new IllegalArgumentException(name() + "'s session is fixed");
        }
        boolean none = openMinute == -1 && closeMinute == -1;
        if (!none && !(openMinute >= 0 && openMinute < closeMinute && closeMinute < 24 * 60)) {
            throw new IllegalArgumentException(name() + ": the session must open before it closes, within a day");
        }
        if (dayStartMinute < 0 || dayStartMinute >= 24 * 60) {
            throw new IllegalArgumentException(name() + ": the trading day must start within a day");
        }
        this.openMinute = openMinute;
        this.closeMinute = closeMinute;
        this.dayStartMillis = dayStartMinute * MINUTE;
    }

    /** When this market's trading day starts, in millis after local midnight (07:30 for overseas futures, else 0). */
    public long dayStartMillis() {
        return dayStartMillis;
    }

    public ZoneOffset offset() {
        return offset;
    }

    public long offsetMillis() {
        return offsetMillis;
    }

    public boolean hasSession() {
        return openMinute >= 0;
    }

    /**
     * Whether a local time (millis since the local epoch day 0) falls in the regular session. For
     * KRX that is [09:00, 15:31): the closing auction is printed during 15:30:00-15:30:59.
     */
    boolean inSession(long localMillis) {
        if (openMinute < 0) {
            return true;
        }
        long msOfDay = Math.floorMod(localMillis, DAY);
        return msOfDay >= openMinute * MINUTE && msOfDay < (closeMinute + 1) * MINUTE;
    }

    /**
     * The last instant (local millis of day, exclusive) that still belongs to the session's last
     * regular bar, or -1 when the market has no close. Ticks stamped at or after the close minute
     * but before this instant join the bar that holds the minute before the close.
     */
    long closeMillisOfDay() {
        return closeMinute < 0 ? -1 : closeMinute * MINUTE;
    }

    /**
     * The market of a symbol that does not name one: six digits or capital letters with at least
     * one digit (a KRX code such as {@code 005930} or {@code 0088M0}) is KRX; anything else trades
     * around the clock. Without the digit rule a six-letter crypto pair such as {@code BTCUSD}
     * counted as KRX and lost its night ticks as {@code outside_session}; every KRX code has digits.
     */
    public static Market forSymbol(String symbol) {
        if (symbol.length() != 6) {
            return CRYPTO;
        }
        boolean digit = false;
        for (int i = 0; i < 6; i++) {
            char c = symbol.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (!(c >= 'A' && c <= 'Z')) {
                return CRYPTO;
            }
        }
        return digit ? KRX : CRYPTO;
    }

    /** Parses a market name as written in tick files and the API ({@code KRX}, {@code CRYPTO}, {@code KRX_DERIVATIVES}, ...). */
    public static Market parse(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        for (Market m : values()) {
            if (m.name().equals(upper)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown market \"" + name + "\"; known: KRX, CRYPTO, KRX_DERIVATIVES, "
                + "OVERSEAS_FUTURES");
    }
}
