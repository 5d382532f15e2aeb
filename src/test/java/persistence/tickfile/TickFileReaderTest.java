package persistence.tickfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.Market;
import conditions.Tick;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading tick files: format, errors, merging. Each reading test runs on one thread and on two. */
class TickFileReaderTest {

    @TempDir
    Path dir;

    record Report(String file, long line, String reason) {
    }

    record Result(List<Tick> ticks, List<Report> reports, ReadStats stats) {
    }

    static Result read(boolean background, Path... files) throws IOException {
        List<Tick> ticks = new ArrayList<>();
        List<Report> reports = new ArrayList<>();
        ReadStats stats = TickFileReader.read(List.of(files), ticks::add,
                (file, line, reason) -> reports.add(new Report(file, line, reason)), background);
        assertEquals(ticks.size(), stats.ticks(), "stats.ticks");
        assertEquals(reports.size(), stats.malformed(), "stats.malformed");
        assertEquals(stats.ticks() + stats.malformed(), stats.lines(), "stats.lines");
        return new Result(ticks, reports, stats);
    }

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    Path writeGz(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    static long ms(String iso) {
        return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
    }

    static final String HEADER = "time,symbol,price,volume,cum_volume,market\n";

    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writerOutputReadsBackEqual(boolean background) throws IOException {
        long t = ms("2026-11-20T09:00:03.120+09:00");
        List<Tick> ticks = List.of(
                new Tick("005930", t, 70000, 10, 123, Market.KRX),
                new Tick("005930", t, 70100, 5, 128, null),
                new Tick("0088M0", t + 1, 1234.5, 0, 0, Market.KRX),
                new Tick("005930", t + 2, 70000, 1, Tick.NO_CUM, Market.CRYPTO),
                new Tick("BTCUSDT", ms("2026-11-20T00:00:03Z"), 27785.05, 3, Tick.NO_CUM, Market.CRYPTO),
                new Tick("ETHUSDT", ms("2026-11-20T00:00:03.001Z"), 0.00012345, 1, 7, null),
                new Tick("ETHUSDT", ms("2026-11-20T00:00:04.999Z"), 123456789.012345, 2, 9, null),
                new Tick("ETHUSDT", ms("2026-11-20T00:00:05Z"), 0.1 + 0.2, 3, 12, null),
                new Tick("X.Y-Z_1", ms("2026-11-20T00:00:06Z"), 1e15, conditions.Volume.MAX_UNITS, 0,
                        conditions.Volume.MAX_UNITS, 0, null),
                Tick.of("BTCUSDT", ms("2026-11-20T00:00:07Z"), 91234.5, conditions.Volume.parse("0.158"),
                        conditions.Volume.parse("999999999999999.99999999"), null),
                Tick.of("BTCUSDT", ms("2026-11-20T00:00:08Z"), 91234.5, conditions.Volume.parse("0.00000001"),
                        conditions.Volume.parse("1000000000000000"), null));
        Path file = dir.resolve("roundtrip.csv");
        try (TickFileWriter w = new TickFileWriter(file)) {
            for (Tick tick : ticks) {
                w.append(tick);
            }
        }
        Result r = read(background, file);
        assertEquals(ticks, r.ticks());
        assertEquals(List.of(), r.reports());
        assertEquals(new ReadStats(ticks.size(), ticks.size(), 0), r.stats());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void timesParseToTheSameMillisAsJavaTime(boolean background) throws IOException {
        List<String> times = List.of(
                "2026-11-20T09:00:03+09:00",
                "2026-11-20T09:00:03.1+09:00",
                "2026-11-20T09:00:03.12Z",
                "2026-11-20T09:00:03.120+09:00",
                "2026-11-20T09:00:03.123456789-03:30",
                "2026-11-20T09:00:03.999999999Z",
                "2026-11-20T00:00:03Z",
                "2026-11-20t00:00:03z",
                "2026-11-20T09:00+09:00",
                "2026-11-20T09:00:03.+09:00",
                "2026-11-20T09:00:03+09",
                "2026-11-20T09:00:03+09:00:30",
                "2024-02-29T23:59:59.999Z",
                "1969-12-31T23:59:59.999Z",
                "1900-01-01T00:00:00.000+18:00",
                "2000-03-01T00:00:00.000-18:00",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999-00:00");
        StringBuilder csv = new StringBuilder(HEADER);
        for (String time : times) {
            csv.append(time).append(",005930,70000,1,,\n");
        }
        Result r = read(background, write("times.csv", csv.toString()));
        assertEquals(List.of(), r.reports());
        for (int i = 0; i < times.size(); i++) {
            assertEquals(ms(times.get(i)), r.ticks().get(i).time(), times.get(i));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void timesJavaTimeRejectsAreMalformed(boolean background) throws IOException {
        List<String> bad = List.of(
                "2026-02-30T09:00:00Z",
                "2025-02-29T09:00:00Z",
                "2026-13-01T00:00:00Z",
                "2026-00-01T00:00:00Z",
                "2026-11-20T24:00:00Z",
                "2026-11-20T09:60:00Z",
                "2026-11-20T09:00:60Z",
                "2026-11-20T09:00:00",
                "2026-11-20T09:00:00.120",
                "2026-11-20 09:00:00Z",
                "2026-11-20T09:00:00.1234567890Z",
                "2026-11-20T09:00:00+19:00",
                "2026-11-20T09:00:00+18:01",
                "2026-11-20T09:00:00+0900",
                "2026-11-20T09:00:00.120+09:60",
                "2026-11-20",
                ""); // digits alone are epoch milliseconds, tested with the other formats in TickFormatCasesTest
        StringBuilder csv = new StringBuilder(HEADER);
        for (String time : bad) {
            assertThrows(DateTimeParseException.class, () -> OffsetDateTime.parse(time), time);
            csv.append(time).append(",005930,70000,1,,\n");
        }
        Result r = read(background, write("badtimes.csv", csv.toString()));
        assertEquals(List.of(), r.ticks());
        assertEquals(bad.size(), r.reports().size());
        for (int i = 0; i < bad.size(); i++) {
            Report rep = r.reports().get(i);
            assertEquals(i + 2, rep.line());
            String quoted = "time \"" + bad.get(i) + "\"";
            assertTrue(rep.reason().startsWith(quoted), rep.reason());
        }
        assertTrue(r.reports().get(0).reason().contains("day 30 out of range"), r.reports().get(0).reason());
        assertTrue(r.reports().get(2).reason().contains("month 13 out of range"), r.reports().get(2).reason());
        assertTrue(r.reports().get(4).reason().contains("hour 24 out of range"), r.reports().get(4).reason());
        assertTrue(r.reports().get(7).reason().contains("no offset"), r.reports().get(7).reason());
    }

    /** Random times in random shapes, and random one-character damage: we agree with java.time. */
    @Test
    void timesAgreeWithJavaTimeOnRandomInput() throws IOException {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>();
        String damage = "0123456789:-+.TZtzx";
        for (int i = 0; i < 20_000; i++) {
            long epochSecond = -2_000_000_000L + (long) (random.nextDouble() * 6_000_000_000L);
            int nanos = random.nextInt(1_000_000_000);
            int offsetMinutes = (random.nextInt(37) - 18) * 60 + (random.nextInt(4) == 0 ? random.nextInt(60) : 0);
            offsetMinutes = Math.max(-18 * 60, Math.min(18 * 60, offsetMinutes));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
            OffsetDateTime t = OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(epochSecond, nanos), offset);
            int digits = random.nextInt(10);
            StringBuilder s = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(),
                    t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()));
            if (digits > 0) {
                s.append('.').append(String.format("%09d", t.getNano()), 0, digits);
            }
            s.append(offset.getId());
            if (random.nextInt(3) == 0) {
                s.setCharAt(random.nextInt(s.length()), damage.charAt(random.nextInt(damage.length())));
            }
            texts.add(s.toString());
        }
        StringBuilder csv = new StringBuilder(HEADER);
        for (String text : texts) {
            csv.append(text).append(",005930,70000,1,,\n");
        }
        Path file = write("random-times.csv", csv.toString());
        for (boolean background : new boolean[] {false, true}) {
            Result r = read(background, file);
            int good = 0;
            int bad = 0;
            for (String text : texts) {
                Long expected;
                try {
                    expected = ms(text);
                } catch (DateTimeParseException e) {
                    expected = null;
                }
                if (expected == null) {
                    Report rep = r.reports().get(bad++);
                    assertEquals(good + bad + 1, rep.line(), text);
                    assertTrue(rep.reason().startsWith("time \"" + text + "\""), text + ": " + rep.reason());
                } else {
                    assertEquals(expected, r.ticks().get(good++).time(), text);
                }
            }
            assertEquals(good, r.ticks().size());
            assertEquals(bad, r.reports().size());
            assertTrue(good > 10_000 && bad > 1_000, good + " good, " + bad + " bad");
        }
    }

    @Test
    void pricesParseToTheNearestDouble() throws IOException {
        Random random = new Random(11);
        List<String> prices = new ArrayList<>(List.of("70000", "27785.05", "0.1", "0.30000000000000004", "1.5e3",
                "1E-7", "123456789012345", "999999999999999.9", "0.000000000000000000000000123", "00012.50",
                "5.", ".5", "+3", "99999999.9999999", "12345678.1234567", "1e15"));
        for (int i = 0; i < 5000; i++) {
            int intDigits = 1 + random.nextInt(12);
            int fracDigits = random.nextInt(9);
            StringBuilder s = new StringBuilder();
            s.append(1 + random.nextInt(9));
            for (int j = 1; j < intDigits; j++) {
                s.append(random.nextInt(10));
            }
            if (fracDigits > 0) {
                s.append('.');
                for (int j = 0; j < fracDigits; j++) {
                    s.append(random.nextInt(10));
                }
            }
            prices.add(s.toString());
        }
        StringBuilder csv = new StringBuilder(HEADER);
        for (String price : prices) {
            csv.append("2026-11-20T09:00:00.000+09:00,005930,").append(price).append(",1,,\n");
        }
        csv.append("2026-11-20T09:00:00.000+09:00,005930,1000000000000000.5,1,,\n"); // past 10^15: malformed
        Result r = read(false, write("prices.csv", csv.toString()));
        assertEquals(1, r.reports().size(), r.reports().toString());
        assertTrue(r.reports().get(0).reason().startsWith("price must be a positive number up to 10^15"));
        for (int i = 0; i < prices.size(); i++) {
            assertEquals(Double.parseDouble(prices.get(i)), r.ticks().get(i).price(), prices.get(i));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void columnsAreFoundByName(boolean background) throws IOException {
        long t = ms("2026-11-20T09:00:03.120+09:00");
        Path reordered = write("reordered.csv", "market,cum_volume,price,volume,symbol,time\n"
                + "CRYPTO,17,27785.05,3,BTCUSDT,2026-11-20T00:30:03.120Z\n"
                + ",,70000,10,005930,2026-11-20T09:00:03.120+09:00\n");
        assertEquals(List.of(
                        new Tick("BTCUSDT", ms("2026-11-20T00:30:03.120Z"), 27785.05, 3, 17, Market.CRYPTO),
                        new Tick("005930", t, 70000, 10, Tick.NO_CUM, Market.KRX)),
                read(background, reordered).ticks());

        Path minimal = write("minimal.csv", "symbol,volume,time,price\n"
                + "005930,10,2026-11-20T09:00:03.120+09:00,70000\n"
                + "BTCUSDT,2,2026-11-20T00:00:03.120Z,27785.5\n");
        assertEquals(List.of(
                        new Tick("005930", t, 70000, 10, Tick.NO_CUM, Market.KRX),
                        new Tick("BTCUSDT", ms("2026-11-20T00:00:03.120Z"), 27785.5, 2, Tick.NO_CUM, Market.CRYPTO)),
                read(background, minimal).ticks());

        // Upper case and spaces in the header, CRLF line ends, a byte order mark, spaces around
        // fields, a last line without a line break.
        Path loose = write("loose.csv", "\uFEFF Time , SYMBOL,Market, Price ,volume\r\n"
                + "2026-11-20T09:00:03.120+09:00,005930,,70000,10\r\n"
                + "\r\n"
                + " 2026-11-20T09:00:03.120+09:00 , 005930 ,, 70000 , 10 \r\n"
                + "2026-11-20T09:00:03.120+09:00,005930, ,70000,11");
        Result r = read(background, loose);
        assertEquals(List.of(), r.reports());
        assertEquals(List.of(
                        new Tick("005930", t, 70000, 10),
                        new Tick("005930", t, 70000, 10),
                        new Tick("005930", t, 70000, 11)),
                r.ticks());
        assertEquals(3, r.stats().lines());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aHeaderWithoutARequiredColumnIsFatal(boolean background) throws IOException {
        Path file = write("noprice.csv", "time,symbol,volume\n2026-11-20T09:00:03.120+09:00,005930,10\n");
        IOException e = assertThrows(IOException.class, () -> read(background, file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("price"), e.getMessage());

        Path twice = write("twice.csv", "time,symbol,price,volume,price\n");
        e = assertThrows(IOException.class, () -> read(background, twice));
        assertTrue(e.getMessage().contains(twice.toString()) && e.getMessage().contains("twice"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void emptyFilesHaveNoTicks(boolean background) throws IOException {
        Result r = read(background, write("empty.csv", ""), write("header-only.csv", HEADER),
                write("blank.jsonl", "\n\n"), writeGz("empty.csv.gz", ""));
        assertEquals(List.of(), r.ticks());
        assertEquals(new ReadStats(0, 0, 0), r.stats());
    }

    /** Many lines of varying length: lines cross the 1 MiB read buffer's end many times. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void linesCrossingTheBufferEndReadCorrectly(boolean background) throws IOException {
        Random random = new Random(3);
        List<Tick> expected = new ArrayList<>();
        long t = ms("2026-11-20T09:00:00.000+09:00");
        String[] symbols = {"005930", "BTCUSDT", "1000PEPEUSDT", "A", "0088M0", "LONG.SYMBOL_NAME-20"};
        for (int i = 0; i < 120_000; i++) {
            t += random.nextInt(50);
            String symbol = symbols[random.nextInt(symbols.length)];
            double price = random.nextBoolean() ? 1 + random.nextInt(1_000_000) : (1 + random.nextInt(100_000_000)) / 100.0;
            long cum = random.nextInt(4) == 0 ? Tick.NO_CUM : random.nextInt(Integer.MAX_VALUE);
            expected.add(new Tick(symbol, t, price, random.nextInt(100_000), cum, null));
        }
        Path file = dir.resolve("big.csv");
        try (TickFileWriter w = new TickFileWriter(file)) {
            for (Tick tick : expected) {
                w.append(tick);
            }
        }
        assertTrue(Files.size(file) > 4 * TickFileOpener.BUFFER_SIZE, "file must be bigger than the buffer");
        Result r = read(background, file);
        assertEquals(List.of(), r.reports());
        assertEquals(expected, r.ticks());

        // The same through the per-column path (columns in another order) ...
        Path reordered = write("big-reordered.csv", permute(Files.readString(file), new int[] {5, 2, 1, 0, 4, 3}));
        r = read(background, reordered);
        assertEquals(List.of(), r.reports());
        assertEquals(expected, r.ticks());

        // ... and with only the four required columns.
        StringBuilder plain = new StringBuilder("time,symbol,price,volume\n");
        for (String line : Files.readAllLines(file).subList(1, expected.size() + 1)) {
            String[] f = line.split(",");
            plain.append(f[0]).append(',').append(f[1]).append(',').append(f[2]).append(',').append(f[3]).append('\n');
        }
        r = read(background, write("big-plain.csv", plain.toString()));
        assertEquals(List.of(), r.reports());
        assertEquals(expected.stream().map(x -> new Tick(x.symbol(), x.time(), x.price(), x.volume())).toList(), r.ticks());
    }

    /** A line longer than the whole read buffer still reads, and so do the lines after it. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLineLongerThanTheBufferIsRead(boolean background) throws IOException {
        String longPrice = "70000." + "0".repeat(3 * TickFileOpener.BUFFER_SIZE + 17);
        Path file = write("long.csv", "time,symbol,price,volume,market\n"
                + "2026-11-20T09:00:03.120+09:00,005930,70000,10,\n"
                + "2026-11-20T09:00:03.121+09:00,005930," + longPrice + ",11,\n"
                + "2026-11-20T09:00:03.122+09:00,005930," + longPrice + ",12,,extra\n"
                + "2026-11-20T09:00:03.123+09:00,005930,70000,13,KRX\n");
        Result r = read(background, file);
        assertEquals(List.of(10L, 11L, 13L), r.ticks().stream().map(Tick::volume).toList());
        assertEquals(70000, r.ticks().get(1).price());
        assertEquals(1, r.reports().size());
        assertEquals(4, r.reports().get(0).line());
        assertTrue(r.reports().get(0).reason().startsWith("expected 5 fields"), r.reports().get(0).reason());
    }

    /** One rule for every format: a column (or a JSON key) the tick format does not have is refused. */
    @Test
    void anUnknownColumnIsRefusedWithTheFile() throws IOException {
        Path file = write("typo.csv", "time,symbol,price,volume,cumvolume\n"
                + "2026-11-20T09:00:03.120+09:00,005930,70000,10,10\n");
        IOException e = assertThrows(IOException.class, () -> read(false, file));
        assertTrue(e.getMessage().contains("unknown column \"cumvolume\""), e.getMessage());
    }

    /** Reorders the fields of every 6-field line of a CSV text. */
    static String permute(String text, int[] order) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String[] f = line.split(",", -1);
            if (f.length == 6) {
                String[] g = new String[6];
                for (int i = 0; i < 6; i++) {
                    g[i] = f[order[i]];
                }
                line = String.join(",", g);
            }
            out.append(line).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0,1,2,3,4,5 sync", "0,1,2,3,4,5 background", "1,0,5,3,2,4 sync", "1,0,5,3,2,4 background"})
    void malformedCsvLinesAreReportedAndSkipped(String how) throws IOException {
        boolean background = how.endsWith("background");
        int[] order = java.util.Arrays.stream(how.split(" ")[0].split(",")).mapToInt(Integer::parseInt).toArray();
        String text = HEADER
                + "2026-11-20T09:00:03.120+09:00,005930,70000,10,10,KRX\n"     // 2 good
                + "2026-11-20T09:00:04.000+09:00,005930,70000,10\n"            // 3
                + "2026-11-20T09:00:04.000+09:00,005930,7O000,10,,\n"          // 4
                + "2026-11-20T09:00:04.000+09:00,005930,70000,1.123456789,,\n" // 5
                + "2026-11-20 09:00:05,005930,70000,10,,\n"                    // 6
                + "2026-11-20T09:00:04.000+09:00,005930,70000,10,,NYSE\n"      // 7
                + "2026-11-20T09:00:04.000+09:00,005930,70000,-3,,\n"          // 8
                + "2026-11-20T09:00:04.000+09:00,005930,0,10,,\n"              // 9
                + "2026-11-20T09:00:04.000+09:00,abc,70000,10,,\n"             // 10
                + "\n"                                                         // 11 blank
                + "2026-11-20T09:00:06.000+09:00,005930,70100,5,15,\n"         // 12 good
                + "2026-11-20T09:00:04.000+09:00,005930,70000,10,x,\n"         // 13
                + "2026-11-20T09:00:04.000+09:00,005930,70000,,,\n"            // 14
                + "2026-11-20T09:00:04.000+09:00,005930,70000,99999999999999999999,,\n" // 15
                + "2026-02-30T09:00:00.000+09:00,005930,70000,10,,\n"          // 16
                + "2026-11-20T09:00:04.000+09:00,,70000,10,,\n"                // 17
                + "2026-11-20T09:00:04.000+09:00,005930,70000,10,-2,\n"        // 18
                + "2026-11-20T09:00:04.000+09:00,005930,,10,,\n"               // 19
                + "2026-11-20T09:00:04.000+09:00,0059\u00e930,70000,10,,\n"    // 20
                + HEADER                                                       // 21 repeated header: skipped
                + "2026-11-20T09:00:07.000+09:00,BTCUSDT,1.25,2,,CRYPTO";      // 22 good, no line break
        text = permute(text, order);
        String header = text.substring(0, text.indexOf('\n'));
        Path file = write("bad.csv", text);
        Result r = read(background, file);
        assertEquals(List.of(
                        new Tick("005930", ms("2026-11-20T09:00:03.120+09:00"), 70000, 10, 10, Market.KRX),
                        new Tick("005930", ms("2026-11-20T09:00:06.000+09:00"), 70100, 5, 15, Market.KRX),
                        new Tick("BTCUSDT", ms("2026-11-20T09:00:07.000+09:00"), 1.25, 2, Tick.NO_CUM, Market.CRYPTO)),
                r.ticks());
        String[][] want = {
                {"3", "expected 6 fields (" + header + "), got 4"},
                {"4", "price \"7O000\" is not a number"},
                {"5", "volume has more than 8 decimal places: \"1.123456789\""},
                {"6", "time \"2026-11-20 09:00:05\" is neither ISO-8601 with an offset"},
                {"7", "unknown market \"NYSE\""},
                {"8", "volume must not be negative, got -3"},
                {"9", "price must be a positive number up to 10^15, got 0.0"},
                {"10", "symbol \"abc\""},
                {"13", "cum_volume is not a number: \"x\""},
                {"14", "volume is empty"},
                {"15", "volume is larger than 10^15: \"99999999999999999999\""},
                {"16", "day 30 out of range"},
                {"17", "symbol is empty"},
                {"18", "cum_volume must not be negative, got -2"},
                {"19", "price is empty"},
                {"20", "symbol \"0059\u00e930\""},
        };
        assertEquals(want.length, r.reports().size(), r.reports().toString());
        for (int i = 0; i < want.length; i++) {
            Report rep = r.reports().get(i);
            assertEquals(file.toString(), rep.file());
            assertEquals(Long.parseLong(want[i][0]), rep.line(), rep.toString());
            assertTrue(rep.reason().contains(want[i][1]), "line " + rep.line() + ": " + rep.reason());
        }
        assertEquals(new ReadStats(19, 3, 16), r.stats());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void jsonLinesAndGzipReadLikeCsv(boolean background) throws IOException {
        long t = ms("2026-11-20T09:00:03.120+09:00");
        List<Tick> expected = List.of(
                new Tick("005930", t, 70000, 10, 123, Market.KRX),
                new Tick("005930", t + 1, 70100, 5, Tick.NO_CUM, Market.KRX),
                new Tick("BTCUSDT", t + 2, 27785.05, 3, Tick.NO_CUM, Market.CRYPTO),
                new Tick("ETHUSDT", t + 3, 1999.5, 4, 8, Market.CRYPTO));
        String jsonl = "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10,\"cum_volume\":123,\"market\":\"KRX\"}\n"
                + "\n"
                + "{\"symbol\":\"005930\",\"time\":\"2026-11-20T09:00:03.121+09:00\",\"price\":70100.0,\"volume\":5,\"cum_volume\":null,\"market\":null}\r\n"
                + "  {\"time\":\"2026-11-20T00:00:03.122Z\",\"symbol\":\"BTCUSDT\",\"price\":27785.05,\"volume\":3}\n"
                + "{\"time\":\"2026-11-20T00:00:03.123Z\",\"symbol\":\"ETHUSDT\",\"price\":1.9995e3,\"volume\":4,\"cum_volume\":8,\"market\":\"crypto\"}";
        Path csv = dir.resolve("w.csv");
        Path csvGz = dir.resolve("w.CSV.GZ");
        for (Path p : List.of(csv, csvGz)) {
            try (TickFileWriter w = new TickFileWriter(p)) {
                for (Tick tick : expected) {
                    w.append(tick);
                }
            }
        }
        for (Path p : List.of(csv, csvGz, write("a.jsonl", jsonl), writeGz("a.jsonl.gz", jsonl),
                write("a.ndjson", jsonl), writeGz("a.ndjson.gz", jsonl), writeGz("h.csv.gz", Files.readString(csv)))) {
            Result r = read(background, p);
            assertEquals(List.of(), r.reports(), p.toString());
            assertEquals(expected, r.ticks(), p.toString());
            assertEquals(new ReadStats(4, 4, 0), r.stats(), p.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void malformedJsonLinesAreReportedAndSkipped(boolean background) throws IOException {
        String good = "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10}";
        String text = good + "\n"                                                                         // 1
                + "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000\n"    // 2
                + "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"volume\":1}\n"       // 3
                + "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":\"70000\",\"volume\":1}\n" // 4
                + "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":1.123456789}\n"  // 5
                + "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":1,\"market\":\"NYSE\"}\n" // 6
                + good + " {}\n"                                                                           // 7
                + "[1,2]\n"                                                                                // 8
                + "{\"time\":\"2026-11-20 09:00:03\",\"symbol\":\"005930\",\"price\":70000,\"volume\":1}\n" // 9
                + "{\"time\":\"2026-11-20T09:00:03Z\",\"symbol\":\"005930\",\"price\":-1,\"volume\":1}\n"   // 10
                + "{\"time\":\"2026-11-20T09:00:03Z\",\"symbol\":\"005930\",\"price\":1,\"volume\":1,\"cum_volume\":\"7\"}\n" // 11
                + "\n"                                                                                     // 12
                + good + "\n";                                                                             // 13
        Path file = write("bad.jsonl", text);
        Result r = read(background, file);
        assertEquals(2, r.ticks().size());
        String[][] want = {
                {"2", "invalid JSON"},
                {"3", "missing \"price\""},
                {"4", "price must be a number, got the string \"70000\""},
                {"5", "volume has more than 8 decimal places"},
                {"6", "unknown market \"NYSE\""},
                {"7", "unexpected content after the JSON object"},
                {"8", "a tick is a JSON object, got an array"},
                {"9", "time \"2026-11-20 09:00:03\" is neither ISO-8601 with an offset"},
                {"10", "price must be a positive number"},
                {"11", "cum_volume must be a number or null"},
        };
        assertEquals(want.length, r.reports().size(), r.reports().toString());
        for (int i = 0; i < want.length; i++) {
            Report rep = r.reports().get(i);
            assertEquals(file.toString(), rep.file());
            assertEquals(Long.parseLong(want[i][0]), rep.line(), rep.toString());
            assertTrue(rep.reason().contains(want[i][1]), "line " + rep.line() + ": " + rep.reason());
        }
        assertEquals(new ReadStats(12, 2, 10), r.stats());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void filesAreMergedInTimeOrderWithTiesInFileThenLineOrder(boolean background) throws IOException {
        Path a = write("a.csv", HEADER
                + "2026-11-20T09:00:01.000+09:00,000001,100,1,,\n"
                + "2026-11-20T09:00:03.000+09:00,000001,100,2,,\n"
                + "2026-11-20T09:00:03.000+09:00,000001,100,3,,\n"
                + "2026-11-20T09:00:05.000+09:00,000001,100,4,,\n");
        Path b = write("b.jsonl",
                "{\"time\":\"2026-11-20T00:00:00Z\",\"symbol\":\"000002\",\"price\":100,\"volume\":1}\n"
                + "{\"time\":\"2026-11-20T00:00:03Z\",\"symbol\":\"000002\",\"price\":100,\"volume\":2}\n"
                + "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"000002\",\"price\":100,\"volume\":3}\n");
        Path c = write("c.csv", HEADER
                + "2026-11-20T09:00:03.000+09:00,000003,100,1,,\n"
                + "2026-11-20T09:00:03.000+09:00,000003,100,2,,\n"
                + "2026-11-20T09:00:06.000+09:00,000003,100,3,,\n");
        Path empty = write("empty.csv", HEADER);
        List<String> got = read(background, a, empty, b, c).ticks().stream()
                .map(t -> t.symbol().substring(5) + "." + t.volume()).toList();
        // 09:00:00 +09:00 is 00:00:00Z; at 09:00:03 a comes before b before c, each in line order.
        assertEquals(List.of("2.1", "1.1", "1.2", "1.3", "2.2", "3.1", "3.2", "2.3", "1.4", "3.3"), got);
        List<String> reversed = read(background, c, b, a).ticks().stream()
                .map(t -> t.symbol().substring(5) + "." + t.volume()).toList();
        assertEquals(List.of("2.1", "1.1", "3.1", "3.2", "2.2", "1.2", "1.3", "2.3", "1.4", "3.3"), reversed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7 sync", "7 background", "40 sync", "40 background"})
    void mergingManyFilesEqualsAStableSortOfTheirConcatenation(String how) throws IOException {
        boolean background = how.endsWith("background");
        int count = Integer.parseInt(how.split(" ")[0]);
        int perFile = count > 16 ? 7_000 : 10_000;
        Random random = new Random(5);
        List<Path> files = new ArrayList<>();
        List<Tick> all = new ArrayList<>();
        for (int f = 0; f < count; f++) {
            long t = ms("2026-11-20T09:00:00.000+09:00");
            Path p = dir.resolve("m" + f + (f % 2 == 0 ? ".csv" : ".csv.gz"));
            try (TickFileWriter w = new TickFileWriter(p)) {
                int n = f == 3 ? 0 : random.nextInt(perFile);
                for (int i = 0; i < n; i++) {
                    t += random.nextInt(5) == 0 ? 0 : random.nextInt(40);
                    Tick tick = new Tick(String.format("%06d", f * 10 + random.nextInt(3)), t, 100 + i, i, i, null);
                    w.append(tick);
                    all.add(tick);
                }
            }
            files.add(p);
        }
        List<Tick> expected = new ArrayList<>(all);
        expected.sort(Comparator.comparingLong(Tick::time)); // stable: file order, then line order
        List<Tick> got = new ArrayList<>();
        ReadStats stats = TickFileReader.read(files, got::add, null, background);
        assertEquals(expected, got);
        assertEquals(all.size(), stats.ticks());
        if (count > 16) {
            long largest = 0;
            for (Path p : files) {
                largest = Math.max(largest, Files.size(p));
            }
            assertTrue(TickFileOpener.bufferSize(count) < largest, "lines cross the smaller buffers");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theSameSymbolIsTheSameStringInstance(boolean background) throws IOException {
        Path a = write("a.csv", HEADER
                + "2026-11-20T09:00:01.000+09:00,005930,100,1,,\n"
                + "2026-11-20T09:00:02+09:00, 005930,100,1,,\n"
                + "2026-11-20T09:00:03.000+09:00,1000PEPEUSDT,100,1,,\n");
        Path b = write("b.csv", HEADER
                + "2026-11-20T09:00:01.500+09:00,005930,100,1,,\n"
                + "2026-11-20T09:00:04.000+09:00,1000PEPEUSDT,100,1,,\n");
        Path c = write("c.jsonl",
                "{\"time\":\"2026-11-20T09:00:05+09:00\",\"symbol\":\"005930\",\"price\":1,\"volume\":1}\n"
                + "{\"time\":\"2026-11-20T09:00:06+09:00\",\"symbol\":\"1000PEPEUSDT\",\"price\":1,\"volume\":1}\n");
        List<Tick> ticks = read(background, a, b, c).ticks();
        assertEquals(7, ticks.size());
        assertEquals(List.of("005930", "005930", "005930", "1000PEPEUSDT", "1000PEPEUSDT", "005930", "1000PEPEUSDT"),
                ticks.stream().map(Tick::symbol).toList());
        for (int i : new int[] {1, 2, 5}) {
            assertSame(ticks.get(0).symbol(), ticks.get(i).symbol());
        }
        assertSame(ticks.get(3).symbol(), ticks.get(4).symbol());
        assertSame(ticks.get(3).symbol(), ticks.get(6).symbol());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void manyDistinctSymbolsAreReadAndShared(boolean background) throws IOException {
        Random random = new Random(13);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(i % 2 == 0 ? 7 : 20);
            for (int j = 0; j < length; j++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            names.add(s.toString());
        }
        List<Tick> expected = new ArrayList<>();
        Path file = dir.resolve("symbols.csv");
        try (TickFileWriter w = new TickFileWriter(file)) {
            for (int i = 0; i < 40_000; i++) {
                Tick t = new Tick(names.get(random.nextInt(names.size())), i, 1 + i, i, i, null);
                w.append(t);
                expected.add(t);
            }
        }
        List<Tick> got = read(background, file).ticks();
        assertEquals(expected, got);
        java.util.Map<String, String> first = new java.util.HashMap<>();
        for (Tick t : got) {
            assertSame(first.computeIfAbsent(t.symbol(), s -> s), t.symbol());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFileThatCannotBeOpenedIsFatalAndNamed(boolean background) throws IOException {
        Path good = write("good.csv", HEADER + "2026-11-20T09:00:01.000+09:00,005930,100,1,,\n");
        Path missing = dir.resolve("no-such-file.csv");
        AtomicInteger delivered = new AtomicInteger();
        IOException e = assertThrows(IOException.class,
                () -> TickFileReader.read(List.of(good, missing), t -> delivered.incrementAndGet(), null, background));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertEquals(0, delivered.get(), "no tick before all files are open");

        Path notGzip = write("plain.csv.gz", HEADER);
        e = assertThrows(IOException.class, () -> read(background, notGzip));
        assertTrue(e.getMessage().contains(notGzip.toString()), e.getMessage());

        Path unknown = write("ticks.txt", HEADER);
        e = assertThrows(IOException.class, () -> read(background, unknown));
        assertTrue(e.getMessage().contains(unknown.toString()), e.getMessage());

        Path directory = Files.createDirectory(dir.resolve("dir.csv"));
        e = assertThrows(IOException.class, () -> read(background, directory));
        assertTrue(e.getMessage().contains(directory.toString()), e.getMessage());
    }

    @Test
    void aTruncatedGzipFileIsReadUpToItsLastWholeLineAndFlaggedCut() throws IOException {
        // what a recording killed mid-write looks like (CutRecordingTest cuts at every point)
        Path whole = dir.resolve("whole.csv.gz");
        TickGenerator.generate(whole, 50_000, 10, 1);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.csv.gz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        for (boolean background : new boolean[] {false, true}) {
            AtomicInteger delivered = new AtomicInteger();
            List<String> reports = new ArrayList<>();
            ReadStats s = TickFileReader.read(List.of(cut), t -> delivered.incrementAndGet(),
                    (f, line, reason) -> reports.add(line + ": " + reason), background);
            assertEquals(List.of(), reports, "the partial last line is dropped, not reported");
            assertTrue(delivered.get() > 0 && delivered.get() < 50_000, String.valueOf(delivered.get()));
            assertEquals(new ReadStats(delivered.get(), delivered.get(), 0, List.of(cut.toString())), s);
        }
    }

    @Test
    void anExceptionFromTheConsumerStopsReadingAndPropagates() throws IOException {
        Path file = dir.resolve("gen.csv");
        TickGenerator.generate(file, 100_000, 20, 1);
        for (boolean background : new boolean[] {false, true}) {
            AtomicInteger seen = new AtomicInteger();
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TickFileReader.read(List.of(file), t -> {
                if (seen.incrementAndGet() == 10_000) {
                    throw boom;
                }
            }, null, background));
            assertSame(boom, e);
            assertEquals(10_000, seen.get());
        }
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("tick-file-reader") && t.isAlive()), "reader thread left running");
    }

    @Test
    void thePublicEntryPointsRead() throws IOException {
        Path file = write("one.csv", HEADER + "2026-11-20T09:00:01.000+09:00,005930,100,1,,\n");
        List<Tick> ticks = new ArrayList<>();
        assertEquals(new ReadStats(1, 1, 0), TickFileReader.read(file, ticks::add, TickFileReader.IGNORE));
        assertEquals(new ReadStats(1, 1, 0), TickFileReader.read(List.of(file), ticks::add, null));
        assertEquals(2, ticks.size());
        assertNotEquals(null, TickFileKind.of(Path.of("x.NDJSON.GZ")));
    }
}
