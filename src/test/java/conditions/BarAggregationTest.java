package conditions;

import static conditions.TestSupport.MIN;
import static conditions.TestSupport.Recorder;
import static conditions.TestSupport.config;
import static conditions.TestSupport.krx;
import static conditions.TestSupport.tick;
import static conditions.TestSupport.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Ticks become bars: sessions, the closing auction, intervals, late ticks, markets, days. */
class BarAggregationTest {
    static final String SAMSUNG = "005930";
    static final String DAY = "2024-03-04"; // a Monday

    private final Recorder rec = new Recorder();

    private static SymbolState krxState(int minutes) {
        return new SymbolState(SAMSUNG, Market.KRX, config(minutes, true, 120));
    }

    private TickOutcome offer(SymbolState s, long time, double price, long volume) {
        return s.offer(tick(s.symbol(), time, price, volume), ConditionSet.EMPTY, rec);
    }

    private static long at(String hhmmss) {
        return krx(DAY + "T" + hhmmss);
    }

    // ---- session ----

    @Test
    void krxTicksOutsideTheSessionMakeNoBar() {
        SymbolState s = krxState(5);
        assertEquals(TickOutcome.OUTSIDE_SESSION, offer(s, at("08:59:59.999"), 100, 1));
        assertEquals(TickOutcome.OUTSIDE_SESSION, offer(s, at("08:30"), 100, 1));
        assertEquals(TickOutcome.ACCEPTED, offer(s, at("09:00"), 101, 1));
        assertEquals(TickOutcome.ACCEPTED, offer(s, at("15:30:59.999"), 102, 1));
        assertEquals(TickOutcome.OUTSIDE_SESSION, offer(s, at("15:31"), 103, 1));
        assertEquals(TickOutcome.OUTSIDE_SESSION, offer(s, at("18:00"), 103, 1));
        s.closeForming(ConditionSet.EMPTY, rec);

        assertEquals(List.of(at("09:00"), at("15:25")), rec.barStarts());
        assertEquals(4, s.rejected(TickOutcome.OUTSIDE_SESSION));
        assertEquals(2, s.accepted());
        assertEquals(102, rec.last().get(Field.CLOSE), "the after-hours ticks changed nothing");
    }

    @Test
    void withSessionOnlyOffKrxTicksOutsideTheSessionMakeBars() {
        SymbolState s = new SymbolState(SAMSUNG, Market.KRX, config(5, false, 120));
        assertEquals(TickOutcome.ACCEPTED, offer(s, at("08:31"), 100, 1));
        assertEquals(TickOutcome.ACCEPTED, offer(s, at("16:02"), 101, 1));
        s.closeForming(ConditionSet.EMPTY, rec);
        assertEquals(List.of(at("08:30"), at("16:00")), rec.barStarts());
        assertEquals(0, s.rejected(TickOutcome.OUTSIDE_SESSION));
    }

    @Test
    void cryptoSymbolMakesBarsAt0300Utc() {
        SymbolState s = new SymbolState("BTCUSDT", Market.forSymbol("BTCUSDT"), ModelConfig.DEFAULT);
        assertEquals(Market.CRYPTO, s.market());
        assertEquals(TickOutcome.ACCEPTED, offer(s, utc("2024-03-04T03:02:30"), 65000, 2));
        assertEquals(TickOutcome.ACCEPTED, offer(s, utc("2024-03-04T03:07"), 65100, 1));
        s.closeForming(ConditionSet.EMPTY, rec);
        assertEquals(List.of(utc("2024-03-04T03:00"), utc("2024-03-04T03:05")), rec.barStarts());
        assertEquals(0, s.rejected(TickOutcome.OUTSIDE_SESSION));
    }

    // ---- the closing auction and the 78 bars of a day ----

    @Test
    void closingAuctionPrintJoinsThe1525Bar() {
        SymbolState s = krxState(5);
        offer(s, at("15:25:10"), 100, 10);
        offer(s, at("15:29:59"), 101, 20);
        offer(s, at("15:30:00"), 105, 1000);
        offer(s, at("15:30:59.999"), 104, 5);
        assertEquals(4, s.accepted());
        s.closeForming(ConditionSet.EMPTY, rec);

        assertEquals(1, rec.bars.size(), "no 15:30 bar");
        assertEquals(new Bar(at("15:25"), 100, 105, 100, 104, 1035), rec.last().bar());
    }

