package engine.sources.naver;

import conditions.DailyBar;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The daily side of {@link FakeNaver}: each code's history of completed days (invented, or set by a
 * test), served as {@code item/sise_day.naver} (ten days a page) and {@code item/frgn.naver} (twenty
 * a page) in the site's templates, and the KOSPI/KOSDAQ listing {@code sise/sise_market_sum.naver}
 * (fifty stocks a page). Days after {@link #today} are not shown: the site shows only what happened.
 */
public final class FakeDailySite {
    /** One listed stock: its code, name and market capitalisation in 억 won (as the listing shows it). */
    public record Listed(String code, String name, long marketCap) {
    }

    private final Map<String, List<DailyBar>> histories = new ConcurrentHashMap<>();
    private final Map<Integer, List<Listed>> listings = new ConcurrentHashMap<>();
    private volatile LocalDate today;
    private volatile int historyDays = 200;

    FakeDailySite(LocalDate today) {
        this.today = today;
    }

    /** The newest day the site shows (a later day of a history is the future). */
    public void today(LocalDate day) {
        today = day;
    }

    public LocalDate today() {
        return today;
    }

    /** How many weekdays an invented history has (before a test's first request of the code). */
    public void historyDays(int days) {
        historyDays = days;
    }

    /** Sets {@code code}'s history, any order. */
    public void history(String code, List<DailyBar> days) {
        List<DailyBar> sorted = new ArrayList<>(days);
        sorted.sort((a, b) -> a.date().compareTo(b.date()));
        histories.put(code, List.copyOf(sorted));
    }

    /** {@code code}'s whole history, oldest first (invented on first use: weekdays up to today). */
    public List<DailyBar> history(String code) {
        return histories.computeIfAbsent(code, c -> invent(c, today, historyDays));
    }

    /** The days the site shows now, oldest first. */
    public List<DailyBar> shown(String code) {
        LocalDate t = today;
        return history(code).stream().filter(d -> !d.date().isAfter(t)).toList();
    }

    /** The stocks of {@code sosok} (0 KOSPI, 1 KOSDAQ) in the listing's order. */
    public void listing(int sosok, List<Listed> stocks) {
        listings.put(sosok, List.copyOf(stocks));
    }

    public List<Listed> listing(int sosok) {
        return listings.getOrDefault(sosok, List.of());
    }

    /** An invented history: weekdays ending on {@code last}, with flows, deterministic per code. */
    public static List<DailyBar> invent(String code, LocalDate last, int days) {
        Random rnd = new Random(code.hashCode() * 31L + 7);
        List<LocalDate> dates = new ArrayList<>();
        for (LocalDate d = last; dates.size() < days; d = d.minusDays(1)) {
            if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
                dates.add(d);
            }
        }
        Collections.reverse(dates);
        long close = 10_000 + Math.floorMod(code.hashCode(), 900) * 100L;
        long holding = 1_000_000L + rnd.nextInt(1_000_000);
        List<DailyBar> out = new ArrayList<>();
        for (LocalDate d : dates) {
            long open = close;
            close = Math.max(1_000, close + (rnd.nextInt(11) - 5) * 100L);
            long high = Math.max(open, close) + rnd.nextInt(5) * 50L;
            long low = Math.min(open, close) - rnd.nextInt(5) * 50L;
            long volume = 100_000 + rnd.nextInt(900_000);
            long inst = rnd.nextInt(40_001) - 20_000;
            long foreign = rnd.nextInt(40_001) - 20_000;
            holding = Math.max(0, holding + foreign);
            double ratio = Math.round(holding * 10_000.0 / 5_000_000) / 100.0;
            out.add(new DailyBar(d, open, high, low, close, volume, inst, foreign, holding, ratio));
        }
        return List.copyOf(out);
    }

    // ---- pages ----

    static final int DAY_ROWS = 10;
    static final int FLOW_ROWS = 20;
    static final int LISTING_ROWS = 50;

    byte[] dayPage(String code, int page) {
        List<DailyBar> newestFirst = new ArrayList<>(shown(code));
        Collections.reverse(newestFirst);
        int last = Math.max(1, (newestFirst.size() + DAY_ROWS - 1) / DAY_ROWS);
        int p = Math.min(Math.max(page, 1), last);
        List<DailyBar> rows = newestFirst.subList(Math.min(newestFirst.size(), (p - 1) * DAY_ROWS),
                Math.min(newestFirst.size(), p * DAY_ROWS));
        return dayHtml(code, rows, p, last, p % 2 == 1).getBytes(FakeNaver.EUC_KR);
    }

    byte[] flowPage(String code, int page) {
        List<DailyBar> newestFirst = new ArrayList<>(shown(code));
        Collections.reverse(newestFirst);
        int last = Math.max(1, (newestFirst.size() + FLOW_ROWS - 1) / FLOW_ROWS);
        int p = Math.min(Math.max(page, 1), last);
        List<DailyBar> rows = newestFirst.subList(Math.min(newestFirst.size(), (p - 1) * FLOW_ROWS),
                Math.min(newestFirst.size(), p * FLOW_ROWS));
        return flowHtml(code, rows, p, last).getBytes(FakeNaver.EUC_KR);
    }

    byte[] listingPage(int sosok, int page) {
        List<Listed> all = listing(sosok);
        int last = Math.max(1, (all.size() + LISTING_ROWS - 1) / LISTING_ROWS);
        int p = Math.min(Math.max(page, 1), last);
        List<Listed> rows = all.subList(Math.min(all.size(), (p - 1) * LISTING_ROWS), Math.min(all.size(), p * LISTING_ROWS));
        return listingHtml(sosok, rows, (p - 1) * LISTING_ROWS, p, last).getBytes(FakeNaver.EUC_KR);
    }

    /** A daily page in the site's template (the wire sample's); {@code newMarkup} picks the sign's markup. */
    public static String dayHtml(String code, List<DailyBar> newestFirst, int page, int last, boolean newMarkup) {
        StringBuilder b = head("일별", "<table cellspacing=\"0\" class=\"type2\">\n<tr>\n<th>날짜</th>\n<th>종가</th>\n"
                + "<th>전일비</th>\n<th>시가</th>\n<th>고가</th>\n<th>저가</th>\n<th>거래량</th>\n</tr>\n");
        b.append("<tr>\n<td colspan=\"7\" height=\"8\"></td>\n</tr>\n");
        for (int i = 0; i < newestFirst.size(); i++) {
            DailyBar d = newestFirst.get(i);
            long prev = i + 1 < newestFirst.size() ? (long) newestFirst.get(i + 1).close() : (long) d.open();
            b.append("<tr onMouseOver=\"mouseOver(this)\" onMouseOut=\"mouseOut(this)\">\n")
                    .append("<td align=\"center\"><span class=\"tah p10 gray03\">").append(date(d.date())).append("</span></td>\n")
                    .append(num((long) d.close()))
                    .append("<td class=\"num\">\n").append(FakeNaver.change((long) d.close() - prev, newMarkup)).append("\n</td>\n")
                    .append(num((long) d.open())).append(num((long) d.high())).append(num((long) d.low()))
                    .append(num(d.volume())).append("</tr>\n");
            if (i % 5 == 4 && i < newestFirst.size() - 1) {
                b.append("<tr>\n<td colspan=\"7\" height=\"8\"></td>\n</tr>\n")
                        .append("<tr>\n<td colspan=\"7\" height=\"1\" bgcolor=\"#e1e1e1\"></td>\n</tr>\n")
                        .append("<tr>\n<td colspan=\"7\" height=\"8\"></td>\n</tr>\n");
            }
        }
        b.append("<tr>\n<td colspan=\"7\" height=\"8\"></td>\n</tr>\n</table>\n");
        return tail(b, "/item/sise_day.naver?code=" + code + "&amp;page=", page, last);
    }

    /** An investor page: the brokers' type2 table first, then the flows table with two header rows. */
    public static String flowHtml(String code, List<DailyBar> newestFirst, int page, int last) {
        StringBuilder b = head("외국인·기관", "<table summary=\"거래원 정보에 관한표이며 일자별로 정보를 제공합니다.\" class=\"type2\">\n"
                + "<tr><th>매도상위</th><th>거래량</th><th>매수상위</th><th>거래량</th></tr>\n"
                + "<tr><td>키움증권</td><td class=\"num\">1,234</td><td>미래에셋</td><td class=\"num\">2,345</td></tr>\n"
                + "</table>\n"
                + "<table summary=\"외국인 기관 순매매 거래량에 관한표이며 날짜별로 정보를 제공합니다.\" width=\"100%\" class=\"type2\">\n"
                + "<caption>외국인 기관 순매매 거래량</caption>\n"
                + "<tr>\n<th rowspan=\"2\">날짜</th><th rowspan=\"2\">종가</th><th rowspan=\"2\">전일비</th>"
                + "<th rowspan=\"2\">등락률</th><th rowspan=\"2\">거래량</th><th>기관</th><th colspan=\"3\">외국인</th>\n</tr>\n"
                + "<tr>\n<th>순매매량</th><th>순매매량</th><th>보유주수</th><th>보유율</th>\n</tr>\n");
        for (int i = 0; i < newestFirst.size(); i++) {
            DailyBar d = newestFirst.get(i);
            long prev = i + 1 < newestFirst.size() ? (long) newestFirst.get(i + 1).close() : (long) d.open();
            long ch = (long) d.close() - prev;
            b.append("<tr onMouseOver=\"mouseOver(this)\" onMouseOut=\"mouseOut(this)\">\n")
                    .append("<td class=\"tc\"><span class=\"tah p10 gray03\">").append(date(d.date())).append("</span></td>\n")
                    .append(num((long) d.close()))
                    .append("<td class=\"num\">\n").append(FakeNaver.change(ch, false)).append("\n</td>\n")
                    .append("<td class=\"num\"><span class=\"tah p11").append(ch < 0 ? " nv01" : ch > 0 ? " red01" : "")
                    .append("\">\n").append(String.format("%+.2f%%", prev == 0 ? 0.0 : ch * 100.0 / prev)).append("\n</span></td>\n")
                    .append(num(d.volume()))
                    .append(signed(d.instNet())).append(signed(d.foreignNet()))
                    .append(d.foreignHolding() == null ? "<td class=\"num\"></td>\n" : num(d.foreignHolding()))
                    .append("<td class=\"num\"><span class=\"tah p11\">")
                    .append(d.foreignRatio() == null ? "" : String.format("%.2f%%", d.foreignRatio())).append("</span></td>\n")
                    .append("</tr>\n");
            if (i % 5 == 4 && i < newestFirst.size() - 1) {
                b.append("<tr><td colspan=\"9\" height=\"1\" bgcolor=\"#e1e1e1\"></td></tr>\n");
            }
        }
        b.append("</table>\n");
        return tail(b, "/item/frgn.naver?code=" + code + "&amp;page=", page, last);
    }

    /** A listing page: {@code table.type_2}, each stock's name a link {@code a.tltle} to its code. */
    public static String listingHtml(int sosok, List<Listed> stocks, int rankBefore, int page, int last) {
        StringBuilder b = head("시가총액", "<table class=\"type_2\" cellpadding=\"0\" cellspacing=\"0\" summary=\"코스피 시가총액 리스트\">\n"
                + "<thead>\n<tr>\n<th scope=\"col\">N</th><th scope=\"col\">종목명</th><th scope=\"col\">현재가</th>"
                + "<th scope=\"col\">전일비</th><th scope=\"col\">등락률</th><th scope=\"col\">액면가</th>"
                + "<th scope=\"col\">시가총액</th><th scope=\"col\">상장주식수</th><th scope=\"col\">외국인비율</th>"
                + "<th scope=\"col\">거래량</th><th scope=\"col\">PER</th><th scope=\"col\">ROE</th><th scope=\"col\">토론실</th>\n"
                + "</tr>\n</thead>\n<tbody>\n<tr><td class=\"blank_08\" colspan=\"13\"></td></tr>\n");
        for (int i = 0; i < stocks.size(); i++) {
            Listed s = stocks.get(i);
            b.append("<tr onMouseOver=\"mouseOver(this)\" onMouseOut=\"mouseOut(this)\">\n")
                    .append("<td class=\"no\">").append(rankBefore + i + 1).append("</td>\n")
                    .append("<td><a href=\"/item/main.naver?code=").append(s.code()).append("\" class=\"tltle\">")
                    .append(s.name()).append("</a></td>\n")
                    .append("<td class=\"number\">10,000</td>\n<td class=\"number\"><span class=\"tah p11\">0</span></td>\n")
                    .append("<td class=\"number\"><span class=\"tah p11\">0.00%</span></td>\n<td class=\"number\">100</td>\n")
                    .append("<td class=\"number\">").append(String.format("%,d", s.marketCap())).append("</td>\n")
                    .append("<td class=\"number\">1,000</td>\n<td class=\"number\">10.00</td>\n<td class=\"number\">1,000</td>\n")
                    .append("<td class=\"number\">10.00</td>\n<td class=\"number\">5.00</td>\n")
                    .append("<td class=\"center\"><a href=\"/item/board.naver?code=").append(s.code())
                    .append("\"><img src=\"https://ssl.pstatic.net/imgstock/images5/ico_debatebl2.gif\" alt=\"토론실\"></a></td>\n")
                    .append("</tr>\n");
            if (i % 5 == 4) {
                b.append("<tr><td class=\"division_line\" colspan=\"13\"></td></tr>\n");
            }
        }
        b.append("</tbody>\n</table>\n");
        return tail(b, "/sise/sise_market_sum.naver?sosok=" + sosok + "&amp;page=", page, last);
    }

    private static StringBuilder head(String title, String table) {
        return new StringBuilder("<html lang=\"ko\">\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-kr\">\n")
                .append("<title>Npay 증권</title>\n</head>\n<body>\n<h4 class=\"tlline2\"><strong>").append(title)
                .append("</strong></h4>\n").append(table);
    }

    private static String tail(StringBuilder b, String href, int page, int last) {
        b.append("<table summary=\"페이지 네비게이션 리스트\" class=\"Nnavi\" align=\"center\">\n<caption>페이지 네비게이션</caption>\n<tr>\n");
        int from = (page - 1) / 10 * 10 + 1;
        for (int i = from; i < from + 10 && i <= last; i++) {
            b.append(i == page ? "<td class=\"on\">" : "<td>").append("\n<a href=\"").append(href).append(i)
                    .append("\"  >").append(i).append("</a>\n</td>\n");
        }
        if (last > 1) {
            b.append("<td class=\"pgRR\">\n<a href=\"").append(href).append(last)
                    .append("\"  >맨뒤\n<img src=\"https://ssl.pstatic.net/static/n/cmn/bu_pgarRR.gif\" width=\"8\" height=\"5\" alt=\"\" border=\"0\">\n</a>\n</td>\n");
        }
        b.append("</tr>\n</table>\n</body>\n</html>\n");
        return b.toString();
    }

    private static String date(LocalDate d) {
        return String.format("%04d.%02d.%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
    }

    private static String num(long v) {
        return "<td class=\"num\"><span class=\"tah p11\">" + String.format("%,d", v) + "</span></td>\n";
    }

    private static String signed(Long v) {
        if (v == null) {
            return "<td class=\"num\"><span class=\"tah p11\"></span></td>\n";
        }
        String cls = v > 0 ? " red01" : v < 0 ? " nv01" : "";
        return "<td class=\"num\"><span class=\"tah p11" + cls + "\">" + (v > 0 ? "+" : v < 0 ? "-" : "")
                + String.format("%,d", Math.abs(v)) + "</span></td>\n";
    }

    /** Requests of the daily pages: which page of what. */
    public record PageRequest(String path, String code, int page) {
    }

    final List<PageRequest> requests = new CopyOnWriteArrayList<>();

    public List<PageRequest> requests() {
        return List.copyOf(requests);
    }

    public List<PageRequest> requests(String path, String code) {
        return requests.stream().filter(r -> r.path().equals(path) && r.code().equals(code)).toList();
    }
}
