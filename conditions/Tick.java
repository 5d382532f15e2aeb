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
        return price > 0 && price <= MAX_PRICE
                && volume >= 0 && (volume < Volume.MAX_UNITS || volume == Volume.MAX_UNITS && volumeFraction == 0)
                && volumeFraction >= 0 && volumeFraction < Volume.SCALE
                && (cumVolume == NO_CUM && cumFraction == 0
                    || cumVolume >= 0 && (cumVolume < Volume.MAX_UNITS || cumVolume == Volume.MAX_UNITS && cumFraction == 0)
                       && cumFraction >= 0 && cumFraction < Volume.SCALE);
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
        if (!(price > 0) || price > MAX_PRICE) {
            return "price must be a positive number up to 10^15, got " + price;
        }
        if (volume < 0 || volumeFraction < 0 || volumeFraction >= Volume.SCALE) {
            return "volume must not be negative";
        }
        if (volume > Volume.MAX_UNITS || volume == Volume.MAX_UNITS && volumeFraction != 0) {
            return "volume is larger than 10^15";
        }
        if (cumVolume == NO_CUM) {
            return cumVolumeFraction == 0 ? null : "cum_volume must not be negative";
        }
        if (cumVolume < 0 || cumVolumeFraction < 0 || cumVolumeFraction >= Volume.SCALE) {
            return "cum_volume must not be negative";
        }
        if (cumVolume > Volume.MAX_UNITS || cumVolume == Volume.MAX_UNITS && cumVolumeFraction != 0) {
            return "cum_volume is larger than 10^15";
        }
        return null;
    }
}
