package engine.sources.binance;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;

/**
 * The {@code tickwatch.sources.binance} block (README "The binance source").
 *
 * @param url               websocket base, {@code wss://fstream.binance.com} ({@code TICKWATCH_BINANCE_WS_URL});
 *                          the source connects to {@code <url>/market/stream}
 * @param silence           a connection with subscribed streams that brings no frame for this long is
 *                          taken for dead (the old {@code /stream} path connects and stays silent) and replaced
 * @param backoff           the first pause before a reconnect (doubled each attempt, jittered +-50%)
 * @param maxBackoff        the longest pause
 * @param maxStreams        streams on one connection (Binance: 1,024); the next stream opens another connection
 * @param messagesPerSecond SUBSCRIBE/UNSUBSCRIBE messages a connection sends a second at most (Binance counts
 *                          10 incoming messages a second, pongs included: the default leaves room for them)
 * @param streamsPerMessage streams named in one SUBSCRIBE or UNSUBSCRIBE
 * @param lifetime          a connection is renewed (a new one opened, then the old closed) after this long;
 *                          Binance cuts connections at 24 hours
 * @param checkInterval     how often silence and lifetimes are checked
 * @param maxQueued         trades waiting for the node (over all symbols, {@link engine.sources.SymbolLanes})
 *                          before the source stops reading its sockets
 * @param catchUp           fetching a gap's trades over REST ({@code rest-url}, {@code catch-up})
 */
public record BinanceSettings(URI url, Duration silence, Duration backoff, Duration maxBackoff, int maxStreams,
                              int messagesPerSecond, int streamsPerMessage, Duration lifetime, Duration checkInterval,
                              int maxQueued, CatchUpSettings catchUp) {

    /** The defaults, as in application.conf. */
    static final String DEFAULTS = """
            url = "wss://fstream.binance.com"
            silence = 60s
            backoff = 1s
            max-backoff = 60s
            max-streams = 1024
            messages-per-second = 5
            streams-per-message = 200
            lifetime = 23h
            check-interval = 1s
            max-queued = 50000
            """;

    public BinanceSettings {
        String scheme = url.getScheme();
        if (scheme == null || !scheme.equals("ws") && !scheme.equals("wss") || url.getHost() == null) {
            throw new IllegalArgumentException("url must be a ws(s) URL, got " + scrub(url.toString()));
        }
        if (maxStreams < 1 || maxStreams > 1024) {
            throw new IllegalArgumentException("max-streams must be 1 to 1024 (Binance's limit), got " + maxStreams);
        }
        if (messagesPerSecond < 1 || messagesPerSecond > 10) {
            throw new IllegalArgumentException("messages-per-second must be 1 to 10 (Binance's limit), got "
                    + messagesPerSecond);
        }
        if (streamsPerMessage < 1) {
            throw new IllegalArgumentException("streams-per-message must be at least 1");
        }
        if (maxQueued < 1) {
            throw new IllegalArgumentException("max-queued must be at least 1, got " + maxQueued);
        }
        if (silence.isNegative() || silence.isZero() || lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("silence and lifetime must be positive");
        }
    }

    /** Reads a source block (missing keys take the defaults). */
    public static BinanceSettings from(Config block) {
        Config c = block.withFallback(ConfigFactory.parseString(DEFAULTS));
        return new BinanceSettings(engine.sources.BaseUrl.of(c.getString("url")), c.getDuration("silence"), c.getDuration("backoff"),
                c.getDuration("max-backoff"), c.getInt("max-streams"), c.getInt("messages-per-second"),
                c.getInt("streams-per-message"), c.getDuration("lifetime"), c.getDuration("check-interval"),
                c.getInt("max-queued"), CatchUpSettings.from(block));
    }

    /** The combined-streams endpoint: since 2026-04 aggTrade is served only on {@code /market/stream}. */
    public String streamUrl() {
        return url + "/market/stream";
    }

    /** A URL without user info or query (where a key could hide), for logs and health. */
    static String scrub(String url) {
        return url.replaceAll("//[^/@]*@", "//").replaceAll("\\?.*$", "");
    }
}
