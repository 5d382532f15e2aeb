package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import engine.sources.naver.FakeNaver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The universe job across {@code kill -9}: a node from the built jar ranks a fake Naver market of 80
 * listed stocks, is killed midway through the candidates' investor pages, and restarted on the same
 * data: it resumes by itself (no refresh asked), reads no candidate again but at most the one whose
 * page was on the wire at the kill, does not read the listing again, and finishes with the expected
 * top N watched. Work files under {@code target/universe-crash-it/}.
 */
class UniverseCrashIT {
    static final LocalDate DAY = LocalDate.of(2026, 11, 20); // the newest day the fake's pages show
    static final int SIZE = 10;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aKillMidCrawlResumesWithoutReadingACandidateTwiceAndFinishesTheTopN() throws Exception {
        Path dir = Path.of("target/universe-crash-it").toAbsolutePath();
        CrashRestartIT.deleteTree(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("conditions.json"), "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"sinks\": [\"log\"]}}");
        try (FakeNaver fake = new FakeNaver(DAY)) {
            List<String> codes = UniverseNodeTest.market(fake);
            // the job ranks the last completed trading day by the real clock: the fake shows nothing
            // after DAY, so the scores are those of DAY; 001001 is below the market-cap minimum
            List<String> top = codes.stream().filter(c -> !c.equals("001001"))
                    .sorted(Comparator.comparing((String c) -> -UniverseNodeTest.score(fake.daily().history(c), DAY))
                            .thenComparing(c -> c))
                    .limit(SIZE).toList();
            int httpPort = CrashRestartIT.freePort();
            int clusterPort = CrashRestartIT.freePort();
            List<String> props = List.of(
                    "-Dtickwatch.sources.naver.url=" + fake.url(),
                    "-Dtickwatch.daily.enabled=false",
                    "-Dtickwatch.universe.size=" + SIZE,
                    "-Dtickwatch.universe.min-market-cap=500",
                    "-Dtickwatch.universe.rate=10", // 79 candidates: about 8 s, room to be cut
                    "-Dtickwatch.universe.check-interval=200ms");
            Map<String, String> env = new HashMap<>();
            env.put("TICKWATCH_HTTP_PORT", String.valueOf(httpPort));
            env.put("TICKWATCH_PORT", String.valueOf(clusterPort)); // the same address after the restart
            env.put("TICKWATCH_DATA_DIR", dir.resolve("data").toString());

            WebhookCrashIT.Proc node = new WebhookCrashIT.Proc(dir, env, props, 1);
            try {
                WebhookCrashIT.awaitReady(node, httpPort);
                assertEquals(202, send(httpPort, "POST", "/api/universe/refresh").statusCode());
                CrashRestartIT.waitFor("a third of the candidates read", 60, () -> flowReads(fake) >= 26);
                node.kill();
                int atKill = flowReads(fake);
                assertTrue(atKill < codes.size() - 1, "killed mid-crawl: " + atKill + " read");
                long listingReads = fake.daily().requests().stream()
                        .filter(r -> r.path().equals(FakeNaver.LISTING_PATH)).count();

                node = new WebhookCrashIT.Proc(dir, env, props, 2);
                WebhookCrashIT.awaitReady(node, httpPort);
                CrashRestartIT.waitFor("the resumed run finished", 60, () -> universe(httpPort).get("size").asInt() == SIZE);
                JsonNode u = universe(httpPort);
                List<String> got = new ArrayList<>();
                u.get("stocks").forEach(s -> got.add(s.get("symbol").asText()));
                assertEquals(top, got, "the top " + SIZE + " by 5-day score");

                List<String> twice = new ArrayList<>();
                for (String c : codes) {
                    int n = fake.daily().requests(FakeNaver.FLOW_PATH, c).size();
                    if (c.equals("001001")) {
                        assertEquals(0, n, "below the market-cap minimum: never read");
                    } else if (n != 1) {
                        assertEquals(2, n, c + " read " + n + " times");
                        twice.add(c);
                    }
                }
                assertTrue(twice.size() <= 1, "at most the page on the wire at the kill is read again: " + twice);
                assertEquals(listingReads, fake.daily().requests().stream()
                        .filter(r -> r.path().equals(FakeNaver.LISTING_PATH)).count(), "the listing is not read again");

                CrashRestartIT.waitFor("the universe watched", 30, () -> {
                    List<String> watched = new ArrayList<>();
                    for (JsonNode t : JSON.readTree(send(httpPort, "GET", "/api/tickers").body())) {
                        if ("universe".equals(t.path("added_by").asText())) {
                            watched.add(t.get("symbol").asText());
                        }
                    }
                    return watched.size() == SIZE && watched.containsAll(top);
                });
                System.out.println("[UniverseCrashIT] " + atKill + " candidates read before the kill; read twice: " + twice);
            } catch (Throwable t) {
                System.out.println(node.log());
                throw t;
            } finally {
                node.kill();
            }
        }
    }

    static int flowReads(FakeNaver fake) {
        return (int) fake.daily().requests().stream().filter(r -> r.path().equals(FakeNaver.FLOW_PATH)).count();
    }

    static JsonNode universe(int port) throws Exception {
        HttpResponse<String> r = send(port, "GET", "/api/universe");
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static HttpResponse<String> send(int port, String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
