package engine.universe;

import com.typesafe.config.Config;
import engine.daily.DailySettings;
import engine.sources.naver.NaverSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Set;

/**
 * The {@code tickwatch.universe} block (README "Universe").
 *
 * @param size            how many stocks the universe keeps; 0 switches the job off
 * @param refreshAt       KST time of day the job runs on a trading day (after the daily data)
 * @param candidatesFile  a file of codes (one a line, {@code #} comments) to rank instead of the
 *                        KOSPI and KOSDAQ listings; null for the listings
 * @param minMarketCap    candidates below this market capitalisation (억 won, as the listing shows
 *                        it) are left out; 0 for no minimum (a file's codes have no capitalisation)
 * @param minAvgValue     stocks whose average traded value (close times volume, won) over the
 *                        investor page's days is below this are left out; 0 for no minimum
 * @param exclude         codes never in the universe
 * @param naver           the client: the naver source's settings at this block's {@code rate}, one
 *                        request at a time, with this block's {@code url} when set
 * @param retryBackoff    how soon a run that failed (a page that could not be read) resumes
 * @param checkInterval   how often the job looks at its clock
 */
public record UniverseSettings(int size, LocalTime refreshAt, Path candidatesFile, long minMarketCap,
                               double minAvgValue, Set<String> exclude, NaverSettings naver,
                               Duration retryBackoff, Duration checkInterval) {

    public UniverseSettings {
        if (size < 0) {
            throw new IllegalArgumentException("tickwatch.universe.size must be 0 (off) or more, got " + size);
        }
        exclude = Set.copyOf(exclude);
    }

    public boolean enabled() {
        return size > 0;
    }

    public static UniverseSettings from(Config root) {
        Config c = root.getConfig("tickwatch.universe");
        NaverSettings naver = NaverSettings.fromRoot(root);
        if (!c.getString("url").isBlank()) {
            naver = naver.withUrl(c.getString("url"));
        }
        double rate = c.getDouble("rate");
        if (!(rate > 0)) {
            throw new IllegalArgumentException("tickwatch.universe.rate must be more than 0 requests a second, got " + rate);
        }
        String file = c.getString("candidates-file");
        return new UniverseSettings(c.getInt("size"), DailySettings.time(c, "refresh-at"),
                file.isBlank() ? null : Path.of(file), c.getLong("min-market-cap"), c.getDouble("min-avg-traded-value"),
                Set.copyOf(c.getStringList("exclude")), naver.withRate(rate, 1), c.getDuration("retry-backoff"),
                c.getDuration("check-interval"));
    }
}
