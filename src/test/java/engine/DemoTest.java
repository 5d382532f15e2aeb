package engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.ConditionParser;
import conditions.ModelConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Await;

/**
 * {@code demo}: its market and conditions hit within the first minute and about every minute after
 * (the same model the node runs, over the same ticks), and a running demo serves those hits and its
 * page, and deletes its directory when stopped.
 */
class DemoTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void theMarketHitsWithinTheFirstMinuteAndAboutEveryMinuteAfter() throws Exception {
        List<Path> days = DemoMarket.write(Files.createDirectory(dir.resolve("market")), DemoCommand.SEED);
        assertEquals(DemoMarket.DAYS, days.size());
        Path out = dir.resolve("out");
        Backtest.run(List.of(days.get(0)), ConditionParser.parseSet(DemoCommand.CONDITIONS), ModelConfig.DEFAULT, out);
        long open = DemoMarket.FIRST_DAY.toEpochDay() * 86_400_000L; // the first tick's second: 09:00 KST
        List<Double> seen = new ArrayList<>();
        Set<String> conditions = new TreeSet<>();
        Set<String> symbols = new TreeSet<>();
        for (String line : Files.readAllLines(out.resolve("hits.jsonl"))) {
            JsonNode h = JSON.readTree(line);
            // seen by the end of its bar at the latest ("check": "update" hits are seen while it forms)
            long barEnd = OffsetDateTime.parse(h.path("bar").asText()).toInstant().toEpochMilli() + 300_000;
            seen.add((barEnd - open) / 1000.0 / DemoCommand.SPEED);
            conditions.add(h.path("condition").asText());
            symbols.add(h.path("symbol").asText());
        }
        assertFalse(seen.isEmpty(), "the first day hits");
        assertTrue(seen.get(0) <= 60, "a hit in the demo's first minute: " + seen);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) - seen.get(i - 1) <= 90, "a hit about every minute: " + seen);
        }
        assertEquals(Set.of("rsi-overbought", "sma5-cross", "volume-burst"), conditions, "every example hits");
        assertTrue(symbols.contains("BTCUSDT") && symbols.contains("005930"), "crypto and KRX: " + symbols);
    }

    @Test
    void theSameSeedWritesTheSameMarket() throws Exception {
        Path a = DemoMarket.write(Files.createDirectory(dir.resolve("a")), 7).get(0);
        Path b = DemoMarket.write(Files.createDirectory(dir.resolve("b")), 7).get(0);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        String eth = Files.readAllLines(a).stream().filter(l -> l.contains("ETHUSDT")).findFirst().orElseThrow();
        assertTrue(eth.matches(".*,ETHUSDT,[0-9.]+,0\\.[0-9]+,.*"), "a decimal volume: " + eth);
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRunningDemoServesHitsAndItsPageAndDeletesItsDirectory() throws Exception {
        Path demoDir;
        // ten times the default speed: the demo's first minute in six seconds
        try (DemoCommand.Running demo = DemoCommand.start(0, DemoCommand.SPEED * 10, DemoCommand.SEED)) {
            demoDir = demo.dir;
            assertTrue(demo.url.matches("http://127\\.0\\.0\\.1:[0-9]+/"), demo.url);
            Await.until(() -> {
                try {
                    return JSON.readTree(get(demo.url + "api/hits").body()).size() > 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, Duration.ofSeconds(90), "a hit in GET /api/hits");
            JsonNode hits = JSON.readTree(get(demo.url + "api/hits").body());
            long firstBar = OffsetDateTime.parse(hits.get(hits.size() - 1).path("bar").asText()).toInstant().toEpochMilli();
            long open = DemoMarket.FIRST_DAY.toEpochDay() * 86_400_000L;
            assertTrue(firstBar - open < 60 * 60_000L, "the first hits come within the first hour of the market: "
                    + hits);
            HttpResponse<String> page = get(demo.url);
            assertEquals(200, page.statusCode(), "the printed URL opens the dashboard");
            assertTrue(page.body().contains("tickwatch"), page.body());
            assertTrue(Files.isDirectory(demoDir.resolve("data")));
        }
        assertFalse(Files.exists(demoDir), "the demo's directory is deleted");
    }
}
