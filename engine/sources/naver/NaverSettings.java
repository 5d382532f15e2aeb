package engine.sources.naver;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;

/**
 * The {@code tickwatch.sources.naver} block (README "Sources and sinks"): where the pages are, and
 * how politely they are read.
 *
 * @param url            base URL, {@code https://finance.naver.com} ({@code TICKWATCH_NAVER_URL})
 * @param rate           requests a second, for all tickers together ({@code TICKWATCH_NAVER_RATE})
 * @param concurrency    requests in flight at once, for all tickers together
 * @param connectTimeout TCP connect timeout
 * @param readTimeout    the longest a whole answer may take
 * @param retries        further attempts of one page after a 5xx, a timeout, a reset or a cut-off page
 * @param backoff        the first pause before a retry (doubled each time, jittered +-50%)
 * @param maxBackoff     the longest pause
 * @param pollDelay      how long after the minute turns a poll starts (the minute's row is complete then)
 * @param failureRetry   how soon a ticker whose crawl failed is tried again (also after the close)
 * @param checkInterval  how often the crawler looks at its clock (a test clock moves in jumps)
 * @param userAgent      a desktop browser's (a mobile one gets a page of blanks)
 */
public record NaverSettings(URI url, double rate, int concurrency, Duration connectTimeout, Duration readTimeout,
                            int retries, Duration backoff, Duration maxBackoff, Duration pollDelay,
                            Duration failureRetry, Duration checkInterval, String userAgent) {

    /** The defaults, as in application.conf. */
    static final String DEFAULTS = """
            url = "https://finance.naver.com"
            rate = 10
            concurrency = 4
            connect-timeout = 3s
            read-timeout = 10s
            retries = 4
            backoff = 500ms
            max-backoff = 10s
            poll-delay = 2s
            failure-retry = 15s
            check-interval = 1s
            user-agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
            """;

    public NaverSettings {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be more than 0 requests a second, got " + rate);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
        String scheme = url.getScheme();
        if (scheme == null || !scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("url must be an http(s) URL, got " + Scrub.url(url.toString()));
        }
    }

    /** Reads a source block (missing keys take the defaults). */
    public static NaverSettings from(Config block) {
        Config c = block.withFallback(ConfigFactory.parseString(DEFAULTS));
        return new NaverSettings(engine.sources.BaseUrl.of(c.getString("url")), c.getDouble("rate"), c.getInt("concurrency"),
                c.getDuration("connect-timeout"), c.getDuration("read-timeout"), c.getInt("retries"),
                c.getDuration("backoff"), c.getDuration("max-backoff"), c.getDuration("poll-delay"),
                c.getDuration("failure-retry"), c.getDuration("check-interval"), c.getString("user-agent"));
    }

    /** With another base URL (the {@code crawl --url} option). */
    public NaverSettings withUrl(String base) {
        return new NaverSettings(engine.sources.BaseUrl.of(base), rate, concurrency, connectTimeout, readTimeout, retries, backoff,
                maxBackoff, pollDelay, failureRetry, checkInterval, userAgent);
    }

    /** With another request rate and number in flight (the daily crawler's own share). */
    public NaverSettings withRate(double perSecond, int inFlight) {
        return new NaverSettings(url, perSecond, inFlight, connectTimeout, readTimeout, retries, backoff, maxBackoff,
                pollDelay, failureRetry, checkInterval, userAgent);
    }

    /** The {@code tickwatch.sources.naver} block of {@code root} (empty when there is none), read. */
    public static NaverSettings fromRoot(Config root) {
        return from(root.hasPath("tickwatch.sources.naver") ? root.getConfig("tickwatch.sources.naver")
                : ConfigFactory.empty());
    }
}
