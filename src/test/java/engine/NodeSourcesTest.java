package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerEntity.IngestResult;
import actors.TickerRegistry;
import actors.sinks.RecordingSink;
import com.typesafe.config.ConfigFactory;
import engine.sources.TestSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import persistence.WatchedTicker;

/** A node's sources and sinks come from its configuration; a source feeds the tickers placed on its node. */
class NodeSourcesTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    static NodeSettings settings(Path dir, TestDb.Db db, String extra) {
        return NodeSettings.from(ConfigFactory.parseString(extra)
                .withFallback(NodeTest.settings(dir, db).config()).resolve());
    }

    static final String CONFIG = """
            tickwatch.sources.feed.type = test
            tickwatch.sinks.rec.type = recording
            tickwatch.sinks.log.enabled = false
            """;

    @Test
    void sourcesAndSinksComeFromConfigAndATestSourceFeedsItsTickers() throws Exception {
        Files.writeString(dir.resolve("conditions.json"),
                "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"sinks\": [\"rec\", \"file\"]}}");
        NodeSettings s = settings(dir, TestDb.h2(dir.resolve("data")), CONFIG);
        TestSource.Hub hub = new TestSource.Hub();
        List<RecordingSink> sinks = new CopyOnWriteArrayList<>();
        NodeBootstrap boot = new NodeBootstrap(s).sourceType(TestSource.TYPE, hub.factory())
                .sinkType(RecordingSink.TYPE, RecordingSink.factory(sinks));
        TestSource feed;
        try (Node node = boot.start()) {
            assertEquals(List.of("binance", "feed", "naver", "push"), node.sources());
            assertEquals(Set.of("file", "rec"), node.sinkNames(), "log is disabled");
            RecordingSink rec = sinks.get(0);
            assertEquals("rec", rec.name());

            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("005930", "feed")));
            feed = hub.awaitWatched("005930", WAIT);
            assertSame(node.system(), feed.system());
            assertEquals(List.of(new TestSource.Event("watch", "005930")), feed.events());

            // through the node's real path: the entity stores them, the condition hits, the sinks get it
            IngestResult r = feed.pushAndWait(NodeTest.ticks("005930", 11));
            assertEquals(11, r.accepted());
            assertEquals(11, NodeTest.get(node.status("005930")).orElseThrow().accepted());
            rec.awaitDelivered(2, WAIT);

            // a held sink holds up nobody: the ticks are stored, and its hit comes once it is released
            rec.hold();
            assertEquals(5, feed.pushAndWait(NodeTest.ticks("005930", 16).subList(11, 16)).accepted());
            assertEquals(16, NodeTest.get(node.status("005930")).orElseThrow().accepted());
            assertEquals(2, rec.delivered().size());
            rec.release();
            assertEquals(List.of("005930/up/" + NodeTest.krx("2026-11-20T09:00"),
                    "005930/up/" + NodeTest.krx("2026-11-20T09:05"), "005930/up/" + NodeTest.krx("2026-11-20T09:10")),
                    rec.awaitDelivered(3, WAIT).stream().map(conditions.Hit::id).toList());

            // a source's ticks meet the same rules as the API's: one stamped an hour ahead is `future`
            IngestResult ahead = feed.pushAndWait(List.of(new conditions.Tick("005930",
                    System.currentTimeMillis() + 3_600_000L, 1000, 1)));
            assertEquals(1, ahead.rejected("future"), ahead.toString());

            // a source cannot feed (or add) a ticker it does not watch
            IngestResult stray = feed.pushAndWait(NodeTest.ticks("000660", 3));
            assertEquals(0, stray.accepted());
            assertFalse(NodeTest.get(node.tickers()).stream().anyMatch(t -> t.symbol().equals("000660")));

            assertInstanceOf(TickerRegistry.Removed.class, NodeTest.get(node.removeTicker("005930")));
            awaitUntil(() -> hub.watchersOf("005930").isEmpty(), "005930 unwatched");
            assertEquals(new TestSource.Event("unwatch", "005930"), feed.events().get(feed.events().size() - 1));
            assertEquals(0, feed.pushAndWait(NodeTest.ticks("005930", 17).subList(16, 17)).accepted(),
                    "a removed ticker's late ticks are dropped, not re-added");
            assertFalse(NodeTest.get(node.tickers()).stream().anyMatch(t -> t.symbol().equals("005930")));
            assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("000660", "feed")));
            hub.awaitWatched("000660", WAIT);
        }
        assertTrue(feed.closed(), "sources are closed when the node stops");
        assertEquals(new TestSource.Event("unwatch", "000660"), feed.events().get(feed.events().size() - 1),
                "after their tickers were unwatched");

        // a restarted node feeds its tickers again
        TestSource.Hub again = new TestSource.Hub();
        try (Node node = new NodeBootstrap(s).sourceType(TestSource.TYPE, again.factory())
                .sinkType(RecordingSink.TYPE, RecordingSink.factory(sinks)).start()) {
            assertEquals(List.of("000660"), NodeTest.get(node.tickers()).stream()
                    .filter(t -> t.source().equals("feed")).map(WatchedTicker::symbol).toList());
            assertSame(node.system(), again.awaitWatched("000660", WAIT).system());
        }
        assertEquals(1, hub.mostWatchersAtOnce());
    }

    @Test
    void anUnknownTypeOrABrokenSourceRefusesTheStart() {
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        IllegalStateException sink = assertThrows(IllegalStateException.class,
                () -> Node.start(settings(dir, db, "tickwatch.sinks.pg.type = pager")));
        assertTrue(sink.getMessage().contains("tickwatch.sinks.\"pg\": unknown sink type \"pager\" (known: file, log"),
                sink.getMessage());
        IllegalStateException source = assertThrows(IllegalStateException.class,
                () -> Node.start(settings(dir, db, "tickwatch.sources.ws { type = bloomberg }")));
        assertTrue(source.getMessage().contains("unknown source type \"bloomberg\" (known: binance, ls, naver, push)"), source.getMessage());
        IllegalStateException broken = assertThrows(IllegalStateException.class,
                () -> new NodeBootstrap(settings(dir, db, CONFIG)).sinkType(RecordingSink.TYPE, RecordingSink.factory(
                        new CopyOnWriteArrayList<>())).sourceType(TestSource.TYPE, ctx -> {
                            throw new IllegalArgumentException("no url configured");
                        }).start());
        assertTrue(broken.getMessage().contains("source \"feed\" (type test): no url configured"), broken.getMessage());
    }

    static void awaitUntil(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        testkit.Await.until(done, WAIT, what);
    }
}
