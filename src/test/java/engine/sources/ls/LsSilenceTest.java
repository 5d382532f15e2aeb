package engine.sources.ls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import actors.TickerEntity.IngestResult;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import engine.sources.SourceContext;
import engine.sources.SourceContexts;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import persistence.WatchedTicker;
import testkit.Await;

/**
 * {@code silence-limit} is the venue's silence, not the node's backpressure: a node that takes
 * longer than the limit to store each batch holds the stream back, and the connection must stay.
 */
class LsSilenceTest {
    static final Clock CLOCK = Clock.fixed(LocalDate.of(2026, 11, 20).atTime(10, 0)
            .atZone(ZoneId.of("Asia/Seoul")).toInstant(), ZoneOffset.UTC);

    static final int TRADES = 3;

    static Map<String, String> trade(int n) {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("chetime", String.format("1000%02d", n));
        b.put("cvolume", "1");
        b.put("volume", String.valueOf(n));
        b.put("price", "55000");
        b.put("sign", "2");
        b.put("cgubun", "+");
        b.put("shcode", "005930");
        return b;
    }

    @Test
    void aNodeSlowerToStoreABatchThanTheSilenceLimitKeepsItsConnection() throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ls-silence",
                // local: a second test JVM (surefire forkCount 2) may hold the cluster port 25520
                ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
        List<Tick> stored = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<FakeLs> venue = new AtomicReference<>();
        // The venue sends the next trade as soon as the node takes one, so the venue itself is never
        // silent: a gap between a store and the test's next publish, long on a loaded machine, was
        // real silence and once ended the connection in CI.
        SourceContext.Ingest slow = (source, batch, key) -> {
            int next = stored.size() + batch.size() + 1;
            if (next <= TRADES) {
                venue.get().publish("S3_", "005930", trade(next));
            }
            return CompletableFuture.supplyAsync(() -> {
                stored.addAll(batch);
                return IngestResult.NONE;
            }, CompletableFuture.delayedExecutor(3000, TimeUnit.MILLISECONDS));
        };
        try (FakeLs fake = new FakeLs()) {
            venue.set(fake);
            var block = ConfigFactory.parseString("type = ls\nurl = \"" + fake.url() + "\"\nws-url = \"" + fake.wsUrl()
                    + "\"\nappkey = \"PSkey7Hq2Lx9\"\nappsecret = \"sEcr3tZw8Vb4\"\n"
                    + "backoff = 50ms, max-backoff = 300ms, request-timeout = 3s, silence-limit = 1s\n"
                    // one trade waiting fills the queue: the stream then waits for the node, as a node far
                    // behind makes it wait at the default bound
                    + "max-queued = 1\n");
            var ctx = SourceContexts.create("ls", block, system, slow, ConcurrentHashMap.newKeySet());
            LsSource src = new LsSource(ctx, LsSettings.from(block), CLOCK);
            try {
                src.watch(new WatchedTicker("005930", "ls", 0L));
                Await.until(() -> fake.registered("S3_", "005930"), Duration.ofSeconds(20), "registered");
                // each batch takes the node 3 s, three silence limits. A limit of 1 s, not less: a fresh connection
                // waited longer than 400 ms for its registration's answer with two test JVMs and load 44-74.
                fake.publish("S3_", "005930", trade(1));
                Await.until(() -> stored.size() >= TRADES, Duration.ofSeconds(30), TRADES + " trades stored");
                assertEquals(TRADES, stored.size(), "each trade stored once");
                assertEquals(1, fake.connectionsEver(), "one connection throughout");
            } finally {
                src.close();
            }
        } finally {
            system.terminate();
        }
    }
}
