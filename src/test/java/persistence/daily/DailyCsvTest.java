package persistence.daily;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.DailyBar;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daily file writes what it reads, and refuses a line it cannot read with its number. */
class DailyCsvTest {
    @TempDir
    Path dir;

    @Test
    void roundTrip() throws IOException {
        Map<String, List<DailyBar>> days = new LinkedHashMap<>();
        days.put("005930", List.of(
                new DailyBar(LocalDate.of(2026, 11, 27), 59700, 60000, 59300, 59600, 13202919, -120L, 3456L,
                        2_950_000_000L, 49.84),
                DailyBar.ohlcv(LocalDate.of(2026, 11, 30), 59600, 61000, 59500, 60900, 15000000)));
        days.put("BTCUSDT", List.of(DailyBar.ohlcv(LocalDate.of(2026, 11, 30), 91000.5, 92000, 90000.25, 91500, 12)));
        StringWriter w = new StringWriter();
        DailyCsv.write(w, days);
        assertTrue(w.toString().startsWith(DailyCsv.HEADER + "\n2026-11-27,005930,59700,60000,59300,59600,13202919,"
                + "-120,3456,2950000000,49.84\n2026-11-30,005930,59600,61000,59500,60900,15000000,,,,\n"), w.toString());
        Path f = Files.writeString(dir.resolve("daily.csv"), w.toString());
        assertEquals(days, DailyCsv.read(f));
    }

    @Test
    void refusesWithLineNumber() throws IOException {
        Path f = Files.writeString(dir.resolve("bad.csv"), DailyCsv.HEADER + "\n2026-11-30,005930,1,1,1,1,x,,,,\n");
        IOException e = assertThrows(IOException.class, () -> DailyCsv.read(f));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        Path noHeader = Files.writeString(dir.resolve("nohdr.csv"), "2026-11-30,005930,1,1,1,1,1,,,,\n");
        assertTrue(assertThrows(IOException.class, () -> DailyCsv.read(noHeader)).getMessage().contains("header"));
    }
}
