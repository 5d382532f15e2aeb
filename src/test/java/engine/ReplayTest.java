package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerEntity.IngestResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.ConditionSet;
import conditions.Market;
import conditions.ModelConfig;
import conditions.Tick;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import persistence.tickfile.TickFileWriter;

/**
 * {@code run --replay}: at {@code max} a live node builds from a file the bars {@code backtest}
 * builds from it; at a finite speed the ticks go out in time order, each not before its time
 * (on a test clock: no wall-clock timing here).
 */
class ReplayTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A clock that moves only when the replay waits, to exactly the moment it waits for. */
    static final class TestPacer implements Replay.Pacer {
        long now = 1_000_000_000L;
        final List<Long> waitedUntil = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepUntil(long deadline) {
            assertTrue(deadline > now, "waits only for the future");
            waitedUntil.add(deadline);
            now = deadline;
        }
    }

    record Sent(long at, List<Tick> ticks) {
    }

    private Path file(List<Tick> ticks) throws Exception {
        Path f = dir.resolve("day.csv.gz");
        try (TickFileWriter w = new TickFileWriter(f)) {
            for (Tick t : ticks) {
                w.append(t);
            }
        }
        return f;
    }

    @Test
    void atAFiniteSpeedEachTickGoesInOrderAndNotBeforeItsTime() throws Exception {
        long t0 = NodeTest.krx("2026-11-20T09:00");
        List<Tick> ticks = new ArrayList<>();
        long[] offsets = {0, 0, 1_000, 2_000, 2_000, 60_000, 600_000};
        for (int i = 0; i < offsets.length; i++) {
            ticks.add(new Tick("005930", t0 + offsets[i], 70000 + i, 1, i + 1, Market.KRX));
        }
        TestPacer pacer = new TestPacer();
        long start = pacer.now;
        List<Sent> sent = new ArrayList<>();
        Replay.Ingest ingest = (batch, key) -> {
            sent.add(new Sent(pacer.now, batch));
            return CompletableFuture.completedFuture(IngestResult.of(batch.size(), 0, 0, 0, 0));
        };
        Replay.Summary s = new Replay(List.of(file(ticks)), 60, ingest, pacer, Duration.ofSeconds(5),
                Duration.ofSeconds(5)).run();

        assertEquals(ticks.size(), s.sent());
        assertEquals(ticks.size(), s.result().accepted());
        List<Tick> inOrder = sent.stream().flatMap(b -> b.ticks().stream()).toList();
        assertEquals(ticks, inOrder, "every tick once, in time order");
        for (Sent b : sent) {
            for (Tick t : b.ticks()) {
                long due = start + (t.time() - t0) * 1_000_000L / 60;
                assertTrue(b.at() >= due, "tick at +" + (t.time() - t0) + " ms sent before its time at speed 60");
            }
        }
        // the ticks due together go together: five moments, ten minutes of ticks in ten seconds
        assertEquals(List.of(2, 1, 2, 1, 1), sent.stream().map(b -> b.ticks().size()).toList());
        assertEquals(start + 600_000L * 1_000_000L / 60, pacer.now);
        for (int i = 1; i < pacer.waitedUntil.size(); i++) {
            assertTrue(pacer.waitedUntil.get(i) > pacer.waitedUntil.get(i - 1));
        }
    }

    @Test
    void atMaxItNeverWaitsAndAFailedBatchIsSentAgainWithItsKey() throws Exception {
        List<Tick> ticks = NodeTest.ticks("005930", 30);
        TestPacer pacer = new TestPacer();
        List<String> keys = new ArrayList<>();
        Replay.Ingest ingest = (batch, key) -> {
            keys.add(key);
            return keys.size() == 1 ? CompletableFuture.failedFuture(new IllegalStateException("ask timed out"))
                    : CompletableFuture.completedFuture(IngestResult.of(batch.size(), 0, 0, 0, 0));
        };
        Replay.Summary s = new Replay(List.of(file(ticks)), 0, ingest, pacer, Duration.ofSeconds(5),
                Duration.ofSeconds(5)).run();
        assertEquals(30, s.result().accepted());
        assertEquals(List.of(), pacer.waitedUntil);
        assertEquals(2, keys.size());
        assertEquals(keys.get(0), keys.get(1), "the retry carries the same Idempotency-Key");

        assertEquals(0, Replay.parseSpeed("max"));
        assertEquals(60, Replay.parseSpeed("60"));
        assertThrows(IllegalArgumentException.class, () -> Replay.parseSpeed("0"));
        assertThrows(IllegalArgumentException.class, () -> Replay.parseSpeed("fast"));
    }

    @Test
    void atMaxALiveNodeBuildsTheBarsBacktestBuildsFromTheSameFile() throws Exception {
        // three symbols, 09:00 to 11:04:59: the node's feed clock closes the 11:00 bar a moment after the last tick
        long t0 = NodeTest.krx("2026-11-20T09:00");
        List<Tick> day = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(7);
        double[] price = {70000, 150000, 5000};
        long[] cum = new long[3];
        for (long t = t0; t < t0 + 125 * 60_000L; t += 1_000 + rnd.nextInt(9_000)) {
            int i = rnd.nextInt(3);
            price[i] = Math.max(100, price[i] + 10 * (rnd.nextInt(21) - 10));
            long v = 1 + rnd.nextInt(500);
            cum[i] += v;
            day.add(new Tick(String.format("%06d", i + 1), t, price[i], v, rnd.nextInt(10) == 0 ? Tick.NO_CUM : cum[i],
                    Market.KRX));
        }
        for (int i = 0; i < 3; i++) { // each symbol's last tick just before 11:05, so its last bar closes at once
            cum[i] += 1;
            day.add(new Tick(String.format("%06d", i + 1), t0 + 125 * 60_000L - 500 + i, price[i], 1, cum[i], Market.KRX));
        }
        Path ticks = file(day);
        Path out = dir.resolve("backtest");
        Backtest.Summary expected = Backtest.run(List.of(ticks), ConditionSet.EMPTY, ModelConfig.DEFAULT, out);
        Map<String, List<JsonNode>> want = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.resolve("bars.jsonl"))) {
            JsonNode bar = JSON.readTree(line);
            want.computeIfAbsent(bar.get("symbol").asText(), k -> new ArrayList<>()).add(bar);
        }
        assertEquals(3, want.size());

        NodeSettings s = NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")), "tickwatch.clock.grace = 200ms");
        try (Node node = Node.start(s)) {
            Replay.Summary r = Replay.into(node, List.of(ticks), 0).run();
            assertEquals(expected.ticksRead(), r.sent());
            assertEquals(expected.ticksAccepted(), r.result().accepted());
            for (Map.Entry<String, List<JsonNode>> e : want.entrySet()) {
                awaitBars(node, e.getKey(), e.getValue());
            }
        }
        // recorded as source "replay": the same ticks, in the day's file
        // recorded as source "replay": every tick once, each symbol's in order (entities write independently,
        // so symbols interleave by write; backtest's model is per symbol, so it builds the same bars)
        List<Tick> recorded = RecordingTest.read(dir.resolve("data/ticks/2026-11-20/replay-trades.csv.gz"));
        assertEquals(bySymbol(day), bySymbol(recorded));
    }

    static Map<String, List<Tick>> bySymbol(List<Tick> ticks) {
        Map<String, List<Tick>> m = new java.util.TreeMap<>();
        ticks.forEach(t -> m.computeIfAbsent(t.symbol(), k -> new ArrayList<>()).add(t));
        return m;
    }

    /** The node's closed bars equal backtest's (its last one closes by the feed clock, after the grace). */
    static void awaitBars(Node node, String symbol, List<JsonNode> want) throws Exception {
        Comparator<JsonNode> numbersByValue = (a, b) -> a.isNumber() && b.isNumber()
                ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<JsonNode> got = List.of();
        while (System.nanoTime() < deadline) {
            got = new ArrayList<>();
            for (Map<String, Object> bar : NodeTest.get(node.bars(symbol, 0)).orElseThrow()) {
                got.add(JSON.valueToTree(bar));
            }
            if (got.size() >= want.size()) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(want.size(), got.size(), symbol + ": closed bars");
        for (int i = 0; i < want.size(); i++) {
            assertTrue(want.get(i).equals(numbersByValue, got.get(i)),
                    symbol + " bar " + i + "\n  backtest: " + want.get(i) + "\n  node:     " + got.get(i));
        }
    }
}
