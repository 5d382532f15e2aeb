package persistence;

import conditions.Market;
import java.util.List;

/**
 * A ticker the node watches.
 *
 * @param symbol     the symbol
 * @param source     where its ticks come from ({@code push}: the ingest API)
 * @param addedAt    when it was added, epoch millis
 * @param market     the market it was added with ({@code KRX}, {@code CRYPTO}), which wins over a tick's
 *                   and the symbol's; {@code null} when none was given (and in records written before
 *                   markets could be given)
 * @param instrument what the source should take it for ({@code kospi}, {@code kospi200-future}: the
 *                   {@code ls} source's instruments), or {@code null} to let the source decide (and in
 *                   records written before instruments could be given)
 * @param channels   what the source feeds of it: {@code trades} (ticks, bars), {@code quotes} (the order
 *                   book), {@code members} (broker flow); read as {@link #DEFAULT_CHANNELS} when absent
 *                   (records written before channels)
 * @param addedBy    what added it: {@code null} for a user (by hand, the API, an ingest), {@link #UNIVERSE}
 *                   for the daily universe job, which removes only what it added; {@code null} in
 *                   records written before
 */
public record WatchedTicker(String symbol, String source, long addedAt, String market, String instrument,
                            List<String> channels, String addedBy) implements CborSerializable {
    public static final String TRADES = "trades";
    public static final String QUOTES = "quotes";
    public static final String MEMBERS = "members";
    /** Every channel name, in the order they are shown and registered. */
    public static final List<String> CHANNELS = List.of(TRADES, QUOTES, MEMBERS);
    public static final List<String> DEFAULT_CHANNELS = List.of(TRADES);
    /** {@link #addedBy} of a ticker the universe job added. */
    public static final String UNIVERSE = "universe";

    public WatchedTicker {
        // absent in old records: trades only, as every ticker was fed before channels existed
        channels = channels == null || channels.isEmpty() ? DEFAULT_CHANNELS
                : CHANNELS.stream().filter(channels::contains).toList();
    }

    public WatchedTicker(String symbol, String source, long addedAt, String market, String instrument,
                         List<String> channels) {
        this(symbol, source, addedAt, market, instrument, channels, null);
    }

    public WatchedTicker(String symbol, String source, long addedAt, String market) {
        this(symbol, source, addedAt, market, null, null, null);
    }

    public WatchedTicker(String symbol, String source, long addedAt) {
        this(symbol, source, addedAt, null);
    }

    /** A ticker the universe job adds (a naver stock, trades only). */
    public static WatchedTicker byUniverse(String symbol, String source, long addedAt, String market) {
        return new WatchedTicker(symbol, source, addedAt, market, null, null, UNIVERSE);
    }

    /** Whether the universe job added it (and may remove it). */
    public boolean byUniverse() {
        return UNIVERSE.equals(addedBy);
    }

    /** {@link #market} as a {@link Market}, or {@code null}. */
    public Market explicitMarket() {
        return market == null ? null : Market.valueOf(market);
    }

    public boolean wants(String channel) {
        return channels.contains(channel);
    }
}
