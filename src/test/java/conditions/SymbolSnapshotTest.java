package conditions;

import static conditions.TestSupport.MIN;
import static conditions.TestSupport.Recorder;
import static conditions.TestSupport.config;
import static conditions.TestSupport.krx;
import static conditions.TestSupport.utc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code snapshot()} / {@code restore()} restore exactly: the same further ticks fed to the
 * restored state and to the original give identical tick outcomes, bars, indicator values (bit for
 * bit) and hits, and the two states snapshot identically afterwards.
 */
class SymbolSnapshotTest {

    /** Close checks with crosses (they read the previous bar), cooldowns, and an update check. */
    static final ConditionSet CONDITIONS = ConditionParser.parseSet("""
            {"crossUp":   {"when": ["CLOSE", "crosses_above", "PSMA5"], "cooldown": "20m"},
             "macdDown":  {"when": ["MACD", "crosses_below", "MACD_SIGNAL"]},
             "oversold":  {"when": {"all": [["RSI14", "<", 45], ["STOCH_D", "<", 40]]}, "cooldown": "1h"},
             "squeeze":   {"when": ["BBW", "<", {"of": "PSMAR60", "times": 0}]},
             "liveBreak": {"when": ["CLOSE", ">", "BBU"], "check": "update", "cooldown": "15m"},
             "jazz":      {"VSMAR20": ["BIGGER", 0.5], "CLOSE": ["BIGGER_P", "PSMA20", 0.001]}}""");

    /** A tick stream: random walk, ticks 0-90 s apart, cumulative volume with re-sent duplicates, some late ticks. */
    static List<Tick> stream(String symbol, Market market, long from, int count, long seed, double startPrice) {
        Random r = new Random(seed);
        List<Tick> out = new ArrayList<>();
        long t = from;
        double p = startPrice;
        long cum = 0;
        long day = Long.MIN_VALUE;
        long offset = market.offsetMillis();
        for (int i = 0; i < count; i++) {
            t += r.nextInt(90_000);
            long d = Math.floorDiv(t + offset, 86_400_000L);
            if (d != day) {
                day = d;
                cum = 0;
            }
            p = Math.max(1, p * Math.exp(0.003 * r.nextGaussian()));
            long v = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(500);
            int kind = r.nextInt(40);
            if (kind == 0) {
                out.add(new Tick(symbol, t - 7 * MIN, p, v, Tick.NO_CUM, market)); // late
            } else if (kind == 1 && cum > 0) {
                out.add(new Tick(symbol, t, p, v, cum, market)); // re-sent: duplicate
            } else if (kind < 20) {
                cum += v;
                out.add(new Tick(symbol, t, p, v, cum, market));
            } else {
                out.add(new Tick(symbol, t, p, v, Tick.NO_CUM, market));
            }
        }
        return out;
    }

    /** Everything a listener and the caller see while ticks are fed. */
    static final class Run {
        final Recorder rec = new Recorder();
        final List<TickOutcome> outcomes = new ArrayList<>();

        void feed(SymbolState s, List<Tick> ticks, ConditionSet set) {
            for (Tick t : ticks) {
                outcomes.add(s.offer(t, set, rec));
            }
        }
    }

    static void assertSameSnapshot(SymbolSnapshot a, SymbolSnapshot b) throws Exception {
        for (RecordComponent c : SymbolSnapshot.class.getRecordComponents()) {
            Object x = c.getAccessor().invoke(a);
            Object y = c.getAccessor().invoke(b);
            assertTrue(Objects.deepEquals(x, y), "snapshot component " + c.getName() + " differs");
        }
    }

