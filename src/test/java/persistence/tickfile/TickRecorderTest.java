package persistence.tickfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import conditions.Market;
import conditions.Tick;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder's files: one per source and trading day, rolled over at the cut-off, flushed while open. */
class TickRecorderTest {

    @TempDir
    Path dir;

    static long ms(String iso) {
        return TickFileWriterTest.ms(iso);
    }

    TickRecorder.Settings settings(int queue, Map<String, LocalTime> cutoffs) {
        return new TickRecorder.Settings(true, dir.resolve("ticks"), queue, Duration.ofMillis(200), Duration.ofMinutes(2),
                LocalTime.MIDNIGHT, cutoffs);
    }

    static List<Tick> read(Path file) throws IOException {
        List<Tick> ticks = new ArrayList<>();
        List<String> reports = new ArrayList<>();
        TickFileReader.read(List.of(file), ticks::add, (f, line, reason) -> reports.add(line + ": " + reason));
        assertEquals(List.of(), reports, file.toString());
        return ticks;
    }

    /** Waits (with a deadline) until {@code file}, still open for writing, reads back {@code want}. */
    static void awaitRecorded(Path file, List<Tick> want) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Tick> got = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                got = read(file);
                if (got.equals(want)) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        assertEquals(want, got, file + " while the recorder runs");
    }

    @Test
    void eachSourceAndTradingDayHasItsFileRolledOverAtTheCutOff() throws Exception {
        // crypto ticks of "feed" roll over at 06:00 UTC; KRX ticks of "push" at midnight KST
        Tick beforeCut = new Tick("BTCUSDT", ms("2026-11-20T05:59:59.999Z"), 27000.5, 1, Tick.NO_CUM, Market.CRYPTO);
        Tick atCut = new Tick("BTCUSDT", ms("2026-11-20T06:00:00Z"), 27001, 2, Tick.NO_CUM, Market.CRYPTO);
        Tick krxLate = new Tick("005930", ms("2026-11-20T23:59:59+09:00"), 70000, 3, 3, Market.KRX);
        Tick krxNext = new Tick("005930", ms("2026-11-21T00:00:00+09:00"), 70100, 4, 7, Market.KRX);
        TickRecorder r = TickRecorder.start(settings(1000, Map.of("feed", LocalTime.of(6, 0))));
        try {
            assertTrue(r.record("feed", List.of(beforeCut, atCut)));
            assertTrue(r.record("push", List.of(krxLate)));
            assertTrue(r.record("push", List.of(krxNext)));
            Path ticks = dir.resolve("ticks");
            // flushed while open (a crash would lose at most the flush interval)
            awaitRecorded(ticks.resolve("2026-11-19/feed-trades.csv.gz"), List.of(beforeCut));
            awaitRecorded(ticks.resolve("2026-11-20/feed-trades.csv.gz"), List.of(atCut));
            awaitRecorded(ticks.resolve("2026-11-20/push-trades.csv.gz"), List.of(krxLate));
            awaitRecorded(ticks.resolve("2026-11-21/push-trades.csv.gz"), List.of(krxNext));
        } finally {
            r.close();
        }
        assertEquals(4, r.written());
        assertEquals(List.of(beforeCut), read(dir.resolve("ticks/2026-11-19/feed-trades.csv.gz")));
        try (var files = Files.walk(dir.resolve("ticks"))) {
            assertEquals(4, files.filter(Files::isRegularFile).count(), "no other file");
        }
    }

    @Test
    void aRestartedRecorderAppendsToTheDaysFileAndAFullQueueDropsAndCounts() throws Exception {
        Tick a = new Tick("005930", ms("2026-11-20T09:00:01+09:00"), 70000, 1, 1, Market.KRX);
        Tick b = new Tick("005930", ms("2026-11-20T09:00:02+09:00"), 70000, 1, 2, Market.KRX);
        try (TickRecorder r = TickRecorder.start(settings(3, Map.of()))) {
            r.record("push", List.of(a));
        }
        TickRecorder r = TickRecorder.start(settings(3, Map.of()));
        try {
            // more ticks than the queue holds: dropped and counted, never waited for
            Tick c = new Tick("005930", ms("2026-11-20T09:00:03+09:00"), 70000, 1, 3, Market.KRX);
            assertFalse(r.record("push", List.of(c, c, c, c)));
            assertEquals(4, r.dropped());
            assertTrue(r.record("push", List.of(b)));
        } finally {
            r.close();
        }
        assertEquals(List.of(a, b), read(dir.resolve("ticks/2026-11-20/push-trades.csv.gz")));
        assertFalse(r.record("push", List.of(b)), "closed");
    }

    @Test
    void aWriteMergesSymbolsByTimeAndKeepsEachSymbolsOwnOrder() {
        long t = ms("2026-11-20T09:00:00+09:00");
        Tick a1 = new Tick("A00001", t + 1000, 1, 1, Tick.NO_CUM, Market.KRX);
        Tick a2 = new Tick("A00001", t + 500, 2, 1, Tick.NO_CUM, Market.KRX); // accepted after a1 (same bar): stays after it
        Tick a3 = new Tick("A00001", t + 3000, 3, 1, Tick.NO_CUM, Market.KRX);
        Tick b1 = new Tick("B00001", t + 800, 4, 1, Tick.NO_CUM, Market.KRX);
        Tick b2 = new Tick("B00001", t + 2000, 5, 1, Tick.NO_CUM, Market.KRX);
        Map<String, List<Tick>> bySymbol = new java.util.LinkedHashMap<>();
        bySymbol.put("A00001", List.of(a1, a2, a3));
        bySymbol.put("B00001", List.of(b1, b2));
        assertEquals(List.of(b1, a1, a2, b2, a3), TickRecorder.inTimeOrder(bySymbol));
    }

    @Test
    void cutOffsComeFromTheSourcesBlocks() {
        var root = ConfigFactory.parseString("""
                tickwatch.recording { enabled = true, dir = "", queue-ticks = 10, flush-interval = 1s, close-idle = 1m, day-cutoff = "00:00" }
                tickwatch.sources { push { type = push }, naver { type = naver, day-cutoff = "06:30" } }
                """);
        TickRecorder.Settings s = TickRecorder.Settings.from(root, dir);
        assertEquals(dir.resolve("ticks"), s.dir());
        assertEquals(LocalTime.of(6, 30), s.cutoff("naver"));
        assertEquals(LocalTime.MIDNIGHT, s.cutoff("push"));
        assertEquals(LocalTime.MIDNIGHT, s.cutoff("replay"));
        assertEquals(LocalDate.of(2026, 11, 19), TickRecorder.tradingDay(
                new Tick("005930", ms("2026-11-20T06:29:59+09:00"), 1, 1, 1, Market.KRX), s.cutoff("naver")));

        var bad = ConfigFactory.parseString("tickwatch.sources.naver.day-cutoff = \"6h\"").withFallback(root);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TickRecorder.Settings.from(bad, dir));
        assertTrue(e.getMessage().contains("tickwatch.sources.naver.day-cutoff"), e.getMessage());
    }
}
