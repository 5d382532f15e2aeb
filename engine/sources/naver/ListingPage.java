package engine.sources.naver;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Parses one page of Naver's market-capitalisation listing, {@code sise/sise_market_sum.naver?sosok=0|1&page=N}
 * (the wire README): the stocks are rows of {@code table.type_2} whose name is a link {@code a.tltle}
 * to {@code /item/main.naver?code=005930}; the code comes from that link (the columns can be changed
 * by a cookie, the link cannot). The market capitalisation (억 won) is read from the column headed
 * 시가총액 when the page has it, else unknown. Spacer and header rows have no such link.
 */
public final class ListingPage {
    /** One listed stock; {@code marketCap} in 억 won (100 million), null when the page does not show it. */
    public record Stock(String code, String name, Long marketCap) {
    }

    /**
     * @param stocks   in the listing's order
     * @param lastPage the page {@code td.pgRR} links to, or 0 when there is none
     */
    public record Page(List<Stock> stocks, int lastPage) {
    }

    private static final Pattern CODE = Pattern.compile("[?&]code=([0-9A-Z]{6})");

    private ListingPage() {
    }

    public static Page parse(byte[] body, String url) throws SiseTimePage.Malformed {
        Document doc = NaverHtml.document(body, url);
        Element table = doc.selectFirst("table.type_2");
        if (table == null) {
            throw new SiseTimePage.Malformed("no table.type_2 on the page");
        }
        int capColumn = -1;
        List<Element> heads = table.select("th");
        for (int i = 0; i < heads.size(); i++) {
            if (NaverHtml.text(heads.get(i)).equals("시가총액")) {
                capColumn = i;
            }
        }
        List<Stock> stocks = new ArrayList<>();
        for (Element tr : table.select("tr")) {
            Element a = tr.selectFirst("a.tltle[href]");
            if (a == null) {
                continue;
            }
            Matcher m = CODE.matcher(a.attr("href"));
            if (!m.find()) {
                throw new SiseTimePage.Malformed("the stock link \"" + a.attr("href") + "\" names no code");
            }
            String code = m.group(1);
            Long cap = null;
            List<Element> cells = NaverHtml.cells(tr);
            if (capColumn >= 0 && capColumn < cells.size()) {
                cap = NaverHtml.number(cells.get(capColumn), false, "the row of " + code + ": 시가총액");
            }
            stocks.add(new Stock(code, NaverHtml.text(a), cap));
        }
        if (stocks.isEmpty()) {
            throw new SiseTimePage.Malformed("no stocks on the listing page");
        }
        return new Page(List.copyOf(stocks), NaverHtml.lastPage(doc));
    }
}
