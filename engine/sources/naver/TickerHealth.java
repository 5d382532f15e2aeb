package engine.sources.naver;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One ticker's crawl counters, shown in {@code GET /api/tickers/{symbol}} ({@code source_health})
 * and in the source's health. Written by the crawl of that ticker (one at a time), read by anyone.
 */
public final class TickerHealth {
    final AtomicLong pages = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong failedCrawls = new AtomicLong();
    final AtomicLong ticks = new AtomicLong();
    volatile Instant lastPoll;
    volatile String lastError;
    volatile Instant lastErrorAt;
    volatile LocalDate day;
    volatile LocalTime lastRow;
    /** The first session day crawled of a ticker the universe added (null for others: the current one). */
    volatile LocalDate firstDay;
    /** The last malformed page's URL, so retries of one page log it once. */
    volatile String lastMalformedUrl;

    public long pages() {
        return pages.get();
    }

    public long malformed() {
        return malformed.get();
    }

    public String lastError() {
        return lastError;
    }

    public LocalTime lastRow() {
        return lastRow;
    }

    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pages", pages.get());
        m.put("malformed", malformed.get());
        m.put("retries", retries.get());
        m.put("failed_crawls", failedCrawls.get());
        m.put("ticks", ticks.get());
        m.put("day", day == null ? null : day.toString());
        m.put("last_row", lastRow == null ? null : lastRow.toString());
        if (firstDay != null) {
            m.put("first_day", firstDay.toString());
        }
        m.put("last_poll", lastPoll == null ? null : lastPoll.toString());
        m.put("last_error", lastError);
        m.put("last_error_at", lastErrorAt == null ? null : lastErrorAt.toString());
        return m;
    }
}
