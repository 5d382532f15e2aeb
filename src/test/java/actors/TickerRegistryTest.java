package actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.Schema;
import persistence.TestDb;
import persistence.WatchedTicker;

class TickerRegistryTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    /** For the test of 2,800 writes: one write may wait long on a machine busy with other work. */
    static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Records what the registry asks of entities. */
    static final class Recorder implements TickerRegistry.Watcher {
        final List<String> woken = new CopyOnWriteArrayList<>();
        final List<String> stopped = new CopyOnWriteArrayList<>();

        @Override
        public void wake(WatchedTicker t) {
            woken.add(t.symbol());
        }

        @Override
        public void stop(WatchedTicker t) {
            stopped.add(t.symbol());
        }
    }

    @Test
    void addRemoveListAndEverythingSurvivesARestart() throws Exception {
        TestDb.Db db = TestDb.h2(dir);
        Config config = Fixtures.config(db);
        List<String> sources = List.of("push");

        ActorTestKit first = ActorTestKit.create("registry1", config);
        Recorder w1 = new Recorder();
        try {
            Schema.createIfNotExists(first.system(), db.settings()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            ActorRef<TickerRegistry.Command> reg = first.spawn(TickerRegistry.create(sources, w1, Duration.ofMinutes(5)));
            TestProbe<TickerRegistry.AddResult> add = first.createTestProbe();
            TestProbe<TickerRegistry.RemoveResult> remove = first.createTestProbe();

            reg.tell(new TickerRegistry.Add("005930", "push", add.ref()));
            assertInstanceOf(TickerRegistry.Added.class, add.receiveMessage(WAIT));
            reg.tell(new TickerRegistry.Add("005930", "push", add.ref()));
            assertInstanceOf(TickerRegistry.AlreadyExists.class, add.receiveMessage(WAIT));
            reg.tell(new TickerRegistry.Add("BTCUSDT", "push", add.ref()));
            assertInstanceOf(TickerRegistry.Added.class, add.receiveMessage(WAIT));
            reg.tell(new TickerRegistry.Add("000660", "push", add.ref()));
            assertInstanceOf(TickerRegistry.Added.class, add.receiveMessage(WAIT));
            reg.tell(new TickerRegistry.Add("BTCUSD", "push", conditions.Market.CRYPTO, add.ref()));
            assertEquals("CRYPTO", ((TickerRegistry.Added) add.receiveMessage(WAIT)).ticker().market());
            reg.tell(new TickerRegistry.Add("000660X", "crawler", add.ref()));
            TickerRegistry.UnknownSource u = (TickerRegistry.UnknownSource) add.receiveMessage(WAIT);
            assertEquals(List.of("push"), u.known());
            reg.tell(new TickerRegistry.Add("bad symbol", "push", add.ref()));
            assertInstanceOf(TickerRegistry.InvalidSymbol.class, add.receiveMessage(WAIT));

            reg.tell(new TickerRegistry.Remove("000660", remove.ref()));
            assertInstanceOf(TickerRegistry.Removed.class, remove.receiveMessage(WAIT));
            reg.tell(new TickerRegistry.Remove("000660", remove.ref()));
            assertInstanceOf(TickerRegistry.NotFound.class, remove.receiveMessage(WAIT));
            assertEquals(List.of("005930", "BTCUSDT", "000660", "BTCUSD"), w1.woken);
            assertEquals(List.of("000660"), w1.stopped);
        } finally {
            first.shutdownTestKit();
        }

        ActorTestKit second = ActorTestKit.create("registry2", config);
        try {
            Recorder w2 = new Recorder();
            ActorRef<TickerRegistry.Command> reg = second.spawn(TickerRegistry.create(sources, w2, Duration.ofMillis(200)));
            TestProbe<TickerRegistry.Tickers> list = second.createTestProbe();
            reg.tell(new TickerRegistry.ListTickers(list.ref()));
            List<WatchedTicker> ts = list.receiveMessage(WAIT).tickers();
            assertEquals(List.of("005930", "BTCUSD", "BTCUSDT"), ts.stream().map(WatchedTicker::symbol).toList());
            assertEquals("push", ts.get(0).source());
            assertEquals(null, ts.get(0).market(), "added without a market");
            assertEquals(conditions.Market.CRYPTO, ts.get(1).explicitMarket(), "the market is stored with the ticker");
            // resumed at start (again only after the cluster's members change: idle entities passivate)
            list.awaitAssert(WAIT, () -> {
                assertEquals(List.of("005930", "BTCUSD", "BTCUSDT"), w2.woken);
                return null;
            });
        } finally {
            second.shutdownTestKit();
        }
    }

    /** Feed workers hear of exactly the tickers of their partition: all of them when they subscribe, then each change. */
    @Test
    void feedWorkersGetTheirPartitionThenEachChange() throws Exception {
        TestDb.Db db = TestDb.h2(dir);
        ActorTestKit kit = ActorTestKit.create("registry-feeds", Fixtures.config(db));
        try {
            Schema.createIfNotExists(kit.system(), db.settings()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            ActorRef<TickerRegistry.Command> reg = kit.spawn(TickerRegistry.create(List.of("push", "feed"),
                    new Recorder(), Duration.ofMinutes(5)));
            TestProbe<TickerRegistry.AddResult> add = kit.createTestProbe();
            List<String> symbols = List.of("005930", "000660", "035720", "BTCUSDT", "ETHUSDT", "068270");
            for (String sym : symbols.subList(0, 3)) {
                reg.tell(new TickerRegistry.Add(sym, "feed", add.ref()));
                assertInstanceOf(TickerRegistry.Added.class, add.receiveMessage(WAIT));
            }
            List<TestProbe<TickerRegistry.FeedUpdate>> workers = List.of(kit.createTestProbe(), kit.createTestProbe());
            List<List<String>> seen = List.of(new java.util.ArrayList<>(), new java.util.ArrayList<>());
            for (int p = 0; p < 2; p++) {
                reg.tell(new TickerRegistry.SubscribeFeeds(p, 2, workers.get(p).ref()));
                TickerRegistry.FeedTickers all = workers.get(p).expectMessageClass(TickerRegistry.FeedTickers.class, WAIT);
                for (WatchedTicker t : all.tickers()) {
                    assertEquals(p, TickerRegistry.partitionOf(t.symbol(), 2));
                    seen.get(p).add(t.symbol());
                }
            }
            for (String sym : symbols.subList(3, 6)) {
                reg.tell(new TickerRegistry.Add(sym, "feed", add.ref()));
                assertInstanceOf(TickerRegistry.Added.class, add.receiveMessage(WAIT));
                int p = TickerRegistry.partitionOf(sym, 2);
                assertEquals(sym, workers.get(p).expectMessageClass(TickerRegistry.FeedAdded.class, WAIT).ticker().symbol());
                seen.get(p).add(sym);
            }
            assertEquals(new java.util.HashSet<>(symbols), union(seen.get(0), seen.get(1)));
            assertTrue(!seen.get(0).isEmpty() && !seen.get(1).isEmpty(), "both partitions own some: " + seen);

            TestProbe<TickerRegistry.RemoveResult> remove = kit.createTestProbe();
            reg.tell(new TickerRegistry.Remove("005930", remove.ref()));
            assertInstanceOf(TickerRegistry.Removed.class, remove.receiveMessage(WAIT));
            int p = TickerRegistry.partitionOf("005930", 2);
            assertEquals("005930", workers.get(p).expectMessageClass(TickerRegistry.FeedRemoved.class, WAIT)
                    .ticker().symbol());
            workers.get(1 - p).expectNoMessage(Duration.ofMillis(200));
        } finally {
            kit.shutdownTestKit();
        }
    }

    /**
     * A large registry: added in bulk, listed and answered to a feed worker in pages, snapshotted
     * after as many changes as its last snapshot held (so a change's cost does not grow with the
     * list), its older rows deleted, and all of it read back after a restart.
     */
    @Test
    void aLargeRegistryPagesItsAnswersAndSnapshotsRelativeToItsSize() throws Exception {
        TestDb.Db db = TestDb.h2(dir);
        Config config = Fixtures.config(db);
        List<String> expected = new java.util.ArrayList<>();
        ActorTestKit first = ActorTestKit.create("registry-large1", config);
        try {
            Schema.createIfNotExists(first.system(), db.settings()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            Recorder w = new Recorder();
            ActorRef<TickerRegistry.Command> reg = first.spawn(TickerRegistry.create(List.of("feed"), w, Duration.ofHours(1)));
            TestProbe<TickerRegistry.AddResult> add = first.createTestProbe();
            TestProbe<TickerRegistry.RemoveResult> remove = first.createTestProbe();
            for (int i = 0; i < 1000; i++) { // one at a time: snapshots at changes 100, 200, 400 and 800
                String sym = String.format("S%05d", i);
                reg.tell(new TickerRegistry.Add(sym, "feed", add.ref()));
                assertInstanceOf(TickerRegistry.Added.class, add.receiveMessage(LONG));
                expected.add(sym);
            }
            for (int i = 0; i < 150; i++) { // 300 changes more: 1,300 in all, the next snapshot due at 1,600
                reg.tell(new TickerRegistry.Add("X" + i, "feed", add.ref()));
                assertInstanceOf(TickerRegistry.Added.class, add.receiveMessage(LONG));
                reg.tell(new TickerRegistry.Remove("X" + i, remove.ref()));
                assertInstanceOf(TickerRegistry.Removed.class, remove.receiveMessage(LONG));
            }
            // kept: the newest two snapshots and the events after the older (every 100 changes, it
            // would have written 13 snapshots of up to 1,000 tickers, and kept 1,200 and 1,300)
            add.awaitAssert(LONG, () -> {
                assertEquals(List.of(400L, 800L), sequenceNumbers(db, "snapshot"));
                List<Long> events = sequenceNumbers(db, "event_journal");
                assertEquals(401L, (long) events.get(0));
                assertEquals(900, events.size());
                return null;
            });

            TestProbe<TickerRegistry.AddedMany> many = first.createTestProbe();
            w.woken.clear();
            for (int page = 0; page < 3; page++) { // 1,500 more in 3 writes
                List<TickerRegistry.Wanted> wanted = new java.util.ArrayList<>();
                for (int i = 0; i < TickerRegistry.PAGE; i++) {
                    String sym = String.format("S%05d", 1000 + page * TickerRegistry.PAGE + i);
                    wanted.add(new TickerRegistry.Wanted(sym, "feed", null));
                    expected.add(sym);
                }
                if (page == 2) {
                    expected.remove(wanted.get(0).symbol());
                    wanted.set(0, new TickerRegistry.Wanted("S00000", "feed", null)); // there already
                }
                reg.tell(new TickerRegistry.AddMany(wanted, many.ref()));
                TickerRegistry.AddedMany r = many.receiveMessage(LONG);
                assertEquals(page == 2 ? 499 : 500, r.added().size());
                assertEquals(page == 2 ? 1 : 0, r.refused().size());
                if (page == 2) {
                    assertInstanceOf(TickerRegistry.AlreadyExists.class, r.refused().get(0));
                }
            }
            assertTrue(w.woken.isEmpty(), "a new ticker's entity is not woken: it starts on its first tick");
            java.util.Collections.sort(expected);
            assertEquals(expected, listAll(first, reg));

            // a worker's answer: every ticker of its partition, in pages of at most PAGE, the last marked
            TestProbe<TickerRegistry.FeedUpdate> worker = first.createTestProbe();
            reg.tell(new TickerRegistry.SubscribeFeeds(0, 1, worker.ref()));
            List<String> fed = new java.util.ArrayList<>();
            for (int page = 0; ; page++) {
                TickerRegistry.FeedTickers f = worker.expectMessageClass(TickerRegistry.FeedTickers.class, WAIT);
                assertEquals(page, f.page());
                assertTrue(f.tickers().size() <= TickerRegistry.PAGE);
                f.tickers().forEach(t -> fed.add(t.symbol()));
                if (f.last()) {
                    break;
                }
            }
            assertEquals(expected, fed);

        } finally {
            first.shutdownTestKit();
        }
        ActorTestKit second = ActorTestKit.create("registry-large2", config);
        try {
            ActorRef<TickerRegistry.Command> reg = second.spawn(TickerRegistry.create(List.of("feed"), new Recorder(),
                    Duration.ofHours(1)));
            assertEquals(expected, listAll(second, reg), "read back from the snapshot and the events after it");
        } finally {
            second.shutdownTestKit();
        }
    }

    /** Every ticker, through the pages of {@link TickerRegistry.ListTickers}. */
    static List<String> listAll(ActorTestKit kit, ActorRef<TickerRegistry.Command> reg) {
        TestProbe<TickerRegistry.Tickers> list = kit.createTestProbe();
        List<String> out = new java.util.ArrayList<>();
        String after = null;
        while (true) {
            reg.tell(new TickerRegistry.ListTickers(after, TickerRegistry.PAGE, list.ref()));
            TickerRegistry.Tickers page = list.receiveMessage(LONG);
            assertTrue(page.tickers().size() <= TickerRegistry.PAGE);
            page.tickers().forEach(t -> out.add(t.symbol()));
            if (!page.more()) {
                return out;
            }
            after = out.get(out.size() - 1);
        }
    }

    /** The sequence numbers the registry has stored in {@code table}, ascending. */
    static List<Long> sequenceNumbers(TestDb.Db db, String table) throws java.sql.SQLException {
        try (java.sql.Connection c = db.connect(); java.sql.PreparedStatement p = c.prepareStatement(
                "SELECT \"sequence_number\" FROM \"" + table + "\" WHERE \"persistence_id\" = ? ORDER BY 1")) {
            p.setString(1, TickerRegistry.PERSISTENCE_ID.id());
            List<Long> out = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        }
    }

    static java.util.Set<String> union(List<String> a, List<String> b) {
        java.util.Set<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        assertEquals(a.size() + b.size(), s.size(), "no symbol in two partitions");
        return s;
    }
}
