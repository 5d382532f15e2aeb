package conditions;

import static conditions.DailyKey.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The daily context keys of a known history against values worked out by hand from the
 * definitions (README "Daily context keys"); every number below is derived in the comment above it.
 */
class DailyContextTest {
    private static final double EPS = 1e-9;
    private static final LocalDate FIRST = LocalDate.of(2026, 10, 1);
    /** The day whose context is computed: the day after the 20th. */
    private static final LocalDate DAY = FIRST.plusDays(20);

    /**
     * 20 days, j = 1..20: a zigzag close (100, 102, 101, 103, 102, ...: odd j 100 + (j-1)/2, even j
     * 101 + j/2), open = close - 0.5, high = close + 1, low = close - 1, volume 1000·j,
     * institutions 10·j - 100, foreigners +50 on odd days and -30 on even ones.
     */
    static List<DailyBar> zigzag(int n) {
        List<DailyBar> out = new ArrayList<>();
        for (int j = 1; j <= n; j++) {
            double c = j % 2 == 1 ? 100 + (j - 1) / 2 : 101 + j / 2;
            out.add(new DailyBar(FIRST.plusDays(j - 1), c - 0.5, c + 1, c - 1, c, 1000L * j,
                    10L * j - 100, j % 2 == 1 ? 50L : -30L, null, null));
        }
        return out;
    }

    @Test
    void keysOfAKnownHistoryEqualTheHandComputedTable() {
        DailyContext ctx = DailyContext.compute(DAY, zigzag(20), List.of(), Market.KRX);

        // the previous trading day is j = 20: close 111
        assertEquals(110.5, ctx.value(D01_OPEN));
        assertEquals(112, ctx.value(D01_HIGH));
        assertEquals(110, ctx.value(D01_LOW));
        assertEquals(111, ctx.value(D01_CLOSE));
        assertEquals(20_000, ctx.value(D01_VOLUME));

        // closes: 100..109 (odd days) and 102..111 (even): mean 2110/20 = 105.5; squared deviations
        // 92.5 + 92.5 = 185, population variance 9.25, sd = sqrt(9.25)
        double sd = Math.sqrt(9.25);
        assertEquals(105.5 + 2 * sd, ctx.value(D01_BBU), EPS);
        assertEquals(105.5 - 2 * sd, ctx.value(D01_BBL), EPS);
        assertEquals((111 - (105.5 - 2 * sd)) / (4 * sd), ctx.value(D01_BBP), EPS);
        assertEquals(4 * sd / 105.5, ctx.value(D01_BBW), EPS);
        assertEquals(111.58276253029822, ctx.value(D01_BBU), 1e-12);
        assertEquals(0.9520972, ctx.value(D01_BBP), 1e-7);

        // fast K over 12 days: 800/9 on even days (HH - LL = 9, close - LL = 8), 75 on odd (8, 6);
        // slow K(20) = (3·800/9 + 2·75)/5 = 250/3; K(19) = 725/9; D(20) = (3·250/3 + 2·725/9)/5 = 740/9;
        // on the 0-1 scale: K 0.8333, D 0.8222, J = 3K - 2D = 0.8556
        assertEquals(250.0 / 300, ctx.value(D01_K), EPS);
        assertEquals(740.0 / 900, ctx.value(D01_D), EPS);
        assertEquals(3 * 250.0 / 300 - 2 * 740.0 / 900, ctx.value(D01_J), EPS);

        // changes +2, -1, ...: the first 14 give gain 14/14 = 1 and loss 7/14 = 0.5; then Wilder
        // (avg·13 + x)/14 over changes 15..19 (+2, -1, +2, -1, +2): gain 571495/537824, loss
        // 504153/1075648, RSI = 100 - 100/(1 + gain/loss) = 69.39227...
        double rs = (571495.0 / 537824) / (504153.0 / 1075648);
        assertEquals(100 - 100 / (1 + rs), ctx.value(D01_RSI), EPS);
        assertEquals(69.39227, ctx.value(D01_RSI), 1e-5);

        // institutions 10j - 100: day 20 100; days 16..20: 10·90 - 500 = 400; all 20: 2100 - 2000 = 100
        assertEquals(100, ctx.value(D01_I1));
        assertEquals(400, ctx.value(D01_I5));
        assertEquals(100, ctx.value(D01_I20));
        // foreigners: day 20 (even) -30; 16..20 three even, two odd: -90 + 100 = 10; all: 500 - 300
        assertEquals(-30, ctx.value(D01_F1));
        assertEquals(10, ctx.value(D01_F5));
        assertEquals(200, ctx.value(D01_F20));

        // days 16..20 close 109, 108, 110, 109, 111: highest high 112, lowest low 107
        assertEquals(112, ctx.value(D05_HIGH));
        assertEquals(107, ctx.value(D05_LOW));

        // 20 days are not 60, and there are no 5-minute bars
        for (DailyKey k : List.of(D01_I60, D01_F60, D60_HIGH, D60_LOW, D20_85QTILE_VOL, D20_TOP20_MEAN_VOL,
                D20_TOP20_MEAN_CLOSE, D20_TOP20_MEAN_FLUCT)) {
            assertTrue(Double.isNaN(ctx.value(k)), k.key() + " is absent");
        }
    }

