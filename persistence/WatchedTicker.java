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
 */
public record WatchedTicker(String symbol, String source, long addedAt, String market) implements CborSerializable {

    public WatchedTicker(String symbol, String source, long addedAt) {
        this(symbol, source, addedAt, null);
    }

    /** {@link #market} as a {@link Market}, or {@code null}. */
    public Market explicitMarket() {
        return market == null ? null : Market.valueOf(market);
    }
}
