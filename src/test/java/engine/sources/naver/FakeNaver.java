package engine.sources.naver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.Charset;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Naver's minute pages on loopback, as the wire README describes them: EUC-KR bytes, rows newest
 * first ten a page, spacer rows after every five, both markups of the sign (new on odd pages, old
 * on even ones), {@code td.pgRR} with the last page, a page past the last repeating the last, and a
 * stub of blanks for a request without a desktop User-Agent or the site's Referer. One trading day
 * of invented minutes per code (09:00-15:30 plus after-hours 15:40-16:00); the minute named by
 * {@code thistime} shows as still forming (half its volume). Faults can be queued per code and page.
 */
public final class FakeNaver implements AutoCloseable {
    public static final Charset EUC_KR = Charset.forName("EUC-KR");
    private static final DateTimeFormatter THISTIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    public enum Fault { HTTP_500, TIMEOUT, TRUNCATED, STUB }

    /** One minute-page request; {@code atNanos} is when it arrived ({@link System#nanoTime()}). */
    public record Request(String code, int page, String thistime, String userAgent, String referer, long atNanos) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private volatile LocalDate day;
    private final Map<String, List<MinuteRow>> days = new ConcurrentHashMap<>();
    private final Map<String, Deque<Fault>> faults = new HashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile int overstateLastPage;
    private volatile LocalTime until = LocalTime.MAX;
    private volatile long timeoutMillis = 2000;
    private final FakeDailySite daily;
    public static final String DAY_PATH = "/item/sise_day.naver";
    public static final String FLOW_PATH = "/item/frgn.naver";
    public static final String LISTING_PATH = "/sise/sise_market_sum.naver";

