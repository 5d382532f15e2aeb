package engine.sources.naver;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Parses one investor page, {@code item/frgn.naver?code=X&page=N} (the wire README): the
 * {@code table.type2} whose {@code summary} mentions 외국인 기관 순매매 (another type2 table, the
 * brokers', comes before it), two header rows, then nine cells a day, newest first: 날짜, 종가, 전일비,
 * 등락률, 거래량, 기관 순매매량, 외국인 순매매량, 외국인 보유주수, 외국인 보유율. Net amounts are signed
 * shares ({@code +1,075,301}, {@code -2,166,435}); the ratio is a percentage ({@code 51.23%}).
 *
 * <p>A flow cell that is blank or a dash (the site has not published the figure yet) reads as
 * unknown ({@code null}); anything else that is not a number makes the page malformed.
 */
public final class FrgnPage {
    /** One day's flows; a {@code null} figure is not published (yet). */
    public record Row(LocalDate date, long close, long volume, Long instNet, Long foreignNet, Long foreignHolding,
                      Double foreignRatio) {
    }

    /**
     * @param rows     newest first, as on the page
     * @param lastPage the page {@code td.pgRR} links to, or 0 when there is none
     */
    public record Page(List<Row> rows, int lastPage) {
    }

    private FrgnPage() {
    }

    public static Page parse(byte[] body, String url) throws SiseTimePage.Malformed {
        Document doc = NaverHtml.document(body, url);
        Element table = null;
        for (Element t : doc.select("table.type2")) {
            String summary = t.attr("summary").replaceAll("\\s+", "");
            if (summary.contains("외국인기관순매매")) {
                table = t;
                break;
            }
        }
        if (table == null) {
            throw new SiseTimePage.Malformed("no table.type2 whose summary mentions 외국인 기관 순매매");
        }
        List<Row> rows = new ArrayList<>();
        for (Element tr : table.select("tr")) {
            List<Element> cells = NaverHtml.cells(tr);
            if (cells.isEmpty()) {
                continue;
            }
            LocalDate date = SiseDayPage.date(NaverHtml.text(cells.get(0)));
            if (date == null) {
                continue;
            }
            if (cells.size() < 9) {
                throw new SiseTimePage.Malformed("the row of " + date + " has " + cells.size() + " cells, not 9");
            }
            String at = "the row of " + date + ": ";
            rows.add(new Row(date, NaverHtml.number(cells.get(1), false, at + "종가"),
                    NaverHtml.number(cells.get(4), false, at + "거래량"),
                    flow(cells.get(5), at + "기관 순매매량"), flow(cells.get(6), at + "외국인 순매매량"),
                    flow(cells.get(7), at + "외국인 보유주수"), ratio(cells.get(8), at + "외국인 보유율")));
        }
        if (rows.isEmpty()) {
            throw new SiseTimePage.Malformed("no investor rows on the page");
        }
        return new Page(List.copyOf(rows), NaverHtml.lastPage(doc));
    }

    private static boolean unpublished(Element cell) {
        String t = NaverHtml.text(cell);
        return t.isEmpty() || t.equals("-");
    }

    private static Long flow(Element cell, String where) throws SiseTimePage.Malformed {
        return unpublished(cell) ? null : NaverHtml.number(cell, true, where);
    }

    private static Double ratio(Element cell, String where) throws SiseTimePage.Malformed {
        if (unpublished(cell)) {
            return null;
        }
        String t = NaverHtml.text(cell).replace("%", "").replace(",", "").strip();
        try {
            double v = Double.parseDouble(t);
            if (!(v >= 0 && v <= 100)) {
                throw new SiseTimePage.Malformed(where + " \"" + NaverHtml.text(cell) + "\" is not a percentage");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new SiseTimePage.Malformed(where + " \"" + NaverHtml.text(cell) + "\" is not a percentage");
        }
    }
}