    @Test
    void eachKeyIsAbsentUntilItHasTheDaysTheReadmeSays() {
        for (int n = 0; n <= 60; n++) {
            List<DailyBar> days = new ArrayList<>(zigzag(Math.min(n, 20)));
            for (int j = 21; j <= n; j++) { // beyond 20: flat days with flows
                days.add(new DailyBar(FIRST.plusDays(j - 1), 100, 101, 99, 100 + j % 3, 500, 1L, 2L, null, null));
            }
            DailyContext ctx = DailyContext.compute(FIRST.plusDays(n), days, List.of(), Market.KRX);
            for (DailyKey k : DailyKey.values()) {
                if (k.fromIntradayBars()) {
                    continue;
                }
                assertEquals(n >= k.days(), !Double.isNaN(ctx.value(k)), k.key() + " with " + n + " days");
            }
        }
    }

    @Test
    void sixtyDayKeysAndAMissingFlow() {
        List<DailyBar> days = new ArrayList<>();
        for (int j = 1; j <= 61; j++) { // 61 days: the oldest is outside the 60
            double c = j == 1 ? 500 : 100 + j;
            Long inst = j == 30 ? null : (long) j;
            days.add(new DailyBar(FIRST.plusDays(j - 1), c, c + 3, j == 1 ? 1 : c - 3, c, 10, inst, 1L, null, null));
        }
        LocalDate day = FIRST.plusDays(61);
        // days after the context's day are not read
        days.add(new DailyBar(day, 1, 9999, 0.5, 1, 1, 1L, 1L, null, null));
        DailyContext ctx = DailyContext.compute(day, days, List.of(), Market.KRX);
        // days 2..61: highs 105..164, lows 99..158
        assertEquals(164, ctx.value(D60_HIGH));
        assertEquals(99, ctx.value(D60_LOW));
        // day 30 has no institutions figure: the 60-day sum is unknown, the 20-day one (42..61) is not
        assertTrue(Double.isNaN(ctx.value(D01_I60)));
        assertEquals((42 + 61) * 20 / 2.0, ctx.value(D01_I20));
        assertEquals(60, ctx.value(D01_F60));
        assertEquals(61, ctx.value(D01_CLOSE) - 100);
    }

    /** Epoch millis of a 5-minute bar: trading day d (1-based from FIRST), k-th bar from 09:00 KST. */
    private static long barStart(LocalDate date, int k) {
        return LocalDateTime.of(date, java.time.LocalTime.of(9, 0)).plusMinutes(5L * k)
                .toInstant(ZoneOffset.ofHours(9)).toEpochMilli();
    }

    /**
     * Three 5-minute bars a day over 20 days, d = 1..20, bar b = 0..2: volume 10·d + b, open 1000,
     * high 1001 + b, close 1000 + d. Around them, bars that must not be read: a day before the 20
     * with huge volumes, and bars of the context's own day.
     */
    static List<Bar> intraday(int days) {
        List<Bar> bars = new ArrayList<>();
        LocalDate before = DAY.minusDays(days + 1L);
        bars.add(new Bar(barStart(before, 0), 1000, 1000, 1000, 1000, 1_000_000));
        for (int d = 1; d <= days; d++) {
            LocalDate date = DAY.minusDays(days + 1L - d);
            for (int b = 0; b < 3; b++) {
                bars.add(new Bar(barStart(date, b), 1000, 1001 + b, 999, 1000 + d, 10L * d + b));
            }
        }
        bars.add(new Bar(barStart(DAY, 0), 1000, 1000, 1000, 1000, 9_999_999));
        return bars;
    }

    @Test
    void twentyDayKeysFromFiveMinuteBars() {
        DailyContext ctx = DailyContext.compute(DAY, List.of(), intraday(20), Market.KRX);
        // 60 volumes 10, 11, 12, 20, ... 202; rank 0.85·59 = 50.15 between sorted[50] = 172
        // (day 17, bar 2) and sorted[51] = 180 (day 18, bar 0): 172 + 0.15·8 = 173.2
        assertEquals(173.2, ctx.value(D20_85QTILE_VOL), EPS);
        // the 20 largest: every bar of days 15..20 (18 bars) and day 14's bars 2 and 1 (142, 141)
        // volumes: 30·(15+...+20) + 6·3 + 283 = 3451, mean 172.55
        assertEquals(172.55, ctx.value(D20_TOP20_MEAN_VOL), EPS);
        // closes: 18·1000 + 3·105 + 2·1014 = 20343, mean 1017.15
        assertEquals(1017.15, ctx.value(D20_TOP20_MEAN_CLOSE), EPS);
        // (high - open)/open = (b+1)/1000: 6 days × 0.006 + (0.002 + 0.003) = 0.041, mean 0.00205
        assertEquals(0.00205, ctx.value(D20_TOP20_MEAN_FLUCT), EPS);
        // daily keys need daily bars
        assertTrue(Double.isNaN(ctx.value(D01_CLOSE)));
    }

    @Test
    void twentyDayKeysNeedTwentyDaysOfBars() {
        List<Bar> bars = intraday(19);
        DailyContext ctx = DailyContext.compute(DAY, List.of(), bars.subList(1, bars.size()), Market.KRX);
        Set<DailyKey> present = EnumSet.noneOf(DailyKey.class);
        for (DailyKey k : DailyKey.values()) {
            if (!Double.isNaN(ctx.value(k))) {
                present.add(k);
            }
        }
        assertEquals(Set.of(), present);
        // with the day before them they are 20 days: present
        assertTrue(!Double.isNaN(DailyContext.compute(DAY, List.of(), bars, Market.KRX).value(D20_85QTILE_VOL)));
    }

    @Test
    void quantileInterpolatesBetweenClosestRanks() {
        assertEquals(3.55, DailyContext.quantile(new double[] {1, 2, 3, 4}, 0.85), EPS); // rank 2.55
        assertEquals(7, DailyContext.quantile(new double[] {7}, 0.85));
        assertEquals(4, DailyContext.quantile(new double[] {1, 2, 3, 4}, 1));
    }
}
