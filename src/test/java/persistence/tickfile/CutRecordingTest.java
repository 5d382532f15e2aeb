package persistence.tickfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.Market;
import conditions.Tick;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording cut by {@code kill -9}: the gzip stream ends without its trailer, after the last sync
 * flush or in the middle of a deflate block, and its last line may be partial. The reader takes it
 * up to its last whole line, says it was cut, and reports nothing malformed; the recorder makes it
 * whole again before it appends to it. (The child-JVM version: {@code engine.RecordingCrashIT}.)
 */
class CutRecordingTest {

    @TempDir
    Path dir;

    static final long T0 = TickFileWriterTest.ms("2026-11-20T09:00:00+09:00");

    static Tick tick(int i) {
        return new Tick("005930", T0 + i * 1000L, 70000 + i, 10 + i, 100L * (i + 1), Market.KRX);
    }

    /** Writes {@code n} ticks, sync-flushing after each; returns the file's size after each flush (no trailer). */
    private long[] writeFlushedNeverClosed(Path file, int n) throws IOException {
        long[] sizes = new long[n];
        TickFileWriter w = new TickFileWriter(file);
        for (int i = 0; i < n; i++) {
            w.append(tick(i));
            w.flush();
            sizes[i] = Files.size(file);
        }
        // never closed: what a process killed with -9 leaves (the writer is left for the GC)
        return sizes;
    }

    private static Path cut(Path from, Path to, long bytes) throws IOException {
        Files.write(to, Arrays.copyOf(Files.readAllBytes(from), (int) bytes));
        return to;
    }

    record Read(List<Tick> ticks, ReadStats stats, List<String> reports) {
    }

    static Read read(Path file, boolean background) throws IOException {
        List<Tick> ticks = new ArrayList<>();
        List<String> reports = new ArrayList<>();
        ReadStats s = TickFileReader.read(List.of(file), ticks::add, (f, line, reason) -> reports.add(line + ": " + reason),
                background);
        return new Read(ticks, s, reports);
    }

    @Test
    void aCutRecordingReadsUpToItsLastWholeLineAndSaysSo() throws IOException {
        Path whole = dir.resolve("whole.csv.gz");
        int n = 200;
        long[] sizes = writeFlushedNeverClosed(whole, n);
        for (boolean background : new boolean[]{false, true}) {
            // cut exactly after a sync flush: every line up to it
            for (int k : new int[]{0, 1, 57, n - 1}) {
                Path f = cut(whole, dir.resolve("at-" + k + ".csv.gz"), sizes[k]);
                Read r = read(f, background);
                assertEquals(List.of(), r.reports(), "no malformed line");
                assertEquals(k + 1, r.ticks().size(), "cut after the flush of tick " + k);
                assertEquals(tick(k), r.ticks().get(k));
                assertEquals(List.of(f.toString()), r.stats().cutFiles());
            }
            // cut anywhere between two flushes: the whole lines before, never a broken one
            for (int k = 0; k < n - 1; k += 7) {
                for (long extra = 1; sizes[k] + extra < sizes[k + 1]; extra += 3) {
                    Path f = cut(whole, dir.resolve("mid.csv.gz"), sizes[k] + extra);
                    Read r = read(f, background);
                    assertEquals(List.of(), r.reports(), "cut at " + (sizes[k] + extra));
                    assertTrue(r.ticks().size() == k + 1 || r.ticks().size() == k + 2, "cut at " + (sizes[k] + extra)
                            + ": " + r.ticks().size());
                    for (int i = 0; i < r.ticks().size(); i++) {
                        assertEquals(tick(i), r.ticks().get(i));
                    }
                    assertEquals(1, r.stats().cutFiles().size());
                }
            }
        }
    }

    @Test
    void aProperlyClosedFileIsNotCutAndADamagedOneIsStillAnError() throws IOException {
        Path f = dir.resolve("closed.csv.gz");
        try (TickFileWriter w = new TickFileWriter(f)) {
            w.append(tick(0));
            w.append(tick(1));
        }
        Read r = read(f, false);
        assertEquals(2, r.ticks().size());
        assertEquals(List.of(), r.stats().cutFiles());

        // a bad block in the middle is not a cut: it stays an error naming the file
        byte[] bytes = Files.readAllBytes(f);
        for (int i = 12; i < bytes.length - 8; i++) {
            bytes[i] = (byte) 0xff;
        }
        Path bad = dir.resolve("bad.csv.gz");
        Files.write(bad, bytes);
        IOException e = assertThrows(IOException.class, () -> read(bad, false));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }

    @Test
    void theRecorderMakesACutFileWholeBeforeItAppends() throws IOException {
        Path whole = dir.resolve("w.csv.gz");
        long[] sizes = writeFlushedNeverClosed(whole, 10);
        Path f = cut(whole, dir.resolve("rec.csv.gz"), sizes[6] + (sizes[7] - sizes[6]) / 2);
        int before = read(f, false).ticks().size();
        assertTrue(before == 7 || before == 8, "whole lines before the cut: " + before);

        TickFileRepair.Result repaired = TickFileRepair.keepWholeLines(f);
        assertTrue(repaired.repaired());
        assertEquals(before + 1, repaired.lines(), "the header and the whole tick lines");
        try (TickFileWriter w = new TickFileWriter(f, true)) {
            w.append(tick(20));
        }
        Read r = read(f, false);
        assertEquals(List.of(), r.reports());
        assertEquals(List.of(), r.stats().cutFiles(), "whole again");
        assertEquals(before + 1, r.ticks().size());
        assertEquals(tick(20), r.ticks().get(before));

        assertFalse(TickFileRepair.keepWholeLines(f).repaired(), "a whole file is left alone");
    }
}
