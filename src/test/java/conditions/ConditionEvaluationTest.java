package conditions;

import static conditions.TestSupport.Feeder;
import static conditions.TestSupport.MIN;
import static conditions.TestSupport.Recorder;
import static conditions.TestSupport.krx;
import static conditions.TestSupport.tick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Conditions evaluated on real bars: which bars (1-based) a condition hits, for every operator
 * of both forms, readiness, symbols, cooldown, once per bar and check:"update".
 */
class ConditionEvaluationTest {

    private static Feeder run(String conditions, double... closes) {
        return Feeder.crypto(ConditionParser.parseSet(conditions)).closes(closes).finish();
    }

    /** Bars hit by a single native condition named "c" with the given clause. */
    private static List<Integer> hits(String when, double... closes) {
        return run("{\"c\": {\"when\": " + when + "}}", closes).hitBars("c");
    }

    // ---- comparisons ----

    @ParameterizedTest(name = "CLOSE {0} 10")
    @CsvSource(delimiter = '|', value = {">|[3]", ">=|[2, 3]", "<|[1]", "<=|[1, 2]"})
    void comparisonOperators(String op, String expected) {
        assertEquals(expected, hits("[\"CLOSE\", \"" + op + "\", 10]", 9, 10, 11).toString());
    }

    @Test
    void comparingTwoFieldsAndAFactor() {
        Feeder f = Feeder.crypto(ConditionParser.parseSet("""
                {"up":     {"when": ["CLOSE", ">", "OPEN"]},
                 "strong": {"when": ["CLOSE", ">", {"of": "OPEN", "times": 1.02}]},
                 "weak":   {"when": ["CLOSE", "<=", {"of": "OPEN", "times": 0.99}]}}"""));
        f.bar(100, 101, 100, 101, 1); // +1%
        f.bar(100, 104, 100, 103, 1); // +3%
        f.bar(100, 100, 98, 98.5, 1); // -1.5%
        f.bar(100, 100, 99, 99, 1); // -1%, exactly 0.99 x open
        f.finish();
        assertEquals(List.of(1, 2), f.hitBars("up"));
        assertEquals(List.of(2), f.hitBars("strong"));
        assertEquals(List.of(3, 4), f.hitBars("weak"));
        Hit h = f.rec.hits.stream().filter(x -> x.condition().equals("strong")).findFirst().orElseThrow();
        assertEquals(Map.of("OPEN", 100.0, "CLOSE", 103.0), h.values(), "the hit shows the fields it read, unscaled");
    }

    @Test
    void betweenIsInclusiveWithBoundsInEitherOrder() {
        double[] cs = {9, 10, 15, 20, 21};
        assertEquals(List.of(2, 3, 4), hits("[\"CLOSE\", \"between\", 10, 20]", cs));
        assertEquals(List.of(2, 3, 4), hits("[\"CLOSE\", \"between\", 20, 10]", cs));
        Feeder f = Feeder.crypto(ConditionParser.parseSet("{\"in\": {\"when\": [\"OPEN\", \"between\", \"HIGH\", \"LOW\"]}}"));
        f.bar(100, 110, 90, 100, 1).bar(100, 110, 100, 105, 1).close(50, 1).finish();
        assertEquals(List.of(1, 2, 3), f.hitBars("in"));
    }

    @Test
    void crossesCompareAgainstThePreviousBar() {
        double[] cs = {11, 10, 11, 12, 9, 10, 11, 10, 9};
        // above: previous at or below 10, now above. Bar 1 has no previous bar.
        assertEquals(List.of(3, 7), hits("[\"CLOSE\", \"crosses_above\", 10]", cs));
        // below: previous at or above 10, now below.
        assertEquals(List.of(5, 9), hits("[\"CLOSE\", \"crosses_below\", 10]", cs));
    }

