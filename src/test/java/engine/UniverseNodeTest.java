package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.DailyBar;
import engine.sources.naver.FakeDailySite;
import engine.sources.naver.FakeNaver;
import engine.sources.naver.KrxCalendar;
import engine.sources.naver.MutableClock;
import engine.sources.naver.NaverSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import persistence.WatchedTicker;
import testkit.Await;

/**
 * The universe job in a running node against a fake Naver market of 80 listed stocks: the expected
 * top N by the 5-day score (with the exclusion list and the market-cap minimum), tickers watched
 * and removed as the list changes while a hand-added one stays, and a run stopped midway that a
 * restarted node resumes without reading a candidate twice; the universe's tickers crawled from the
 * next session on (a restart keeps that), a hand-added one backfilled at once.
 */
class UniverseNodeTest {
    static final LocalDate DAY = LocalDate.of(2026, 11, 20); // a Friday
    static final Duration WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final int SIZE = 10;

    @TempDir
    Path dir;

    static String config(FakeNaver fake, String extra) {
        return "tickwatch.sinks.log.enabled = false\n"
                + "tickwatch.sources.naver { url = \"" + fake.url() + "\", rate = 1000, concurrency = 4,\n"
                + "  read-timeout = 5s, connect-timeout = 2s, retries = 1, backoff = 5ms, max-backoff = 20ms,\n"
                + "  failure-retry = 200ms, check-interval = 20ms }\n"
                + "tickwatch.daily.enabled = false\n"
                + "tickwatch.universe { size = " + SIZE + ", rate = 1000, check-interval = 20ms, retry-backoff = 1h,\n"
                + "  exclude = [\"001000\"], min-market-cap = 500 }\n" + extra;
    }

    static Node start(NodeSettings s, MutableClock clock) {
        return new NodeBootstrap(s).sourceType(NaverSource.TYPE, NaverSource.factory(clock)).dailyClock(clock).start();
    }

