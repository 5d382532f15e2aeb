package engine.daily;

import com.typesafe.config.Config;
import engine.sources.naver.NaverSettings;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;

/**
 * The {@code tickwatch.daily} block (README "Daily data"): the daily bars and investor flows of every
 * watched KRX ticker, fetched from Naver by the node that feeds the ticker.
 *
 * @param enabled       off: nothing is fetched (the API still serves what is stored)
 * @param refreshAt     KST time of day after which a trading day's figures count as final and are
 *                      fetched (Naver revises the day's flows after the close)
 * @param days          trading days fetched for a ticker seen the first time
 * @param naver         the client's settings: the naver source's (its URL, headers, timeouts,
 *                      retries) with this block's {@code url} when set, {@code rate} and one request
 *                      in flight
 * @param retryBackoff  the first pause before a failed ticker is tried again (doubled each time,
 *                      jittered)
 * @param maxBackoff    the longest such pause
 * @param checkInterval how often the fetcher looks at its clock
 */
public record DailySettings(boolean enabled, LocalTime refreshAt, int days, NaverSettings naver,
                            Duration retryBackoff, Duration maxBackoff, Duration checkInterval) {

    public DailySettings {
        if (days < 1 || days > 1000) {
            throw new IllegalArgumentException("tickwatch.daily.days must be 1-1000, got " + days);
        }
    }

    /** Reads {@code tickwatch.daily} of the whole config. */
    public static DailySettings from(Config root) {
        Config c = root.getConfig("tickwatch.daily");
        NaverSettings naver = NaverSettings.fromRoot(root);
        if (c.hasPath("url") && !c.getString("url").isBlank()) {
            naver = naver.withUrl(c.getString("url"));
        }
        double rate = c.getDouble("rate");
        if (!(rate > 0)) {
            throw new IllegalArgumentException("tickwatch.daily.rate must be more than 0 requests a second, got " + rate);
        }
        return new DailySettings(c.getBoolean("enabled"), time(c, "refresh-at"), c.getInt("days"),
                naver.withRate(rate, 1), c.getDuration("retry-backoff"), c.getDuration("max-backoff"),
                c.getDuration("check-interval"));
    }

    /** A {@code HH:MM} key of {@code c}, with the key named in the error. */
    public static LocalTime time(Config c, String key) {
        String v = c.getString(key);
        try {
            return LocalTime.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be a KST time like 16:10, got \"" + v + "\"");
        }
    }
}
