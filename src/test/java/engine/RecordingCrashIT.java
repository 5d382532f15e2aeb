package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.Market;
import conditions.Tick;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recording of a node from the jar, killed with SIGKILL while ticks stream in: {@code backtest}
 * reads it up to its last whole line without an error and says it was cut; it holds at least every
 * tick acknowledged a second before the kill. The node restarted on the same day repairs the file and
 * appends to it. {@code run --replay FILE --speed max} from the jar then builds the bars
 * {@code backtest} builds from that file.
 */
class RecordingCrashIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] SYMBOLS = {"005930", "000660"};
    static final long T0 = NodeTest.krx("2026-11-20T09:00");

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();

    /** Tick {@code i} of a symbol: one a second from 09:00, with its cumulative volume. */
    static Tick tick(String symbol, int i) {
        return new Tick(symbol, T0 + i * 1000L + 100, 70000 + (i * 37 % 500), 1 + i % 7, (long) (i + 1) * 10, Market.KRX);
    }

    static String ndjson(List<Tick> ticks) {
        return RecordingTest.ndjson(ticks);
    }

    /** Ticks {@code from} to {@code to} (exclusive) of every symbol, in time order. */
    static List<Tick> batch(int from, int to) {
        List<Tick> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            for (String s : SYMBOLS) {
                out.add(tick(s, i));
            }
        }
        return out;
    }

    int post(int port, List<Tick> ticks) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/ticks"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(ndjson(ticks)))
                .build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    void awaitReady(Process node, Path log, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            assertTrue(node.isAlive(), "node died: " + Files.readString(log));
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertTrue(System.nanoTime() < deadline, "the node got ready: " + Files.readString(log));
            Thread.sleep(200);
        }
    }

    /** Runs {@code backtest} from the jar over {@code file}; returns its summary.json and stdout. */
    record BacktestRun(JsonNode summary, String out, Path dir) {
    }

    BacktestRun backtest(Path file, String name) throws Exception {
        Path work = Files.createDirectories(dir.resolve(name));
        Files.writeString(work.resolve("cond.json"), "{}");
        Process p = JarIT.start(work, "backtest", "--ticks", file.toString(), "--conditions", "cond.json", "--out", "out");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "backtest finished");
        String out = Files.readString(work.resolve("out.log"));
        assertEquals(0, p.exitValue(), out);
        return new BacktestRun(JSON.readTree(work.resolve("out/summary.json").toFile()), out, work.resolve("out"));
    }

    @Test
    void aRecordingCutByKill9ReadsUpToItsLastWholeLineAndReplaysThroughTheJar() throws Exception {
        Path nodeDir = Files.createDirectories(dir.resolve("node"));
        Path recording = nodeDir.resolve("data/ticks/2026-11-20/push-trades.csv.gz");
        int port = CrashRestartIT.freePort();
        Process node = JarIT.startNode(nodeDir, "-Xmx512m", port);
        int acknowledged;
        AtomicInteger sentDuringKill = new AtomicInteger();
        try {
            awaitReady(node, nodeDir.resolve("out.log"), port);
            for (int i = 0; i < 600; i += 100) {
                assertEquals(200, post(port, batch(i, i + 100)));
            }
            acknowledged = 600 * SYMBOLS.length;
            // flushed within a second while the node runs (read as a cut file: the stream is still open)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (RecordingTest.read(recording).size() < acknowledged) {
                assertTrue(System.nanoTime() < deadline, "recorded within the flush interval");
                Thread.sleep(100);
            }
            // keep ticks coming and kill the node in the middle of them
            Thread feeder = new Thread(() -> {
                try {
                    for (int i = 600; i < 3000; i += 20) {
                        if (post(port, batch(i, i + 20)) == 200) {
                            sentDuringKill.addAndGet(20 * SYMBOLS.length);
                        }
                    }
                } catch (Exception killed) {
                    // the node is gone
                }
            });
            feeder.start();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (sentDuringKill.get() < 400 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            node.destroyForcibly(); // SIGKILL: no shutdown hook, no gzip trailer
            node.waitFor(30, TimeUnit.SECONDS);
        }
        int sent = acknowledged + sentDuringKill.get() + 40 * SYMBOLS.length; // at most one more batch in flight

        BacktestRun cut = backtest(recording, "backtest-cut");
        long read = cut.summary().get("ticks_read").asLong();
        assertTrue(read >= acknowledged && read <= sent, "read " + read + ": at least the " + acknowledged
                + " flushed before the kill, at most the " + sent + " sent");
        assertEquals(read, cut.summary().get("ticks_accepted").asLong(), cut.out());
        assertEquals(0, cut.summary().get("ticks_rejected").get("malformed").asLong(), "no partial line read");
        assertEquals(recording.toString(), cut.summary().get("cut_files").get(0).asText());
        assertTrue(cut.out().contains("was cut short"), cut.out());

        // restarted on the same day: the file is made whole and the next ticks appended after its last whole line
        int port2 = CrashRestartIT.freePort();
        Process again = JarIT.startNode(nodeDir, "-Xmx512m", port2);
        try {
            awaitReady(again, nodeDir.resolve("out.log"), port2);
            assertEquals(200, post(port2, batch(5000, 5010)));
        } finally {
            again.destroy(); // SIGTERM: a clean stop closes the file
            assertTrue(again.waitFor(60, TimeUnit.SECONDS));
        }
        BacktestRun whole = backtest(recording, "backtest-whole");
        assertEquals(read + 10 * SYMBOLS.length, whole.summary().get("ticks_read").asLong(), whole.out());
        assertEquals(null, whole.summary().get("cut_files"), whole.out());
        assertTrue(Files.readString(nodeDir.resolve("out.log")).contains("was cut short"), "the repair is logged");

        // run --replay --speed max from the jar on a fresh node: the bars backtest builds from the same file
        Path replayDir = Files.createDirectories(dir.resolve("replay"));
        int port3 = CrashRestartIT.freePort();
        Process replay = startReplay(replayDir, port3, recording);
        try {
            awaitReady(replay, replayDir.resolve("out.log"), port3);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(replayDir.resolve("out.log")).contains("replay finished")) {
                assertTrue(replay.isAlive() && System.nanoTime() < deadline, Files.readString(replayDir.resolve("out.log")));
                Thread.sleep(200);
            }
            List<String> lines = Files.readAllLines(whole.dir().resolve("bars.jsonl"));
            for (String symbol : SYMBOLS) {
                List<JsonNode> want = new ArrayList<>();
                for (String l : lines) {
                    JsonNode bar = JSON.readTree(l);
                    if (bar.get("symbol").asText().equals(symbol)) {
                        want.add(bar);
                    }
                }
                // the node's last bar is still forming (its ticks are from a past day): compare the closed ones
                JsonNode got = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port3
                        + "/api/tickers/" + symbol + "/bars?limit=1000")).build(), HttpResponse.BodyHandlers.ofString()).body());
                assertTrue(got.size() >= want.size() - 1 && got.size() > 0, symbol + ": " + got.size() + " bars");
                for (int i = 0; i < got.size(); i++) {
                    assertTrue(want.get(i).equals((a, b) -> a.isNumber() && b.isNumber()
                                    ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1, got.get(i)),
                            symbol + " bar " + i + "\n  backtest: " + want.get(i) + "\n  replay:   " + got.get(i));
                }
            }
        } finally {
            replay.destroy();
            replay.waitFor(60, TimeUnit.SECONDS);
        }
    }

    static Process startReplay(Path dir, int port, Path file) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", JarIT.JAR.toAbsolutePath().toString(), "run", "--replay", file.toString(),
                "--speed", "max")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().put("TICKWATCH_HTTP_PORT", String.valueOf(port));
        pb.environment().put("TICKWATCH_PORT", "0");
        pb.environment().put("TICKWATCH_DATA_DIR", dir.resolve("data").toString());
        return pb.start();
    }
}