    public FakeNaver(LocalDate day) throws IOException {
        this.day = day;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/item/sise_time.naver", this::handle);
        this.daily = new FakeDailySite(day);
        server.createContext(DAY_PATH, ex -> handleDaily(ex, DAY_PATH));
        server.createContext(FLOW_PATH, ex -> handleDaily(ex, FLOW_PATH));
        server.createContext(LISTING_PATH, ex -> handleDaily(ex, LISTING_PATH));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public LocalDate day() {
        return day;
    }

    /** The trading day whose minutes the site serves from now on (the same invented rows each day). */
    public void day(LocalDate day) {
        this.day = day;
    }

    /** The whole day of {@code code}: 09:00-15:30, then after-hours rows, oldest first. */
    public List<MinuteRow> rows(String code) {
        return days.computeIfAbsent(code, FakeNaver::invent);
    }

    /** The session rows (09:00-15:30) of {@code code} from 09:00 up to {@code upTo}. */
    public List<MinuteRow> session(String code, LocalTime upTo) {
        return rows(code).stream().filter(r -> !r.time().isAfter(upTo) && !r.time().isAfter(KrxCalendar.CLOSE)).toList();
    }

    /**
     * How many of the session rows up to {@code upTo} a node accepts: a row whose cumulative volume
     * did not grow (a minute without trades) is a duplicate to the model.
     */
    public long accepted(String code, LocalTime upTo) {
        long last = -1;
        long n = 0;
        for (MinuteRow r : session(code, upTo)) {
            if (r.cumVolume() > last) {
                n++;
                last = r.cumVolume();
            }
        }
        return n;
    }

    /** The next request for {@code code}'s page {@code page} meets {@code fault} (queued in order). */
    public synchronized void fail(String code, int page, Fault fault) {
        faults.computeIfAbsent(code + "/" + page, k -> new ArrayDeque<>()).add(fault);
    }

    /** The daily pages, investor pages and listing this site serves. */
    public FakeDailySite daily() {
        return daily;
    }

    /**
     * The next request of {@code path} ({@link #DAY_PATH}, {@link #FLOW_PATH}, {@link #LISTING_PATH})
     * for {@code code} (a listing's: its sosok, "0" or "1") and {@code page} meets {@code fault}.
     */
    public synchronized void failDaily(String path, String code, int page, Fault fault) {
        faults.computeIfAbsent(path + ":" + code + "/" + page, k -> new ArrayDeque<>()).add(fault);
    }

    /** {@code code} traded only from {@code first} (halted at the open): no rows before it. */
    public void firstMinute(String code, LocalTime first) {
        days.put(code, invent(code).stream().filter(r -> !r.time().isBefore(first)).toList());
    }

    /**
     * The site shows no minute after {@code last} from now on (a test's end of the feed: what the
     * crawlers hold then stops changing, whatever their clock says).
     */
    public void until(LocalTime last) {
        until = last;
    }

    /** pgRR names a page this much past the real last one (a page past the last then repeats it). */
    public void overstateLastPage(int by) {
        overstateLastPage = by;
    }

    /** How long a TIMEOUT fault holds the answer back. */
    public void timeoutMillis(long ms) {
        timeoutMillis = ms;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String code) {
        return requests.stream().filter(r -> r.code().equals(code)).toList();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    private static List<MinuteRow> invent(String code) {
        Random rnd = new Random(code.hashCode());
        long prevClose = 10_000 + Math.floorMod(code.hashCode(), 900) * 100L;
        long price = prevClose;
        long cum = 0;
        List<MinuteRow> out = new ArrayList<>();
        List<LocalTime> times = new ArrayList<>();
        for (LocalTime t = KrxCalendar.OPEN; !t.isAfter(KrxCalendar.CLOSE); t = t.plusMinutes(1)) {
            times.add(t);
        }
        times.add(LocalTime.of(15, 40));
        times.add(LocalTime.of(15, 50));
        times.add(LocalTime.of(16, 0));
        for (LocalTime t : times) {
            // a minute without trades (as 15:55 in the sample) keeps the price
            long vol = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(5000);
            if (vol > 0) {
                price = Math.max(100, price + (rnd.nextInt(7) - 3) * 50L);
            }
            cum += vol;
            out.add(new MinuteRow(t, price, price - prevClose, price + 50, price, cum, vol));
        }
        return List.copyOf(out);
    }

    private Fault nextFault(String code, int page) {
        synchronized (this) {
            Deque<Fault> q = faults.get(code + "/" + page);
            return q == null ? null : q.poll();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            Map<String, String> q = query(ex.getRequestURI());
            String code = q.getOrDefault("code", "");
            int page = Integer.parseInt(q.getOrDefault("page", "1"));
            String thistime = q.getOrDefault("thistime", "");
            String ua = ex.getRequestHeaders().getFirst("User-Agent");
            String referer = ex.getRequestHeaders().getFirst("Referer");
            requests.add(new Request(code, page, thistime, ua, referer, System.nanoTime()));
            answer(ex, nextFault(code, page), ua, referer, () -> page(code, page, thistime));
        } catch (IOException | RuntimeException e) {
            // the client hung up (a timeout): nothing to answer
        } finally {
            inFlight.decrementAndGet();
            ex.close();
        }
    }

    /** Answers with {@code page}'s bytes, or what {@code fault} makes of them; a stub for a non-desktop client. */
    private void answer(HttpExchange ex, Fault fault, String ua, String referer, java.util.function.Supplier<byte[]> page)
            throws IOException {
        if (fault == Fault.HTTP_500) {
            send(ex, 500, "<html><body>error</body></html>".getBytes(EUC_KR));
            return;
        }
        if (fault == Fault.TIMEOUT) {
            try {
                Thread.sleep(timeoutMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean desktop = ua != null && ua.contains("Windows NT") && "https://finance.naver.com/".equals(referer);
        byte[] body = desktop && fault != Fault.STUB ? page.get() : stub();
        if (fault == Fault.TRUNCATED) {
            byte[] cut = new byte[body.length * 3 / 5];
            System.arraycopy(body, 0, cut, 0, cut.length);
            body = cut;
        }
        send(ex, 200, body);
    }

    private void handleDaily(HttpExchange ex, String path) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            Map<String, String> q = query(ex.getRequestURI());
            String code = path.equals(LISTING_PATH) ? q.getOrDefault("sosok", "") : q.getOrDefault("code", "");
            int page = Integer.parseInt(q.getOrDefault("page", "1"));
            String ua = ex.getRequestHeaders().getFirst("User-Agent");
            String referer = ex.getRequestHeaders().getFirst("Referer");
            daily.requests.add(new FakeDailySite.PageRequest(path, code, page));
            Fault fault;
            synchronized (this) {
                Deque<Fault> f = faults.get(path + ":" + code + "/" + page);
                fault = f == null ? null : f.poll();
            }
            answer(ex, fault, ua, referer, () -> path.equals(DAY_PATH) ? daily.dayPage(code, page)
                    : path.equals(FLOW_PATH) ? daily.flowPage(code, page) : daily.listingPage(Integer.parseInt(code), page));
        } catch (IOException | RuntimeException e) {
            // the client hung up (a timeout): nothing to answer
        } finally {
            inFlight.decrementAndGet();
            ex.close();
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/html;charset=EUC-KR");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> m = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int i = kv.indexOf('=');
                if (i > 0) {
                    m.put(kv.substring(0, i), kv.substring(i + 1));
                }
            }
        }
        return m;
    }

    /** The rows visible at {@code thistime}, newest first; the minute it names is still forming. */
    List<MinuteRow> visible(String code, String thistime) {
        LocalDateTime at = LocalDateTime.parse(thistime, THISTIME);
        List<MinuteRow> out = new ArrayList<>();
        if (at.toLocalDate().isBefore(day)) {
            return out;
        }
        LocalTime end = at.toLocalDate().isAfter(day) ? LocalTime.MAX : at.toLocalTime();
        if (end.isAfter(until)) {
            end = until.withSecond(59); // the last minute shown is complete
        }
        List<MinuteRow> all = rows(code);
        for (int i = all.size() - 1; i >= 0; i--) {
            MinuteRow r = all.get(i);
            if (r.time().isAfter(end)) {
                continue;
            }
            if (r.time().equals(end.withSecond(0).withNano(0)) && end.getSecond() < 59) {
                long half = r.volume() / 2;
                r = new MinuteRow(r.time(), r.price(), r.change(), r.ask(), r.bid(), r.cumVolume() - r.volume() + half, half);
            }
            out.add(r);
        }
        return out;
    }

    byte[] page(String code, int page, String thistime) {
        List<MinuteRow> rows = visible(code, thistime);
        int last = Math.max(1, (rows.size() + 9) / 10);
        int p = Math.min(Math.max(page, 1), last);
        List<MinuteRow> shown = rows.subList(Math.min(rows.size(), (p - 1) * 10), Math.min(rows.size(), p * 10));
        return html(code, thistime, shown, p, last, last > 1 ? last + overstateLastPage : 0, p % 2 == 1).getBytes(EUC_KR);
    }

    /** A minute page in the site's template. */
    public static String html(String code, String thistime, List<MinuteRow> rows, int page, int last, int pgRR,
                              boolean newMarkup) {
        StringBuilder b = new StringBuilder();
        b.append("<html lang=\"ko\">\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-kr\">\n")
                .append("<title>Npay 증권</title>\n</head>\n<body>\n")
                .append("<table cellspacing=\"0\" class=\"type2\">\n<tr>\n<th>체결시각</th>\n<th>체결가</th>\n<th>전일비</th>\n")
                .append("<th>매도</th>\n<th>매수</th>\n<th>거래량</th>\n<th>변동량</th>\n</tr>\n")
                .append("<tr>\n<td colspan=\"7\" height=\"8\"></td>\n</tr>\n");
        for (int i = 0; i < rows.size(); i++) {
            MinuteRow r = rows.get(i);
            b.append("<tr onMouseOver=\"mouseOver(this)\" onMouseOut=\"mouseOut(this)\">\n")
                    .append("<td align=\"center\"><span class=\"tah p10 gray03\">").append(r.time()).append("</span></td>\n")
                    .append("<td class=\"num\"><span class=\"tah p11\">").append(n(r.price())).append("</span></td>\n")
                    .append("<td class=\"num\">\n").append(change(r.change(), newMarkup)).append("\n</td>\n")
                    .append("<td class=\"num\"><span class=\"tah p11\">").append(n(r.ask())).append("</span></td>\n")
                    .append("<td class=\"num\"><span class=\"tah p11\">").append(n(r.bid())).append("</span></td>\n")
                    .append("<td class=\"num\"><span class=\"tah p11\">").append(n(r.cumVolume())).append("</span></td>\n")
                    .append("<td class=\"num\"><span class=\"tah p11\">").append(n(r.volume())).append("</span></td>\n")
                    .append("</tr>\n");
            if (i % 5 == 4 && i < rows.size() - 1) {
                b.append("<tr>\n<td colspan=\"7\" height=\"8\"></td>\n</tr>\n")
                        .append("<tr>\n<td colspan=\"7\" height=\"1\" bgcolor=\"#e1e1e1\"></td>\n</tr>\n")
                        .append("<tr>\n<td colspan=\"7\" height=\"8\"></td>\n</tr>\n");
            }
        }
        b.append("<tr>\n<td colspan=\"7\" height=\"8\"></td>\n</tr>\n</table>\n");
        String href = "/item/sise_time.naver?code=" + code + "&amp;thistime=" + thistime + "&amp;page=";
        b.append("<table summary=\"페이지 네비게이션 리스트\" class=\"Nnavi\" align=\"center\">\n<caption>페이지 네비게이션</caption>\n<tr>\n");
        int from = (page - 1) / 10 * 10 + 1;
        for (int i = from; i < from + 10 && i <= last; i++) {
            b.append(i == page ? "<td class=\"on\">" : "<td>").append("\n<a href=\"").append(href).append(i)
                    .append("\"  >").append(i).append("</a>\n</td>\n");
        }
        if (pgRR > 0) {
            b.append("<td class=\"pgRR\">\n<a href=\"").append(href).append(pgRR)
                    .append("\"  >맨뒤\n<img src=\"https://ssl.pstatic.net/static/n/cmn/bu_pgarRR.gif\" width=\"8\" height=\"5\" alt=\"\" border=\"0\">\n</a>\n</td>\n");
        }
        b.append("</tr>\n</table>\n</body>\n</html>\n");
        return b.toString();
    }

    static String change(long change, boolean newMarkup) {
        if (newMarkup) {
            String em = change > 0 ? "<em class=\"bu_p bu_pup\"><span class=\"blind\">상승</span></em>"
                    : change < 0 ? "<em class=\"bu_p bu_pdn\"><span class=\"blind\">하락</span></em>"
                    : "<em class=\"bu_p bu_pn\"><span class=\"blind\">보합</span></em>";
            String cls = change > 0 ? " red02" : change < 0 ? " nv01" : "";
            return em + "<span class=\"tah p11" + cls + "\">\n\t\t\t\t" + n(Math.abs(change)) + "\n\t\t\t\t</span>";
        }
        String img = change > 0 ? "<img src=\"https://ssl.pstatic.net/imgstock/images/images4/ico_up.gif\" width=\"7\" height=\"6\" style=\"margin-right:4px;\" alt=\"상승\">"
                : change < 0 ? "<img src=\"https://ssl.pstatic.net/imgstock/images/images4/ico_down.gif\" width=\"7\" height=\"6\" style=\"margin-right:4px;\" alt=\"하락\">"
                : "";
        // the old markup: the sign only in the icon's alt text
        return img + "<span class=\"tah p11\">\n\t\t\t\t" + n(Math.abs(change)) + "\n\t\t\t\t</span>";
    }

    private static String n(long v) {
        return String.format("%,d", v);
    }

    private static byte[] stub() {
        StringBuilder b = new StringBuilder("<html><head><meta charset=\"euc-kr\"></head><body><table class=\"type2\">"
                + "<tr><th>체결시각</th><th>체결가</th><th>전일비</th><th>매도</th><th>매수</th><th>거래량</th><th>변동량</th></tr>");
        for (int i = 0; i < 10; i++) {
            b.append("<tr>");
            for (int j = 0; j < 7; j++) {
                b.append("<td>&nbsp;</td>");
            }
            b.append("</tr>");
        }
        b.append("</table></body></html>");
        return b.toString().getBytes(EUC_KR);
    }

    /** The query's thistime for a moment. */
    public static String thistime(LocalDateTime t) {
        return THISTIME.format(t);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
