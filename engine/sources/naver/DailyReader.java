package engine.sources.naver;

import conditions.DailyBar;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a ticker's completed days from Naver: daily bars from {@code item/sise_day.naver} (ten days a
 * page) and investor flows from {@code item/frgn.naver} (about twenty a page), each newest page first
 * until the days wanted are covered, the last page, or a page that brings nothing older (a page past
 * the last repeats the last one); then merged by date into {@link DailyBar}s. A day the investor
 * pages do not show keeps its bar with unknown flows. All or nothing: a page that cannot be read
 * fails the whole read, so a stored run of days never has a hole.
 */
public final class DailyReader {
    /** A guard against a site that pages forever: 1,000 days of bars. */
    static final int MAX_PAGES = 100;

    private final NaverClient client;

    public DailyReader(NaverClient client) {
        this.client = client;
    }

    /**
     * The days of {@code code} up to {@code upTo} (inclusive; a later row is today's, still forming),
     * oldest first: the newest {@code days} of them, or, when {@code since} is given, every one from
     * {@code since} on (inclusive: the site revises the last day's flows after the close) and at most
     * {@code days}.
     */
    public List<DailyBar> read(String code, int days, LocalDate since, LocalDate upTo, TickerHealth health)
            throws NaverClient.PageFailed, InterruptedException {
        TreeMap<LocalDate, SiseDayPage.Row> bars = new TreeMap<>();
        LocalDate oldestSeen = null;
        for (int page = 1; page <= MAX_PAGES; page++) {
            SiseDayPage.Page p = client.read(client.dayPageUri(code, page), SiseDayPage::parse, code, health);
            LocalDate oldest = p.rows().get(p.rows().size() - 1).date();
            if (oldestSeen != null && !oldest.isBefore(oldestSeen)) {
                break; // past the last page
            }
            oldestSeen = oldest;
            for (SiseDayPage.Row r : p.rows()) {
                if (!r.date().isAfter(upTo) && (since == null || !r.date().isBefore(since))) {
                    bars.put(r.date(), r);
                }
            }
            if (bars.size() >= days || since != null && !oldest.isAfter(since) || p.lastPage() <= page) {
                break;
            }
        }
        while (bars.size() > days) {
            bars.pollFirstEntry();
        }
        if (bars.isEmpty()) {
            return List.of();
        }
        Map<LocalDate, FrgnPage.Row> flows = flows(code, bars.firstKey(), health);
        List<DailyBar> out = new ArrayList<>(bars.size());
        for (SiseDayPage.Row r : bars.values()) {
            FrgnPage.Row f = flows.get(r.date());
            out.add(f == null
                    ? DailyBar.ohlcv(r.date(), r.open(), r.high(), r.low(), r.close(), r.volume())
                    : new DailyBar(r.date(), r.open(), r.high(), r.low(), r.close(), r.volume(), f.instNet(),
                    f.foreignNet(), f.foreignHolding(), f.foreignRatio()));
        }
        return out;
    }

    /** The investor rows from the newest back to {@code oldest} (inclusive), by date. */
    private Map<LocalDate, FrgnPage.Row> flows(String code, LocalDate oldest, TickerHealth health)
            throws NaverClient.PageFailed, InterruptedException {
        Map<LocalDate, FrgnPage.Row> out = new TreeMap<>();
        LocalDate oldestSeen = null;
        for (int page = 1; page <= MAX_PAGES; page++) {
            FrgnPage.Page p = client.read(client.flowPageUri(code, page), FrgnPage::parse, code, health);
            LocalDate pageOldest = p.rows().get(p.rows().size() - 1).date();
            if (oldestSeen != null && !pageOldest.isBefore(oldestSeen)) {
                break;
            }
            oldestSeen = pageOldest;
            for (FrgnPage.Row r : p.rows()) {
                if (!r.date().isBefore(oldest)) {
                    out.put(r.date(), r);
                }
            }
            if (!pageOldest.isAfter(oldest) || p.lastPage() <= page) {
                break;
            }
        }
        return out;
    }
}
