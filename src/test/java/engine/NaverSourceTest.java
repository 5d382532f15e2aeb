package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import conditions.BarInterval;
import conditions.ModelConfig;
import engine.sources.naver.FakeNaver;
import engine.sources.naver.KrxCalendar;
import engine.sources.naver.MinuteRow;
import engine.sources.naver.MutableClock;
import engine.sources.naver.NaverSource;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/**
 * The naver source in a running node, against a fake Naver on loopback, with a clock the test sets:
 * a live day, tickers added and removed, the close, a restart that fills the gap, faults during a
 * backfill, and the bars equal to a backtest of the file {@code crawl} writes.
 */
class NaverSourceTest {
    static final LocalDate DAY = LocalDate.of(2026, 11, 20); // a Friday
    static final Duration WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static String config(FakeNaver fake) {
        return "tickwatch.sinks.log.enabled = false\n"
                + "tickwatch.sources.naver { url = \"" + fake.url() + "\", rate = 1000, concurrency = 4,\n"
                // 1 s, not less: a loopback page slower than the timeout on a busy machine is read twice, and
                // the tests count the pages read. The timeout fault below hangs longer than this.
                + "  read-timeout = 1s, connect-timeout = 1s, retries = 3, backoff = 5ms, max-backoff = 20ms,\n"
                + "  poll-delay = 2s, failure-retry = 200ms, check-interval = 20ms }\n";
    }

    static Node start(NodeSettings s, MutableClock clock) {
        return new NodeBootstrap(s).sourceType(NaverSource.TYPE, NaverSource.factory(clock)).start();
    }

    /** The source holds rows up to {@code last} and the node accepted what the fake says for them. */
    static boolean crawledTo(Node node, FakeNaver fake, String symbol, LocalTime last) throws Exception {
        Map<String, Object> h = node.sourceHealth(symbol);
        return h != null && last.toString().equals(h.get("last_row"))
                && accepted(node, symbol) == fake.accepted(symbol, last);
    }

    static long accepted(Node node, String symbol) throws Exception {
        return NodeTest.get(node.status(symbol)).map(st -> st.accepted()).orElse(-1L);
    }

