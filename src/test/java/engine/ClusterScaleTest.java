package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import engine.sources.TestSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.ConditionsFile;
import persistence.TestDb;
import persistence.WatchedTicker;
import testkit.Await;

/**
 * Three nodes in one JVM on one database, with far more tickers and conditions than one Artery
 * message holds (256 KiB): nodes that join late get every ticker, feed each exactly once between
 * them, and take the first node's conditions; a change made on the last node reaches the others.
 */
class ClusterScaleTest {
    static final int TICKERS = 100_000;
    static final int CONDITIONS = 5_000;
    static final Duration WAIT = Duration.ofSeconds(120);
    /**
     * Placement moves workers at once (SourcePlacementTest says why); the registry's periodic wake
     * of every entity is pushed out of the test's time (it would start 100,000 entities, which this
     * test is not about).
     */
    static final String CONFIG = SourcePlacementTest.FAST + """
            tickwatch.registry.wake-interval = 1h
            tickwatch.conditions.sync-interval = 2s
            """;

    @TempDir
    Path dir;

    @Test
    void lateNodesGetEveryTickerAndAgreeOnTheConditions() throws Exception {
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        TestSource.Hub hub = new TestSource.Hub();
        Files.createDirectories(dir.resolve("a"));
        StringBuilder file = new StringBuilder("{");
        for (int i = 0; i < CONDITIONS; i++) {
            file.append(i == 0 ? "" : ",").append(String.format(
                    "\"c%05d\": {\"when\": {\"all\": [[\"CLOSE\", \">\", %d], [\"VOLUME\", \">=\", %d]]}, \"sinks\": [\"log\"]}",
                    i, 1000 + i, 10 * i));
        }
        Files.writeString(dir.resolve("a").resolve("conditions.json"), file.append("}"));

        try (Node a = start(hub, "a", db, "")) {
            String seed = Cluster.get(a.system()).selfMember().address().toString();
            assertEquals(CONDITIONS, a.conditions().size());
            String conditionsOfA = ConditionsFile.render(a.conditions());
            assertTrue(conditionsOfA.length() > 256 * 1024, "the set is above one message: " + conditionsOfA.length());

            List<TickerRegistry.Wanted> wanted = new ArrayList<>();
            for (int i = 0; i < TICKERS; i++) {
                wanted.add(new TickerRegistry.Wanted(String.format("T%06d", i), "feed", null));
            }
            TickerRegistry.AddedMany added = a.addTickers(wanted).toCompletableFuture().get(120,
                    java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(TICKERS, added.added().size(), "refused: " + added.refused().stream().limit(3).toList());
            Set<String> symbols = wanted.stream().map(TickerRegistry.Wanted::symbol).collect(Collectors.toSet());

            String join = "tickwatch.cluster.seed-nodes = \"" + seed + "\"\n";
            try (Node b = start(hub, "b", db, join); Node c = start(hub, "c", db, join)) {
                // B and C started, which reads the whole list (Node.refreshKnown): the list crossed nodes
                List<WatchedTicker> fromB = NodeTest.get(b.tickers());
                assertEquals(symbols, fromB.stream().map(WatchedTicker::symbol).collect(Collectors.toSet()));
                assertTrue(NodeTest.get(c.ticker("T099999")).isPresent());

                List<TestSource> sources = List.of(hub.on(a.system()), hub.on(b.system()), hub.on(c.system()));
                awaitFedOnceEach(symbols, sources);

                for (Node n : List.of(b, c)) {
                    Await.until(() -> n.conditions().size() == CONDITIONS, WAIT, "a late node took the conditions");
                    assertEquals(conditionsOfA, ConditionsFile.render(n.conditions()));
                }
                assertEquals(conditionsOfA, ConditionsFile.render(ConditionsFile.load(dir.resolve("b").resolve(
                        "conditions.json"))), "and wrote them to its file");

                // a change on the last node to join reaches the others, whole
                NodeTest.get(c.putCondition("late", new ObjectMapper().readTree(
                        "{\"when\": [\"CLOSE\", \">\", 1], \"sinks\": [\"log\"]}")));
                for (Node n : List.of(a, b)) {
                    Await.until(() -> n.conditions().size() == CONDITIONS + 1, WAIT, "the change reached every node");
                    assertEquals(ConditionsFile.render(c.conditions()), ConditionsFile.render(n.conditions()));
                }
            }
        }
        assertEquals(1, hub.mostWatchersAtOnce(), "no ticker was ever fed by two nodes at once");
    }

    private Node start(TestSource.Hub hub, String name, TestDb.Db db, String extra) {
        NodeSettings s = NodeSourcesTest.settings(dir.resolve(name), db, CONFIG + extra);
        return new NodeBootstrap(s).sourceType(TestSource.TYPE, hub.factory()).start();
    }

    /** Waits until the sources together feed exactly {@code symbols}, each once, every source some. */
    static void awaitFedOnceEach(Set<String> symbols, List<TestSource> sources) throws InterruptedException {
        String[] last = {""};
        try {
            Await.until(() -> {
            Set<String> union = new HashSet<>();
            int total = 0;
            List<Integer> sizes = new ArrayList<>();
            for (TestSource s : sources) {
                Set<String> w = s.watched();
                union.addAll(w);
                total += w.size();
                sizes.add(w.size());
            }
            last[0] = "fed per node " + sizes + ", distinct " + union.size();
            return total == symbols.size() && union.equals(symbols) && !sizes.contains(0);
            }, WAIT, "every ticker fed by exactly one node, every node some");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + last[0], e);
        }
    }
}
