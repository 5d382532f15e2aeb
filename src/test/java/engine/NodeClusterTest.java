package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerEntity;
import actors.TickerEntity.IngestResult;
import actors.TickerEntity.TickerStatus;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/**
 * Two nodes in one JVM on one database (an H2 file both open in-process): entities spread over
 * both, so commands and replies cross nodes through the CBOR serializer.
 */
class NodeClusterTest {
    @TempDir
    Path dir;

    @Test
    void twoNodesShareTheTickersAndAnswerForEachOther() throws Exception {
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        try (Node a = Node.start(NodeTest.settings(dir.resolve("a"), db))) {
            String seed = Cluster.get(a.system()).selfMember().address().toString();
            NodeSettings bs = NodeSettings.load(ConfigFactory.parseString(
                    "tickwatch.cluster.seed-nodes = \"" + seed + "\"").withFallback(NodeTest.settings(dir.resolve("b"), db)
                    .config()));
            try (Node b = Node.start(bs)) {
                assertTrue(NodeTest.get(b.ready()));
                // Shards go only to regions on members the coordinator (on A) sees Up: wait for A to
                // see B Up, or under load every entity may land on A.
                long upBy = System.nanoTime() + 30_000_000_000L;
                while (java.util.stream.StreamSupport.stream(Cluster.get(a.system()).state().getMembers().spliterator(), false)
                        .filter(m -> m.status() == org.apache.pekko.cluster.MemberStatus.up()).count() < 2) {
                    assertTrue(System.nanoTime() < upBy, "A sees B Up");
                    Thread.sleep(50);
                }
                // Seeing B Up is not yet B's shard region registered at the coordinator: a warm JVM
                // (say, after another node test) ingests before that, and every entity lands on A.
                while (regions(a) < 2) {
                    assertTrue(System.nanoTime() < upBy, "both shard regions registered at the coordinator");
                    Thread.sleep(50);
                }
                List<Tick> ticks = new ArrayList<>();
                List<String> symbols = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    String sym = String.format("%06d", 100 + i);
                    symbols.add(sym);
                    ticks.addAll(NodeTest.ticks(sym, 11));
                }
                IngestResult r = NodeTest.get(b.ingest(ticks));
                assertEquals(24 * 11, r.accepted());

                Set<String> onA = hosted(a);
                Set<String> onB = hosted(b);
                assertEquals(new HashSet<>(symbols), union(onA, onB));
                assertTrue(!onA.isEmpty() && !onB.isEmpty(), "entities on both nodes: " + onA + " / " + onB);
                // each node records what its own entities accepted, in its own data directory
                String day = "data/ticks/2026-11-20/push-trades.csv.gz";
                RecordingTest.awaitFileBySymbol(dir.resolve("a").resolve(day),
                        ticks.stream().filter(t -> onA.contains(t.symbol())).toList());
                RecordingTest.awaitFileBySymbol(dir.resolve("b").resolve(day),
                        ticks.stream().filter(t -> onB.contains(t.symbol())).toList());

                for (String sym : symbols) {
                    TickerStatus fromA = NodeTest.get(a.status(sym)).orElseThrow();
                    assertEquals(11, fromA.accepted());
                    assertEquals(2, fromA.barsClosed());
                    List<Map<String, Object>> barsFromB = NodeTest.get(b.bars(sym, 0)).orElseThrow();
                    assertEquals(2, barsFromB.size());
                    assertEquals(fromA.lastBar().get("start"), barsFromB.get(1).get("start"));
                }
                assertEquals(24, NodeTest.get(a.tickers()).size());

                // a condition put through A reaches B's registry and file, and the entities on both nodes
                NodeTest.get(a.putCondition("up", new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                        "{\"when\": [\"CLOSE\", \">\", 0], \"sinks\": [\"log\"]}")));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (b.conditions().get("up") == null && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(b.conditions().get("up") != null, "B took A's condition");
                assertTrue(java.nio.file.Files.readString(bs.conditionsFile()).contains("\"up\""), "and wrote it");
                // the live stream of either node carries the hits of both nodes' entities
                List<String> liveA = liveHits(a);
                List<String> liveB = liveHits(b);
                List<Tick> next = new ArrayList<>();
                for (String sym : symbols) {
                    next.add(NodeTest.ticks(sym, 16).get(15)); // 09:15: closes the 09:10 bar
                }
                assertEquals(24, NodeTest.get(a.ingest(next)).accepted());
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                Set<String> hitSymbols = new HashSet<>();
                while (hitSymbols.size() < 24 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    hitSymbols.clear();
                    a.recentHits(null, 100).forEach(h -> hitSymbols.add(h.symbol()));
                    b.recentHits(null, 100).forEach(h -> hitSymbols.add(h.symbol()));
                }
                assertEquals(new HashSet<>(symbols), hitSymbols, "every entity, on either node, used the new condition");
                // each node delivered only its own entities' hits; either node's API shows them all
                assertTrue(!a.recentHits(null, 100).isEmpty() && !b.recentHits(null, 100).isEmpty(),
                        "hits delivered on both nodes");
                Set<String> hitIds = new HashSet<>();
                NodeTest.get(a.clusterHits(null, 100)).forEach(h -> hitIds.add(h.id()));
                for (List<String> live : List.of(liveA, liveB)) {
                    testkit.Await.until(() -> live.size() >= 24, java.time.Duration.ofSeconds(15), "24 hits on the stream");
                    assertEquals(hitIds, new HashSet<>(live), "each node's live stream has every node's hits");
                    assertEquals(24, live.size(), "each once");
                }
                for (Node n : List.of(a, b)) {
                    List<conditions.Hit> all = NodeTest.get(n.clusterHits(null, 100));
                    assertEquals(new HashSet<>(symbols), all.stream().map(conditions.Hit::symbol)
                            .collect(java.util.stream.Collectors.toSet()), "cluster-wide hits from either node");
                    assertEquals(all.size(), all.stream().map(conditions.Hit::id).distinct().count(), "each hit once");
                    String one = symbols.get(0);
                    List<conditions.Hit> ofOne = NodeTest.get(n.clusterHits(one, 100));
                    assertTrue(!ofOne.isEmpty() && ofOne.stream().allMatch(h -> h.symbol().equals(one)), ofOne.toString());
                }
            }
        }
    }

    /** The ids of the hits on {@code n}'s live stream from now on. */
    static List<String> liveHits(Node n) {
        List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
        n.live().subscribe(java.util.Optional.empty())
                .filter(e -> e.getEventType().equals(java.util.Optional.of("hit")))
                .runForeach(e -> ids.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.getData())
                        .path("id").asText()), n.system());
        return ids;
    }

    static Set<String> union(Set<String> x, Set<String> y) {
        Set<String> s = new HashSet<>(x);
        s.addAll(y);
        return s;
    }

    /** The ticker entities running on a node. */
    static Set<String> hosted(Node n) throws Exception {
        ActorRef<ClusterShardingQuery> shardState = ClusterSharding.get(n.system()).shardState();
        ShardRegion.CurrentShardRegionState st = AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                shardState, reply -> new GetShardRegionState(TickerEntity.KEY, reply), Duration.ofSeconds(5),
                n.system().scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Set<String> out = new HashSet<>();
        st.getShards().forEach(s -> out.addAll(s.getEntityIds()));
        return out;
    }

    /** How many shard regions of the ticker entities the coordinator knows (those it can allocate shards to). */
    static int regions(Node n) throws Exception {
        return org.apache.pekko.actor.typed.javadsl.AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
                        org.apache.pekko.cluster.sharding.ShardRegion.ClusterShardingStats>ask(
                        org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(n.system()).shardState(),
                        reply -> new org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats(actors.TickerEntity.KEY,
                                java.time.Duration.ofSeconds(3), reply),
                        java.time.Duration.ofSeconds(5), n.system().scheduler())
                .toCompletableFuture().get().getRegions().size();
    }
}