    @Test
    void aLiveDayTickersAddedAndRemovedTheCloseAndBarsEqualToABacktestOfTheCrawledFile() throws Exception {
        MutableClock clock = new MutableClock(DAY.atTime(11, 0, 3));
        try (FakeNaver fake = new FakeNaver(DAY);
             Node node = start(NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), config(fake)), clock)) {
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("005930", "naver")));
            // backfill: 09:00 up to the last complete minute, 10:59 (the forming 11:00 row waits)
            awaitUntil(() -> crawledTo(node, fake, "005930", LocalTime.of(10, 59)), "005930 backfilled to 10:59");
            int pagesBefore = fake.requests("005930").size();
            assertEquals(13, pagesBefore, "121 rows visible at 11:00:03, ten a page, down to 09:00");

            // the minute turns: one poll, page 1 only, takes the 11:00 row whole
            clock.set(DAY.atTime(11, 1, 3));
            awaitUntil(() -> crawledTo(node, fake, "005930", LocalTime.of(11, 0)), "11:00 polled");
            assertEquals(pagesBefore + 1, fake.requests("005930").size(), "a poll without a gap reads page 1 only");
            Map<String, Object> health = node.sourceHealth("005930");
            assertEquals("11:00", health.get("last_row"));
            assertEquals(14L, health.get("pages"));

            // a ticker added while running is backfilled at once; a removed one is no longer read
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("000660", "naver")));
            awaitUntil(() -> crawledTo(node, fake, "000660", LocalTime.of(11, 0)), "000660 backfilled");
            assertInstanceOf(TickerRegistry.Removed.class, NodeTest.get(node.removeTicker("005930")));
            awaitUntil(() -> node.sourceHealth("005930") == null, "005930 no longer crawled");
            int removedAt = fake.requests("005930").size();
            clock.set(DAY.atTime(11, 2, 3));
            awaitUntil(() -> crawledTo(node, fake, "000660", LocalTime.of(11, 1)), "11:01 polled");
            assertEquals(removedAt, fake.requests("005930").size(), "the removed ticker is not polled");

            // after the close: the poll at 15:31 fills the gap up to the closing print
            clock.set(DAY.atTime(15, 31, 3));
            awaitUntil(() -> crawledTo(node, fake, "000660", KrxCalendar.CLOSE), "the whole day");
            awaitUntil(() -> NodeTest.get(node.bars("000660", 0)).orElseThrow().size() == 78,
                    "78 five-minute bars, the 15:30 print in the 15:25 bar");

            // crawl writes the same day as a tick file; backtest over it gives the very same bars
            Path file = dir.resolve("ticks.csv.gz");
            clock.set(DAY.atTime(18, 0));
            assertEquals(0, CrawlCommand.run(new Args(List.of("--symbols", "000660,005930", "--date", DAY.toString(),
                    "--out", file.toString(), "--url", fake.url()), Set.of("symbols", "date", "out", "url"), Set.of()),
                    clock, ConfigFactory.parseString(config(fake)).withFallback(ConfigFactory.load())));
            Path out = dir.resolve("bt");
            Backtest.Summary summary = Backtest.run(List.of(file), node.conditions(),
                    new ModelConfig(BarInterval.parse("5m"), true, ModelConfig.DEFAULT.history()), out);
            assertEquals(2 * 391, summary.ticksRead(), "391 minutes of each symbol");
            List<JsonNode> backtested = new ArrayList<>();
            for (String line : Files.readAllLines(out.resolve("bars.jsonl"))) {
                JsonNode bar = JSON.readTree(line);
                if (bar.get("symbol").asText().equals("000660")) {
                    backtested.add(bar);
                }
            }
            List<JsonNode> live = new ArrayList<>();
            for (Map<String, Object> bar : NodeTest.get(node.bars("000660", 0)).orElseThrow()) {
                live.add(JSON.readTree(JSON.writeValueAsString(bar)));
            }
            assertEquals(78, backtested.size());
            for (int i = 0; i < 78; i++) {
                assertSameBar(backtested.get(i), live.get(i));
            }
            BigDecimal volume = BigDecimal.ZERO;
            for (JsonNode b : live) {
                volume = volume.add(b.get("volume").decimalValue());
            }
            List<MinuteRow> day = fake.session("000660", KrxCalendar.CLOSE);
            assertEquals(BigDecimal.valueOf(day.get(day.size() - 1).cumVolume()), volume,
                    "the day's volume counted once: the bars sum to the 15:30 cumulative volume");
        }
    }

    static void assertSameBar(JsonNode expected, JsonNode actual) {
        List<String> keys = new ArrayList<>();
        expected.fieldNames().forEachRemaining(keys::add);
        List<String> actualKeys = new ArrayList<>();
        actual.fieldNames().forEachRemaining(actualKeys::add);
        assertEquals(keys, actualKeys, "fields of the bar at " + expected.get("start"));
        for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
            String k = it.next();
            JsonNode e = expected.get(k);
            JsonNode a = actual.get(k);
            if (e.isNumber()) {
                assertEquals(e.decimalValue().stripTrailingZeros(), a.decimalValue().stripTrailingZeros(),
                        k + " of the bar at " + expected.get("start"));
            } else {
                assertEquals(e, a, k);
            }
        }
    }

    @Test
    void aNodeRestartedAfterTheCloseFillsTheGapThroughFaultsWithoutCountingTwice() throws Exception {
        MutableClock clock = new MutableClock(DAY.atTime(10, 0, 3));
        try (FakeNaver fake = new FakeNaver(DAY)) {
            NodeSettings s = NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), config(fake));
            try (Node node = start(s, clock)) {
                assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("005930", "naver")));
                awaitUntil(() -> crawledTo(node, fake, "005930", LocalTime.of(9, 59)), "backfilled to 09:59");
            }
            // down from 10:00 to 16:00; meanwhile the site answers a 500, a timeout and a cut-off page
            clock.set(DAY.atTime(16, 0));
            fake.timeoutMillis(2500); // past the read-timeout of config()
            fake.fail("005930", 3, FakeNaver.Fault.HTTP_500);
            fake.fail("005930", 5, FakeNaver.Fault.TIMEOUT);
            fake.fail("005930", 7, FakeNaver.Fault.TRUNCATED);
            long restartedAt = System.nanoTime();
            try (Node node = start(s, clock)) {
                awaitUntil(() -> NodeTest.get(node.bars("005930", 0)).orElseThrow().size() == 78, "the whole day's bars");
                BigDecimal volume = BigDecimal.ZERO;
                for (Map<String, Object> b : NodeTest.get(node.bars("005930", 0)).orElseThrow()) {
                    volume = volume.add(new BigDecimal(b.get("volume").toString()));
                }
                List<MinuteRow> day = fake.session("005930", KrxCalendar.CLOSE);
                assertEquals(BigDecimal.valueOf(day.get(day.size() - 1).cumVolume()), volume,
                        "the minutes read before the restart and again after it are counted once");
                Map<String, Long> rejected = NodeTest.get(node.status("005930")).orElseThrow().rejected();
                // zero-volume minutes repeat the cumulative volume: counted as duplicates, nothing else is
                assertEquals(day.stream().filter(r -> r.volume() == 0).count(), rejected.get("late") + rejected.get("duplicate"),
                        rejected.toString());
                // the restarted node asked its entity where the stored minutes end (09:59) and read on from
                // there: the deepest page it read holds 09:59, not the open (a whole day again)
                long after = day.stream().filter(r -> r.time().isAfter(LocalTime.of(9, 59))).count();
                int deepest = fake.requests("005930").stream().filter(r -> r.atNanos() > restartedAt)
                        .mapToInt(FakeNaver.Request::page).max().orElse(0);
                assertEquals(after / 10 + 1, deepest, "pages read after the restart: " + after + " minutes after 09:59");

                // what an operator sees: the ticker's crawl counters, and the source's health
                int port = AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1000))
                        .toCompletableFuture().get(20, TimeUnit.SECONDS).localAddress().getPort();
                HttpClient http = HttpClient.newHttpClient();
                JsonNode status = JSON.readTree(http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/tickers/005930")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                JsonNode sh = status.get("source_health");
                assertNotNull(sh, status.toString());
                assertEquals(1, sh.get("malformed").asInt(), "the cut-off page, counted");
                assertEquals(3, sh.get("retries").asInt(), sh.toString());
                assertEquals("15:30", sh.get("last_row").asText());
                assertEquals("2026-11-20", sh.get("day").asText());
                JsonNode sources = JSON.readTree(http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/sources")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                JsonNode naver = null;
                for (JsonNode src : sources) {
                    if (src.get("name").asText().equals("naver")) {
                        naver = src.get("health");
                    }
                }
                assertNotNull(naver, sources.toString());
                assertEquals(1, naver.get("tickers").asInt());
                assertEquals(1, naver.get("malformed").asInt());
                assertTrue(naver.get("per_ticker").has("005930"), naver.toString());
                assertFalse(naver.get("url").asText().isEmpty());
            }
        }
    }

    @Test
    void twoNodesEachCrawlTheirShareOfTheTickers() throws Exception {
        MutableClock clock = new MutableClock(DAY.atTime(16, 0));
        String fast = "pekko.cluster.sharded-daemon-process.keep-alive-interval = 1s\n"
                + "pekko.cluster.sharded-daemon-process.sharding.rebalance-interval = 1s\n";
        try (FakeNaver fake = new FakeNaver(DAY)) {
            TestDb.Db db = TestDb.h2(dir.resolve("data"));
            List<String> movedFromB = new ArrayList<>();
            try (Node a = start(NodeSourcesTest.settings(dir.resolve("a"), db, config(fake) + fast), clock)) {
                String seed = org.apache.pekko.cluster.typed.Cluster.get(a.system()).selfMember().address().toString();
                try (Node b = start(NodeSourcesTest.settings(dir.resolve("b"), db,
                        config(fake) + fast + "tickwatch.cluster.seed-nodes = \"" + seed + "\"\n"), clock)) {
                    List<String> symbols = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        symbols.add(String.format("%06d", 1000 + i * 10));
                    }
                    for (String sym : symbols) {
                        assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(a.addTicker(sym, "naver")));
                    }
                    awaitUntil(() -> {
                        Set<String> onA = perTicker(a).keySet();
                        Set<String> onB = perTicker(b).keySet();
                        java.util.Set<String> union = new java.util.HashSet<>(onA);
                        union.addAll(onB);
                        java.util.Set<String> both = new java.util.HashSet<>(onA);
                        both.retainAll(onB);
                        return union.equals(new java.util.HashSet<>(symbols)) && both.isEmpty() && !onA.isEmpty()
                                && !onB.isEmpty();
                    }, "each ticker crawled by exactly one node, both nodes crawling");
                    for (String sym : symbols) {
                        Node owner = perTicker(a).containsKey(sym) ? a : b;
                        awaitUntil(() -> crawledTo(owner, fake, sym, KrxCalendar.CLOSE), sym + " crawled by its node");
                    }
                    Set<String> requested = new java.util.HashSet<>();
                    fake.requests().forEach(r -> requested.add(r.code()));
                    assertEquals(new java.util.HashSet<>(symbols), requested);
                    movedFromB.addAll(perTicker(b).keySet());
                }
                // B left: A takes its tickers over and backfills them (the minutes it re-reads are duplicates)
                awaitUntil(() -> perTicker(a).keySet().containsAll(movedFromB), "B's tickers crawled by A");
                for (String sym : movedFromB) {
                    awaitUntil(() -> crawledTo(a, fake, sym, KrxCalendar.CLOSE), sym + " crawled by A");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> perTicker(Node node) {
        Map<String, Object> naver = node.sourceHealth().get("naver");
        return naver == null ? Map.of() : (Map<String, Object>) naver.get("per_ticker");
    }

    static void awaitUntil(ThrowingBoolean done, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @FunctionalInterface
    interface ThrowingBoolean {
        boolean get() throws Exception;
    }
}