    /** Bars in a full KRX day for each interval: the 390 session minutes, the auction in the last bar. */
    @ParameterizedTest(name = "{0}m bars: {1} a day")
    @CsvSource({"1,390", "3,130", "5,78", "10,39", "15,26", "30,13", "60,7"})
    void aFullDayWithATickEveryMinute(int minutes, int expectedBars) {
        SymbolState s = krxState(minutes);
        long open = at("09:00");
        for (int m = 0; m <= 390; m++) { // 09:00 ... 15:30 inclusive
            assertEquals(TickOutcome.ACCEPTED, offer(s, open + m * MIN, 1000 + m, 1));
        }
        s.closeForming(ConditionSet.EMPTY, rec);

        assertEquals(expectedBars, rec.bars.size());
        for (int i = 0; i < rec.bars.size(); i++) {
            assertEquals(open + (long) i * minutes * MIN, rec.bars.get(i).start(), "bar " + i + " is aligned");
        }
        long total = rec.bars.stream().mapToLong(b -> (long) b.get(Field.VOLUME)).sum();
        assertEquals(391, total, "every tick is in exactly one bar");
        TestSupport.Closed last = rec.last();
        assertEquals(1390, last.get(Field.CLOSE), "the 15:30 print closes the last bar");
        long lastStartMinute = (last.start() - open) / MIN;
        assertEquals(391 - lastStartMinute, (long) last.get(Field.VOLUME),
                "the last bar holds every minute from its start through 15:30");
    }

    @Test
    void sixtyMinuteBarsOfADay() {
        SymbolState s = krxState(60);
        offer(s, at("09:00"), 10, 1);
        offer(s, at("09:59:59"), 11, 1);
        offer(s, at("10:00"), 12, 1);
        offer(s, at("15:10"), 13, 1);
        offer(s, at("15:30:30"), 14, 1);
        assertEquals(TickOutcome.OUTSIDE_SESSION, offer(s, at("15:45"), 15, 1));
        s.closeForming(ConditionSet.EMPTY, rec);
        assertEquals(List.of(at("09:00"), at("10:00"), at("15:00")), rec.barStarts());
        assertEquals(new Bar(at("15:00"), 13, 14, 13, 14, 2), rec.last().bar());
    }

    @Test
    void oneMinuteBars() {
        SymbolState s = krxState(1);
        offer(s, at("09:00:00"), 10, 1);
        offer(s, at("09:00:59.999"), 11, 1);
        offer(s, at("09:01:00"), 12, 1);
        offer(s, at("15:29:30"), 13, 1);
        offer(s, at("15:30:30"), 14, 1);
        s.closeForming(ConditionSet.EMPTY, rec);
        assertEquals(List.of(at("09:00"), at("09:01"), at("15:29")), rec.barStarts());
        assertEquals(new Bar(at("09:00"), 10, 11, 10, 11, 2), rec.bars.get(0).bar());
        assertEquals(new Bar(at("15:29"), 13, 14, 13, 14, 2), rec.last().bar());
    }

    // ---- OHLCV, closing, gaps ----

    @Test
    void ohlcFollowsArrivalOrderAndVolumeIsTheSumOfSizes() {
        SymbolState s = krxState(5);
        offer(s, at("09:00:10"), 100, 3);
        offer(s, at("09:03:00"), 97, 4);
        offer(s, at("09:01:00"), 103, 5); // stamped earlier but in the same bar: accepted, arrival order
        offer(s, at("09:02:00"), 99, 0);
        assertEquals(4, s.accepted());
        assertEquals(new Bar(at("09:00"), 100, 103, 97, 99, 12), s.formingBar());
        assertTrue(rec.bars.isEmpty(), "the bar is still forming");

        offer(s, at("09:05:00"), 98, 1); // a tick of a later bar closes it
        assertEquals(1, rec.bars.size());
        assertEquals(new Bar(at("09:00"), 100, 103, 97, 99, 12), rec.last().bar());
        assertEquals(new Bar(at("09:00"), 100, 103, 97, 99, 12), s.history().bar(0));
        assertEquals(at("09:00"), s.lastClosedStart());
        assertEquals(at("09:05"), s.formingBar().start());
        assertEquals(at("09:05"), s.lastTickTime());
    }

