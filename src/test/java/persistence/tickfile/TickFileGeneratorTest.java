package persistence.tickfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.Market;
import conditions.Tick;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TickGenerator}: what {@code generate} writes. */
class TickFileGeneratorTest {

    @TempDir
    Path dir;

    static final ZoneOffset SEOUL = ZoneOffset.ofHours(9);

    static List<Tick> readAll(Path file) throws IOException {
        List<Tick> ticks = new ArrayList<>();
        ReadStats stats = TickFileReader.read(List.of(file), ticks::add, (f, line, reason) -> {
            throw new AssertionError(f + ":" + line + ": " + reason);
        });
        assertEquals(0, stats.malformed());
        return ticks;
    }

    @Test
    void ticksAreOrderedInSessionOnWeekdaysWithDailyCumulativeVolume() throws IOException {
        Path file = dir.resolve("gen.csv");
        // Thursday start, 3,000 ticks a day: Thu, Fri, Mon, Tue, Wed (half a day).
        long written = TickGenerator.generate(file, 13_500, 40, 42, LocalDate.of(2026, 11, 19), 3_000);
        assertEquals(13_500, written);
        List<Tick> ticks = readAll(file);
        assertEquals(13_500, ticks.size());

        Map<String, Long> cum = new HashMap<>();
        Set<LocalDate> days = new HashSet<>();
        Set<String> symbols = new HashSet<>();
        LocalDate day = null;
        long last = Long.MIN_VALUE;
        for (Tick t : ticks) {
            assertTrue(t.time() >= last, "time order");
            last = t.time();
            assertEquals(Market.KRX, t.market());
            assertTrue(t.symbol().matches("0000[0-4][0-9]") && Integer.parseInt(t.symbol()) >= 1
                    && Integer.parseInt(t.symbol()) <= 40, t.symbol());
            symbols.add(t.symbol());
            LocalDateTime local = LocalDateTime.ofInstant(Instant.ofEpochMilli(t.time()), SEOUL);
            LocalTime clock = local.toLocalTime();
            assertFalse(clock.isBefore(LocalTime.of(9, 0)), local.toString());
            assertTrue(clock.isBefore(LocalTime.of(15, 30)), local.toString());
            DayOfWeek dow = local.getDayOfWeek();
            assertTrue(dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY, local.toString());
            if (!local.toLocalDate().equals(day)) {
                day = local.toLocalDate();
                days.add(day);
                cum.clear();
            }
            assertTrue(t.volume() >= 1 && t.volume() <= 500, "size " + t.volume());
            long price = (long) t.price();
            assertEquals(price, t.price(), 0.0, "whole won");
            assertEquals(0, price % TickGenerator.tickSize(price), "on the KRX tick grid: " + price);
            long expected = cum.getOrDefault(t.symbol(), 0L) + t.volume();
            assertEquals(expected, t.cumVolume(), "cum_volume of " + t.symbol() + " on " + day);
            cum.put(t.symbol(), expected);
        }
        assertEquals(Set.of(LocalDate.of(2026, 11, 19), LocalDate.of(2026, 11, 20), LocalDate.of(2026, 11, 23),
                LocalDate.of(2026, 11, 24), LocalDate.of(2026, 11, 25)), days);
        assertEquals(40, symbols.size());
    }

    @Test
    void aFullDaySpansTheSession() throws IOException {
        Path file = dir.resolve("day.csv");
        TickGenerator.generate(file, 20_000, 3, 1);
        List<Tick> ticks = readAll(file);
        LocalDateTime first = LocalDateTime.ofInstant(Instant.ofEpochMilli(ticks.get(0).time()), SEOUL);
        LocalDateTime lastTick = LocalDateTime.ofInstant(Instant.ofEpochMilli(ticks.get(ticks.size() - 1).time()), SEOUL);
        assertEquals(TickGenerator.FIRST_DAY, first.toLocalDate());
        assertTrue(first.toLocalTime().isBefore(LocalTime.of(9, 0, 1)), first.toString());
        assertTrue(lastTick.toLocalTime().isAfter(LocalTime.of(15, 29, 58)), lastTick.toString());
    }

    @Test
    void theSameSeedWritesTheSameFile() throws IOException {
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        Path c = dir.resolve("c.csv");
        TickGenerator.generate(a, 30_000, 500, 7);
        TickGenerator.generate(b, 30_000, 500, 7);
        TickGenerator.generate(c, 30_000, 500, 8);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
        assertTrue(Files.readString(a).startsWith(TickFileWriter.HEADER + "\n"));
    }

    @Test
    void argumentsAreChecked() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> TickGenerator.generate(dir.resolve("x.csv"), -1, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> TickGenerator.generate(dir.resolve("x.csv"), 5, 0, 1));
        assertEquals(0, TickGenerator.generate(dir.resolve("none.csv"), 0, 5, 1));
        assertEquals(List.of(), readAll(dir.resolve("none.csv")));
    }
}
