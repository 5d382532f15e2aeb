package engine.sources.naver;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Parses one daily-price page, {@code item/sise_day.naver?code=X&page=N} (the wire README and its
 * sample {@code naver-sise_day-005930-p1.euckr.html}): the rows of {@code table.type2} (날짜, 종가,
 * 전일비, 시가, 고가, 저가, 거래량), newest first, ten a page, and the last page from {@code td.pgRR}.
 * The same template as the minute page, so the same rules: EUC-KR, only rows whose first cell is a
 * date, the change's sign in either markup, a cut-off page or a page without a row is
 * {@link SiseTimePage.Malformed}.
 *
 * <p>A day without trades (a halted stock) shows 0 for open, high and low: those take the close, so
 * a daily bar's range never reaches down to zero.
 */
public final class SiseDayPage {
    /** One day's row: prices in won, volume in shares; {@code change} against the day before, signed. */
    public record Row(LocalDate date, long close, long change, long open, long high, long low, long volume) {
    }

    /**
     * @param rows     newest first, as on the page
     * @param lastPage the page {@code td.pgRR} links to, or 0 when there is none
     */
    public record Page(List<Row> rows, int lastPage) {
    }

    static final Pattern DATE = Pattern.compile("(\\d{4})\\.(\\d{2})\\.(\\d{2})");

    private SiseDayPage() {
    }

    public static Page parse(byte[] body, String url) throws SiseTimePage.Malformed {
        Document doc = NaverHtml.document(body, url);
        Element table = doc.selectFirst("table.type2");
        if (table == null) {
            throw new SiseTimePage.Malformed("no table.type2 on the page");
        }
        Element header = table.selectFirst("th");
        if (header != null && !NaverHtml.text(header).equals("날짜")) {
            // a minute page, or bytes decoded with the wrong charset
            throw new SiseTimePage.Malformed("the table's first column is \"" + NaverHtml.text(header) + "\", not 날짜");
        }
        List<Row> rows = new ArrayList<>();
        for (Element tr : table.select("tr")) {
            List<Element> cells = NaverHtml.cells(tr);
            if (cells.isEmpty()) {
                continue;
            }
            LocalDate date = date(NaverHtml.text(cells.get(0)));
            if (date == null) {
                continue; // a spacer row, or a stub's &nbsp;
            }
            if (cells.size() < 7) {
                throw new SiseTimePage.Malformed("the row of " + date + " has " + cells.size() + " cells, not 7");
            }
            String at = "the row of " + date + ": ";
            long close = NaverHtml.number(cells.get(1), false, at + "종가");
            long change = NaverHtml.change(cells.get(2), at + "전일비");
            long open = NaverHtml.number(cells.get(3), false, at + "시가");
            long high = NaverHtml.number(cells.get(4), false, at + "고가");
            long low = NaverHtml.number(cells.get(5), false, at + "저가");
            long volume = NaverHtml.number(cells.get(6), false, at + "거래량");
            if (open == 0 && high == 0 && low == 0) {
                open = high = low = close; // no trade that day
            }
            rows.add(new Row(date, close, change, open, high, low, volume));
        }
        if (rows.isEmpty()) {
            throw new SiseTimePage.Malformed("no daily rows on the page");
        }
        return new Page(List.copyOf(rows), NaverHtml.lastPage(doc));
    }

    /** {@code 2026.09.14} as a date; null for anything else (a spacer, a blank). */
    static LocalDate date(String text) throws SiseTimePage.Malformed {
        Matcher m = DATE.matcher(text);
        if (!m.matches()) {
            return null;
        }
        try {
            return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (java.time.DateTimeException e) {
            throw new SiseTimePage.Malformed("\"" + text + "\" is not a date");
        }
    }
}