    @Test
    void intervalsWithoutTradesHaveNoBar() {
        SymbolState s = krxState(5);
        offer(s, at("09:01"), 100, 1);
        offer(s, at("09:17"), 101, 1);
        offer(s, at("11:59"), 102, 1);
        s.closeForming(ConditionSet.EMPTY, rec);
        assertEquals(List.of(at("09:00"), at("09:15"), at("11:55")), rec.barStarts());
        assertEquals(3, s.history().count());
    }

    @Test
    void closeFormingClosesTheOpenBarOnce() {
        SymbolState s = krxState(5);
        assertFalse(s.closeForming(ConditionSet.EMPTY, rec), "nothing to close");
        offer(s, at("09:02"), 100, 1);
        assertTrue(s.closeForming(ConditionSet.EMPTY, rec));
        assertFalse(s.closeForming(ConditionSet.EMPTY, rec));
        assertEquals(1, rec.bars.size());
        assertNull(s.formingBar());
    }

    // ---- late ticks ----

    @Test
    void aTickBeforeTheCurrentBarIsLateAndChangesNothing() {
        SymbolState s = krxState(5);
        offer(s, at("09:00:30"), 100, 10);
        offer(s, at("09:04:00"), 101, 10);
        offer(s, at("09:05:10"), 102, 10); // closes 09:00
        Bar forming = s.formingBar();
        double[] closedValues = s.lastValues();

        assertEquals(TickOutcome.LATE, offer(s, at("09:04:59.999"), 150, 99));
        assertEquals(TickOutcome.LATE, offer(s, at("09:00:00"), 50, 99));

        assertEquals(2, s.rejected(TickOutcome.LATE));
        assertEquals(3, s.accepted());
        assertEquals(forming, s.formingBar());
        assertEquals(1, rec.bars.size());
        assertEquals(new Bar(at("09:00"), 100, 101, 100, 101, 20), rec.last().bar());
        assertEquals(java.util.Arrays.toString(closedValues), java.util.Arrays.toString(s.lastValues()));
        assertEquals(at("09:05:10"), s.lastTickTime(), "a late tick does not move the clock");
    }

    @Test
    void afterCloseFormingATickOfTheClosedBarIsLate() {
        SymbolState s = krxState(5);
        offer(s, at("09:01"), 100, 1);
        s.closeForming(ConditionSet.EMPTY, rec); // the clock passed 09:05
        assertEquals(TickOutcome.LATE, offer(s, at("09:04:59"), 100, 1));
        assertEquals(TickOutcome.ACCEPTED, offer(s, at("09:05:01"), 100, 1));
        assertEquals(1, s.rejected(TickOutcome.LATE));
    }

    // ---- days and markets ----

    @Test
    void barsContinueAcrossDaysAndIndicatorsRollOver() {
        SymbolState s = krxState(5);
        offer(s, at("15:15"), 10, 1);
        offer(s, at("15:20"), 20, 1);
        offer(s, at("15:30:10"), 30, 1); // auction print, 15:25 bar
        offer(s, krx("2024-03-05T09:00:05"), 40, 1); // next day closes yesterday's last bar
        assertEquals(3, rec.bars.size());
        offer(s, krx("2024-03-05T09:07"), 50, 1);
        s.closeForming(ConditionSet.EMPTY, rec);

        assertEquals(List.of(at("15:15"), at("15:20"), at("15:25"), krx("2024-03-05T09:00"),
                krx("2024-03-05T09:05")), rec.barStarts());
        assertTrue(Double.isNaN(rec.at(4, Field.PSMA5)));
        assertEquals(30.0, rec.at(5, Field.PSMA5), 0, "PSMA5 of the second day reaches into the first");
    }

