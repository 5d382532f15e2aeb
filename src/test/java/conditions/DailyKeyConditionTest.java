package conditions;

import static conditions.TestSupport.krx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Daily context keys in conditions: both forms parse them, and a symbol evaluates them for the bar's day only. */
class DailyKeyConditionTest {
    /** jazzstock's production conditions as its users paste them (PROD_COND style). */
    static final String PROD_COND = """
            {"prod-a": {
                "CLOSE": ["SMALLER_P", "05D_HIGH", 0.10],
                "PSMAR60": ["BIGGER", 0.02],
                "VSMAR20": ["BIGGER", 5],
                "TRADINGVALUE": ["BIGGER", 1],
                "01D_I1": ["BIGGER", 0],
                "VOLUME": ["BIGGER", "20D_85QTILE_VOL"]},
             "prod-b": {
                "CLOSE": ["BETWEEN", "05D_HIGH", "05D_LOW"],
                "VSMAR5": ["BIGGER", 1],
                "RSI": ["SMALLER", 70],
                "01D_F5": ["BIGGER_P", "01D_I5", 0.5]},
             "prod-c": {
                "05D_LOW": ["SMALLER", "CLOSE"],
                "CLOSE": ["BIGGER_P", "05D_LOW", 0.10],
                "VOLUME": ["BIGGER", "20D_TOP20_MEAN_VOL"]}}""";

    @Test
    void jazzstockProductionConditionsLoadAsTheyAre() {
        ConditionSet set = ConditionParser.parseSet(PROD_COND);
        assertEquals(3, set.size());
        for (Condition c : set.all()) {
            assertTrue(c.readsDailyKeys(), c.name());
        }
    }

    @Test
    void nativeFormTakesKeysOnEitherSideAndWithAFactor() {
        ConditionSet set = ConditionParser.parseSet("""
                {"n": {"when": {"all": [
                    ["CLOSE", "between", "05D_LOW", "05D_HIGH"],
                    ["01D_I1", ">", 0],
                    ["VOLUME", ">", {"of": "20D_85QTILE_VOL", "times": 1.5}]]}}}""");
        assertTrue(set.get("n").readsDailyKeys());
    }

    @Test
    void anUnknownKeyNamesTheDailyKeys() {
        ConditionException e = assertThrows(ConditionException.class,
                () -> ConditionParser.parseSet("{\"x\": {\"CLOSE\": [\"BIGGER\", \"07D_HIGH\"]}}"));
        String text = String.join("\n", e.problems());
        assertTrue(text.contains("unknown field \"07D_HIGH\""), text);
        assertTrue(text.contains("05D_HIGH"), text);
        assertTrue(text.contains("20D_85QTILE_VOL"), text);
    }

    /** Two KRX 5-minute bars on 2026-11-20: volume 100 (close 104), then volume 300 (close 106). */
    private static List<Hit> run(ConditionSet set, DailyContext ctx) {
        SymbolState s = new SymbolState("005930", Market.KRX, ModelConfig.DEFAULT);
        if (ctx != null) {
            s.daily(ctx);
        }
        List<Hit> hits = new ArrayList<>();
        ModelListener l = new ModelListener() {
            @Override
            public void onHit(Hit hit) {
                hits.add(hit);
            }
        };
        s.offer(new Tick("005930", krx("2026-11-20T09:00:10"), 104, 100), set, l);
        s.offer(new Tick("005930", krx("2026-11-20T09:05:10"), 106, 300), set, l);
        s.closeForming(set, l);
        return hits;
    }

    private static DailyContext context(LocalDate day) {
        // 20 days of daily bars, highs up to 107, lows down to 100 over the last 5; flows positive
        List<DailyBar> days = new ArrayList<>();
        for (int j = 1; j <= 20; j++) {
            days.add(new DailyBar(day.minusDays(21 - j), 101, 102 + j % 6, 100, 101, 1000, 5L, 5L, null, null));
        }
        // twenty earlier days of 5-minute bars with volumes 1..200: the 85th percentile is 170.15
        List<Bar> bars = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            long t0 = krx(day.minusDays(20 - d) + "T09:00");
            for (int b = 0; b < 10; b++) {
                bars.add(new Bar(t0 + b * 300_000L, 100, 100, 100, 100, d * 10L + b + 1));
            }
        }
        return DailyContext.compute(day, days, bars, Market.KRX);
    }

    @Test
    void aConditionOnDailyKeysHitsWithItsDayContextAndCarriesTheKeys() {
        ConditionSet set = ConditionParser.parseSet("""
                {"jazz": {"CLOSE": ["BETWEEN", "05D_LOW", "05D_HIGH"],
                          "01D_I1": ["BIGGER", 0],
                          "VOLUME": ["BIGGER", "20D_85QTILE_VOL"]}}""");
        DailyContext ctx = context(LocalDate.of(2026, 11, 20));
        assertEquals(170.15, ctx.value(DailyKey.D20_85QTILE_VOL), 1e-9);
        assertEquals(107, ctx.value(DailyKey.D05_HIGH));

        List<Hit> hits = run(set, ctx);
        // bar 1: volume 100 is under 170.15; bar 2: 300 is over it, close 106 inside 100..107
        assertEquals(1, hits.size());
        assertEquals(krx("2026-11-20T09:05"), hits.get(0).barStart());
        Map<String, Double> values = hits.get(0).values();
        assertEquals(106, values.get("CLOSE"));
        assertEquals(300, values.get("VOLUME"));
        assertEquals(100, values.get("05D_LOW"));
        assertEquals(107, values.get("05D_HIGH"));
        assertEquals(5, values.get("01D_I1"));
        assertEquals(170.15, values.get("20D_85QTILE_VOL"), 1e-9);
    }

    @Test
    void withoutTheDaysContextTheKeysAreAbsentAndNothingHits() {
        ConditionSet set = ConditionParser.parseSet("{\"jazz\": {\"VOLUME\": [\"BIGGER\", \"20D_85QTILE_VOL\"]}}");
        assertEquals(List.of(), run(set, null));
        // yesterday's context does not apply to today's bars
        assertEquals(List.of(), run(set, context(LocalDate.of(2026, 11, 19))));
        assertEquals(1, run(set, context(LocalDate.of(2026, 11, 20))).size());
    }

    @Test
    void aProviderIsAskedOncePerDay() {
        ConditionSet set = ConditionParser.parseSet("{\"jazz\": {\"VOLUME\": [\"BIGGER\", \"20D_85QTILE_VOL\"]}}");
        SymbolState s = new SymbolState("005930", Market.KRX, ModelConfig.DEFAULT);
        List<LocalDate> asked = new ArrayList<>();
        s.dailyProvider((sym, day) -> {
            asked.add(day);
            return context(day);
        });
        List<Hit> hits = new ArrayList<>();
        ModelListener l = new ModelListener() {
            @Override
            public void onHit(Hit hit) {
                hits.add(hit);
            }
        };
        for (int i = 0; i < 5; i++) {
            s.offer(new Tick("005930", krx("2026-11-20T09:00:10") + i * 300_000L, 104, 300), set, l);
        }
        s.offer(new Tick("005930", krx("2026-11-23T09:00:10"), 104, 300), set, l);
        s.closeForming(set, l);
        assertEquals(List.of(LocalDate.of(2026, 11, 20), LocalDate.of(2026, 11, 23)), asked);
        assertEquals(6, hits.size());
    }
}
