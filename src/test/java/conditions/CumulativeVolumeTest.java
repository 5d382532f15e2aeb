package conditions;

import static conditions.TestSupport.Recorder;
import static conditions.TestSupport.config;
import static conditions.TestSupport.cumTick;
import static conditions.TestSupport.krx;
import static conditions.TestSupport.tick;
import static conditions.TestSupport.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ticks that carry the day's cumulative volume: the first of a trading day counts its own size,
 * later ones count the growth of the cumulative volume, and one that did not grow is a duplicate.
 */
class CumulativeVolumeTest {
    static final String SYM = "005930";
    private final Recorder rec = new Recorder();
    private final SymbolState s = new SymbolState(SYM, Market.KRX, ModelConfig.DEFAULT);

    private TickOutcome offer(SymbolState st, Tick t) {
        return st.offer(t, ConditionSet.EMPTY, rec);
    }

    private TickOutcome cum(String seoulTime, double price, long size, long cumVolume) {
        return offer(s, cumTick(SYM, krx(seoulTime), price, size, cumVolume));
    }

    @Test
    void firstTickOfTheDayCountsItsOwnSizeLaterOnesTheGrowth() {
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:00:01", 100, 10, 5_000)); // counts 10
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:00:02", 101, 999, 5_030)); // counts 30
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:00:03", 102, 1, 5_031)); // counts 1
        assertEquals(new Bar(krx("2024-03-04T09:00"), 100, 102, 100, 102, 41), s.formingBar());
    }

    @Test
    void aTickWhoseCumulativeVolumeDidNotGrowIsADuplicateAndDropped() {
        cum("2024-03-04T09:00:01", 100, 10, 1_000);
        Bar before = s.formingBar();
        assertEquals(TickOutcome.DUPLICATE, cum("2024-03-04T09:00:02", 120, 10, 1_000)); // equal
        assertEquals(TickOutcome.DUPLICATE, cum("2024-03-04T09:00:03", 80, 10, 900)); // smaller
        assertEquals(before, s.formingBar(), "a duplicate changes no price and no volume");
        assertEquals(2, s.rejected(TickOutcome.DUPLICATE));
        assertEquals(1, s.accepted());
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:00:04", 101, 5, 1_005));
        assertEquals(Volume.of(15), s.formingBar().volume(), "growth is measured from the last accepted, not the duplicates");
    }

    @Test
    void aCrawlerReReadingAMinuteTwiceAndAfterItGrew() {
        // Minute summaries: (minute, close, that minute's volume, day's cumulative volume).
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:01", 100, 100, 100));
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:02", 101, 50, 150));
        assertEquals(TickOutcome.DUPLICATE, cum("2024-03-04T09:02", 101, 50, 150)); // read again, unchanged
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:02", 102, 80, 180)); // read again, it grew
        assertEquals(TickOutcome.DUPLICATE, cum("2024-03-04T09:02", 102, 80, 180));
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:06", 103, 20, 200));
        s.closeForming(ConditionSet.EMPTY, rec);

        assertEquals(2, rec.bars.size());
        assertEquals(new Bar(krx("2024-03-04T09:00"), 100, 102, 100, 102, 180), rec.bars.get(0).bar(),
                "the 09:00 bar counts the day's volume once: 100 + 50 + 30");
        assertEquals(Volume.of(20), rec.bars.get(1).bar().volume());
        assertEquals(2, s.rejected(TickOutcome.DUPLICATE));
    }

    @Test
    void theNextTradingDayStartsAFreshWatermark() {
        cum("2024-03-04T15:25", 100, 10, 900_000);
        cum("2024-03-04T15:30:10", 100, 10, 950_000);
        // Next morning the cumulative volume starts small again: not a duplicate, counts its own size.
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-05T09:00:01", 99, 7, 300));
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-05T09:00:02", 98, 1, 310));
        assertEquals(TickOutcome.DUPLICATE, cum("2024-03-05T09:00:03", 98, 1, 305));
        s.closeForming(ConditionSet.EMPTY, rec);
        assertEquals(List.of(krx("2024-03-04T15:25"), krx("2024-03-05T09:00")), rec.barStarts());
        assertEquals(Volume.of(10 + 50_000), rec.bars.get(0).bar().volume());
        assertEquals(Volume.of(17), rec.bars.get(1).bar().volume());
    }

    @Test
    void theTradingDayIsTheLocalDate() {
        // KRX without the session filter: 23:50 and 00:10 Seoul are one UTC date but two local dates.
        SymbolState k = new SymbolState(SYM, Market.KRX, config(5, false, 120));
        offer(k, cumTick(SYM, krx("2024-03-04T23:50"), 100, 5, 1_000));
        assertEquals(TickOutcome.ACCEPTED, offer(k, cumTick(SYM, krx("2024-03-05T00:10"), 100, 7, 50)));
        assertEquals(Volume.of(7), k.formingBar().volume());

        // Around the clock in UTC: 23:50 and 00:10 UTC are two days; 00:10 and 08:50 UTC one.
        SymbolState c = new SymbolState("BTCUSDT", Market.CRYPTO, ModelConfig.DEFAULT);
        offer(c, cumTick("BTCUSDT", utc("2024-03-04T23:50"), 100, 5, 1_000));
        assertEquals(TickOutcome.ACCEPTED, offer(c, cumTick("BTCUSDT", utc("2024-03-05T00:10"), 100, 7, 50)));
        assertEquals(Volume.of(7), c.formingBar().volume());
        assertEquals(TickOutcome.DUPLICATE, offer(c, cumTick("BTCUSDT", utc("2024-03-05T08:50"), 100, 7, 40)));
    }

    @Test
    void ticksWithoutCumulativeVolumeCountTheirSizeAndLeaveTheWatermark() {
        cum("2024-03-04T09:00:01", 100, 10, 1_000);
        assertEquals(TickOutcome.ACCEPTED, offer(s, tick(SYM, krx("2024-03-04T09:00:02"), 100, 25)));
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:00:03", 100, 3, 1_004));
        assertEquals(Volume.of(10 + 25 + 4), s.formingBar().volume());
    }

    @Test
    void lateAndOutOfSessionTicksDoNotMoveTheWatermark() {
        assertEquals(TickOutcome.OUTSIDE_SESSION, cum("2024-03-04T08:50", 100, 500, 500));
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:00:01", 100, 10, 600)); // first accepted: own size
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:05:01", 100, 10, 700));
        assertEquals(TickOutcome.LATE, cum("2024-03-04T09:04:59", 100, 10, 900));
        assertEquals(TickOutcome.ACCEPTED, cum("2024-03-04T09:05:02", 100, 10, 800)); // 800 > 700, not a duplicate
        assertEquals(Volume.of(200), s.formingBar().volume());
    }
}
