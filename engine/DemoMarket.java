package engine;

import conditions.Market;
import conditions.Tick;
import conditions.Volume;
import java.io.IOException;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import persistence.tickfile.TickFileWriter;
import persistence.tickfile.TickGenerator;

/**
 * The demo's market ({@code demo}): a few KRX tickers and two crypto pairs over {@link #DAYS}
 * trading days, written as one tick file, the same bytes for the same seed.
 *
 * <p>Each ticker's price is a random walk on its market's price grid, with a tick every two seconds
 * or so; crypto sizes are decimals (0.001 BTC). Crypto trades only while KRX does (00:00-06:30 UTC),
 * so every minute of the replay moves all seven charts. Once a day each ticker has a volume burst
 * with a price run: ticker {@code k}'s bar {@code 6 + 11k} of the day (bars counted from the open),
 * so at the demo's speed some ticker bursts about every minute, the first one half a minute in; the
 * demo's conditions ({@link DemoCommand#CONDITIONS}) hit on those and on ordinary crossings.
 */
final class DemoMarket {
    /** The trading days replayed: a week in the past, so no tick is refused as from the future. */
    static final LocalDate FIRST_DAY = LocalDate.of(2026, 11, 16);
    static final int DAYS = 5;

    /** One ticker: its symbol, market, first price, price step and size unit (in hundred-millionths). */
    record Ticker(String symbol, Market market, double price, double step, long unitFraction) {
    }

    static final List<Ticker> TICKERS = List.of(
            new Ticker("005930", Market.KRX, 71_000, 0, Volume.SCALE),
            new Ticker("000660", Market.KRX, 182_000, 0, Volume.SCALE),
            new Ticker("035420", Market.KRX, 214_500, 0, Volume.SCALE),
            new Ticker("035720", Market.KRX, 45_150, 0, Volume.SCALE),
            new Ticker("051910", Market.KRX, 381_000, 0, Volume.SCALE),
            new Ticker("BTCUSDT", Market.CRYPTO, 91_234.5, 0.1, 100_000), // sizes in 0.001 BTC
            new Ticker("ETHUSDT", Market.CRYPTO, 3_401.25, 0.01, 1_000_000)); // sizes in 0.01 ETH

    private static final long SESSION_SECONDS = 6 * 3600 + 30 * 60;
    private static final long BAR_SECONDS = 300;
    private static final long UTC_OPEN_MS = 0; // 09:00 KST

    private DemoMarket() {
    }

    /**
     * Writes the ticks of every ticker, one file a day ({@code DAY.csv} in {@code dir}), in time order.
     * A replay plays them one after the other, so the night between two days takes no time.
     *
     * @return the files, first day first
     */
    static List<Path> write(Path dir, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        double[] price = TICKERS.stream().mapToDouble(Ticker::price).toArray();
        List<Path> files = new ArrayList<>();
        LocalDate day = FIRST_DAY;
        for (int d = 0; d < DAYS; d++, day = nextWeekday(day)) {
            Path out = dir.resolve(day + ".csv");
            files.add(out);
            try (TickFileWriter w = new TickFileWriter(out)) {
                long open = day.toEpochDay() * 86_400_000L + UTC_OPEN_MS;
                long[] cum = new long[TICKERS.size()];
                for (long second = 0; second < SESSION_SECONDS; second++) {
                    long bar = second / BAR_SECONDS;
                    for (int k = 0; k < TICKERS.size(); k++) {
                        boolean burst = bar == (6 + 11L * k) % (SESSION_SECONDS / BAR_SECONDS);
                        if (random.nextInt(2) == 0 && !burst) {
                            continue; // about one tick in two seconds, every second in a burst
                        }
                        Ticker t = TICKERS.get(k);
                        price[k] = walk(t, price[k], random, burst);
                        double u = random.nextDouble();
                        long units = (1 + (long) (40 * u * u * u)) * (burst ? 6 : 1);
                        long size = units * t.unitFraction(); // in hundred-millionths
                        cum[k] += size;
                        // in time order: ticker k trades in the k-th tenth of its second
                        long at = open + second * 1000 + k * 100 + random.nextInt(100);
                        w.append(tick(t, at, price[k], size, cum[k]));
                    }
                }
            }
        }
        return files;
    }

    /** One step of the walk on the ticker's grid: a third up, a third down, a third unchanged; mostly up in a burst. */
    private static double walk(Ticker t, double p, SplittableRandom random, boolean burst) {
        int move = random.nextInt(burst ? 4 : 3);
        double step = t.market() == Market.KRX ? TickGenerator.tickSize((long) p) : t.step();
        if (move == 0) {
            return round(p - step, step);
        }
        return move == 1 ? p : round(p + step, step);
    }

    /** On the grid, and printed as such (91234.6, not 91234.60000000001). */
    private static double round(double p, double step) {
        long perUnit = Math.round(1 / step);
        return step < 1 ? Math.round(p * perUnit) / (double) perUnit : Math.round(p / step) * step;
    }

    private static Tick tick(Ticker t, long at, double price, long size, long cum) {
        long scale = Volume.SCALE;
        if (t.market() == Market.KRX) {
            return new Tick(t.symbol(), at, price, size / scale, cum / scale, t.market());
        }
        return new Tick(t.symbol(), at, price, size / scale, (int) (size % scale), cum / scale, (int) (cum % scale),
                t.market());
    }

    private static LocalDate nextWeekday(LocalDate d) {
        LocalDate next = d.plusDays(1);
        while (next.getDayOfWeek() == DayOfWeek.SATURDAY || next.getDayOfWeek() == DayOfWeek.SUNDAY) {
            next = next.plusDays(1);
        }
        return next;
    }
}