    @Test
    void crossingAMovingField() {
        // closes 10 x5 then 12: bar 6 crosses above PSMA5 (bar 5: close 10 = PSMA5 10; bar 6: 12 > 10.4)
        double[] cs = {10, 10, 10, 10, 10, 12, 13, 8};
        assertEquals(List.of(6), hits("[\"CLOSE\", \"crosses_above\", \"PSMA5\"]", cs));
        assertEquals(List.of(8), hits("[\"CLOSE\", \"crosses_below\", \"PSMA5\"]", cs));
    }

    // ---- all / any / not and readiness ----

    @Test
    void allAnyNot() {
        Feeder f = Feeder.crypto(ConditionParser.parseSet("""
                {"all": {"when": {"all": [["CLOSE", ">", 10], ["VOLUME", ">", 100]]}},
                 "any": {"when": {"any": [["CLOSE", ">", 10], ["VOLUME", ">", 100]]}},
                 "not": {"when": {"not": ["CLOSE", ">", 10]}},
                 "nested": {"when": {"all": [{"not": ["CLOSE", "<", 5]}, {"any": [["VOLUME", "<", 50], ["CLOSE", ">", 20]]}]}}}"""));
        f.close(5, 50).close(11, 50).close(9, 200).close(12, 200).close(21, 60).close(6, 10).finish();
        assertEquals(List.of(4), f.hitBars("all"));
        assertEquals(List.of(2, 3, 4, 5), f.hitBars("any"));
        assertEquals(List.of(1, 3, 6), f.hitBars("not"));
        assertEquals(List.of(5, 6), f.hitBars("nested"));
    }

    @Test
    void aConditionWhoseInputsAreNotReadyIsFalseEvenUnderNot() {
        double[] cs = {1, 2, 3, 4, 5, 6, 7};
        assertEquals(List.of(5, 6, 7), hits("{\"not\": [\"PSMA5\", \">\", 1000]}", cs));
        assertEquals(List.of(5, 6, 7), hits("{\"any\": [[\"CLOSE\", \">\", 0], [\"PSMA5\", \">\", 0]]}", cs));
        assertEquals(List.of(5, 6, 7), hits("{\"not\": {\"all\": [[\"CLOSE\", \">\", 100], [\"PSMA5\", \">\", 0]]}}", cs));
        assertEquals(List.of(), hits("{\"not\": [\"RSI14\", \">\", 50]}", cs));
        assertEquals(List.of(5, 6, 7), hits("[\"CLOSE\", \">\", {\"of\": \"PSMA5\", \"times\": 0.5}]", cs));
        // a cross on the first bar has no bar before it: not ready, so false under not too
        assertEquals(List.of(2, 3, 4, 5, 6, 7), hits("{\"not\": [\"CLOSE\", \"crosses_above\", 100]}", cs));
    }

