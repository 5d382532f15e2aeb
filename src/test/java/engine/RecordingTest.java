package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import actors.TickerEntity.IngestResult;
import conditions.Market;
import conditions.Tick;
import engine.sources.TestSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import persistence.tickfile.TickFileReader;

/**
 * Every tick a live node accepts is recorded once, in its source's file of its trading day: ticks
 * posted to the API ({@code push}) and ticks from a source ({@code feed}, a {@link TestSource});
 * rejected ones are not; a day rolls over at the source's cut-off while the node runs.
 */
class RecordingTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    static List<Tick> read(Path file) throws Exception {
        List<Tick> ticks = new ArrayList<>();
        List<String> reports = new ArrayList<>();
        TickFileReader.read(List.of(file), ticks::add, (f, line, reason) -> reports.add(line + ": " + reason));
        assertEquals(List.of(), reports, file.toString());
        return ticks;
    }

    /** The recorder flushes every second: wait for a file to hold exactly {@code want} while the node runs. */
    static void awaitFile(Path file, List<Tick> want) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Tick> got = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && (got = read(file)).size() >= want.size()) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(want, got, file.toString());
    }

    /**
     * Waits for a file to hold {@code want}'s ticks, compared symbol by symbol (a write merges symbols
     * by time, so only each symbol's order is fixed).
     */
    static void awaitFileBySymbol(Path file, List<Tick> want) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Tick> got = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && (got = read(file)).size() >= want.size()) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(ReplayTest.bySymbol(want), ReplayTest.bySymbol(got), file.toString());
    }

    static String ndjson(List<Tick> ticks) {
        StringBuilder sb = new StringBuilder();
        for (Tick t : ticks) {
            sb.append("{\"time\":\"").append(java.time.Instant.ofEpochMilli(t.time())).append("\",\"symbol\":\"")
                    .append(t.symbol()).append("\",\"price\":").append(t.price()).append(",\"volume\":")
                    .append(t.volume());
            if (t.hasCumVolume()) {
                sb.append(",\"cum_volume\":").append(t.cumVolume());
            }
            sb.append(",\"market\":\"").append(t.market()).append("\"}\n");
        }
        return sb.toString();
    }

    static String post(HttpClient http, int port, List<Tick> ticks) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/ticks"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(ndjson(ticks)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    @Test
    void everyAcceptedTickIsRecordedOnceInItsSourcesFileOfItsTradingDay() throws Exception {
        NodeSettings s = NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), """
                tickwatch.sources.feed.type = test
                # crypto days of the API's ticks start at 06:00 UTC
                tickwatch.sources.push.day-cutoff = "06:00"
                """);
        TestSource.Hub hub = new TestSource.Hub();
        Path ticksDir = dir.resolve("data/ticks");
        List<Tick> pushedKrx = NodeTest.ticks("005930", 5);
        List<Tick> fed = NodeTest.ticks("000660", 4);
        Tick beforeCut = new Tick("BTCUSDT", NodeTest.krx("2026-11-20T14:59:59.500"), 27000, 1, 10, Market.CRYPTO);
        Tick afterCut = new Tick("BTCUSDT", NodeTest.krx("2026-11-20T15:00:00.500"), 27001, 1, 11, Market.CRYPTO);
        HttpClient http = HttpClient.newHttpClient();
        try (Node node = new NodeBootstrap(s).sourceType(TestSource.TYPE, hub.factory()).start()) {
            int port = AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1000))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS).localAddress().getPort();

            // over HTTP: accepted ones recorded; the same ticks again are duplicates (same cum_volume), not recorded
            post(http, port, pushedKrx);
            String again = post(http, port, pushedKrx);
            assertEquals(true, again.contains("\"duplicate\":5"), again);
            // outside the session: rejected, not recorded
            post(http, port, List.of(new Tick("005930", NodeTest.krx("2026-11-20T16:00"), 1, 1, 100, Market.KRX)));

            // a source's ticks: recorded under its name
            NodeTest.get(node.addTicker("000660", "feed"));
            TestSource feed = hub.awaitWatched("000660", WAIT);
            IngestResult r = feed.pushAndWait(fed);
            assertEquals(4, r.accepted());
            assertEquals(4, feed.pushAndWait(fed).rejected("duplicate"));

            // a crypto day rolls over at the push source's cut-off (06:00 UTC = 15:00 KST) while running
            post(http, port, List.of(beforeCut));
            awaitFile(ticksDir.resolve("2026-11-19/push-trades.csv.gz"), List.of(beforeCut));
            post(http, port, List.of(afterCut));

            awaitFile(ticksDir.resolve("2026-11-20/push-trades.csv.gz"), concat(pushedKrx, List.of(afterCut)));
            awaitFile(ticksDir.resolve("2026-11-20/feed-trades.csv.gz"), fed);
        }
        // stopped: every file closed whole, each accepted tick in it exactly once, nothing else recorded
        assertEquals(List.of(beforeCut), read(ticksDir.resolve("2026-11-19/push-trades.csv.gz")));
        assertEquals(concat(pushedKrx, List.of(afterCut)), read(ticksDir.resolve("2026-11-20/push-trades.csv.gz")));
        assertEquals(fed, read(ticksDir.resolve("2026-11-20/feed-trades.csv.gz")));
        try (Stream<Path> files = Files.walk(ticksDir)) {
            assertEquals(3, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void recordingCanBeTurnedOff() throws Exception {
        NodeSettings s = NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), "tickwatch.recording.enabled = false");
        try (Node node = Node.start(s)) {
            assertEquals(3, NodeTest.get(node.ingest(NodeTest.ticks("005930", 3))).accepted());
            assertEquals(null, node.recorder());
        }
        assertEquals(false, Files.exists(dir.resolve("data/ticks")));
    }

    static List<Tick> concat(List<Tick> a, List<Tick> b) {
        List<Tick> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
