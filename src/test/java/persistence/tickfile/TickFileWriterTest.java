package persistence.tickfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.Market;
import conditions.Tick;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TickFileWriterTest {

    @TempDir
    Path dir;

    static long ms(String iso) {
        return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
    }

    static List<Tick> readAll(Path file) throws IOException {
        List<Tick> ticks = new ArrayList<>();
        List<String> reports = new ArrayList<>();
        TickFileReader.read(List.of(file), ticks::add, (f, line, reason) -> reports.add(line + ": " + reason));
        assertEquals(List.of(), reports);
        return ticks;
    }

    @Test
    void writesTheDocumentedFormat() throws IOException {
        Path file = dir.resolve("ticks.csv");
        try (TickFileWriter w = new TickFileWriter(file)) {
            w.append(new Tick("005930", ms("2026-11-20T09:00:03.120+09:00"), 70000, 10, 123, Market.KRX));
            w.append(new Tick("005930", ms("2026-11-20T09:00:03.007+09:00"), 70100, 5, Tick.NO_CUM, null));
            w.append(new Tick("BTCUSDT", ms("2026-11-20T00:00:03Z"), 27785.05, 3, Tick.NO_CUM, null));
            w.append(new Tick("ETHUSDT", ms("1969-12-31T23:59:59.999Z"), 0.00012345, 0, 0, null));
            w.append(new Tick("005930", ms("2026-11-19T15:30:00.000Z"), 1e15, 1, 1, Market.KRX));
            assertEquals(5, w.written());
        }
        assertEquals("""
                time,symbol,price,volume,cum_volume,market
                2026-11-20T09:00:03.120+09:00,005930,70000,10,123,KRX
                2026-11-20T09:00:03.007+09:00,005930,70100,5,,KRX
                2026-11-20T00:00:03.000Z,BTCUSDT,27785.05,3,,CRYPTO
                1969-12-31T23:59:59.999Z,ETHUSDT,0.00012345,0,0,CRYPTO
                2026-11-20T00:30:00.000+09:00,005930,1000000000000000,1,1,KRX
                """, Files.readString(file));
    }

    @Test
    void gzipOutputIsTheSameTextCompressed() throws IOException {
        Path plain = dir.resolve("t.csv");
        Path gz = dir.resolve("t.csv.gz");
        TickGenerator.generate(plain, 10_000, 50, 9);
        TickGenerator.generate(gz, 10_000, 50, 9);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            assertEquals(Files.readString(plain), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(Files.size(gz) < Files.size(plain) / 3);
    }

    @Test
    void flushMakesCompleteLinesVisible() throws IOException {
        Path file = dir.resolve("live.csv");
        try (TickFileWriter w = new TickFileWriter(file)) {
            w.append(new Tick("005930", ms("2026-11-20T09:00:03.120+09:00"), 70000, 10));
            w.flush();
            assertEquals(1, readAll(file).size());
            w.append(new Tick("005930", ms("2026-11-20T09:00:03.121+09:00"), 70000, 11));
            w.flush();
            assertEquals(2, readAll(file).size());
        }
    }

    @Test
    void appendingAddsLinesWithoutASecondHeader() throws IOException {
        for (String name : List.of("a.csv", "a.csv.gz")) {
            Path file = dir.resolve(name);
            Tick one = new Tick("005930", ms("2026-11-20T09:00:03.120+09:00"), 70000, 10, 10, null);
            Tick two = new Tick("005930", ms("2026-11-20T09:00:04.120+09:00"), 70100, 1, 11, null);
            try (TickFileWriter w = new TickFileWriter(file, true)) { // does not exist yet: gets a header
                w.append(one);
            }
            try (TickFileWriter w = new TickFileWriter(file, true)) {
                w.append(two);
            }
            assertEquals(List.of(one, two), readAll(file), name);
            try (TickFileWriter w = new TickFileWriter(file)) { // not appending: starts over
                w.append(two);
            }
            assertEquals(List.of(two), readAll(file), name);
        }
    }

    @Test
    void appendingAfterACutOffLineStartsANewLine() throws IOException {
        Path file = dir.resolve("cut.csv");
        Files.writeString(file, TickFileWriter.HEADER + "\n2026-11-20T09:00:03.120+09:00,005930,70000,10,10,KRX\n2026-11-20T09:00:0");
        Tick next = new Tick("005930", ms("2026-11-20T09:00:05.000+09:00"), 70000, 1, 11, null);
        try (TickFileWriter w = new TickFileWriter(file, true)) {
            w.append(next);
        }
        List<Tick> ticks = new ArrayList<>();
        List<Long> badLines = new ArrayList<>();
        TickFileReader.read(List.of(file), ticks::add, (f, line, reason) -> badLines.add(line));
        assertEquals(2, ticks.size());
        assertEquals(next, ticks.get(1));
        assertEquals(List.of(3L), badLines);
    }

    @Test
    void refusesWhatCouldNotBeReadBack() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> new TickFileWriter(dir.resolve("t.jsonl")));
        assertThrows(IllegalArgumentException.class, () -> new TickFileWriter(dir.resolve("t.txt")));
        try (TickFileWriter w = new TickFileWriter(dir.resolve("t.csv"))) {
            assertThrows(IllegalArgumentException.class, () -> w.append(new Tick("bad,symbol", 0, 1, 1)));
            assertThrows(IllegalArgumentException.class, () -> w.append(new Tick("005930", 0, Double.NaN, 1)));
            assertThrows(IllegalArgumentException.class, () -> w.append(new Tick("005930", 0, 1, -1)));
            assertThrows(IllegalArgumentException.class,
                    () -> w.append(new Tick("005930", ms("+10000-01-01T00:00:00Z"), 1, 1)));
            w.close();
            assertThrows(IOException.class, () -> w.append(new Tick("005930", 0, 1, 1)));
        }
        assertEquals(TickFileWriter.HEADER + "\n", Files.readString(dir.resolve("t.csv")));
    }
}
