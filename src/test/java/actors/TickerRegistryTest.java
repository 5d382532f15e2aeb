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
            // resumed at start, then woken again periodically
            list.awaitAssert(WAIT, () -> {
                assertEquals(List.of("005930", "BTCUSD", "BTCUSDT", "005930", "BTCUSD", "BTCUSDT"), w2.woken.subList(0, 6));
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

    static java.util.Set<String> union(List<String> a, List<String> b) {
        java.util.Set<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        assertEquals(a.size() + b.size(), s.size(), "no symbol in two partitions");
        return s;
    }
}
