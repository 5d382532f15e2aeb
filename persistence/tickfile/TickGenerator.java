package persistence.tickfile;

import conditions.Market;
import conditions.Tick;

import java.io.IOException;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Writes a synthetic, deterministic KRX tick file (for {@code generate}, benchmarks and tests).
 *
 * <ul>
 *   <li>Symbols {@code 000001}, {@code 000002}, ... up to the requested count, each tick's symbol
 *       drawn uniformly.</li>
 *   <li>Up to {@value #TICKS_PER_DAY} ticks per trading day, spread over the regular session
 *       09:00:00.000-15:29:59.999 (+09:00), on consecutive weekdays from {@link #FIRST_DAY}; the
 *       file is in time order (equal milliseconds may repeat).</li>
 *   <li>Each symbol's price starts between 5,000 and 300,000 and walks by one step of the KRX tick
 *       grid (1, 5, 10, 50, 100, 500 or 1,000 won depending on the price) or stays put; it carries
 *       over to the next day.</li>
 *   <li>Sizes 1-500, small ones more likely; {@code cum_volume} is the symbol's running total for
 *       the day, restarting each day.</li>
 * </ul>
 * The same arguments give the same file, byte for byte.
 */
public final class TickGenerator {

    /** The first trading day when none is given (a Monday). */
    public static final LocalDate FIRST_DAY = LocalDate.of(2026, 11, 2);
    /** Ticks per trading day before moving on to the next weekday. */
    public static final int TICKS_PER_DAY = 1_000_000;

    private static final long OPEN_MS = 9 * 3_600_000L;
    private static final long SESSION_MS = 6 * 3_600_000L + 30 * 60_000L;

    private TickGenerator() {
    }

    /** As {@link #generate(Path, long, int, long, LocalDate)} from {@link #FIRST_DAY}. */
    public static long generate(Path out, long ticks, int symbols, long seed) throws IOException {
        return generate(out, ticks, symbols, seed, FIRST_DAY);
    }

    /**
     * Writes {@code ticks} ticks for {@code symbols} symbols to {@code out} (a {@code .csv} or
     * {@code .csv.gz} path, created or replaced) through {@link TickFileWriter}.
     *
     * @param firstDay the first trading day (moved forward to a weekday if it falls on a weekend)
     * @return the number of ticks written, {@code ticks}
     * @throws IllegalArgumentException when ticks is negative or symbols is not in 1..999999
     */
    public static long generate(Path out, long ticks, int symbols, long seed, LocalDate firstDay) throws IOException {
        return generate(out, ticks, symbols, seed, firstDay, TICKS_PER_DAY);
    }

    /** As {@link #generate(Path, long, int, long, LocalDate)} with a different number of ticks per day. */
    public static long generate(Path out, long ticks, int symbols, long seed, LocalDate firstDay, int ticksPerDay)
            throws IOException {
        if (ticksPerDay < 1) {
            throw new IllegalArgumentException("ticksPerDay must be positive, got " + ticksPerDay);
        }
        if (ticks < 0) {
            throw new IllegalArgumentException("ticks must not be negative, got " + ticks);
        }
        if (symbols < 1 || symbols > 999_999) {
            throw new IllegalArgumentException("symbols must be 1..999999, got " + symbols);
        }
        SplittableRandom random = new SplittableRandom(seed);
        String[] names = new String[symbols];
        long[] price = new long[symbols];
        long[] cum = new long[symbols];
        for (int i = 0; i < symbols; i++) {
            names[i] = String.format("%06d", i + 1);
            long p = 5_000 + random.nextLong(295_001);
            price[i] = p - p % tickSize(p);
        }
        long offset = Market.KRX.offsetMillis();
        LocalDate day = weekday(firstDay);
        long left = ticks;
        try (TickFileWriter writer = new TickFileWriter(out)) {
            while (left > 0) {
                int today = (int) Math.min(left, ticksPerDay);
                long open = day.toEpochDay() * 86_400_000L + OPEN_MS - offset;
                Arrays.fill(cum, 0);
                for (int i = 0; i < today; i++) {
                    // (i + u) / today of the session: increasing in i, so the file is in time order
                    long at = open + Math.min(SESSION_MS - 1, (long) ((i + random.nextDouble()) * SESSION_MS / today));
                    int s = random.nextInt(symbols);
                    long p = price[s];
                    int move = random.nextInt(10);
                    if (move < 3) {
                        p += tickSize(p);
                    } else if (move < 6 && p > 1_000) {
                        p -= tickSize(p - 1);
                    }
                    price[s] = p;
                    double u = random.nextDouble();
                    long size = 1 + (long) (500 * u * u * u);
                    cum[s] += size;
                    writer.append(new Tick(names[s], at, p, size, cum[s], Market.KRX));
                }
                left -= today;
                day = weekday(day.plusDays(1));
            }
        }
        return ticks;
    }

    /** The KRX price step at a price (the table in force since 2023, KOSPI and KOSDAQ alike). */
    public static long tickSize(long price) {
        if (price < 2_000) {
            return 1;
        }
        if (price < 5_000) {
            return 5;
        }
        if (price < 20_000) {
            return 10;
        }
        if (price < 50_000) {
            return 50;
        }
        if (price < 200_000) {
            return 100;
        }
        if (price < 500_000) {
            return 500;
        }
        return 1_000;
    }

    private static LocalDate weekday(LocalDate d) {
        while (d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY) {
            d = d.plusDays(1);
        }
        return d;
    }
}
