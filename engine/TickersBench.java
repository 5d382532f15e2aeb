package engine;

import actors.TickerRegistry;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * {@code bench tickers}: how many watched tickers one node holds. Starts a node on a fresh H2
 * folder, watches {@code --tickers} symbols (added in bulk), then feeds them in waves of
 * {@code --wave}: each ticker gets one 5-minute bar (a tick at its start and one at its last
 * second), which closes by the clock, so each has a closed bar, its indicators and a journal, and
 * then goes idle. Idle entities passivate after
 * {@code --passivate-after}; the heap is measured after a full GC after each wave and at the end,
 * when the idle tickers have passivated. Run it with the heap limit to prove ({@code -Xmx2g}).
 */
final class TickersBench {
    private static final long DAY0 = LocalDate.of(2026, 1, 5).atTime(9, 0).toEpochSecond(ZoneOffset.ofHours(9)) * 1000;

    private TickersBench() {
    }

    static int run(Args a) throws Exception {
        int tickers = (int) a.number("tickers", 100_000);
        int wave = (int) a.number("wave", 10_000);
        String passivateAfter = a.one("passivate-after", "20s");
        Path dir = Files.createTempDirectory("tickwatch-bench-tickers");
        Config overrides = ConfigFactory.parseString(
                "tickwatch.data-dir = \"" + dir.resolve("data") + "\"\n"
                        + "tickwatch.conditions.file = \"" + dir.resolve("conditions.json") + "\"\n"
                        + "tickwatch.passivate-after = " + passivateAfter + "\n"
                        + "tickwatch.recording.enabled = false\n"
                        // the first tick of each of 100,000 entities starts it (a recovery query each):
                        // generous timeouts, so a machine shared with other work measures memory, not its load
                        + "tickwatch.ask-timeout = 300s\n"
                        + "jdbc-journal.circuit-breaker { call-timeout = 120s, max-failures = 1000 }\n"
                        + "jdbc-snapshot-store.circuit-breaker { call-timeout = 120s, max-failures = 1000 }\n"
                        + "pekko.remote.artery.canonical.port = 0\n"
                        + "pekko.loglevel = WARNING\n");
        NodeSettings settings = NodeSettings.load(overrides);
        long heapBefore = usedHeapAfterGc();
        System.out.printf("bench tickers: %,d tickers in waves of %,d, passivate-after %s, max heap %,d MB; data in %s%n",
                tickers, wave, passivateAfter, Runtime.getRuntime().maxMemory() >> 20, dir);
        try (Node node = Node.start(settings)) {
            List<String> symbols = new ArrayList<>(tickers);
            List<TickerRegistry.Wanted> wanted = new ArrayList<>(tickers);
            for (int i = 0; i < tickers; i++) {
                symbols.add(String.format("B%06d", i));
                wanted.add(new TickerRegistry.Wanted(symbols.get(i), "push", null));
            }
            long t0 = System.nanoTime();
            TickerRegistry.AddedMany added = node.addTickers(wanted).toCompletableFuture().get(10, TimeUnit.MINUTES);
            System.out.printf("watched: %,d tickers added in %.1f s%n", added.added().size(), (System.nanoTime() - t0) / 1e9);

            long peak = 0;
            for (int from = 0; from < tickers; from += wave) {
                long w0 = System.nanoTime();
                List<String> part = symbols.subList(from, Math.min(tickers, from + wave));
                feed(node, part);
                long heap = usedHeapAfterGc();
                peak = Math.max(peak, heap);
                System.out.printf("wave %,d-%,d: fed in %.1f s; %,d entities in memory, heap after GC %,d MB%n",
                        from, from + part.size(), (System.nanoTime() - w0) / 1e9, hosted(node), heap >> 20);
            }
            long deadline = System.nanoTime() + settings.config().getDuration("tickwatch.passivate-after").toNanos()
                    + TimeUnit.MINUTES.toNanos(10);
            int inMemory;
            while ((inMemory = hosted(node)) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(1000);
            }
            long heapIdle = usedHeapAfterGc();
            System.out.printf("memory: %,d watched tickers, every one fed; the most heap after GC after a wave %,d MB; "
                            + "idle (%,d entities in memory) %,d MB (%,d MB before the node started); max heap %,d MB%n",
                    tickers, peak >> 20, inMemory, heapIdle >> 20, heapBefore >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
            String one = symbols.get(tickers / 2);
            long c0 = System.nanoTime();
            actors.TickerEntity.TickerStatus st = node.status(one).toCompletableFuture().get(30, TimeUnit.SECONDS)
                    .orElseThrow();
            System.out.printf("a passivated ticker answers again after %.0f ms, with %d ticks and %d bar(s)%n",
                    (System.nanoTime() - c0) / 1e6, st.accepted(), st.barsClosed());
        }
        return 0;
    }

    /** One bar of ticks to each symbol, 500 symbols a request, one request at a time. */
    private static void feed(Node node, List<String> symbols) throws Exception {
        List<java.util.concurrent.CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int from = 0; from < symbols.size(); from += 500) {
            List<Tick> ticks = new ArrayList<>();
            for (String s : symbols.subList(from, Math.min(symbols.size(), from + 500))) {
                // 09:00:00 and 09:04:59: the bar ends at 09:05 and closes by the clock at once
                ticks.add(new Tick(s, DAY0, 1000, 10, 10L, null));
                ticks.add(new Tick(s, DAY0 + 299_000, 1001, 10, 20L, null));
            }
            inFlight.add(node.ingest("push", ticks, null).toCompletableFuture());
            if (inFlight.size() >= 1) {
                inFlight.remove(0).get(10, TimeUnit.MINUTES);
            }
        }
        for (var f : inFlight) {
            f.get(10, TimeUnit.MINUTES);
        }
    }

    private static int hosted(Node n) throws Exception {
        ActorRef<ClusterShardingQuery> q = ClusterSharding.get(n.system()).shardState();
        ShardRegion.CurrentShardRegionState st = AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                q, reply -> new GetShardRegionState(actors.TickerEntity.KEY, reply), Duration.ofSeconds(30),
                n.system().scheduler()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        return st.getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum();
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
