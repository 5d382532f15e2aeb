package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the built {@code target/tickwatch.jar} the way the README tells a user to. */
class JarIT {
    static final Path JAR = Path.of(System.getProperty("tickwatch.jar", "target/tickwatch.jar"));

    static Process start(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile()).start();
    }

    /** A node from the jar with a small heap, its API on a free port. */
    static Process startNode(Path dir, String heap, int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-jar", JAR.toAbsolutePath().toString(), "run")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().put("TICKWATCH_HTTP_PORT", String.valueOf(port));
        pb.environment().put("TICKWATCH_PORT", "0");
        pb.environment().put("TICKWATCH_DATA_DIR", dir.resolve("data").toString());
        return pb.start();
    }

    /**
     * A body of 32 MiB of empty objects (the most the API takes) does not take down a node running
     * with -Xmx512m: the body is read as a stream, parsing stops at the tick limit.
     */
    @Test
    void aHugeBodyDoesNotTakeDownASmallNode(@TempDir Path dir) throws Exception {
        int port = CrashRestartIT.freePort();
        Process node = startNode(dir, "-Xmx512m", port);
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                assertTrue(node.isAlive(), Files.readString(dir.resolve("out.log")));
                try {
                    if (http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/ready")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                assertTrue(System.nanoTime() < deadline, "the node got ready: " + Files.readString(dir.resolve("out.log")));
                Thread.sleep(200);
            }
            byte[] body = new byte[(32 << 20) - 1];
            java.util.Arrays.fill(body, (byte) ',');
            for (int i = 1; i + 1 < body.length; i += 3) {
                body[i] = '{';
                body[i + 1] = '}';
            }
            body[0] = '[';
            body[body.length - 1] = ']';
            for (int round = 0; round < 3; round++) {
                var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/ticks"))
                                .header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(413, r.statusCode(), r.body());
            }
            var health = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertTrue(node.isAlive());
            assertTrue(!Files.readString(dir.resolve("out.log")).contains("OutOfMemoryError"));
        } finally {
            node.destroy();
            node.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * {@code demo} as the README's first minute says: it prints the URL, hits arrive in
     * {@code GET /api/hits} at its own speed, and Ctrl-C (SIGTERM) deletes its temporary directory.
     */
    @Test
    void theDemoShowsHitsWithinAMinuteAndDeletesItsDirectoryOnCtrlC(@TempDir Path dir) throws Exception {
        int port = CrashRestartIT.freePort();
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-jar", JAR.toAbsolutePath().toString(), "demo")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().put("TICKWATCH_HTTP_PORT", String.valueOf(port));
        Process demo = pb.start();
        try {
            String url = "http://127.0.0.1:" + port + "/";
            testkit.Await.until(() -> log(dir).contains("tickwatch demo: open " + url) || !demo.isAlive(),
                    java.time.Duration.ofSeconds(90), "the URL printed");
            assertTrue(demo.isAlive(), log(dir));
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            testkit.Await.until(() -> {
                try {
                    return json.readTree(http.send(java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create(url + "api/hits")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body()).size() > 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, java.time.Duration.ofSeconds(120), "a hit within the demo's first minute (with start-up and a busy machine's slack)");
            try (var dirs = Files.list(tmp)) {
                assertEquals(1, dirs.filter(d -> d.getFileName().toString().startsWith("tickwatch-demo-")).count());
            }
        } finally {
            demo.destroy(); // SIGTERM, as Ctrl-C
            assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "stopped");
        }
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(d -> d.getFileName().toString().startsWith("tickwatch-demo-")).toList(),
                    "the demo deleted its directory");
        }
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("out.log"));
        } catch (IOException e) {
            return "";
        }
    }

    static int runToEnd(Path dir, String... args) throws Exception {
        Process p = start(dir, args);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished in time");
        return p.exitValue();
    }

    @Test
    void backtestFromTheJarWritesBarsHitsAndSummary(@TempDir Path dir) throws Exception {
        assertEquals(0, runToEnd(dir, "generate", "--out", "ticks.csv", "--ticks", "200000", "--symbols", "20",
                        "--ticks-per-day", "100000"),
                Files.readString(dir.resolve("out.log")));
        Files.writeString(dir.resolve("conditions.json"), """
                {"cross": {"when": ["MACD", "crosses_above", "MACD_SIGNAL"]},
                 "jazz":  {"STOCH_K": ["BETWEEN", 0, 20]}}
                """);
        int code = runToEnd(dir, "backtest", "--ticks", "ticks.csv", "--conditions", "conditions.json", "--out", "out");
        String log = Files.readString(dir.resolve("out.log"));
        assertEquals(0, code, log);
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        assertEquals(200_000, summary.get("ticks_read").asLong());
        assertEquals(200_000, summary.get("ticks_accepted").asLong());
        long bars = Files.lines(dir.resolve("out/bars.jsonl")).count();
        assertEquals(summary.get("bars").asLong(), bars);
        // 100,000 ticks a day over 20 symbols: two KRX days, every 5-minute interval of each session a bar
        assertEquals(2 * 20 * 78, bars, "two full days of bars for every symbol");
        long hits = Files.lines(dir.resolve("out/hits.jsonl")).count();
        assertEquals(summary.get("hits").asLong(), hits);
        assertTrue(hits > 0, "the conditions hit on a random walk");
    }

    @Test
    void malformedLinesAreLoggedWithFileAndLineCountedAndSkipped(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ticks.csv"), """
                time,symbol,price,volume,cum_volume
                2026-11-20T09:00:01+09:00,005930,70000,10,10
                2026-11-20T09:00:02+09:00,005930,not-a-price,5,15
                2026-11-20T09:00:03+09:00,005930,70100,5,10
                2026-11-20T08:00:00+09:00,005930,69000,1,
                2026-11-20T09:05:00+09:00,005930,70200,5,20
                """);
        Files.writeString(dir.resolve("c.json"), "{\"any\": {\"CLOSE\": [\"BIGGER\", 1]}}");
        int code = runToEnd(dir, "backtest", "--ticks", "ticks.csv", "--conditions", "c.json", "--out", "out");
        String log = Files.readString(dir.resolve("out.log"));
        assertEquals(0, code, log);
        assertTrue(log.contains("ticks.csv:3"), "the malformed line is named by file and line: " + log);
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        assertEquals(5, summary.get("ticks_read").asLong());
        assertEquals(2, summary.get("ticks_accepted").asLong());
        assertEquals(1, summary.get("ticks_rejected").get("malformed").asLong());
        assertEquals(1, summary.get("ticks_rejected").get("duplicate").asLong());
        assertEquals(1, summary.get("ticks_rejected").get("outside_session").asLong());
        assertEquals(2, summary.get("bars").asLong());
        // the 09:00 bar: the first tick only (the duplicate counted no volume)
        String first = Files.readAllLines(dir.resolve("out/bars.jsonl")).get(0);
        assertTrue(first.startsWith("{\"symbol\":\"005930\",\"start\":\"2026-11-20T09:00:00+09:00\",\"open\":70000,"
                + "\"high\":70000,\"low\":70000,\"close\":70000,\"volume\":10,"), first);
    }

    @Test
    void invalidConditionsExitTwoWithTheReason(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ticks.csv"), "time,symbol,price,volume\n2026-11-20T09:00:00+09:00,005930,70000,1\n");
        Files.writeString(dir.resolve("bad.json"), "{\"dip\": {\"when\": [\"RSI15\", \"<\", 30]}}");
        int code = runToEnd(dir, "backtest", "--ticks", "ticks.csv", "--conditions", "bad.json", "--out", "out");
        String log = Files.readString(dir.resolve("out.log"), StandardCharsets.UTF_8);
        assertEquals(2, code, log);
        assertTrue(log.contains("condition \"dip\": when[0]: unknown field \"RSI15\""), log);
        Files.writeString(dir.resolve("good.json"), "{\"dip\": {\"when\": [\"RSI14\", \"<\", 30]}}");
        assertEquals(2, runToEnd(dir, "backtest", "--ticks", "missing.csv", "--conditions", "good.json", "--out", "o"));
        assertTrue(Files.readString(dir.resolve("out.log")).contains("missing.csv"));
    }
}
