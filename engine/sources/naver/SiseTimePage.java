package engine.sources.naver;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Parses one minute page, {@code item/sise_time.naver} (the wire README describes it): the rows of
 * {@code table.type2}, newest first, and the last page number from {@code td.pgRR}.
 *
 * <p>The bytes are EUC-KR whatever the HTTP headers say, so they are decoded with that charset
 * explicitly. Only rows whose first cell is a time are rows (the spacer rows have one cell). Both
 * markups of the change's sign are read (the old {@code <img alt="하락">}, the new
 * {@code <em class="bu_p bu_pdn">}). A page without the closing {@code </html>} was cut off on the
 * way, and one without a single row is a stub (what a mobile User-Agent gets): both are
 * {@link Malformed}, and so is a row whose numbers do not read.
 */
public final class SiseTimePage {

    /** A page that is not a whole minute page; {@code getMessage()} says why. */
    public static final class Malformed extends Exception {
        public Malformed(String why) {
            super(why);
        }
    }

    /**
     * @param rows     newest first, as on the page
     * @param lastPage the page {@code td.pgRR} links to, or 0 when there is none (one page only)
     */
    public record Page(List<MinuteRow> rows, int lastPage) {
        /** The oldest row's time, or null without rows. */
        public LocalTime oldest() {
            return rows.isEmpty() ? null : rows.get(rows.size() - 1).time();
        }
    }

    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})");

    private SiseTimePage() {
    }

    /** Parses the bytes of a page fetched from {@code url} (used for relative links and messages). */
    public static Page parse(byte[] body, String url) throws Malformed {
        Document doc = NaverHtml.document(body, url);
        Element table = doc.selectFirst("table.type2");
        if (table == null) {
            throw new Malformed("no table.type2 on the page");
        }
        Element header = table.selectFirst("th");
        if (header != null && !header.text().trim().equals("체결시각")) {
            // a daily page, or bytes decoded with the wrong charset
            throw new Malformed("the table's first column is \"" + header.text().trim() + "\", not 체결시각");
        }
        List<MinuteRow> rows = new ArrayList<>();
        for (Element tr : table.select("tr")) {
            List<Element> cells = NaverHtml.cells(tr);
            if (cells.isEmpty()) {
                continue; // the header row (th) or nothing
            }
            Matcher m = TIME.matcher(NaverHtml.text(cells.get(0)));
            if (!m.matches()) {
                continue; // a spacer row, or a stub's &nbsp;
            }
            if (cells.size() < 7) {
                throw new Malformed("the row of " + m.group() + " has " + cells.size() + " cells, not 7");
            }
            int h = Integer.parseInt(m.group(1));
            int min = Integer.parseInt(m.group(2));
            if (h > 23 || min > 59) {
                throw new Malformed("\"" + m.group() + "\" is not a time");
            }
            LocalTime time = LocalTime.of(h, min);
            long change = NaverHtml.change(cells.get(2), "the row of " + time + ": 전일비");
            rows.add(new MinuteRow(time, number(cells.get(1), time, "체결가"), change,
                    number(cells.get(3), time, "매도"), number(cells.get(4), time, "매수"),
                    number(cells.get(5), time, "거래량"), number(cells.get(6), time, "변동량")));
        }
        if (rows.isEmpty()) {
            throw new Malformed("no minute rows on the page");
        }
        return new Page(List.copyOf(rows), NaverHtml.lastPage(doc));
    }

    private static long number(Element cell, LocalTime time, String column) throws Malformed {
        // the sign lives in the icon; a bare minus is read leniently as none
        return NaverHtml.number(cell, false, "the row of " + time + ": " + column);
    }
}
