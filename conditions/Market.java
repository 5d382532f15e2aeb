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
    CRYPTO(ZoneOffset.UTC, -1, -1);

    static final long MINUTE = 60_000L;
    static final long DAY = 86_400_000L;

    private final ZoneOffset offset;
    private final long offsetMillis;
    /** Session open and close in minutes of the local day; -1 for a market that never closes. */
    private final int openMinute;
    private final int closeMinute;

    Market(ZoneOffset offset, int openMinute, int closeMinute) {
        this.offset = offset;
        this.offsetMillis = offset.getTotalSeconds() * 1000L;
        this.openMinute = openMinute;
        this.closeMinute = closeMinute;
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

    /** Parses a market name as written in tick files and the API ({@code KRX}, {@code CRYPTO}). */
    public static Market parse(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        for (Market m : values()) {
            if (m.name().equals(upper)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown market \"" + name + "\"; known: KRX, CRYPTO");
    }
}