    @Test
    void krxRuleForSymbols() {
        assertEquals(Market.KRX, Market.forSymbol("005930"));
        assertEquals(Market.KRX, Market.forSymbol("0088M0"));
        // a symbol without a digit is never KRX: six-letter crypto pairs trade around the clock
        assertEquals(Market.CRYPTO, Market.forSymbol("ABCDEF"));
        assertEquals(Market.CRYPTO, Market.forSymbol("BTCUSD"));
        assertEquals(Market.KRX, Market.forSymbol("A00590"));
        assertEquals(Market.CRYPTO, Market.forSymbol("BTCUSDT"));
        assertEquals(Market.CRYPTO, Market.forSymbol("00593"));
        assertEquals(Market.CRYPTO, Market.forSymbol("0059300"));
        assertEquals(Market.CRYPTO, Market.forSymbol("abcdef"));
        assertEquals(Market.CRYPTO, Market.forSymbol("ETH-US"));
        assertEquals(Market.KRX, new Tick("005930", 0, 1, 1).market());
        assertEquals(Market.KRX, Market.parse(" krx "));
        assertThrows(IllegalArgumentException.class, () -> Market.parse("NYSE"));
    }

    @Test
    void anExplicitMarketWinsOverTheSymbolRule() {
        MarketModel model = new MarketModel(ModelConfig.DEFAULT, ConditionSet.EMPTY, rec);
        // A six-digit code that trades around the clock: 03:00 Seoul is fine.
        assertEquals(TickOutcome.ACCEPTED, model.onTick(new Tick("005930", krx("2024-03-04T03:00"), 1, 1,
                Tick.NO_CUM, Market.CRYPTO)));
        assertEquals(Market.CRYPTO, model.symbol("005930").market());
        // A crypto-looking name declared KRX keeps KRX's session and clock.
        assertEquals(TickOutcome.OUTSIDE_SESSION, model.onTick(new Tick("BTCUSDT", krx("2024-03-04T08:00"), 1, 1,
                Tick.NO_CUM, Market.KRX)));
        assertEquals(TickOutcome.ACCEPTED, model.onTick(new Tick("BTCUSDT", krx("2024-03-04T09:03"), 1, 1,
                Tick.NO_CUM, Market.KRX)));
        assertEquals(Market.KRX, model.symbol("BTCUSDT").market());
        model.closeAll();
        assertEquals(List.of(krx("2024-03-04T03:00"), krx("2024-03-04T09:00")), rec.barStarts());
        assertEquals(2, model.count(TickOutcome.ACCEPTED));
        assertEquals(1, model.count(TickOutcome.OUTSIDE_SESSION));
    }

    // ---- formingEnd ----

    @Test
    void formingEndIsStartPlusInterval() {
        SymbolState s = krxState(5);
        assertEquals(Long.MIN_VALUE, s.formingEnd(), "no forming bar");
        offer(s, at("09:02"), 100, 1);
        assertEquals(at("09:05"), s.formingEnd());
        offer(s, at("15:21"), 100, 1);
        assertEquals(at("15:25"), s.formingEnd());

        SymbolState c = new SymbolState("BTCUSDT", Market.CRYPTO, ModelConfig.DEFAULT);
        offer(c, utc("2024-03-04T23:56"), 100, 1);
        assertEquals(utc("2024-03-05T00:00"), c.formingEnd());
        offer(c, utc("2024-03-05T15:27"), 100, 1);
        assertEquals(utc("2024-03-05T15:30"), c.formingEnd(), "no auction rule around the clock");
    }

    /** The KRX session's last bar waits for the closing auction: it ends at 15:31:00 local. */
    @ParameterizedTest(name = "{0}m bars")
    @ValueSource(ints = {1, 3, 5, 10, 15, 30, 60})
    void formingEndOfTheSessionsLastBarIs1531(int minutes) {
        SymbolState s = krxState(minutes);
        offer(s, at("15:29:30"), 100, 1);
        long lastStart = at("15:00") + (29 / minutes) * minutes * MIN;
        assertEquals(lastStart, s.formingBar().start());
        assertEquals(at("15:31"), s.formingEnd());
        offer(s, at("15:30:45"), 101, 1);
        assertEquals(lastStart, s.formingBar().start(), "the auction print is in the same bar");
        assertEquals(at("15:31"), s.formingEnd());
    }