    static long[] bits(double[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }

    /** Feeds {@code before}, snapshots, restores, feeds {@code after} to both, and compares everything. */
    static Run[] roundTrip(SymbolState original, ModelConfig config, List<Tick> before, List<Tick> after,
                           ConditionSet set, boolean closeAtEnd) throws Exception {
        new Run().feed(original, before, set);
        SymbolSnapshot snap = original.snapshot();
        SymbolState restored = SymbolState.restore(snap, config);

        assertSameSnapshot(snap, restored.snapshot());
        assertEquals(original.formingBar(), restored.formingBar());
        assertEquals(original.formingEnd(), restored.formingEnd());
        assertEquals(original.lastClosedStart(), restored.lastClosedStart());
        assertArrayEquals(bits(original.lastValues()), bits(restored.lastValues()));
        assertEquals(original.accepted(), restored.accepted());
        for (TickOutcome o : TickOutcome.values()) {
            if (o != TickOutcome.ACCEPTED) {
                assertEquals(original.rejected(o), restored.rejected(o), o.key());
            }
        }
        assertEquals(original.lastTickTime(), restored.lastTickTime());
        assertEquals(original.symbol(), restored.symbol());
        assertEquals(original.market(), restored.market());

        Run a = new Run();
        Run b = new Run();
        a.feed(original, after, set);
        b.feed(restored, after, set);
        if (closeAtEnd) {
            original.closeForming(set, a.rec);
            restored.closeForming(set, b.rec);
        }
        assertEquals(a.outcomes, b.outcomes, "tick outcomes");
        assertEquals(a.rec.barStarts(), b.rec.barStarts(), "bars");
        for (int i = 0; i < a.rec.bars.size(); i++) {
            assertArrayEquals(bits(a.rec.bars.get(i).values()), bits(b.rec.bars.get(i).values()),
                    "values of bar " + i + " after the restore");
        }
        assertEquals(a.rec.hits, b.rec.hits, "hits");
        assertSameSnapshot(original.snapshot(), restored.snapshot());
        return new Run[] {a, b};
    }

    @ParameterizedTest(name = "history {0}")
    @CsvSource({"120", "2", "7"})
    void restoresExactlyWithTheRingWrappedAndABarForming(int history) throws Exception {
        ModelConfig cfg = config(5, true, history);
        List<Tick> all = stream("BTCUSDT", Market.CRYPTO, utc("2024-01-01T00:00"), 9000, 7, 100);
        SymbolState s = new SymbolState("BTCUSDT", Market.CRYPTO, cfg);
        List<Tick> before = all.subList(0, 5000);
        List<Tick> after = all.subList(5000, all.size());
        Run[] runs = roundTrip(s, cfg, before, after, CONDITIONS, true);

        // the premises: the ring had wrapped, a bar was forming, and the test saw plenty happen
        long barsBefore = s.history().count() - runs[0].rec.bars.size();
        assertTrue(barsBefore > history + 60, "ring wrapped: " + barsBefore + " bars before the snapshot");
        assertTrue(runs[0].rec.bars.size() > 200);
        assertTrue(runs[0].rec.hits.size() > 20, "hits after the restore: " + runs[0].rec.hits.size());
        assertTrue(runs[0].rec.hits.stream().map(Hit::condition).distinct().count() >= 5,
                "most conditions hit: " + runs[0].rec.hits.stream().map(Hit::condition).distinct().toList());
        assertTrue(runs[0].outcomes.contains(TickOutcome.DUPLICATE));
        assertTrue(runs[0].outcomes.contains(TickOutcome.LATE));
    }

    @Test
    void theSnapshotIsTakenWithABarFormingAndAnUpdateHitInIt() throws Exception {
        ConditionSet set = ConditionParser.parseSet("{\"live\": {\"when\": [\"CLOSE\", \">\", 0], \"check\": \"update\"}}");
        ModelConfig cfg = ModelConfig.DEFAULT;
        SymbolState s = new SymbolState("BTCUSDT", Market.CRYPTO, cfg);
        List<Tick> all = stream("BTCUSDT", Market.CRYPTO, utc("2024-01-01T00:00"), 3000, 11, 50);
        Run pre = new Run();
        pre.feed(s, all.subList(0, 2001), set);
        long forming = s.formingBar().start();
        assertEquals(1, pre.rec.hits.stream().filter(h -> h.barStart() == forming).count(),
                "the forming bar had hit before the snapshot");
        Run[] runs = roundTrip(s, cfg, List.of(), all.subList(2001, all.size()), set, false);
        assertEquals(0, runs[1].rec.hits.stream().filter(h -> h.barStart() == forming).count(),
                "the restored state knows that bar has hit already");
        assertTrue(runs[1].rec.hits.size() > 50);
        assertNotNull(s.formingBar());
    }

    @Test
    void krxAcrossTheClosingAuctionAndDays() throws Exception {
        ModelConfig cfg = ModelConfig.DEFAULT;
        List<Tick> before = new ArrayList<>();
        // three sessions of ticks every 2 minutes, then the snapshot during 15:27 of day 3
        for (String day : new String[] {"2024-03-04", "2024-03-05", "2024-03-06"}) {
            for (long t = krx(day + "T08:50"); t <= krx(day + "T15:27:30"); t += 2 * MIN) {
                double p = 70_000 + (t / MIN) % 97 * 10;
                before.add(new Tick("005930", t, p, 10 + (t / MIN) % 13, Tick.NO_CUM, null));
            }
        }
        List<Tick> after = List.of(
                new Tick("005930", krx("2024-03-06T15:29:00"), 70_100, 5),
                new Tick("005930", krx("2024-03-06T15:30:30"), 70_500, 9000), // the auction print
                new Tick("005930", krx("2024-03-06T15:40:00"), 70_600, 1), // after hours
                new Tick("005930", krx("2024-03-07T09:00:10"), 70_700, 10),
                new Tick("005930", krx("2024-03-07T09:06:00"), 70_800, 10));
        SymbolState s = new SymbolState("005930", Market.KRX, cfg);
        Run[] runs = roundTrip(s, cfg, before, after, CONDITIONS, true);
        assertEquals(List.of(TickOutcome.ACCEPTED, TickOutcome.ACCEPTED, TickOutcome.OUTSIDE_SESSION,
                TickOutcome.ACCEPTED, TickOutcome.ACCEPTED), runs[1].outcomes);
        assertEquals(List.of(krx("2024-03-06T15:25"), krx("2024-03-07T09:00"), krx("2024-03-07T09:05")),
                runs[1].rec.barStarts());
        assertEquals(70_500, runs[1].rec.bars.get(0).get(Field.CLOSE), 0);
    }

    @Test
    void restoresWithoutAFormingBarAndFromTheFirstBars() throws Exception {
        ModelConfig cfg = ModelConfig.DEFAULT;
        List<Tick> all = stream("BTCUSDT", Market.CRYPTO, utc("2024-01-01T00:00"), 600, 3, 100);
        // no bar at all yet
        roundTrip(new SymbolState("BTCUSDT", Market.CRYPTO, cfg), cfg, List.of(), all, CONDITIONS, true);
        // one tick: a forming bar, nothing closed
        roundTrip(new SymbolState("BTCUSDT", Market.CRYPTO, cfg), cfg, all.subList(0, 1), all.subList(1, 600), CONDITIONS, true);
        // a few bars, closed by the clock: no forming bar at the snapshot
        SymbolState s = new SymbolState("BTCUSDT", Market.CRYPTO, cfg);
        new Run().feed(s, all.subList(0, 100), CONDITIONS);
        s.closeForming(CONDITIONS, ModelListener.NONE);
        assertNull(s.formingBar());
        roundTrip(s, cfg, List.of(), all.subList(100, 600), CONDITIONS, true);
    }

    @Test
    void restoringIntoAnotherBarIntervalIsRefused() {
        SymbolState s = new SymbolState("BTCUSDT", Market.CRYPTO, ModelConfig.DEFAULT);
        new Run().feed(s, stream("BTCUSDT", Market.CRYPTO, utc("2024-01-01T00:00"), 100, 5, 10), ConditionSet.EMPTY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymbolState.restore(s.snapshot(), ModelConfig.DEFAULT.withInterval(new BarInterval(15))));
        assertTrue(e.getMessage().contains("BTCUSDT") && e.getMessage().contains("5m") && e.getMessage().contains("15m"),
                e.getMessage());
    }
}
