package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import engine.sources.TestSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/**
 * Two nodes in one JVM on one database, each with a test source: every ticker of the source is fed
 * by exactly one node, both nodes feed some, a removed ticker is unwatched, and the tickers of a
 * node that leaves are fed by the other.
 */
class SourcePlacementTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * Test speed only: the daemon process moves workers to a joining node at the next rebalance
     * round, and starts a moved worker at the next keep-alive ping (10 s each by default).
     */
    static final String FAST = """
            tickwatch.sources.feed.type = test
            pekko.cluster.sharded-daemon-process.keep-alive-interval = 1s
            pekko.cluster.sharded-daemon-process.sharding.rebalance-interval = 1s
            """;

    @TempDir
    Path dir;

    @Test
    void eachTickerIsFedByExactlyOneNodeAndTheWorkSpreads() throws Exception {
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        TestSource.Hub hub = new TestSource.Hub();
        try (Node a = first(db, hub)) {
            List<String> symbols = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                symbols.add(String.format("%06d", 200 + i));
            }
            Node b = joining(a, db, hub);
            try {
                for (String sym : symbols) {
                    assertInstanceOf(TickerRegistry.Added.class, NodeTest.get((sym.hashCode() % 2 == 0 ? a : b)
                            .addTicker(sym, "feed")));
                }
                TestSource onA = hub.on(a.system());
                TestSource onB = hub.on(b.system());
                awaitPlacement(symbols, onA, onB, true);

                // each node's source feeds its own tickers through the real path
                for (String sym : symbols.subList(0, 6)) {
                    TestSource owner = hub.awaitWatched(sym, WAIT);
                    assertEquals(3, owner.pushAndWait(NodeTest.ticks(sym, 3)).accepted(), sym);
                    TestSource other = owner == onA ? onB : onA;
                    assertEquals(0, other.pushAndWait(NodeTest.ticks(sym, 4).subList(3, 4)).accepted(),
                            "the node that does not own " + sym + " cannot feed it");
                    assertEquals(3, NodeTest.get(a.status(sym)).orElseThrow().accepted());
                }

                List<String> removed = symbols.subList(30, 40);
                for (String sym : removed) {
                    assertInstanceOf(TickerRegistry.Removed.class, NodeTest.get(b.removeTicker(sym)));
                }
                List<String> kept = symbols.subList(0, 30);
                awaitPlacement(kept, onA, onB, true);
                for (String sym : removed) {
                    assertTrue(hub.watchersOf(sym).isEmpty(), sym + " unwatched");
                    TestSource last = onA.events().contains(new TestSource.Event("watch", sym)) ? onA : onB;
                    assertTrue(last.events().contains(new TestSource.Event("unwatch", sym)), sym);
                }
            } finally {
                b.close();
            }
            // B left: its workers, and so its tickers, start again on A
            awaitPlacement(symbols.subList(0, 30), hub.on(a.system()), hub.on(b.system()), false);
        }
        assertEquals(1, hub.mostWatchersAtOnce(), "no ticker was ever fed by two nodes at once");
    }

    @Test
    void aMovingTickersLastTicksReachItsEntityBeforeTheOtherNodeFeedsIt() throws Exception {
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        TestSource.Hub hub = new TestSource.Hub();
        try (Node a = first(db, hub)) {
            List<String> symbols = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                symbols.add(String.format("%06d", 300 + i));
            }
            for (String sym : symbols) {
                assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(a.addTicker(sym, "feed")));
            }
            TestSource onA = hub.on(a.system());
            testkit.Await.until(() -> onA.watched().equals(Set.copyOf(symbols)), WAIT, "A feeds every ticker");
            for (String sym : symbols) {
                assertEquals(2, onA.pushAndWait(NodeTest.ticks(sym, 2)).accepted(), sym);
            }

            // A source's last ticks of a ticker still on their way to the node when its feed moves: held
            hub.holdDrains();
            long beforeMove = System.currentTimeMillis();
            try (Node b = joining(a, db, hub)) {
                testkit.Await.until(() -> hub.history().stream().anyMatch(e -> e.kind().equals("drain")), WAIT,
                        "a worker moving to B hands its tickers over");
                String moved = hub.history().stream().filter(e -> e.kind().equals("drain")).findFirst()
                        .orElseThrow().symbol();
                assertEquals(1, onA.pushAndWait(NodeTest.ticks(moved, 3).subList(2, 3)).accepted(),
                        "a tick A took before the move still reaches the entity while A hands " + moved + " over");
                // B would start the moved worker at the next keep-alive (1 s here), were it not held by A's
                // hand-over: for 3 s nobody feeds it.
                Thread.sleep(3000);
                assertEquals(Set.of(), hub.watchersOf(moved),
                        moved + " fed by no node while A's last ticks are on their way");

                hub.releaseDrains();
                TestSource onB = hub.on(b.system());
                // When its hand-over ends, sharding starts the worker on the node with the fewest shards: B,
                // or A again while other shards are still handing over (seen once). Either way a new start,
                // after A's ticks are in.
                TestSource owner = hub.awaitWatched(moved, WAIT);
                TestSource other = owner == onA ? onB : onA;
                long at = owner.handedOverAt(moved);
                assertTrue(at >= beforeMove && at <= System.currentTimeMillis(),
                        "the new feeder's source hears when A handed " + moved + " over: " + at);
                List<TestSource.Hub.HubEvent> h = hub.history();
                String kept = symbols.stream()
                        .filter(sym -> !h.contains(new TestSource.Hub.HubEvent(onA, "unwatch", sym)))
                        .findFirst().orElseThrow();
                assertEquals(0, onA.handedOverAt(kept), kept + " has been fed by A from the start: no hand-over");
                assertTrue(h.indexOf(new TestSource.Hub.HubEvent(onA, "drained", moved))
                        < h.lastIndexOf(new TestSource.Hub.HubEvent(owner, "watch", moved)),
                        "drained, then fed anew: " + h);
                assertEquals(0, other.pushAndWait(NodeTest.ticks(moved, 4).subList(3, 4)).accepted(),
                        "after the hand-over the node that does not feed " + moved + " has its ticks dropped");
                assertEquals(1, owner.pushAndWait(NodeTest.ticks(moved, 4).subList(3, 4)).accepted());
                assertEquals(4, NodeTest.get(b.status(moved)).orElseThrow().accepted(), "each of the 4 ticks once");
            }
        }
        assertEquals(1, hub.mostWatchersAtOnce(), "no ticker was ever fed by two nodes at once");
    }

    /** Node A, alone at first, with the test source. */
    private Node first(TestDb.Db db, TestSource.Hub hub) throws Exception {
        return new NodeBootstrap(NodeSourcesTest.settings(dir.resolve("a"), db, FAST))
                .sourceType(TestSource.TYPE, hub.factory()).start();
    }

    /** Node B, joining A's cluster. */
    private Node joining(Node a, TestDb.Db db, TestSource.Hub hub) throws Exception {
        String seed = Cluster.get(a.system()).selfMember().address().toString();
        return new NodeBootstrap(NodeSourcesTest.settings(dir.resolve("b"), db,
                FAST + "tickwatch.cluster.seed-nodes = \"" + seed + "\"\n"))
                .sourceType(TestSource.TYPE, hub.factory()).start();
    }

    /**
     * Waits until the two sources together watch exactly {@code symbols}, none of them twice, and
     * (when {@code both}) each some of them; else only {@code a}.
     */
    static void awaitPlacement(List<String> symbols, TestSource a, TestSource b, boolean both)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Set<String> onA = a.watched();
            Set<String> onB = b.watched();
            Set<String> union = new HashSet<>(onA);
            union.addAll(onB);
            Set<String> twice = new HashSet<>(onA);
            twice.retainAll(onB);
            boolean spread = both ? !onA.isEmpty() && !onB.isEmpty() : onB.isEmpty();
            if (union.equals(new HashSet<>(symbols)) && twice.isEmpty() && spread) {
                return;
            }
            last = "A " + onA.size() + " " + onA + ", B " + onB.size() + " " + onB + ", twice " + twice;
            Thread.sleep(20);
        }
        throw new AssertionError("placement not reached within " + WAIT + ": " + last);
    }
}
