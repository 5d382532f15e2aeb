package engine.sources.naver;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads one day's minutes of one ticker, newest page first, following pages until it reaches the
 * minute after the row it already holds (or 09:00), the last page ({@code td.pgRR}), or a page that brings nothing
 * older (a page past the last repeats the last one). All or nothing: a page that cannot be read
 * fails the whole read, so a gap is never left behind rows that were taken.
 */
public final class DayReader {
    /** More than a whole day with after-hours (about 45 pages): a guard against a site that pages forever. */
    static final int MAX_PAGES = 80;

    private final NaverClient client;

    public DayReader(NaverClient client) {
        this.client = client;
    }

    /**
     * The session rows (09:00-15:30) of {@code day} after {@code after} up to {@code upTo}, oldest first.
     *
     * @param thistime the window's end sent to the site (now, or past the close for a past day)
     * @param after    the newest row already held, or null for the whole day
     * @param upTo     the newest complete minute (rows after it are still forming)
     */
    public List<MinuteRow> read(String code, LocalDate day, LocalDateTime thistime, LocalTime after, LocalTime upTo,
                                TickerHealth health) throws NaverClient.PageFailed, InterruptedException {
        // one row a minute: the page that holds the minute after the one held closes the gap
        LocalTime stop = after == null ? KrxCalendar.OPEN : after.plusMinutes(1);
        TreeMap<LocalTime, MinuteRow> rows = new TreeMap<>();
        LocalTime oldestSeen = null;
        for (int page = 1; page <= MAX_PAGES; page++) {
            SiseTimePage.Page p = client.page(code, thistime, page, health);
            LocalTime oldest = p.oldest();
            if (oldestSeen != null && !oldest.isBefore(oldestSeen)) {
                break; // past the last page: the site repeats the last one
            }
            oldestSeen = oldest;
            for (MinuteRow r : p.rows()) {
                LocalTime t = r.time();
                if (!t.isBefore(KrxCalendar.OPEN) && !t.isAfter(KrxCalendar.CLOSE)
                        && (after == null || t.isAfter(after)) && !t.isAfter(upTo)) {
                    rows.put(t, r);
                }
            }
            if (!oldest.isAfter(stop) || p.lastPage() <= page) {
                break;
            }
        }
        return new ArrayList<>(rows.values());
    }

    /** The {@code thistime} for a crawl of {@code day} at {@code now}: now on that day, otherwise just after its close. */
    public static LocalDateTime thistime(LocalDate day, LocalDateTime now) {
        LocalDateTime close = day.atTime(KrxCalendar.CLOSE.plusMinutes(1));
        LocalDateTime t = now.withNano(0);
        return t.toLocalDate().equals(day) ? t : close;
    }
}
