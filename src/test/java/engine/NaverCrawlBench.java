package engine;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import engine.sources.naver.FakeNaver;
import engine.sources.naver.MutableClock;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/**
 * {@code bench crawl}: one node polls 400 naver tickers at the default politeness (10 requests/s,
 * 4 in flight, poll 2 s after the minute) against the fake Naver on loopback; prints how long each
 * poll cycle took (all 400 read and ingested). Not part of the suite (about 2 minutes): run it with
 * {@code mvn -o test -Dtest=NaverCrawlBench -Dbench=true}. The clock is the test's: it is set to
 * 09:01:02, 09:02:02 and 09:03:02 KST, so each cycle polls every ticker's page 1.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: run with -Dbench=true")
class NaverCrawlBench {
    static final int TICKERS = Integer.getInteger("tickers", 400);
    static final LocalDate DAY = LocalDate.of(2026, 11, 20);

    @TempDir
    Path dir;

    @Test
    void fourHundredTickersAMinute() throws Exception {
        MutableClock clock = new MutableClock(DAY.atTime(9, 0, 30));
        try (FakeNaver fake = new FakeNaver(DAY);
             Node node = NaverSourceTest.start(NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")),
                     "tickwatch.sinks.log.enabled = false\n"
                             + "tickwatch.sources.naver { url = \"" + fake.url() + "\", check-interval = 100ms }\n"), clock)) {
            for (int i = 0; i < TICKERS; i++) {
                assertInstanceOf(TickerRegistry.Added.class,
                        NodeTest.get(node.addTicker(String.format("%06d", 100_000 + i), "naver")));
            }
            NaverSourceTest.awaitUntil(() -> ((Number) naver(node).get("tickers")).intValue() == TICKERS,
                    "all tickers watched");
            for (int minute = 1; minute <= 3; minute++) {
                LocalDateTime at = DAY.atTime(9, minute, 2);
                String before = String.valueOf(cycle(node).get("started"));
                clock.set(at);
                long t0 = System.nanoTime();
                NaverSourceTest.awaitUntil(() -> !String.valueOf(cycle(node).get("started")).equals(before)
                        && cycle(node).get("millis") != null && ((Number) cycle(node).get("pending")).intValue() == 0
                        || System.nanoTime() - t0 > 55e9, "cycle " + minute);
                Map<String, Object> c = cycle(node);
                long ms = ((Number) c.get("millis")).longValue();
                System.out.printf("bench crawl: %d tickers, cycle at %s: %.1f s (%.1f s after the minute with the 2 s poll delay), "
                        + "%d requests so far, max %d in flight%n", TICKERS, at.toLocalTime(), ms / 1e3, ms / 1e3 + 2,
                        fake.requests().size(), fake.maxInFlight());
                assertTrue(ms + 2000 <= 45_000, "cycle within 45 s of the minute: " + ms + " ms");
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> naver(Node node) {
        return node.sourceHealth().get("naver");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cycle(Node node) {
        return (Map<String, Object>) naver(node).get("last_cycle");
    }
}
