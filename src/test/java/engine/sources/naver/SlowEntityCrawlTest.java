package engine.sources.naver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerEntity.IngestResult;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import engine.sources.Source;
import engine.sources.SourceContext;
import engine.sources.SourceContexts;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import persistence.WatchedTicker;
import testkit.Await;

/**
 * Crawls whose entities do not answer (their node just died, and sharding has not started them
 * elsewhere yet) hold no crawler thread: a ticker moved here is crawled at once, whatever number of
 * crawls wait for the node. In a three-node kill, every crawler thread of a survivor waited for a dead
 * node's entities and the moved tickers were crawled again 10 s late ({@code ClusterKillIT}).
 */
class SlowEntityCrawlTest {
    static final LocalDate DAY = LocalDate.of(2026, 11, 20);
    /** concurrency 1 makes 4 crawler threads: more stuck crawls than threads. */
    static final List<String> STUCK = List.of("000270", "000660", "005380", "006400", "009150", "011200");

    @Test
    void aTickerWhoseEntityAnswersIsCrawledWhileMoreCrawlsThanThreadsWaitForTheirs() throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "slow-entity-crawl",
                ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
        Map<String, CompletableFuture<IngestResult>> waiting = new ConcurrentHashMap<>();
        Set<String> stored = ConcurrentHashMap.newKeySet();
        SourceContext.Ingest node = new SourceContext.Ingest() {
            @Override
            public CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, String key) {
                String symbol = ticks.get(0).symbol();
                if (STUCK.contains(symbol)) {
                    return waiting.computeIfAbsent(symbol, s -> new CompletableFuture<>()); // no answer yet
                }
                stored.add(symbol);
                return CompletableFuture.completedFuture(IngestResult.of(ticks.size(), 0, 0, 0, 0));
            }
        };
        try (FakeNaver fake = new FakeNaver(DAY)) {
            var block = ConfigFactory.parseString("type = naver\nurl = \"" + fake.url() + "\"\nrate = 1000\n"
                    + "concurrency = 1\nread-timeout = 2s, connect-timeout = 2s, poll-delay = 2s\n"
                    + "failure-retry = 200ms, check-interval = 20ms\n");
            SourceContext ctx = SourceContexts.create("naver", block, system, node, ConcurrentHashMap.newKeySet());
            Source src = NaverSource.factory(new MutableClock(DAY.atTime(10, 0, 3))).create(ctx);
            try {
                for (String code : STUCK) {
                    src.watch(new WatchedTicker(code, "naver", 0L, null, null, List.of("trades")));
                }
                Await.until(() -> waiting.size() == STUCK.size(), Duration.ofSeconds(20),
                        "every stuck ticker's crawl waiting for its entity");
                // a ticker moved here now: crawled at once, although six crawls wait on four threads
                src.watch(new WatchedTicker("005930", "naver", 0L, null, null, List.of("trades")));
                Await.until(() -> stored.contains("005930"), Duration.ofSeconds(20), "the moved ticker crawled and stored");
                assertTrue(waiting.values().stream().noneMatch(CompletableFuture::isDone), "the others still wait");
            } finally {
                src.close();
            }
        } finally {
            system.terminate();
        }
    }
}
