package engine;

import static engine.NaverSourceTest.assertSameBar;
import static engine.NaverSourceTest.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.BarInterval;
import conditions.Market;
import conditions.ModelConfig;
import conditions.Tick;
import engine.http.LogCapture;
import engine.sources.ls.FakeLs;
import engine.sources.ls.LsSource;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import persistence.TestDb;
import persistence.tickfile.TickFileWriter;

/**
 * The ls source in a running node against a fake LS OpenAPI on loopback: every instrument kind's
 * trades, refused registrations, tickers added and removed while running, the bars equal to a
 * backtest of the same trades; a drop, an error frame, token expiry and silence mid-session, with
 * nothing lost or counted twice.
 */
class LsSourceTest {
    static final LocalDate DAY = LocalDate.of(2026, 11, 20); // a Friday
    static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    /** The source dates trades by this clock: the trading day, after the close. */
    static final Clock CLOCK = Clock.fixed(DAY.atTime(15, 40).atZone(SEOUL).toInstant(), ZoneOffset.UTC);
    static final String APPKEY = "PSkey7Hq2Lx9";
    static final String APPSECRET = "sEcr3tZw8Vb4";
    static final ObjectMapper JSON = new ObjectMapper();
    static final DateTimeFormatter HHMMSS = DateTimeFormatter.ofPattern("HHmmss");

    @TempDir
    Path dir;

    record Trade(LocalTime time, double price, long size, long cum) {
        Tick tick(String symbol, Market market) {
            return new Tick(symbol, LocalDateTime.of(DAY, time).atZone(SEOUL).toInstant().toEpochMilli(), price, size,
                    cum, market);
        }
    }

    /** {@code n} trades from {@code from}, one every {@code step} seconds, sizes 1..9, prices around {@code base}. */
    static List<Trade> trades(LocalTime from, int n, int step, double base) {
        List<Trade> out = new ArrayList<>();
        long cum = 1000;
        for (int i = 0; i < n; i++) {
            long size = 1 + (i * 7) % 9;
            cum += size;
            out.add(new Trade(from.plusSeconds((long) i * step), base + ((i * 13) % 11 - 5) * 50, size, cum));
        }
        return out;
    }

    /** An S3_/K3_ body as LS sends it (every value a string). */
    static Map<String, String> stockBody(String code, Trade t) {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("chetime", t.time().format(HHMMSS));
        b.put("sign", "2");
        b.put("change", "1050");
        b.put("drate", "1.93");
        b.put("price", String.valueOf((long) t.price()));
        b.put("opentime", "090030");
        b.put("open", "55600");
        b.put("high", "55800");
        b.put("low", "55500");
        b.put("cgubun", "+");
        b.put("cvolume", String.valueOf(t.size()));
        b.put("volume", String.valueOf(t.cum()));
        b.put("value", "604");
        b.put("mdvolume", "946");
        b.put("msvolume", "3146");
        b.put("cpower", "332.56");
        b.put("offerho", "55600");
        b.put("bidho", "55500");
        b.put("status", "00");
        b.put("shcode", code);
        b.put("exchname", "KRX");
        return b;
    }

    static Map<String, String> derivativeBody(String code, Trade t) {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("chetime", t.time().format(HHMMSS));
        b.put("price", String.format("%.2f", t.price() / 100));
        b.put("cvolume", String.valueOf(t.size()));
        b.put("volume", String.valueOf(t.cum()));
        b.put("openyak", "245120");
        b.put("k200jisu", "402.11");
        b.put("futcode", code);
        return b;
    }

    static Map<String, String> overseasBody(String code, Trade t) {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("symbol", code + "   ");
        b.put("kordate", DAY.toString().replace("-", ""));
        b.put("kortm", t.time().format(HHMMSS));
        b.put("curpr", " " + String.format("%.2f", t.price() / 3)); // stray spaces, as seen in samples
        b.put("trdq", String.valueOf(t.size()));
        b.put("totq", String.valueOf(t.cum()));
        return b;
    }

    static String config(FakeLs fake, String extra) {
        return config(fake.url(), fake.wsUrl(), extra);
    }

