package engine.sources.ls;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an LS ticker is, which decides the TR codes it is registered under on the websocket
 * (README "The ls source"). Only the trade TR makes ticks; quotes and member flow are optional.
 */
public enum Instrument {
    KOSPI("kospi", "S3_", "H1_", "K1_"),
    KOSDAQ("kosdaq", "K3_", "HA_", "OK_"),
    KOSPI200_FUTURE("kospi200-future", "FC0", "FH0", null),
    KOSPI200_OPTION("kospi200-option", "OC0", "OH0", null),
    OVERSEAS_FUTURE("overseas-future", "OVC", "OVH", null);

    /** KRX derivatives codes: 8 characters, futures start with 1, calls with 2, puts with 3 ({@code 101W9000}, {@code 201W9342}). */
    private static final Pattern KRX_DERIVATIVE = Pattern.compile("[123][0-9A-Z]{7}");
    /** Overseas futures: a root, a month letter and a two-digit year ({@code NQU23}, {@code CLF25}). */
    private static final Pattern OVERSEAS = Pattern.compile("[A-Z0-9]{1,5}[FGHJKMNQUVXZ][0-9]{2}");
    private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");

    private final String id;
    private final String trades;
    private final String quotes;
    private final String members;

    Instrument(String id, String trades, String quotes, String members) {
        this.id = id;
        this.trades = trades;
        this.quotes = quotes;
        this.members = members;
    }

    /** The name users write ({@code kospi200-future}). */
    public String id() {
        return id;
    }

    /** The trade TR code ({@code S3_}). */
    public String trades() {
        return trades;
    }

    /** The quotes (order book) TR code ({@code H1_}). */
    public String quotes() {
        return quotes;
    }

    /** The member (broker) flow TR code, or null when the instrument has none. */
    public String members() {
        return members;
    }

    /** The TR code of a channel ({@code trades}, {@code quotes}, {@code members}), or null when the instrument has none. */
    public String tr(String channel) {
        return switch (channel) {
            case "trades" -> trades;
            case "quotes" -> quotes;
            case "members" -> members;
            default -> null;
        };
    }

    /** Whether it is a stock (KOSPI, KOSDAQ): the instruments with member flow. */
    public boolean stock() {
        return this == KOSPI || this == KOSDAQ;
    }

    /** The TR key a code is registered under: overseas codes are padded with spaces to 8 characters. */
    public String key(String symbol) {
        if (this == OVERSEAS_FUTURE && symbol.length() < 8) {
            return symbol + " ".repeat(8 - symbol.length());
        }
        return symbol;
    }

    /** The instrument a name stands for ({@code kospi}, {@code kospi200-future}, case-insensitive). */
    public static Instrument parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Instrument i : values()) {
            if (i.id.equals(n)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown instrument \"" + name + "\": one of kospi, kosdaq, "
                + "kospi200-future, kospi200-option, overseas-future");
    }

    /** The instrument whose trade TR code this is, or null. */
    public static Instrument byTrades(String trCd) {
        for (Instrument i : values()) {
            if (i.trades.equals(trCd)) {
                return i;
            }
        }
        return null;
    }

    /** The instrument one of whose TR codes (any channel) this is, or null. */
    public static Instrument byTr(String trCd) {
        for (Instrument i : values()) {
            if (i.trades.equals(trCd) || i.quotes.equals(trCd) || trCd.equals(i.members)) {
                return i;
            }
        }
        return null;
    }

    /** The channel a TR code carries ({@code trades}, {@code quotes}, {@code members}), or null. */
    public static String channelOf(String trCd) {
        Instrument i = byTr(trCd);
        if (i == null) {
            return null;
        }
        return i.trades.equals(trCd) ? "trades" : i.quotes.equals(trCd) ? "quotes" : "members";
    }

    /**
     * What a code's shape says, in the order to try: a six-digit code is KOSPI or KOSDAQ (the first
     * registration the server acks decides); empty when the shape says nothing.
     */
    public static List<Instrument> byShape(String symbol) {
        if (SIX_DIGITS.matcher(symbol).matches()) {
            return List.of(KOSPI, KOSDAQ);
        }
        if (KRX_DERIVATIVE.matcher(symbol).matches()) {
            return List.of(symbol.charAt(0) == '1' ? KOSPI200_FUTURE : KOSPI200_OPTION);
        }
        if (OVERSEAS.matcher(symbol).matches()) {
            return List.of(OVERSEAS_FUTURE);
        }
        return List.of();
    }
}
