package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import testkit.Await;

/**
 * A ticker removed through one node while another still pushes to it: the other node hears of the
 * removal, so its next push adds the ticker again (as a push of a new symbol does on one node) and
 * every node answers for it, instead of feeding an entity no registry lists (whose status was 404).
 */
class RemovedTickerTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aTickerRemovedOnOneNodeIsAddedAgainByTheNextPushOnAnother() throws Exception {
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        try (Node a = Node.start(NodeTest.settings(dir.resolve("a"), db))) {
            String seed = Cluster.get(a.system()).selfMember().address().toString();
            NodeSettings bs = NodeSettings.load(ConfigFactory.parseString("tickwatch.cluster.seed-nodes = \"" + seed + "\"")
                    .withFallback(NodeTest.settings(dir.resolve("b"), db).config()));
            try (Node b = Node.start(bs)) {
                assertEquals(3, NodeTest.get(b.ingest(NodeTest.ticks("005930", 3))).accepted());
                assertTrue(b.knows("005930"));

                assertInstanceOf(TickerRegistry.Removed.class, NodeTest.get(a.removeTicker("005930")));
                Await.until(() -> !b.knows("005930"), WAIT, "B heard of the removal");
                assertTrue(NodeTest.get(b.status("005930")).isEmpty(), "not watched: 404 on every node");

                // B's next push watches it again, as on one node; its history was kept (no purge)
                assertEquals(1, NodeTest.get(b.ingest(NodeTest.ticks("005930", 4).subList(3, 4))).accepted());
                assertTrue(NodeTest.get(a.ticker("005930")).isPresent(), "in the registry again");
                assertEquals(4, NodeTest.get(a.status("005930")).orElseThrow().accepted());
            }
        }
    }
}
