package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.DailyBar;
import engine.sources.naver.FakeDailySite;
import engine.sources.naver.FakeNaver;
import engine.sources.naver.MutableClock;
import engine.sources.naver.NaverSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import testkit.Await;

/**
 * The daily fetcher in a running node against a fake Naver: 60 days of a ticker seen the first time
 * (through a failing investor page), the API, a restart that fetches nothing, and the next day's
 * refresh that reads one page of each kind.
 */
class DailyNodeTest {
    static final LocalDate DAY = LocalDate.of(2026, 11, 20); // a Friday
    static final Duration WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static String config(FakeNaver fake) {
        return "tickwatch.sinks.log.enabled = false\n"
                + "tickwatch.sources.naver { url = \"" + fake.url() + "\", rate = 1000, concurrency = 4,\n"
                + "  read-timeout = 5s, connect-timeout = 2s, retries = 2, backoff = 5ms, max-backoff = 20ms,\n"
                + "  failure-retry = 200ms, check-interval = 20ms }\n"
                + "tickwatch.daily { enabled = true, rate = 1000, retry-backoff = 100ms, max-backoff = 200ms, check-interval = 20ms }\n";
    }

    static Node start(NodeSettings s, MutableClock clock) {
        return new NodeBootstrap(s).sourceType(NaverSource.TYPE, NaverSource.factory(clock)).dailyClock(clock).start();
    }

    static List<DailyBar> last(List<DailyBar> days, int n, LocalDate upTo) {
        List<DailyBar> upto = days.stream().filter(d -> !d.date().isAfter(upTo)).toList();
        return upto.subList(Math.max(0, upto.size() - n), upto.size());
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static int bind(Node node) throws Exception {
        return AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1000))
                .toCompletableFuture().get(20, TimeUnit.SECONDS).localAddress().getPort();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> perTicker(Node node, String symbol) {
        Object per = node.dailyHealth().get("per_ticker");
        return per == null ? null : (Map<String, Object>) ((Map<String, Object>) per).get(symbol);
    }

    @Test
    void sixtyDaysOnFirstSightTheApiARestartThatFetchesNothingAndTheNextDaysRefresh() throws Exception {
        MutableClock clock = new MutableClock(DAY.atTime(17, 0));
        try (FakeNaver fake = new FakeNaver(DAY)) {
            NodeSettings s = NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), config(fake));
            List<DailyBar> history = fake.daily().history("005930");
            // the first investor page fails three times: the fetch fails once and is tried again
            for (int i = 0; i < 3; i++) {
                fake.failDaily(FakeNaver.FLOW_PATH, "005930", 1, FakeNaver.Fault.HTTP_500);
            }
            try (Node node = start(s, clock)) {
                int port = bind(node);
                assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(node.addTicker("005930", "naver")));
                Await.until(() -> node.dailyStore().recent("005930", 100).size() == 60, WAIT, "60 days stored");
                assertEquals(last(history, 60, DAY), node.dailyStore().recent("005930", 100),
                        "the newest 60 days, bars and flows, as the site shows them");
                assertTrue(((Number) node.dailyHealth().get("failed_fetches")).longValue() >= 1, "the failure counted");
                Await.until(() -> perTicker(node, "005930") != null && perTicker(node, "005930").get("last_error") == null,
                        WAIT, "recovered");

                // the API: newest last, the flows in snake_case
                HttpResponse<String> r = get(port, "/api/tickers/005930/daily?limit=3");
                assertEquals(200, r.statusCode(), r.body());
                JsonNode body = JSON.readTree(r.body());
                assertEquals("005930", body.get("symbol").asText());
                assertEquals(3, body.get("days").size());
                JsonNode newest = body.get("days").get(2);
                DailyBar d = history.stream().filter(x -> x.date().equals(DAY)).findFirst().orElseThrow();
                assertEquals(DAY.toString(), newest.get("date").asText());
                assertEquals(d.close(), newest.get("close").asDouble());
                assertEquals(d.volume(), newest.get("volume").asLong());
                assertEquals(d.instNet().longValue(), newest.get("inst_net").asLong());
                assertEquals(d.foreignNet().longValue(), newest.get("foreign_net").asLong());
                assertEquals(d.foreignHolding().longValue(), newest.get("foreign_holding").asLong());
                assertEquals(d.foreignRatio(), newest.get("foreign_ratio").asDouble());
                List<String> keys = new java.util.ArrayList<>();
                newest.fieldNames().forEachRemaining(keys::add);
                assertEquals(List.of("date", "open", "high", "low", "close", "volume", "inst_net", "foreign_net",
                        "foreign_holding", "foreign_ratio"), keys);
                assertEquals(DAY.minusDays(2).toString(), body.get("days").get(0).get("date").asText(),
                        "Wed, Thu, Fri: oldest first");
                assertEquals(404, get(port, "/api/tickers/000000/daily").statusCode(), "unknown ticker");
                assertEquals(400, get(port, "/api/tickers/005930/daily?limit=0").statusCode(), "bad limit");
                assertEquals(400, get(port, "/api/tickers/005930/daily?limit=x").statusCode(), "bad limit");
                assertEquals(200, get(port, "/api/daily").statusCode());
            }
            int requestsBefore = fake.daily().requests().size();

            // a restart the same evening: the stored days are current, nothing is fetched
            try (Node node = start(s, clock)) {
                Await.until(() -> perTicker(node, "005930") != null && DAY.toString().equals(perTicker(node, "005930")
                        .get("newest_day")), WAIT, "the fetcher saw the stored days");
                assertEquals(requestsBefore, fake.daily().requests().size(), "a restart does not crawl again");

                // Monday during the session: Friday is still the last completed day
                LocalDate monday = DAY.plusDays(3);
                List<DailyBar> more = new java.util.ArrayList<>(history);
                more.add(new DailyBar(monday, 100, 110, 90, 105, 12_345, -5L, 6L, 7L, 8.5));
                fake.daily().history("005930", more);
                fake.daily().today(monday);
                clock.set(monday.atTime(11, 0));
                Thread.sleep(300); // the fetcher checks every 20 ms: long enough to see that it does nothing
                assertEquals(requestsBefore, fake.daily().requests().size(), "nothing before the refresh time");
                // after the refresh time: one page of each kind, from the newest stored day on
                clock.set(monday.atTime(16, 11));
                Await.until(() -> node.dailyStore().latestDay("005930").orElseThrow().equals(monday), WAIT,
                        "Monday stored");
                List<FakeDailySite.PageRequest> refresh = fake.daily().requests().subList(requestsBefore,
                        fake.daily().requests().size());
                assertEquals(Set.of(new FakeDailySite.PageRequest(FakeNaver.DAY_PATH, "005930", 1),
                        new FakeDailySite.PageRequest(FakeNaver.FLOW_PATH, "005930", 1)), Set.copyOf(refresh),
                        "page 1 of each kind only (a timeout on this busy machine may send one twice)");
                assertEquals(61, node.dailyStore().recent("005930", 1000).size(), "60 days and Monday");
            }
        }
    }
}
