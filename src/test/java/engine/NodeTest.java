package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerEntity.IngestResult;
import actors.TickerEntity.TickerStatus;
import actors.TickerRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import conditions.ConditionException;
import conditions.Hit;
import conditions.Tick;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import persistence.WatchedTicker;

/** A whole node on an H2 file database in a temporary directory. */
class NodeTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Settings for a test node: its own data dir and conditions file, a free port, the given database. */
    static NodeSettings settings(Path dir, TestDb.Db db) {
        return NodeSettings.load(ConfigFactory.parseString(
                        "tickwatch.data-dir = \"" + dir.resolve("data") + "\"\n"
                                + "tickwatch.conditions.file = \"" + dir.resolve("conditions.json") + "\"\n"
                                + "pekko.remote.artery.canonical.port = 0\n"
                                + "tickwatch.hits.ack-timeout = 1s\n"
                                // Nothing leaves the machine: a test that watches a naver ticker without a
                                // fake of its own would crawl finance.naver.com (daily context at start,
                                // minute pages in KRX hours). Tests of those set their fake's url.
                                + "tickwatch.daily.enabled = false\n"
                                + "tickwatch.sources.naver.url = \"http://127.0.0.1:9\"\n")
                .withFallback(db.overlay()));
    }

    static <T> T get(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static long krx(String local) {
        return LocalDateTime.parse(local).toInstant(ZoneOffset.ofHours(9)).toEpochMilli();
    }

    /** One tick a minute for {@code minutes} minutes from 09:00. */
    static List<Tick> ticks(String symbol, int minutes) {
        List<Tick> out = new ArrayList<>();
        long t0 = krx("2026-11-20T09:00");
        for (int i = 0; i < minutes; i++) {
            out.add(new Tick(symbol, t0 + i * 60_000L + 500, 1000 + i, 10, 10L * (i + 1), null));
        }
        return out;
    }

    /** How the API merges the recent hits of several nodes. */
    @Test
    void clusterHitsAreMergedNewestBarFirstEachOnce() {
        Hit a1 = hit("A", 3), a2 = hit("A", 1), b1 = hit("B", 2), b2 = hit("B", 1), c1 = hit("C", 3);
        List<Hit> merged = Node.newestFirst(List.of(List.of(a1, c1, a2), List.of(b1, a2, b2)), 10);
        assertEquals(List.of(a1, c1, b1, a2, b2), merged, "bar start descending; ties in each node's order; a2 once");
        assertEquals(List.of(a1, c1), Node.newestFirst(List.of(List.of(a1, c1, a2), List.of(b1, b2)), 2));
    }

    static Hit hit(String symbol, long bar) {
        return new Hit("c", symbol, bar * 300_000L, conditions.Market.KRX, Map.of(), List.of("log"));
    }

    @Test
    void startsOnH2InATempDirServesTheApiAndResumesAfterARestart() throws Exception {
        Files.writeString(dir.resolve("conditions.json"),
                "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"sinks\": [\"file\", \"log\"]}}");
        NodeSettings s = settings(dir, TestDb.h2(dir.resolve("data")));
        List<Tick> batch = new ArrayList<>(ticks("005930", 31));
        batch.addAll(ticks("000660", 12));
        batch.add(new Tick("005930", krx("2026-11-20T09:40"), -1, 1)); // malformed
        TickerStatus before;
        try (Node node = Node.start(s)) {
            assertTrue(Files.exists(dir.resolve("data/tickwatch.mv.db")), "H2 created on first start");
            assertTrue(get(node.ready()));
            assertEquals(List.of("binance", "naver", "push"), node.sources());
            assertEquals(java.util.Set.of("file", "log"), node.sinkNames(), "the configured sinks");

            IngestResult r = get(node.ingest(batch));
            assertEquals(43, r.accepted());
            assertEquals(1, r.rejected("malformed"));
            assertEquals(List.of("000660", "005930"),
                    get(node.tickers()).stream().map(WatchedTicker::symbol).toList(), "added with source push");

            before = get(node.status("005930")).orElseThrow();
            assertEquals(31, before.accepted());
            assertEquals(6, before.barsClosed());
            assertEquals(Optional.empty(), get(node.status("NOPE")));
            List<Map<String, Object>> bars = get(node.bars("005930", 2)).orElseThrow();
            assertEquals(2, bars.size());
            assertEquals("2026-11-20T09:25:00+09:00", bars.get(1).get("start"));
            assertEquals(6, get(node.bars("005930", 0)).orElseThrow().size());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (node.recentHits(null, 100).size() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<Hit> recent = node.recentHits("005930", 100);
            assertEquals(6, recent.size());
            assertEquals("005930/up/" + krx("2026-11-20T09:25"), recent.get(0).id(), "newest first");
            assertEquals(8, Files.readAllLines(s.alertsFile()).size());
            // Confirmations are stored with the entity's next write, or within FLUSH_AFTER (500 ms).
            before = get(node.status("005930")).orElseThrow();
            while (!before.pendingHits().isEmpty() && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(5)) {
                Thread.sleep(20);
                before = get(node.status("005930")).orElseThrow();
            }
            assertEquals(List.of(), before.pendingHits(), "every hit confirmed");

            get(node.putCondition("dip", JSON.readTree("{\"when\": [\"RSI14\", \"<\", 30]}")));
            assertEquals(2, node.conditions().size());
            assertThrows(ConditionException.class, () -> node.putCondition("bad", JSON.readTree("{\"when\": 1}")));
            assertTrue(get(node.deleteCondition("up")));
            assertFalse(get(node.deleteCondition("up")));

            assertInstanceOf(TickerRegistry.UnknownSource.class, get(node.addTicker("BTCUSDT", "crawler")));
            assertInstanceOf(TickerRegistry.Added.class, get(node.addTicker("BTCUSDT", "push")));
            assertInstanceOf(TickerRegistry.Removed.class, get(node.removeTicker("000660")));
            assertInstanceOf(TickerRegistry.NotFound.class, get(node.removeTicker("000660")));
        }

        try (Node node = Node.start(s)) {
            assertTrue(get(node.ready()));
            assertEquals(List.of("005930", "BTCUSDT"), get(node.tickers()).stream().map(WatchedTicker::symbol).toList());
            assertEquals(before, get(node.status("005930")).orElseThrow(), "recovered");
            assertEquals(List.of("dip"), node.conditions().all().stream().map(c -> c.name()).toList(),
                    "condition changes survive the restart");
            assertEquals(6, node.recentHits("005930", 100).size(), "recent hits read back from the alerts file");
            IngestResult more = get(node.ingest(ticks("005930", 32).subList(31, 32)));
            assertEquals(1, more.accepted());
        }
    }

    /**
     * The ticker methods' hard edges through a whole node: a tick a year ahead of the wall clock is
     * {@code future} and does not block later real ticks; a market given when the ticker is added
     * wins over the symbol's; a ticker removed with {@code purge} has no stored rows left and,
     * added again, starts empty (without purge its history stays).
     */
    @Test
    void futureTicksExplicitMarketsAndPurge() throws Exception {
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        try (Node node = Node.start(settings(dir, db))) {
            long yearAhead = System.currentTimeMillis() + 365L * 86_400_000L;
            IngestResult r = get(node.ingest(List.of(new Tick("035420", yearAhead, 200_000, 1))));
            assertEquals(0, r.accepted());
            assertEquals(1, r.rejected("future"));
            IngestResult real = get(node.ingest(ticks("035420", 3)));
            assertEquals(3, real.accepted(), "later real ticks are accepted, not late: " + real);
            TickerStatus st = get(node.status("035420")).orElseThrow();
            assertEquals(1, st.rejected().get("future"));
            assertEquals(0, st.rejected().get("late"));

            long night = krx("2026-11-20T03:00");
            assertInstanceOf(TickerRegistry.Added.class, get(node.addTicker("035720", "push", conditions.Market.CRYPTO)));
            assertEquals(conditions.Market.CRYPTO, get(node.tickers()).stream()
                    .filter(t -> t.symbol().equals("035720")).findFirst().orElseThrow().explicitMarket());
            IngestResult atNight = get(node.ingest(List.of(new Tick("035720", night, 50_000, 1))));
            assertEquals(1, atNight.accepted(), "CRYPTO, as added, not KRX as the symbol says: " + atNight);
            assertEquals("CRYPTO", get(node.status("035720")).orElseThrow().market());

            // without purge the history stays
            assertInstanceOf(TickerRegistry.Removed.class, get(node.removeTicker("035420")));
            assertEquals(3, get(node.ingest(ticks("035420", 6).subList(3, 6))).accepted());
            assertEquals(6, get(node.status("035420")).orElseThrow().accepted(), "history kept");
            assertTrue(rows(db, "event_journal", "035420") > 0);

            assertInstanceOf(TickerRegistry.Removed.class, get(node.removeTicker("035420", true)));
            assertEquals(0, rows(db, "event_journal", "035420"), "events deleted");
            assertEquals(0, rows(db, "snapshot", "035420"), "snapshots deleted");
            assertEquals(Optional.empty(), get(node.status("035420")));
            assertInstanceOf(TickerRegistry.Added.class, get(node.addTicker("035420", "push")));
            TickerStatus fresh = get(node.status("035420")).orElseThrow();
            assertEquals(0, fresh.accepted(), "starts empty");
            assertEquals(0, fresh.rejected().get("future"));
            assertEquals(6, get(node.ingest(ticks("035420", 6))).accepted(), "the same ticks again: none a duplicate");
            assertInstanceOf(TickerRegistry.NotFound.class, get(node.removeTicker("NOPE", true)));
        }
    }

    static long rows(TestDb.Db db, String table, String symbol) throws Exception {
        try (java.sql.Connection c = db.connect(); java.sql.PreparedStatement p = c.prepareStatement(
                "SELECT COUNT(*) FROM \"" + table + "\" WHERE \"persistence_id\" = ?")) {
            p.setString(1, "Ticker|" + symbol);
            try (java.sql.ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Stored tickers cannot be rebuilt in another bar model: the node says so at start instead. */
    @Test
    void refusesToStartWithAnotherBarModelThanItsDatabaseHolds() throws Exception {
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        try (Node node = Node.start(settings(dir, db))) {
            assertEquals(12, get(node.ingest(ticks("005930", 12))).accepted());
        }
        for (String model : new String[] {"interval = 1m", "history = 240"}) {
            NodeSettings other = NodeSettings.from(ConfigFactory.parseString("tickwatch.model." + model)
                    .withFallback(settings(dir, db).config()));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Node.start(other));
            assertTrue(e.getMessage().contains("built with interval=5m history=120")
                    && e.getMessage().contains("configured as interval=" + (model.startsWith("i") ? "1m history=120" : "5m history=240"))
                    && e.getMessage().contains("fresh database"), e.getMessage());
        }
        try (Node node = Node.start(settings(dir, db))) {
            assertEquals(12, get(node.status("005930")).orElseThrow().accepted(), "the data is untouched");
        }
    }

    @Test
    void refusesToStartWithInvalidConditions() throws Exception {
        Files.writeString(dir.resolve("conditions.json"), "{\"dip\": {\"when\": [\"RSI15\", \"<\", 30]}}");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Node.start(settings(dir, TestDb.h2(dir.resolve("data")))));
        assertTrue(e.getMessage().contains("condition \"dip\"") && e.getMessage().contains("RSI15"), e.getMessage());
    }

    @Test
    void settingsComeFromConfigAndEnvironmentKeys() {
        NodeSettings s = NodeSettings.load(ConfigFactory.parseString("""
                tickwatch.data-dir = "/tmp/tw-node"
                tickwatch.cluster.seed-nodes = "pekko://tickwatch@10.0.0.1:25520, pekko://tickwatch@10.0.0.2:25520"
                tickwatch.clock.grace = 500ms
                tickwatch.model.interval = 1m
                """));
        assertEquals(Path.of("/tmp/tw-node/alerts.jsonl"), s.alertsFile());
        assertEquals(List.of("pekko://tickwatch@10.0.0.1:25520", "pekko://tickwatch@10.0.0.2:25520"), s.seedNodes());
        assertEquals(s.seedNodes(), s.pekkoConfig().getStringList("pekko.cluster.seed-nodes"));
        assertEquals(Duration.ofMillis(500), s.ticker().clockGrace());
        assertEquals(1, s.ticker().model().interval().minutes());
        assertEquals("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
                s.pekkoConfig().getString("pekko.cluster.downing-provider-class"));
        assertEquals("jdbc:h2:file:/tmp/tw-node/tickwatch;DATABASE_TO_UPPER=false;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0",
                s.pekkoConfig().getString("pekko-persistence-jdbc.shared-databases.slick.db.url"));
    }
}
