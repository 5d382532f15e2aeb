package engine.sources.binance;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;

/**
 * The {@code catch-up} part of the binance block: how the source fetches the trades a gap cost from
 * {@code GET <rest-url>/fapi/v1/aggTrades} (README "The binance source").
 *
 * @param restUrl         the REST base, {@code https://fapi.binance.com} ({@code TICKWATCH_BINANCE_URL})
 * @param enabled         off: gaps are only reported
 * @param requestInterval the least time between two requests of one source: {@code aggTrades} weighs 20 of
 *                        the 2,400 an IP may spend a minute, so 1 s (60 a minute) leaves half for orders
 * @param maxTrades       a gap of more trades than this is not fetched (reported unfilled): 100 pages
 * @param maxWait         a symbol's live trades wait for its catch-up this long at most; then they go on
 *                        and the gap is reported unfilled (what was fetched by then is still ingested)
 * @param maxRetries      attempts after the first for one page (429, 418, 5xx, a failed connection)
 * @param backoff         the first pause before a retry without {@code Retry-After} (doubled, jittered)
 */
public record CatchUpSettings(URI restUrl, boolean enabled, Duration requestInterval, int maxTrades,
                              Duration maxWait, int maxRetries, Duration backoff) {

    static final String DEFAULTS = """
            rest-url = "https://fapi.binance.com"
            catch-up { enabled = true, request-interval = 1s, max-trades = 100000, max-wait = 60s,
                       max-retries = 5, backoff = 1s }
            """;

    public CatchUpSettings {
        String scheme = restUrl.getScheme();
        if (scheme == null || !scheme.equals("http") && !scheme.equals("https") || restUrl.getHost() == null) {
            throw new IllegalArgumentException("rest-url must be an http(s) URL, got "
                    + BinanceSettings.scrub(restUrl.toString()));
        }
        if (maxTrades < 1 || maxRetries < 0 || requestInterval.isNegative() || maxWait.isNegative()
                || backoff.isNegative() || backoff.isZero()) {
            throw new IllegalArgumentException("catch-up: max-trades must be positive, max-retries at least 0,"
                    + " the durations not negative (backoff positive)");
        }
    }

    /** Reads a source block (its {@code rest-url} and {@code catch-up}); missing keys take the defaults. */
    static CatchUpSettings from(Config block) {
        Config c = block.withFallback(com.typesafe.config.ConfigFactory.parseString(DEFAULTS));
        Config k = c.getConfig("catch-up");
        return new CatchUpSettings(engine.sources.BaseUrl.of(c.getString("rest-url")), k.getBoolean("enabled"),
                k.getDuration("request-interval"), k.getInt("max-trades"), k.getDuration("max-wait"),
                k.getInt("max-retries"), k.getDuration("backoff"));
    }
}
