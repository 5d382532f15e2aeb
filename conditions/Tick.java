package conditions;

/**
 * One trade, or one minute's summary from a crawler.
 *
 * @param symbol    the ticker ({@code 005930}, {@code BTCUSDT})
 * @param time      exchange timestamp, epoch milliseconds
 * @param price     trade price, positive
 * @param volume    size of this trade (or of this minute), zero or more
 * @param cumVolume the trading day's cumulative volume after this trade, or {@link #NO_CUM}
 * @param market    where it trades; {@code null} in the constructor means {@link Market#forSymbol}
 */
public record Tick(String symbol, long time, double price, long volume, long cumVolume, Market market) {

    /** {@link #cumVolume} of a tick that does not carry one. */
    public static final long NO_CUM = -1L;

    public Tick {
        if (market == null) {
            market = Market.forSymbol(symbol);
        }
    }

    public Tick(String symbol, long time, double price, long volume) {
        this(symbol, time, price, volume, NO_CUM, null);
    }

    public boolean hasCumVolume() {
        return cumVolume >= 0;
    }

    /**
     * The numeric half of {@link #problem()}, for parsers' fast paths: they decide the symbol once
     * per symbol and must not drift from the rules here.
     */
    public static boolean numbersValid(double price, long volume, long cumVolume) {
        return price > 0 && price < Double.POSITIVE_INFINITY && volume >= 0 && cumVolume >= NO_CUM;
    }

    /**
     * Why this tick cannot be used at all, or {@code null} when it is well formed. Parsers and the
     * API call this so a bad tick is rejected as {@code malformed} with a reason before it reaches
     * any state.
     */
    public String problem() {
        if (symbol == null || symbol.isEmpty()) {
            return "symbol is empty";
        }
        if (!Symbols.isValid(symbol)) {
            return "symbol \"" + symbol + "\" is not 1-20 characters of A-Z, 0-9, '.', '-' or '_'";
        }
        if (!(price > 0) || Double.isInfinite(price)) {
            return "price must be a positive number, got " + price;
        }
        if (volume < 0) {
            return "volume must not be negative, got " + volume;
        }
        if (cumVolume < NO_CUM) {
            return "cum_volume must not be negative, got " + cumVolume;
        }
        return null;
    }
}