    /**
     * Without the session filter the auction print still joins the 15:25 bar, so that bar must not
     * end before the auction minute does (or a clock closing it would turn the print LATE); a 60m
     * 15:00 bar takes after-hours ticks then and runs its full hour.
     */
    @Test
    void formingEndWithSessionOnlyOffCoversTheAuctionPrint() {
        SymbolState s = new SymbolState(SAMSUNG, Market.KRX, config(5, false, 120));
        offer(s, at("15:27"), 100, 1);
        assertEquals(at("15:31"), s.formingEnd());
        // A clock that closes the bar at formingEnd has not closed it yet when the print arrives.
        assertTrue(s.formingEnd() > at("15:30:30"));
        assertEquals(TickOutcome.ACCEPTED, offer(s, at("15:30:30"), 101, 1));
        assertEquals(at("15:25"), s.formingBar().start());

        SymbolState h = new SymbolState(SAMSUNG, Market.KRX, config(60, false, 120));
        offer(h, at("15:10"), 100, 1);
        assertEquals(at("16:00"), h.formingEnd());
        assertEquals(TickOutcome.ACCEPTED, offer(h, at("15:45"), 100, 1));
        assertEquals(at("15:00"), h.formingBar().start());
    }

    // ---- configuration ----

    @Test
    void barIntervalsAndConfig() {
        assertEquals(5, BarInterval.DEFAULT.minutes());
        assertEquals(ModelConfig.DEFAULT.interval(), BarInterval.DEFAULT);
        assertTrue(ModelConfig.DEFAULT.sessionOnly());
        for (int m : new int[] {1, 3, 5, 10, 15, 30, 60}) {
            assertEquals(m * MIN, new BarInterval(m).millis());
        }
        assertEquals(new BarInterval(60), BarInterval.parse("1h"));
        assertEquals(new BarInterval(15), BarInterval.parse("15m"));
        assertEquals(new BarInterval(3), BarInterval.parse(" 3 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BarInterval(7));
        assertTrue(e.getMessage().contains("1, 3, 5, 10, 15, 30, 60"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BarInterval.parse("2h"));
        assertThrows(IllegalArgumentException.class, () -> BarInterval.parse("five"));
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(BarInterval.DEFAULT, true, 1));
    }

    @Test
    void tickValidation() {
        assertNull(new Tick("005930", 0, 1, 0).problem());
        assertTrue(new Tick("", 0, 1, 0).problem().contains("empty"));
        assertTrue(new Tick("btc", 0, 1, 0).problem().contains("\"btc\""));
        assertTrue(new Tick("BTC", 0, 0, 0).problem().contains("price"));
        assertTrue(new Tick("BTC", 0, Double.NaN, 0).problem().contains("price"));
        assertTrue(new Tick("BTC", 0, Double.POSITIVE_INFINITY, 0).problem().contains("price"));
        assertTrue(new Tick("BTC", 0, 1, -1).problem().contains("volume"));
        assertTrue(new Tick("BTC", 0, 1, 1, -2, null).problem().contains("cum_volume"));
        assertFalse(new Tick("BTC", 0, 1, 1).hasCumVolume());
        assertTrue(new Tick("BTC", 0, 1, 1, 0, null).hasCumVolume());
    }

    @Test
    void marketModelKeepsOneStatePerSymbolAndClosesAll() {
        MarketModel model = new MarketModel(ModelConfig.DEFAULT, ConditionSet.EMPTY, rec);
        model.onTick(tick("005930", at("09:01"), 100, 1));
        model.onTick(tick("000660", at("09:02"), 200, 1));
        model.onTick(tick("005930", at("09:03"), 101, 1));
        model.onTick(tick("005930", at("08:00"), 101, 1));
        assertEquals(2, model.symbols().size());
        assertEquals(3, model.count(TickOutcome.ACCEPTED));
        assertEquals(1, model.count(TickOutcome.OUTSIDE_SESSION));
        assertTrue(rec.bars.isEmpty());
        model.closeAll();
        assertEquals(2, rec.bars.size());
        assertEquals(2, model.symbol("005930").accepted());
        assertEquals(at("09:00"), model.symbol("000660").history().start(0));
    }
}
