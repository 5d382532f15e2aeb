package persistence;

import conditions.Market;

/**
 * A ticker the node watches.
 *
 * @param symbol  the symbol
 * @param source  where its ticks come from ({@code push}: the ingest API)
 * @param addedAt when it was added, epoch millis
 * @param market  the market it was added with ({@code KRX}, {@code CRYPTO}), which wins over a tick's
 *                and the symbol's; {@code null} when none was given (and in records written before
 *                markets could be given)
 * @param addedBy what added it: {@code null} for a user (by hand, the API, an ingest), {@link #UNIVERSE}
 *                for the daily universe job, which removes only what it added; {@code null} in
 *                records written before
 */
public record WatchedTicker(String symbol, String source, long addedAt, String market, String addedBy)
        implements CborSerializable {
    /** {@link #addedBy} of a ticker the universe job added. */
    public static final String UNIVERSE = "universe";

    public WatchedTicker(String symbol, String source, long addedAt) {
        this(symbol, source, addedAt, null, null);
    }

    public WatchedTicker(String symbol, String source, long addedAt, String market) {
        this(symbol, source, addedAt, market, null);
    }

    /** Whether the universe job added it (and may remove it). */
    public boolean byUniverse() {
        return UNIVERSE.equals(addedBy);
    }

    /** {@link #market} as a {@link Market}, or {@code null}. */
    public Market explicitMarket() {
        return market == null ? null : Market.valueOf(market);
    }
}
