package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.sinks.FakeWebhookReceiver;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.DeliveryLedger;
import persistence.TestDb;

/**
 * Two nodes in one JVM on one database, each with the same webhook endpoint: entities spread over
 * both, then one node leaves right after a burst (its entities move, and offer again the hits whose
 * confirmation they had not stored yet) - every hit reaches the endpoint exactly once, through the
 * shared delivery ledger.
 */
class WebhookClusterTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    NodeSettings settings(Path nodeDir, TestDb.Db db, String url, String seed) {
        return NodeSettings.load(ConfigFactory.parseString("""
                tickwatch.sinks.log.enabled = false
                tickwatch.sinks.webhook {
                  backoff = 50ms, max-backoff = 200ms, resume-interval = 200ms, lease = 3s, timeout = 1s
                  endpoints.desk.url = "%s"
                }
                tickwatch.cluster.seed-nodes = "%s"
                """.formatted(url, seed)).withFallback(NodeTest.settings(nodeDir, db).config()));
    }

    static List<Tick> ticks(List<String> symbols, int from, int to) {
        List<Tick> out = new ArrayList<>();
        for (String s : symbols) {
            out.addAll(NodeTest.ticks(s, to).subList(from, to));
        }
        return out;
    }

    @Test
    void entitiesMovingBetweenNodesSendEachHitOnce() throws Exception {
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            symbols.add(String.format("%06d", 200 + i));
        }
        String conditions = "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"sinks\": [\"webhook:desk\"]}}";
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Files.writeString(dir.resolve("a/conditions.json"), conditions);
        Files.writeString(dir.resolve("b/conditions.json"), conditions);
        try (FakeWebhookReceiver desk = FakeWebhookReceiver.start()) {
            desk.answer(r -> {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return FakeWebhookReceiver.Answer.of(200);
            });
            try (Node a = Node.start(settings(dir.resolve("a"), db, desk.url("/"), ""))) {
                String seed = Cluster.get(a.system()).selfMember().address().toString();
                Node b = Node.start(settings(dir.resolve("b"), db, desk.url("/"), seed));
                try {
                    assertTrue(NodeTest.get(b.ready()));
                    // B's shard region must be known to the coordinator before the burst, or every entity
                    // lands on A: wake fresh symbols (one tick each, no bar closes) until B hosts one
                    long up = System.nanoTime() + WAIT.toNanos();
                    for (int w = 0; NodeClusterTest.hosted(b).isEmpty(); w++) {
                        assertTrue(System.nanoTime() < up, "B never got an entity");
                        NodeTest.get(b.ingest(NodeTest.ticks(String.format("%06d", 900 + w), 1)));
                        Thread.sleep(100);
                    }
                    assertEquals(24 * 11, NodeTest.get(b.ingest(ticks(symbols, 0, 11))).accepted());
                    assertTrue(!NodeClusterTest.hosted(a).isEmpty() && !NodeClusterTest.hosted(b).isEmpty(),
                            "entities on both nodes");
                } finally {
                    b.close(); // at once: B's entities move to A with confirmations not yet stored
                }
                // A now hosts every entity; the 09:10 bars close there
                assertEquals(24 * 5, NodeTest.get(a.ingest(ticks(symbols, 11, 16))).accepted());
                Set<String> expected = new TreeSet<>();
                for (String s : symbols) {
                    for (String bar : List.of("2026-11-20T09:00", "2026-11-20T09:05", "2026-11-20T09:10")) {
                        expected.add(s + "/up/" + NodeTest.krx(bar));
                    }
                }
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (ids(desk).size() < expected.size() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(1000); // a duplicate, were there one, would come now
                Map<String, Integer> times = new HashMap<>();
                desk.requests().forEach(r -> times.merge(r.id(), 1, Integer::sum));
                assertEquals(expected, new TreeSet<>(times.keySet()), "every hit");
                times.forEach((id, n) -> assertEquals(1, n, id + " sent " + n + " times"));
                DeliveryLedger ledger = DeliveryLedger.of(a.system(), db.settings());
                assertEquals((long) expected.size(), ledger.counts("webhook:desk").get(DeliveryLedger.State.SENT));
            }
        }
    }

    static Set<String> ids(FakeWebhookReceiver r) {
        Set<String> s = new TreeSet<>();
        r.requests().forEach(q -> s.add(q.id()));
        return s;
    }
}