    @Test
    void onlyCrossesNeedThePreviousBarReady() {
        // Bars 1-13 rise by 1, bar 14 dips under PSMA5, bar 15 jumps over it: CLOSE crosses above
        // PSMA5 at bar 15, the first bar with RSI14 (79.4). Every input of the condition is ready at
        // bar 15 (the cross reads bars 14 and 15, RSI14 > 50 reads bar 15), so it hits there.
        double[] cs = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 15, 30};
        Feeder f = run("""
                {"c": {"when": {"all": [["CLOSE", "crosses_above", "PSMA5"], ["RSI14", ">", 50]]}},
                 "notYet": {"when": {"all": [["CLOSE", "crosses_above", "PSMA5"], ["RSI14", "crosses_above", 50]]}}}""", cs);
        assertEquals(100 - 100 / (1 + 27.0 / 7), f.rec.at(15, Field.RSI14), 1e-9);
        assertEquals(List.of(15), f.hitBars("c"));
        assertEquals(List.of(), f.hitBars("notYet"), "a cross of RSI14 needs RSI14 on the bar before");
    }

    @Test
    void absentVsmarMakesTheConditionFalse() {
        Feeder f = Feeder.crypto(ConditionParser.parseSet("{\"c\": {\"when\": {\"not\": [\"VSMAR5\", \">\", 1000]}}}"));
        for (int i = 0; i < 6; i++) {
            f.close(10, 0); // VSMA5 = 0: VSMAR5 absent
        }
        f.close(10, 10).finish();
        assertEquals(List.of(7), f.hitBars("c"));
    }

    // ---- which symbols, how often ----

    @Test
    void symbolsFilter() {
        Recorder rec = new Recorder();
        MarketModel m = new MarketModel(ModelConfig.DEFAULT, ConditionParser.parseSet("""
                {"samsung": {"when": ["CLOSE", ">", 0], "symbols": ["005930"]},
                 "every":   {"when": ["CLOSE", ">", 0]},
                 "hynix":   {"when": ["CLOSE", ">", 0], "symbols": ["000660", "035420"], "check": "update"}}"""), rec);
        m.onTick(tick("005930", krx("2024-03-04T09:01"), 100, 1));
        m.onTick(tick("000660", krx("2024-03-04T09:01"), 100, 1));
        m.closeAll();
        List<String> got = rec.hits.stream().map(h -> h.symbol() + ":" + h.condition()).sorted().toList();
        assertEquals(List.of("000660:every", "000660:hynix", "005930:every", "005930:samsung"), got);
    }

    @ParameterizedTest(name = "cooldown {0}")
    @CsvSource(delimiter = '|', value = {"\"0m\"|[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]",
            "\"30m\"|[1, 7, 13]", "\"29m\"|[1, 7, 13]", "\"31m\"|[1, 8]", "\"1h\"|[1, 13]", "10|[1, 3, 5, 7, 9, 11, 13]"})
    void cooldownSuppressesHitsUntilABarStartingThatMuchLater(String cooldown, String expected) {
        double[] cs = new double[14];
        java.util.Arrays.fill(cs, 10);
        Feeder f = run("{\"c\": {\"when\": [\"CLOSE\", \">\", 0], \"cooldown\": " + cooldown + "}}", cs);
        assertEquals(expected, f.hitBars("c").toString());
    }

    @Test
    void cooldownAcrossAGapAndPerSymbol() {
        Recorder rec = new Recorder();
        ConditionSet set = ConditionParser.parseSet("{\"c\": {\"when\": [\"CLOSE\", \">\", 0], \"cooldown\": \"30m\"}}");
        MarketModel m = new MarketModel(ModelConfig.DEFAULT, set, rec);
        for (String t : new String[] {"09:00", "09:10", "09:25", "09:30", "11:00", "11:05"}) {
            m.onTick(tick("005930", krx("2024-03-04T" + t), 100, 1));
            m.onTick(tick("000660", krx("2024-03-04T" + t), 100, 1));
        }
        m.closeAll();
        for (String sym : new String[] {"005930", "000660"}) {
            List<Long> bars = rec.hits.stream().filter(h -> h.symbol().equals(sym)).map(Hit::barStart).toList();
            assertEquals(List.of(krx("2024-03-04T09:00"), krx("2024-03-04T09:30"), krx("2024-03-04T11:00")), bars, sym);
        }
    }

    @Test
    void aReplayedHitStartsTheCooldown() {
        Feeder f = Feeder.crypto(ConditionParser.parseSet("{\"c\": {\"when\": [\"CLOSE\", \">\", 0], \"cooldown\": \"30m\"}}"));
        f.state.recordHit("c", f.barStart(0));
        f.closes(1, 1, 1, 1, 1, 1, 1, 1).finish();
        assertEquals(List.of(7), f.hitBars("c"));
    }

    @Test
    void updateConditionsFireOnTheFormingBarAtMostOncePerBar() {
        Feeder f = Feeder.crypto(ConditionParser.parseSet("""
                {"live": {"when": ["CLOSE", ">", 100], "check": "update"},
                 "onClose": {"when": ["CLOSE", ">", 100]}}"""));
        f.bar(99, 102, 98, 99, 1); // ticks 99, 102, 98, 99: above 100 at the 2nd tick only
        assertEquals(1, f.rec.hits.size(), "fired while the bar was forming");
        assertTrue(f.rec.bars.isEmpty());
        Hit h = f.rec.hits.get(0);
        assertEquals("live", h.condition());
        assertEquals(f.barStart(0), h.barStart());
        assertEquals(Map.of("CLOSE", 102.0), h.values());
        assertEquals(List.of(2), f.hitTick);

        f.bar(101, 103, 101, 102, 1); // above 100 on every tick: still one hit for this bar
        f.bar(90, 95, 90, 91, 1); // never above
        f.finish();
        assertEquals(List.of(1, 2), f.hitBars("live"));
        assertEquals(List.of(2), f.hitBars("onClose"), "the close check sees the closed bar only");
    }

    @Test
    void updateConditionsReadIndicatorsOfTheFormingBarAndCrossAgainstTheLastClosedBar() {
        Feeder f = Feeder.crypto(ConditionParser.parseSet("""
                {"sma":   {"when": ["PSMA5", ">", 10], "check": "update"},
                 "cross": {"when": ["CLOSE", "crosses_above", 10], "check": "update"}}"""));
        f.closes(10, 10, 10, 10); // 4 closed bars of 10
        f.bar(10, 20, 10, 10, 1); // 5th bar: ticks 10, 20 (PSMA5 12 and crosses 10), 10, 10
        assertEquals(List.of(5), f.hitBars("sma"));
        assertEquals(List.of(5), f.hitBars("cross"));
        assertEquals(List.of(2, 2), f.hitTick);
        assertEquals(12.0, f.rec.hits.get(0).values().get("PSMA5"), 1e-12);
        f.finish();
        assertEquals(10.0, f.rec.last().get(Field.PSMA5), 0, "the closed bar's values are its own");
    }

    @Test
    void updateConditionsHonourCooldown() {
        Feeder f = Feeder.crypto(ConditionParser.parseSet(
                "{\"live\": {\"when\": [\"CLOSE\", \">\", 0], \"check\": \"update\", \"cooldown\": \"10m\"}}"));
        for (int i = 0; i < 6; i++) {
            f.bar(1, 2, 1, 2, 1);
        }
        f.finish();
        assertEquals(List.of(1, 3, 5), f.hitBars("live"));
    }

    @Test
    void aHitNamesItsConditionSymbolBarAndSinks() {
        Recorder rec = new Recorder();
        MarketModel m = new MarketModel(ModelConfig.DEFAULT, ConditionParser.parseSet(
                "{\"c\": {\"when\": [\"CLOSE\", \">=\", 100], \"sinks\": [\"file\", \"webhook\"]}}"), rec);
        m.onTick(tick("005930", krx("2024-03-04T09:03"), 100, 7));
        m.closeAll();
        assertEquals(1, rec.hits.size());
        Hit h = rec.hits.get(0);
        assertEquals("c", h.condition());
        assertEquals("005930", h.symbol());
        assertEquals(krx("2024-03-04T09:00"), h.barStart());
        assertEquals(Market.KRX, h.market());
        assertEquals(List.of("file", "webhook"), h.sinks());
        assertEquals(Map.of("CLOSE", 100.0), h.values());
        assertEquals("005930/c/" + krx("2024-03-04T09:00"), h.id());
    }

    @Test
    void newConditionsApplyFromTheNextCheck() {
        Recorder rec = new Recorder();
        MarketModel m = new MarketModel(ModelConfig.DEFAULT, ConditionSet.EMPTY, rec);
        m.onTick(tick("005930", krx("2024-03-04T09:01"), 100, 1));
        m.onTick(tick("005930", krx("2024-03-04T09:06"), 100, 1));
        assertEquals(0, rec.hits.size());
        m.setConditions(ConditionParser.parseSet("{\"c\": {\"when\": [\"CLOSE\", \">\", 0]}}"));
        m.onTick(tick("005930", krx("2024-03-04T09:11"), 100, 1));
        m.setConditions(ConditionSet.EMPTY);
        m.closeAll();
        assertEquals(List.of(krx("2024-03-04T09:05")), rec.hits.stream().map(Hit::barStart).toList());
    }

    // ---- the jazzstock form ----

    @Test
    void jazzstockBiggerSmallerBetween() {
        String conds = """
                {"big":   {"CLOSE": ["BIGGER", 10]},
                 "small": {"CLOSE": ["SMALLER", 10]},
                 "in":    {"CLOSE": ["BETWEEN", 12, 10]},
                 "and":   {"CLOSE": ["BIGGER", 9], "VOLUME": ["SMALLER", 150]}}""";
        Feeder f = Feeder.crypto(ConditionParser.parseSet(conds));
        f.close(9, 100).close(10, 100).close(11, 200).close(12, 100).close(13, 100).finish();
        assertEquals(List.of(3, 4, 5), f.hitBars("big"));
        assertEquals(List.of(1), f.hitBars("small"));
        assertEquals(List.of(2, 3, 4), f.hitBars("in"));
        assertEquals(List.of(2, 4, 5), f.hitBars("and"));
    }

    @Test
    void jazzstockPercentOperators() {
        Feeder f = Feeder.crypto(ConditionParser.parseSet("""
                {"bp": {"CLOSE": ["BIGGER_P", "OPEN", 0.02]},
                 "sp": {"CLOSE": ["SMALLER_P", "OPEN", 0.02]}}"""));
        f.bar(100, 102, 100, 101.9, 1);
        f.bar(100, 102.1, 100, 102.1, 1);
        f.bar(100, 100, 98, 98.1, 1);
        f.bar(100, 100, 97.9, 97.9, 1);
        f.finish();
        assertEquals(List.of(2), f.hitBars("bp"));
        assertEquals(List.of(4), f.hitBars("sp"));
    }

    @Test
    void jazzstockMinMaxPercentOperators() {
        Feeder f = Feeder.crypto(ConditionParser.parseSet("""
                {"bmm":  {"CLOSE": ["BIGGER_MINMAX_P", "HIGH", "LOW", 0.75]},
                 "bmm2": {"CLOSE": ["BIGGER_MINMAX_P", "LOW", "HIGH", 0.75]},
                 "smm":  {"CLOSE": ["SMALLER_MINMAX_P", "LOW", "HIGH", 0.25]},
                 "smm2": {"CLOSE": ["SMALLER_MINMAX_P", 200, 100, 0.25]}}"""));
        f.bar(150, 200, 100, 180, 1); // level 175 / 125
        f.bar(150, 200, 100, 170, 1);
        f.bar(150, 200, 100, 120, 1);
        f.bar(150, 200, 100, 130, 1);
        f.finish();
        assertEquals(List.of(1), f.hitBars("bmm"));
        assertEquals(List.of(1), f.hitBars("bmm2"));
        assertEquals(List.of(3), f.hitBars("smm"));
        assertEquals(List.of(3), f.hitBars("smm2"));
    }

    @Test
    void jazzstockIsCheckedOnCloseAndOnlyWhenReady() {
        Feeder f = Feeder.crypto(ConditionParser.parseSet("{\"j\": {\"PSMA5\": [\"BIGGER\", 0]}}"));
        f.closes(1, 2, 3, 4);
        f.bar(5, 6, 5, 6, 1); // forming: no hit before close
        assertEquals(List.of(), f.hitBars("j"));
        f.finish();
        assertEquals(List.of(5), f.hitBars("j"));
    }
}