    /** 60 KOSPI stocks and 20 KOSDAQ ones; 001001 is too small (market cap 100). */
    static List<String> market(FakeNaver fake) {
        List<FakeDailySite.Listed> kospi = new ArrayList<>();
        List<FakeDailySite.Listed> kosdaq = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            String code = String.format("%06d", 1000 + i);
            codes.add(code);
            FakeDailySite.Listed l = new FakeDailySite.Listed(code, "종목" + i, code.equals("001001") ? 100 : 10_000 - i);
            (i < 60 ? kospi : kosdaq).add(l);
        }
        fake.daily().listing(0, kospi);
        fake.daily().listing(1, kosdaq);
        return codes;
    }

    /** The score as the issue defines it, from the fake's history: 5 days of (inst + foreign) x close. */
    static double score(List<DailyBar> history, LocalDate day) {
        List<DailyBar> upTo = history.stream().filter(d -> !d.date().isAfter(day)).toList();
        double s = 0;
        for (DailyBar d : upTo.subList(upTo.size() - 5, upTo.size())) {
            s += (double) (d.instNet() + d.foreignNet()) * d.close();
        }
        return s;
    }

    static List<String> expectedTop(FakeNaver fake, List<String> codes, LocalDate day) {
        return codes.stream().filter(c -> !c.equals("001000") && !c.equals("001001"))
                .sorted(Comparator.comparing((String c) -> -score(fake.daily().history(c), day)).thenComparing(c -> c))
                .limit(SIZE).toList();
    }

    static JsonNode universe(int port) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/universe"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static int refresh(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/universe/refresh"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static int bind(Node node) throws Exception {
        return AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1000))
                .toCompletableFuture().get(20, TimeUnit.SECONDS).localAddress().getPort();
    }

    static Map<String, WatchedTicker> watched(Node node) throws Exception {
        return NodeTest.get(node.tickers()).stream().collect(Collectors.toMap(WatchedTicker::symbol, t -> t, (a, b) -> a,
                TreeMap::new));
    }

    /** Waits until the node watches every one of {@code symbols}. */
    static void awaitWatched(Node node, List<String> symbols) throws InterruptedException {
        Await.until(() -> {
            try {
                return watched(node).keySet().containsAll(symbols);
            } catch (Exception e) {
                return false;
            }
        }, WAIT, "the universe watched");
    }

    static List<String> symbols(JsonNode u) {
        List<String> out = new ArrayList<>();
        u.get("stocks").forEach(s -> out.add(s.get("symbol").asText()));
        return out;
    }

    @Test
    void theTopNOfAKnownMarketWatchedWithHandAddedTickersKeptAndTheNextDaysChanges() throws Exception {
        MutableClock clock = new MutableClock(DAY.atTime(17, 0));
        try (FakeNaver fake = new FakeNaver(DAY)) {
            List<String> codes = market(fake);
            List<String> top = expectedTop(fake, codes, DAY);
            assertTrue(score(fake.daily().history("001000"), DAY) != 0);
            try (Node node = start(NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), config(fake, "")), clock)) {
                int port = bind(node);
                // a ticker added by hand, not in the universe
                assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("005930", "naver")));
                assertNull(universe(port).get("day").textValue(), "no universe before the first run");
                assertEquals(202, refresh(port));
                Await.until(() -> {
                    try {
                        return universe(port).get("size").asInt() == SIZE;
                    } catch (Exception e) {
                        return false;
                    }
                }, WAIT, "the universe of " + DAY);
                JsonNode u = universe(port);
                assertEquals(DAY.toString(), u.get("day").asText());
                assertEquals(top, symbols(u), "the top 10 by 5-day score, 001000 excluded, 001001 too small");
                JsonNode first = u.get("stocks").get(0);
                assertEquals(1, first.get("rank").asInt());
                assertEquals(score(fake.daily().history(top.get(0)), DAY), first.get("score").asDouble(), 1e-6);
                assertEquals(DAY.toString(), first.get("entered").asText());
                assertEquals("종목" + (Integer.parseInt(top.get(0)) - 1000), first.get("name").asText());
                awaitWatched(node, top);
                Map<String, WatchedTicker> w = watched(node);
                assertEquals(SIZE + 1, w.size());
                for (String s : top) {
                    assertEquals("naver", w.get(s).source());
                    assertTrue(w.get(s).byUniverse(), s + " marked as added by the universe");
                }
                assertNull(w.get("005930").addedBy(), "added by hand");
                // each candidate's investor page read once
                for (String c : codes) {
                    int n = fake.daily().requests(FakeNaver.FLOW_PATH, c).size();
                    assertEquals(c.equals("001000") || c.equals("001001") ? 0 : 1, n, c);
                }

                // Monday: the biggest buyer of Friday sells hard, a newcomer buys hard
                LocalDate monday = DAY.plusDays(3);
                String leaver = top.get(0);
                String newcomer = codes.stream().filter(c -> !top.contains(c) && !c.startsWith("00100")).findFirst().orElseThrow();
                for (String c : codes) {
                    List<DailyBar> h = new ArrayList<>(fake.daily().history(c));
                    long net = c.equals(leaver) ? -1_000_000_000L : c.equals(newcomer) ? 1_000_000_000L : 0;
                    h.add(new DailyBar(monday, 10_000, 10_000, 10_000, 10_000, 1_000, net, 0L, 0L, 0.0));
                    fake.daily().history(c, h);
                }
                fake.daily().today(monday);
                // the job runs by itself when the refresh time passes on a trading day
                clock.set(monday.atTime(16, 19, 59));
                Thread.sleep(200);
                clock.set(monday.atTime(16, 20));
                Await.until(() -> {
                    try {
                        return monday.toString().equals(universe(port).get("day").asText());
                    } catch (Exception e) {
                        return false;
                    }
                }, WAIT, "Monday's universe");
                u = universe(port);
                List<String> monTop = expectedTop(fake, codes, monday);
                assertEquals(monTop, symbols(u));
                assertTrue(monTop.contains(newcomer) && !monTop.contains(leaver));
                for (JsonNode s : u.get("stocks")) {
                    String sym = s.get("symbol").asText();
                    assertEquals(top.contains(sym) ? DAY.toString() : monday.toString(), s.get("entered").asText(), sym);
                }
                Await.until(() -> {
                    try {
                        return watched(node).values().stream().filter(WatchedTicker::byUniverse)
                                .map(WatchedTicker::symbol).collect(Collectors.toSet()).equals(Set.copyOf(monTop));
                    } catch (Exception e) {
                        return false;
                    }
                }, WAIT, "the universe's tickers watched: the newcomer added, the leaver removed");
                w = watched(node);
                assertTrue(w.containsKey(newcomer) && !w.containsKey(leaver));
                assertTrue(w.containsKey("005930"), "the hand-added ticker stays");
                assertEquals(SIZE + 1, w.size());
            }
        }
    }

    @Test
    void aRunStoppedMidwayIsResumedByTheRestartedNodeWithoutReadingACandidateTwice() throws Exception {
        MutableClock clock = new MutableClock(DAY.atTime(17, 0));
        try (FakeNaver fake = new FakeNaver(DAY)) {
            List<String> codes = market(fake);
            String breaks = "001040";
            // retries = 1: two failures in a row stop the run at that candidate
            fake.failDaily(FakeNaver.FLOW_PATH, breaks, 1, FakeNaver.Fault.HTTP_500);
            fake.failDaily(FakeNaver.FLOW_PATH, breaks, 1, FakeNaver.Fault.HTTP_500);
            NodeSettings s = NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), config(fake, ""));
            try (Node node = start(s, clock)) {
                assertTrue(NodeTest.get(node.refreshUniverse()));
                Await.until(() -> {
                    try {
                        return NodeTest.get(node.universe()).job().get("last_error") != null;
                    } catch (Exception e) {
                        return false;
                    }
                }, WAIT, "the run stopped at " + breaks);
                Node.Universe u = NodeTest.get(node.universe());
                assertNull(u.day(), "nothing finished");
                assertFalse(watched(node).keySet().stream().anyMatch(codes::contains), "nothing watched yet");
            }
            int listingPages = fake.daily().requests().stream().filter(r -> r.path().equals(FakeNaver.LISTING_PATH))
                    .toList().size();
            // the restarted node resumes at its first check: no refresh asked
            try (Node node = start(s, clock)) {
                Await.until(() -> {
                    try {
                        return NodeTest.get(node.universe()).stocks().size() == SIZE;
                    } catch (Exception e) {
                        return false;
                    }
                }, WAIT, "the resumed run finished");
                assertEquals(expectedTop(fake, codes, DAY),
                        NodeTest.get(node.universe()).stocks().stream().map(m -> m.symbol()).toList());
            }
            for (String c : codes) {
                int n = fake.daily().requests(FakeNaver.FLOW_PATH, c).size();
                int expected = c.equals("001000") || c.equals("001001") ? 0 : c.equals(breaks) ? 3 : 1;
                assertEquals(expected, n, c + ": read once, before or after the restart");
            }
            assertEquals(listingPages, fake.daily().requests().stream()
                    .filter(r -> r.path().equals(FakeNaver.LISTING_PATH)).toList().size(), "the listing is not read again");
        }
    }

    @Test
    void theUniversesTickersAreCrawledFromTheNextSessionOnAHandAddedOneBackfillsToday() throws Exception {
        LocalDate tuesday = DAY.plusDays(4); // Monday the 23rd is a holiday here
        String holidays = "tickwatch.market.holidays = [\"" + DAY.plusDays(3) + "\"]\n";
        MutableClock clock = new MutableClock(DAY.atTime(16, 20));
        try (FakeNaver fake = new FakeNaver(DAY)) {
            List<String> codes = market(fake);
            List<String> top = expectedTop(fake, codes, DAY);
            NodeSettings s = NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), config(fake, holidays));
            try (Node node = start(s, clock)) {
                // by hand at 16:20: today's session backfilled at once, as before
                assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("005930", "naver")));
                NaverSourceTest.awaitUntil(() -> NaverSourceTest.crawledTo(node, fake, "005930", KrxCalendar.CLOSE),
                        "the hand-added ticker backfilled to Friday's close");
                assertTrue(fake.requests("005930").stream().allMatch(r -> r.thistime().startsWith("20261120")));

                // the universe's, added by the 16:20 run: looked at, not read
                assertTrue(NodeTest.get(node.refreshUniverse()));
                awaitWatched(node, top);
                assertNotCrawledYet(node, fake, top, tuesday);
            }
            // a restart on Friday evening keeps the rule: it comes from the stored added_at and added_by
            clock.set(DAY.atTime(20, 0));
            try (Node node = start(s, clock)) {
                assertNotCrawledYet(node, fake, top, tuesday);

                // Tuesday, the first trading day after Friday: crawled from 09:00, Friday never read
                fake.day(tuesday);
                clock.set(tuesday.atTime(9, 5, 30));
                for (String sym : top) {
                    NaverSourceTest.awaitUntil(() -> NaverSourceTest.crawledTo(node, fake, sym, LocalTime.of(9, 4)),
                            sym + " crawled from Tuesday 09:00");
                    assertEquals(tuesday.toString(), node.sourceHealth(sym).get("day"));
                    List<FakeNaver.Request> read = fake.requests(sym);
                    assertFalse(read.isEmpty());
                    assertTrue(read.stream().allMatch(r -> r.thistime().startsWith("20261124")),
                            sym + ": only Tuesday's minutes read, " + read);
                }
            }
        }
    }

    /** Each of {@code symbols} is crawled by the node, was looked at, and no page of it was read. */
    static void assertNotCrawledYet(Node node, FakeNaver fake, List<String> symbols, LocalDate firstDay) throws Exception {
        for (String sym : symbols) {
            NaverSourceTest.awaitUntil(() -> node.sourceHealth(sym) != null && node.sourceHealth(sym).get("last_poll") != null,
                    sym + " looked at by the naver source");
            Map<String, Object> h = node.sourceHealth(sym);
            assertEquals(firstDay.toString(), h.get("first_day"), sym);
            assertEquals(0L, h.get("pages"), sym);
            assertEquals(List.of(), fake.requests(sym), sym + ": no minute page read before its first session");
        }
    }
}
