package conditions;

/**
 * One trade, or one minute's summary from a crawler.
 *
 * <p>Volumes are exact decimals with up to 8 places, each held as a whole part and a fraction in
 * hundred-millionths (see {@link Volume}): primitives, because every parser builds a tick per line
 * and the model reads them ten million times a second.
 *
 * @param symbol            the ticker ({@code 005930}, {@code BTCUSDT})
 * @param time              exchange timestamp, epoch milliseconds
 * @param price             trade price, positive
 * @param volume            whole part of the size of this trade (or of this minute), zero or more
 * @param volumeFraction    the size's fraction in units of 10^-8
 * @param cumVolume         whole part of the trading day's cumulative volume after this trade, or {@link #NO_CUM}
 * @param cumVolumeFraction the cumulative volume's fraction in units of 10^-8 (0 without one)
 * @param market            where it trades; {@code null} in the constructor means {@link Market#forSymbol}
 */
public record Tick(String symbol, long time, double price, long volume, int volumeFraction,
                   long cumVolume, int cumVolumeFraction, Market market) {

    /** {@link #cumVolume} of a tick that does not carry one. */
    public static final long NO_CUM = -1L;
    /** The largest price a tick may carry; anything above is an error in the feed. */
    public static final double MAX_PRICE = 1e15;

    public Tick {
        if (market == null) {
            market = Market.forSymbol(symbol);
        }
    }

    /** A tick with whole volumes. */
    public Tick(String symbol, long time, double price, long volume, long cumVolume, Market market) {
        this(symbol, time, price, volume, 0, cumVolume, 0, market);
    }

    public Tick(String symbol, long time, double price, long volume) {
        this(symbol, time, price, volume, 0, NO_CUM, 0, null);
    }

    /** A tick with decimal volumes; {@code cumVolume} may be {@code null}. */
    public static Tick of(String symbol, long time, double price, Volume volume, Volume cumVolume, Market market) {
        return new Tick(symbol, time, price, volume.units(), volume.fraction(),
                cumVolume == null ? NO_CUM : cumVolume.units(), cumVolume == null ? 0 : cumVolume.fraction(), market);
    }

    public boolean hasCumVolume() {
        return cumVolume >= 0;
    }

    /** The size as a value (off the per-tick path). */
    public Volume size() {
        return new Volume(volume, volumeFraction);
    }

    /** The cumulative volume as a value, or {@code null}. */
    public Volume cumulative() {
        return hasCumVolume() ? new Volume(cumVolume, cumVolumeFraction) : null;
    }

    /**
     * The numeric half of {@link #problem()}, for parsers' fast paths: they decide the symbol once
     * per symbol and must not drift from the rules here.
     */
    public static boolean numbersValid(double price, long volume, int volumeFraction, long cumVolume, int cumFraction) {
        return priceValid(price) && volumeProblem(volume, volumeFraction) == null
                && (cumVolume == NO_CUM ? cumFraction == 0 : volumeProblem(cumVolume, cumFraction) == null);
    }

    private static boolean priceValid(double price) {
        return price > 0 && price <= MAX_PRICE;
    }

    /** What is wrong with a volume pair ("must not be negative", "is larger than 10^15"), or null. */
    private static String volumeProblem(long units, int fraction) {
        if (units < 0 || fraction < 0 || fraction >= Volume.SCALE) {
            return "must not be negative";
        }
        if (units > Volume.MAX_UNITS || units == Volume.MAX_UNITS && fraction != 0) {
            return "is larger than 10^15";
        }
        return null;
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
        if (!priceValid(price)) {
            return "price must be a positive number up to 10^15, got " + price;
        }
        String v = volumeProblem(volume, volumeFraction);
        if (v != null) {
            return "volume " + v;
        }
        if (cumVolume == NO_CUM) {
            return cumVolumeFraction == 0 ? null : "cum_volume must not be negative";
        }
        v = volumeProblem(cumVolume, cumVolumeFraction);
        if (v != null) {
            return "cum_volume " + v;
        }
        return null;
    }
}
