package engine.sources.ls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import actors.TickerEntity.IngestResult;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import engine.sources.SourceContext;
import engine.sources.SourceContexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import persistence.WatchedTicker;
import testkit.Await;

/**
 * Quotes ride along with the trades without taking their place in a batch: while the node stores one
 * batch of a symbol, the source keeps reading, and the symbol's next batch carries every trade queued
 * meanwhile ({@link engine.sources.SymbolLanes}) in one ingest however
 * many quote frames came between them (at a whole market's 4 quotes a trade, counting quotes against
 * the batch cut each ingest to a fifth of its trades, and the node fell behind on trades: issue 9).
 */
class LsBatchingTest {
    static final int TRADES = 300;
    static final int QUOTES_PER_TRADE = 4;

    @Test
    void tradesReadWhileABatchIsStoredGoInOneIngestWhateverTheQuotesBetweenThem() throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ls-batching",
                // local: a second test JVM (surefire forkCount 2) may hold the cluster port 25520
                ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
        List<List<Tick>> ingests = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<IngestResult> firstStored = new CompletableFuture<>();
        SourceContext.Ingest held = (source, batch, key) -> {
            ingests.add(List.copyOf(batch));
            return ingests.size() == 1 ? firstStored : CompletableFuture.completedFuture(IngestResult.NONE);
        };
        Map<String, String> quotes = FakeLs.quotesBody(10, 55_100, 55_000, 100);
        try (FakeLs fake = new FakeLs()) {
            LsSource src = source(system, fake, held, "");
            try {
                src.watch(new WatchedTicker("005930", "ls", 0L, null, null, List.of("trades", "quotes")));
                Await.until(() -> fake.registered("S3_", "005930") && fake.registered("H1_", "005930"),
                        Duration.ofSeconds(20), "trades and quotes registered");
                fake.publish("S3_", "005930", trade(1));
                Await.until(() -> ingests.size() == 1, Duration.ofSeconds(20), "the first trade's ingest");
                long before = messages(src);
                for (int n = 2; n <= TRADES + 1; n++) { // the first ingest is held: all of these wait
                    for (int q = 0; q < QUOTES_PER_TRADE; q++) {
                        fake.publish("H1_", "005930", quotes);
                    }
                    fake.publish("S3_", "005930", trade(n));
                }
                int frames = TRADES * (QUOTES_PER_TRADE + 1);
                Await.until(() -> messages(src) - before == frames, Duration.ofSeconds(20),
                        "the node reads all " + frames + " frames while it stores a batch");
                Await.until(() -> queued(src) == TRADES + 1, Duration.ofSeconds(20),
                        "the trades wait in the symbol's lane behind the one being stored");
                firstStored.complete(IngestResult.NONE);
                Await.until(() -> ingests.stream().mapToInt(List::size).sum() == TRADES + 1, Duration.ofSeconds(20),
                        "every trade ingested");
                assertEquals(2, ingests.size(), "the trades read while the first batch was stored, in one ingest: " + ingests.stream().map(l -> l.size() + " " + l.get(0).symbol()).toList());
                assertEquals(TRADES, ingests.get(1).size());
                assertEquals(TRADES * QUOTES_PER_TRADE, ((Number) src.health().get("quote_frames")).longValue(),
                        "every quote frame taken");
            } finally {
                src.close();
            }
        } finally {
            system.terminate();
        }
    }

    /**
     * A node that stores nothing for a while holds the connection back: the source stops reading past
     * {@code max-queued} trades, the frames already off the wire wait in the connection's queue, and the
     * socket stops asking the server's side for more once 4,096 wait there ({@link LsSocket}). Then the
     * node stores again, and every one of the 12,000 trades (three times what the queue holds) comes
     * once, in order, with no reconnect: a queue that overflowed would have dropped the connection.
     */
    @Test
    void aNodeThatStoresNothingForAWhileHoldsTheConnectionBackAndLosesNothing() throws Exception {
        int trades = 3 * LsSocket.HIGH;
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ls-backpressure",
                ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
        List<Tick> got = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<IngestResult> held = new CompletableFuture<>();
        SourceContext.Ingest node = (source, batch, key) -> {
            boolean first = got.isEmpty();
            got.addAll(batch);
            return first ? held : CompletableFuture.completedFuture(IngestResult.NONE);
        };
        try (FakeLs fake = new FakeLs()) {
            LsSource src = source(system, fake, node, "max-queued = 50\n");
            try {
                src.watch(new WatchedTicker("005930", "ls", 0L, null, null, List.of("trades")));
                Await.until(() -> fake.registered("S3_", "005930"), Duration.ofSeconds(20), "trades registered");
                for (int n = 1; n <= trades; n++) {
                    fake.publish("S3_", "005930", trade(n));
                }
                Await.until(() -> !got.isEmpty(), Duration.ofSeconds(20), "the first batch's ingest, held");
                int first = got.size();
                Thread.sleep(1000); // the rest of the frames reach the source's side meanwhile
                assertEquals(first, got.size(), "nothing more ingested while the node holds the first batch");
                held.complete(IngestResult.NONE);
                Await.until(() -> got.size() >= trades, Duration.ofSeconds(60), "every trade ingested");
                List<Long> times = got.stream().map(Tick::time).toList();
                for (int i = 1; i < times.size(); i++) {
                    assertEquals(1000L, times.get(i) - times.get(i - 1), "trade " + (i + 1) + " after trade " + i + ", once");
                }
                assertEquals(trades, got.size());
                assertEquals(0L, ((Number) src.health().get("reconnects")).longValue(), "no reconnect: " + src.health());
            } finally {
                src.close();
            }
        } finally {
            system.terminate();
        }
    }

    /** An ls source on {@code fake} feeding {@code node}, with the test keys and short backoffs, plus {@code extra}. */
    static LsSource source(ActorSystem<?> system, FakeLs fake, SourceContext.Ingest node, String extra) {
        var block = ConfigFactory.parseString("type = ls\nurl = \"" + fake.url() + "\"\nws-url = \"" + fake.wsUrl()
                + "\"\nappkey = \"PSkey7Hq2Lx9\"\nappsecret = \"sEcr3tZw8Vb4\"\n"
                + "backoff = 50ms, max-backoff = 300ms, request-timeout = 3s\n" + extra);
        var ctx = SourceContexts.create("ls", block, system, node, ConcurrentHashMap.newKeySet());
        return new LsSource(ctx, LsSettings.from(block), LsSilenceTest.CLOCK);
    }

    /** Trade {@code n} of 005930: one share, at 10:00 plus n seconds. */
    static Map<String, String> trade(int n) {
        Map<String, String> b = LsSilenceTest.trade(n);
        b.put("chetime", java.time.LocalTime.of(10, 0).plusSeconds(n).format(
                java.time.format.DateTimeFormatter.ofPattern("HHmmss")));
        return b;
    }

    static long messages(LsSource src) {
        return ((Number) src.health().get("messages")).longValue();
    }

    private static long queued(LsSource src) {
        return ((Number) ((Map<?, ?>) src.health().get("ingest")).get("queued")).longValue();
    }
}