    /** {@link #config(FakeLs, String)} for a fake LS at these URLs (one in another process). */
    static String config(String url, String wsUrl, String extra) {
        // a short grace: the last bar closes a moment after its end in feed time
        return "tickwatch.sinks.log.enabled = false\ntickwatch.clock.grace = 200ms\n"
                + "tickwatch.sources.ls { enabled = true, url = \"" + url + "\", ws-url = \"" + wsUrl
                + "\",\n  appkey = \"" + APPKEY + "\", appsecret = \"" + APPSECRET + "\",\n"
                + "  backoff = 50ms, max-backoff = 300ms, request-timeout = 3s, silence-limit = 0s\n" + extra + "}\n";
    }

    static Node start(Path dir, FakeLs fake, String extra) {
        return new NodeBootstrap(NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), config(fake, extra)))
                .sourceType(LsSource.TYPE, LsSource.factory(CLOCK)).start();
    }

    static long accepted(Node node, String symbol) throws Exception {
        return NodeTest.get(node.status(symbol)).map(st -> st.accepted()).orElse(-1L);
    }

    static long rejected(Node node, String symbol, String why) throws Exception {
        return NodeTest.get(node.status(symbol)).map(st -> st.rejected().getOrDefault(why, 0L)).orElse(-1L);
    }

    static boolean state(Node node, String symbol, String state) {
        Map<String, Object> h = node.sourceHealth(symbol);
        return h != null && state.equals(h.get("state"));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> events(Node node) {
        return (List<Map<String, Object>>) node.sourceHealth().get("ls").get("events");
    }

    static boolean hasEvent(Node node, String type) {
        return events(node).stream().anyMatch(e -> type.equals(e.get("type")));
    }

    @Test
    void everyInstrumentsTradesRefusalsTickersAddedAndRemovedAndBarsEqualToABacktest() throws Exception {
        ch.qos.logback.classic.Logger lsLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("engine.sources.ls");
        lsLog.setLevel(Level.DEBUG);
        try (LogCapture logs = LogCapture.open(); FakeLs fake = new FakeLs()) {
            // a six-digit KOSDAQ code is refused as KOSPI, then acked as KOSDAQ; 999999 is neither
            fake.refuse("S3_", "122870", "01405", "KOSPI 종목이 아닙니다");
            fake.refuse("S3_", "999999", "01405", "KOSPI 종목이 아닙니다");
            fake.refuse("K3_", "999999", "01406", "존재하지 않는 종목입니다");
            try (Node node = start(dir, fake, "instruments { \"XYZ\" = kospi200-option }\n")) {
                for (String s : List.of("005930", "122870", "101W9000", "201W9342", "NQU23", "999999")) {
                    assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker(s, "ls")));
                }
                awaitUntil(() -> fake.registered("S3_", "005930") && fake.registered("K3_", "122870")
                        && fake.registered("FC0", "101W9000") && fake.registered("OC0", "201W9342")
                        && fake.registered("OVC", "NQU23"), "every instrument registered under its TR code");
                assertTrue(fake.requests().stream().anyMatch(r -> r.trCd().equals("OVC") && r.key().equals("NQU23   ")),
                        "the overseas key is padded to 8: " + fake.requests());
                awaitUntil(() -> state(node, "999999", "refused"), "999999 refused");
                Map<String, Object> refused = node.sourceHealth("999999");
                assertEquals(Map.of("tr_cd", "K3_", "code", "01406", "message", "존재하지 않는 종목입니다"),
                        refused.get("refused"), "the last refusal, with its code and message, on the ticker");
                awaitUntil(() -> state(node, "122870", "registered"), "122870 registered");
                assertEquals("kosdaq", node.sourceHealth("122870").get("instrument"), "the server's ack decided");
                assertEquals("kospi", node.sourceHealth("005930").get("instrument"));

                List<Trade> samsung = trades(LocalTime.of(9, 0, 29), 60, 30, 55_000); // the last at 09:29:59
                List<Trade> small = trades(LocalTime.of(10, 0), 5, 10, 30_000);
                for (Trade t : samsung) {
                    fake.publish("S3_", "005930", stockBody("005930", t));
                }
                for (Trade t : small) {
                    fake.publish("K3_", "122870", stockBody("122870", t));
                    fake.publish("FC0", "101W9000", derivativeBody("101W9000", t));
                    fake.publish("OC0", "201W9342", derivativeBody("201W9342", t));
                    fake.publish("OVC", "NQU23   ", overseasBody("NQU23", t));
                }
                for (String s : List.of("122870", "101W9000", "201W9342", "NQU23")) {
                    awaitUntil(() -> accepted(node, s) == 5, s + " got its 5 trades");
                }
                awaitUntil(() -> accepted(node, "005930") == 60, "005930 got its 60 trades");
                TickerEntityView last = TickerEntityView.of(node, "NQU23");
                assertEquals(LocalDateTime.of(DAY, LocalTime.of(10, 0, 40)).atZone(SEOUL).toOffsetDateTime().toInstant(),
                        last.lastTick(), "the overseas trade at kordate + kortm, Seoul");
                assertEquals(5L, node.sourceHealth("NQU23").get("trades"));

                // removed while running: the server sees the registration end; added: a new one
                assertInstanceOf(TickerRegistry.Removed.class, NodeTest.get(node.removeTicker("122870")));
                awaitUntil(() -> fake.requests().stream().anyMatch(r -> r.trType().equals("4")
                        && r.trCd().equals("K3_") && r.key().equals("122870")), "unregistered with tr_type 4");
                assertFalse(fake.registered("K3_", "122870"));
                assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("000660", "ls")));
                awaitUntil(() -> fake.registered("S3_", "000660"), "000660 registered while running");
                fake.publish("S3_", "000660", stockBody("000660", small.get(0)));
                awaitUntil(() -> accepted(node, "000660") == 1, "000660's trade");
                assertEquals(1, fake.connectionsEver(), "one connection carries every registration");
                // the last answer is counted on the source's own thread: wait for it (a loaded machine
                // read 4 here once), then check the whole health
                awaitUntil(() -> Long.valueOf(5).equals(node.sourceHealth().get("ls").get("registrations")),
                        "five registrations counted");
                Map<String, Object> health = node.sourceHealth().get("ls");
                assertEquals("connected", health.get("state"));
                assertEquals(1, health.get("connections"));
                assertEquals(5L, health.get("registrations"), "005930 101W9000 201W9342 NQU23 000660; 999999 refused: "
                        + health);
                assertEquals(List.of("999999"), health.get("refused"));
                assertTrue(hasEvent(node, "registration_refused"));

                // the same trades through backtest give the very same bars
                Path file = dir.resolve("ticks.csv.gz");
                try (TickFileWriter w = new TickFileWriter(file)) {
                    for (Trade t : samsung) {
                        w.append(t.tick("005930", Market.KRX));
                    }
                }
                Path out = dir.resolve("bt");
                Backtest.run(List.of(file), node.conditions(),
                        new ModelConfig(BarInterval.parse("5m"), true, ModelConfig.DEFAULT.history()), out);
                List<JsonNode> backtested = new ArrayList<>();
                for (String line : Files.readAllLines(out.resolve("bars.jsonl"))) {
                    backtested.add(JSON.readTree(line));
                }
                assertEquals(6, backtested.size());
                awaitUntil(() -> NodeTest.get(node.bars("005930", 0)).orElseThrow().size() == 6, "six bars");
                List<Map<String, Object>> live = NodeTest.get(node.bars("005930", 0)).orElseThrow();
                for (int i = 0; i < 6; i++) {
                    assertSameBar(backtested.get(i), JSON.readTree(JSON.writeValueAsString(live.get(i))));
                }

                // the secrets went to the token endpoint and nowhere else
                assertTrue(fake.tokenForms().get(0).contains("appkey=" + APPKEY), fake.tokenForms().get(0));
                String shown = JSON.writeValueAsString(node.sourceHealth());
                assertFalse(shown.contains(APPKEY) || shown.contains(APPSECRET), shown);
                logs.flush(node.system());
            }
            assertFalse(logs.containing("ls source").isEmpty(), "the source logged");
            assertEquals(List.of(), logs.containing(APPKEY));
            assertEquals(List.of(), logs.containing(APPSECRET));
        } finally {
            lsLog.setLevel(null);
        }
    }

    @Test
    void aDropAnErrorFrameAndTokenExpiryMidSessionLoseNothingAndCountNothingTwice() throws Exception {
        try (FakeLs fake = new FakeLs()) {
            fake.tokenLife(2, "expire_in"); // renewed a second after it was issued, the other spelling
            try (Node node = start(dir, fake, "")) {
                assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("005930", "ls")));
                awaitUntil(() -> fake.registered("S3_", "005930"), "registered");
                List<Trade> day = trades(LocalTime.of(9, 0, 44), 40, 45, 55_000); // the last at 09:29:59
                for (Trade t : day.subList(0, 10)) {
                    fake.publish("S3_", "005930", stockBody("005930", t));
                }
                awaitUntil(() -> accepted(node, "005930") == 10, "the first 10 trades");

                // dropped: reconnects, registers again; the server sends the last 3 trades again
                fake.drop();
                awaitUntil(() -> fake.connectionsEver() == 2 && fake.registered("S3_", "005930"), "registered again");
                for (Trade t : day.subList(7, 20)) {
                    fake.publish("S3_", "005930", stockBody("005930", t));
                }
                awaitUntil(() -> accepted(node, "005930") == 20, "20 trades");
                awaitUntil(() -> rejected(node, "005930", "duplicate") == 3, "3 sent again, counted once");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> gaps = (List<Map<String, Object>>) node.sourceHealth("005930").get("gaps");
                assertEquals(1, gaps.size(), "the gap is shown on the ticker: " + gaps);
                assertTrue(hasEvent(node, "disconnected") && hasEvent(node, "reconnecting"), events(node).toString());

                // an error frame: the connection is dropped and opened again
                fake.errorFrame("99999", "internal error");
                awaitUntil(() -> fake.connectionsEver() == 3 && fake.registered("S3_", "005930"), "after the error frame");
                assertTrue(hasEvent(node, "error_frame"));
                for (Trade t : day.subList(20, 30)) {
                    fake.publish("S3_", "005930", stockBody("005930", t));
                }
                awaitUntil(() -> accepted(node, "005930") == 30, "30 trades");

                // the server says the token expired: a new one, and the ticker registered again with it
                awaitUntil(() -> events(node).stream().anyMatch(e -> "token_renewed".equals(e.get("type"))
                        && e.get("detail").toString().startsWith("before it expired")), "renewed before expiry");
                int forms = fake.tokenForms().size();
                fake.expireTokens();
                awaitUntil(() -> fake.registered("S3_", "005930"), "registered again with a new token");
                assertTrue(fake.tokenForms().size() > forms);
                assertTrue(events(node).stream().anyMatch(e -> "token_renewed".equals(e.get("type"))
                        && e.get("detail").toString().contains("IGW00121")), events(node).toString());
                for (Trade t : day.subList(30, 40)) {
                    fake.publish("S3_", "005930", stockBody("005930", t));
                }
                awaitUntil(() -> accepted(node, "005930") == 40, "all 40 trades");
                awaitUntil(() -> volume(node, "005930").equals(BigDecimal.valueOf(day.get(39).cum() - 1000)),
                        "the bars hold every trade's size once");
                Map<String, Object> health = node.sourceHealth().get("ls");
                assertTrue(((Number) health.get("reconnects")).longValue() >= 2, health.toString());
                assertEquals(3, fake.connectionsEver());
            }
        }
    }

    @Test
    void aSilentConnectionIsDroppedAndOpenedAgain() throws Exception {
        try (FakeLs fake = new FakeLs(); Node node = start(dir, fake, "silence-limit = 300ms\n")) {
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("005930", "ls")));
            awaitUntil(() -> fake.connectionsEver() >= 2, "a second connection after the silence");
            awaitUntil(() -> events(node).stream().anyMatch(e -> "disconnected".equals(e.get("type"))
                    && e.get("detail").toString().contains("silent")), "the reason: " + events(node));
        }
    }

    static BigDecimal volume(Node node, String symbol) throws Exception {
        BigDecimal v = BigDecimal.ZERO;
        for (Map<String, Object> b : NodeTest.get(node.bars(symbol, 0)).orElseThrow()) {
            v = v.add(new BigDecimal(b.get("volume").toString()));
        }
        return v;
    }

    /** The entity's last accepted tick time. */
    record TickerEntityView(java.time.Instant lastTick) {
        static TickerEntityView of(Node node, String symbol) throws Exception {
            String t = NodeTest.get(node.status(symbol)).orElseThrow().lastTickTime();
            return new TickerEntityView(java.time.OffsetDateTime.parse(t).toInstant());
        }
    }
}
