package conditions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading conditions: both forms, every option, and the messages a user gets for mistakes. */
class ConditionParserTest {
    static final long MIN = 60_000L;

    private static ConditionSet parse(String json) {
        return ConditionParser.parseSet(json);
    }

    /** The problems reported for a document that must not load. */
    private static List<String> problems(String json) {
        ConditionException e = assertThrows(ConditionException.class, () -> parse(json));
        assertEquals(String.join("\n", e.problems()), e.getMessage(), "the message lists every problem");
        return e.problems();
    }

    private static String only(String json) {
        List<String> p = problems(json);
        assertEquals(1, p.size(), "one problem expected: " + p);
        return p.get(0);
    }

    private static void assertContains(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), "expected \"" + part + "\" in: " + text);
        }
    }

    // ---- what loads ----

    @Test
    void nativeFormWithEveryOption() {
        ConditionSet set = parse("""
                {"breakout": {
                   "description": "close above the upper band on volume",
                   "when": {"all": [["CLOSE", ">", "BBU"], ["VOLUME", ">=", {"of": "VSMA20", "times": 2}]]},
                   "symbols": ["005930", "0088M0"],
                   "cooldown": "30m",
                   "sinks": ["log", "file"],
                   "check": "update"}}""");
        Condition c = set.get("breakout");
        assertEquals(1, set.size());
        assertEquals("breakout", c.name());
        assertEquals("native", c.form());
        assertEquals(Set.of("005930", "0088M0"), c.symbols());
        assertEquals(30 * MIN, c.cooldownMillis());
        assertEquals(List.of("log", "file"), c.sinks());
        assertTrue(c.onUpdate());
        assertTrue(c.appliesTo("005930"));
        assertFalse(c.appliesTo("000660"));
        assertEquals("close above the upper band on volume", c.source().get("description").asText());
    }

    @Test
    void nativeDefaults() {
        Condition c = parse("{\"up\": {\"when\": [\"CLOSE\", \">\", 1]}}").get("up");
        assertEquals(Set.of(), c.symbols());
        assertTrue(c.appliesTo("ANYTHING"));
        assertEquals(0, c.cooldownMillis());
        assertEquals(List.of("log"), c.sinks());
        assertFalse(c.onUpdate());
        assertFalse(c.chart(), "no chart unless asked for");
        assertTrue(parse("{\"up\": {\"when\": [\"CLOSE\", \">\", 1], \"chart\": true}}").get("up").chart());
        Condition star = parse("{\"up\": {\"when\": [\"CLOSE\", \">\", 1], \"symbols\": \"*\", \"check\": \"close\"}}").get("up");
        assertEquals(Set.of(), star.symbols());
        assertFalse(star.onUpdate());
    }

    @Test
    void arrayFormNamesEachCondition() {
        ConditionSet set = parse("""
                [{"name": "a", "when": ["CLOSE", ">", 1]},
                 {"name": "b", "when": {"not": ["RSI14", "<", 30]}, "cooldown": 5}]""");
        assertEquals(List.of("a", "b"), set.all().stream().map(Condition::name).toList());
        assertEquals(5 * MIN, set.get("b").cooldownMillis());
    }

    @Test
    void jazzstockForm() {
        ConditionSet set = parse("""
                {"jazz": {"CLOSE": ["BIGGER_P", "PSMA20", 0.02], "RSI14": ["BETWEEN", 70, 30]},
                 "plain": {"when": ["CLOSE", ">", 1]}}""");
        Condition j = set.get("jazz");
        assertEquals("jazzstock", j.form());
        assertFalse(j.onUpdate(), "jazzstock conditions are checked on bar close");
        assertEquals(Set.of(), j.symbols());
        assertEquals(0, j.cooldownMillis());
        assertEquals(List.of("log"), j.sinks());
        assertEquals("native", set.get("plain").form());
    }

    @ParameterizedTest(name = "cooldown {0} = {1} ms")
    @CsvSource({"'\"90s\"',90000", "'\"30m\"',1800000", "'\"2h\"',7200000", "'\"1d\"',86400000",
            "'\"0m\"',0", "15,900000", "0.5,30000", "'\" 10M \"',600000"})
    void cooldownDurations(String json, long millis) {
        Condition c = parse("{\"c\": {\"when\": [\"CLOSE\", \">\", 1], \"cooldown\": " + json + "}}").get("c");
        assertEquals(millis, c.cooldownMillis());
    }

    /** A cooldown too long for a long of milliseconds used to wrap (and hit every bar): it is a problem. */
    @ParameterizedTest(name = "cooldown {0} is too long")
    @CsvSource({"'\"9999999999999d\"'", "'\"99999999999999999999s\"'", "'\"153722867280912m\"'", "'\"3651d\"'",
            "9999999999999", "1e300"})
    void aCooldownThatOverflowsIsAProblem(String json) {
        String p = only("{\"c\": {\"when\": [\"CLOSE\", \">\", 1], \"cooldown\": " + json + "}}");
        assertContains(p, "condition \"c\"", "cooldown", "longer than", "3650d");
    }

    @Test
    void theLongestCooldownIsTenYears() {
        Condition c = parse("{\"c\": {\"when\": [\"CLOSE\", \">\", 1], \"cooldown\": \"3650d\"}}").get("c");
        assertEquals(3650 * 86_400_000L, c.cooldownMillis());
    }

    /** {@code {..}{..}} or {@code {..} garbage} used to read as the first value, the rest dropped. */
    @ParameterizedTest(name = "trailing: {0}")
    @ValueSource(strings = {"{\"when\": [\"CLOSE\", \">\", 1]}{\"when\": [\"CLOSE\", \">\", 2]}",
            "{\"when\": [\"CLOSE\", \">\", 1]} garbage", "{\"when\": [\"CLOSE\", \">\", 1]}\n[]", "[] 1"})
    void trailingContentIsAProblem(String json) {
        ConditionException e = assertThrows(ConditionException.class, () -> ConditionParser.readJson(json));
        assertContains(e.getMessage(), "after the JSON value", "line ", "one value");
        ConditionException set = assertThrows(ConditionException.class, () -> ConditionParser.parseSet(json));
        assertContains(set.getMessage(), "after the JSON value");
    }

    @Test
    void whitespaceAfterTheValueIsFine() {
        assertEquals(1, ConditionParser.parseSet("{\"a\": {\"when\": [\"CLOSE\", \">\", 1]}}\n\n  \t").size());
    }

    @Test
    void parseOneAcceptsANativeBodyOrTheJazzstockFormOfThatName() {
        Condition n = ConditionParser.parseOne("up", ConditionParser.readJson("{\"when\": [\"CLOSE\", \">\", 1]}"));
        assertEquals("up", n.name());
        assertEquals("native", n.form());
        Condition j = ConditionParser.parseOne("up", ConditionParser.readJson("{\"up\": {\"CLOSE\": [\"BIGGER\", 1]}}"));
        assertEquals("jazzstock", j.form());
        String p = assertThrows(ConditionException.class, () -> ConditionParser.parseOne("up",
                ConditionParser.readJson("{\"other\": {\"CLOSE\": [\"BIGGER\", 1]}}"))).getMessage();
        assertContains(p, "condition \"up\"", "\"when\"", "{\"up\": {COLUMN: [OP, ...]}}");
    }

    @Test
    void conditionSetsAreImmutableByName() {
        ConditionSet set = parse("{\"a\": {\"when\": [\"CLOSE\", \">\", 1]}, \"b\": {\"when\": [\"CLOSE\", \">\", 2]}}");
        Condition a2 = ConditionParser.parseOne("a", ConditionParser.readJson("{\"when\": [\"CLOSE\", \">\", 3]}"));
        ConditionSet replaced = set.with(a2);
        assertSame(a2, replaced.get("a"));
        assertEquals(2, replaced.size());
        assertEquals(2, set.size());
        assertEquals(1, set.without("a").size());
        assertSame(set, set.without("zzz"));
        assertEquals(0, ConditionSet.EMPTY.size());
        String dup = assertThrows(ConditionException.class,
                () -> ConditionSet.of(List.of(set.get("a"), set.get("a")))).getMessage();
        assertContains(dup, "condition \"a\"", "used twice");
    }

    // ---- what a user reads when it does not load ----

    @Test
    void unknownFieldNamesThePlaceAndListsTheValidNames() {
        String p = only("""
                {"dip": {"when": {"all": [["CLOSE", ">", 1], ["RSI15", "<", 30]]}}}""");
        assertContains(p, "condition \"dip\"", "when.all[1][0]", "unknown field \"RSI15\"", "valid names");
        for (Field f : Field.values()) {
            assertContains(p, f.name());
        }
    }

    @Test
    void unknownFieldAsAValueOrAFactor() {
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\", \"PSMA7\"]}}"),
                "condition \"x\"", "when[2]", "unknown field \"PSMA7\"", "PSMA5, PSMA20, PSMA60");
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\", {\"of\": \"psma20\", \"times\": 1.02}]}}"),
                "when[2].of", "unknown field \"psma20\"");
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\", {\"of\": \"PSMA20\", \"times\": \"2\"}]}}"),
                "when[2].times", "must be a number");
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\", {\"of\": \"PSMA20\"}]}}"),
                "when[2]", "{\"of\": FIELD, \"times\": NUMBER}");
        assertContains(only("{\"x\": {\"when\": [5, \">\", 1]}}"), "when[0]", "expected a field name");
    }

    @Test
    void unknownOperator() {
        assertContains(only("{\"x\": {\"when\": {\"any\": [[\"CLOSE\", \"=>\", 1]]}}}"),
                "condition \"x\"", "when.any[0][1]", "unknown operator \"=>\"",
                ">, >=, <, <=, between, crosses_above, crosses_below");
    }

    @Test
    void wrongNumberOfValues() {
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \"between\", 1]}}"),
                "condition \"x\"", "when", "\"between\" takes 2 values, got 1");
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\", 1, 2]}}"), "\">\" takes 1 value, got 2");
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\"]}}"), "when", "[FIELD, OP, VALUE]");
    }

    @Test
    void badClauses() {
        assertContains(only("{\"x\": {\"when\": {\"and\": [[\"CLOSE\", \">\", 1]]}}}"),
                "when", "unknown key \"and\"; expected all, any or not");
        assertContains(only("{\"x\": {\"when\": {\"all\": []}}}"), "when.all", "non-empty array");
        assertContains(only("{\"x\": {\"when\": {\"all\": [[\"CLOSE\", \">\", 1]], \"any\": []}}}"),
                "exactly one key");
        assertContains(only("{\"x\": {\"when\": {\"not\": [\"RSI15\", \">\", 1]}}}"),
                "when.not[0]", "unknown field \"RSI15\"");
    }

    @ParameterizedTest(name = "cooldown {0}")
    @ValueSource(strings = {"\"30x\"", "\"-5m\"", "\"m\"", "\"1.5h\"", "-3", "true", "\"\""})
    void badCooldown(String json) {
        String p = only("{\"x\": {\"when\": [\"CLOSE\", \">\", 1], \"cooldown\": " + json + "}}");
        assertContains(p, "condition \"x\"", "cooldown", "is not a duration like \"90s\", \"30m\", \"2h\", \"1d\"");
    }

    @Test
    void missingWhenInTheObjectForm() {
        // A native condition that forgot "when" must say so, not be read as a jazzstock condition.
        String p = only("{\"dip\": {\"symbols\": [\"005930\"], \"cooldown\": \"30m\"}}");
        assertContains(p, "condition \"dip\"", "when", "missing");
    }

    @Test
    void missingWhenInTheArrayForm() {
        String p = only("[{\"name\": \"dip\", \"cooldown\": \"30m\"}]");
        assertContains(p, "condition \"dip\"", "when", "missing");
        assertContains(only("{\"dip\": {\"when\": null}}"), "condition \"dip\"", "when: missing");
    }

    @Test
    void aNameUsedTwiceInTheArrayForm() {
        assertContains(only("""
                [{"name": "a", "when": ["CLOSE", ">", 1]},
                 {"name": "a", "when": ["CLOSE", ">", 2]}]"""), "condition \"a\"", "the name is used twice");
        assertContains(only("[{\"when\": [\"CLOSE\", \">\", 1]}]"), "condition \"#0\"", "needs a \"name\"");
    }

    @Test
    void aNameUsedTwiceInTheObjectForm() {
        // JSON objects may repeat a key; a parser that keeps the last would silently drop "a" #1.
        String p = only("""
                {"a": {"when": ["CLOSE", ">", 1]},
                 "a": {"when": ["CLOSE", ">", 2]}}""");
        assertContains(p, "'a'", "line 2");
        assertTrue(p.toLowerCase().contains("duplicate") || p.contains("used twice"), p);
    }

    @Test
    void malformedJsonGivesLineAndColumn() {
        String p = only("""
                {"a": {
                  "when": ["CLOSE", ">" 1]
                }}""");
        assertContains(p, "malformed JSON", "line 2, column");
        assertThrows(ConditionException.class, () -> parse("{\"a\": "));
    }

    @Test
    void otherMistakesAreNamedToo() {
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\", 1], \"check\": \"tick\"}}"),
                "check", "\"close\"", "\"update\"");
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\", 1], \"chart\": \"yes\"}}"),
                "condition \"x\"", "chart", "\"yes\" is not true or false");
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\", 1], \"symbols\": [\"btc\"]}}"),
                "symbols[0]", "\"btc\" is not a symbol");
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\", 1], \"symbols\": []}}"), "symbols", "non-empty");
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\", 1], \"colldown\": \"5m\"}}"),
                "colldown", "unknown key", "cooldown");
        assertContains(only("{\"x\": {\"when\": [\"CLOSE\", \">\", 1], \"sinks\": \"log\"}}"), "sinks", "array");
        assertContains(only("{\"my dip\": {\"when\": [\"CLOSE\", \">\", 1]}}"), "condition \"my dip\"", "name", "' '");
        assertContains(only("{\"x\": {\"name\": \"y\", \"when\": [\"CLOSE\", \">\", 1]}}"),
                "\"y\" does not match the condition's name \"x\"");
        assertContains(only("42"), "expected a JSON object of named conditions or an array");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<String> p = problems("""
                {"a": {"when": {"all": [["CLOSE", ">", "NOPE"], ["CLOSE", "~", 1]]}, "cooldown": "soon"},
                 "b": {"when": ["CLOSE", ">", 1]},
                 "c": {"CLOSE": ["BIGGEST", 1]}}""");
        assertEquals(4, p.size(), p.toString());
        assertContains(p.get(0), "condition \"a\"", "when.all[0][2]", "\"NOPE\"");
        assertContains(p.get(1), "condition \"a\"", "when.all[1][1]", "\"~\"");
        assertContains(p.get(2), "condition \"a\"", "cooldown", "\"soon\"");
        assertContains(p.get(3), "condition \"c\"", "CLOSE[0]", "\"BIGGEST\"");
    }

    // ---- jazzstock mistakes ----

    @Test
    void jazzstockUnknownOperator() {
        assertContains(only("{\"j\": {\"CLOSE\": [\"BIGGEST\", 1]}}"), "condition \"j\"", "CLOSE[0]",
                "unknown operator \"BIGGEST\"",
                "BIGGER, SMALLER, BETWEEN, BIGGER_P, SMALLER_P, BIGGER_MINMAX_P, SMALLER_MINMAX_P");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "[\"BIGGER\"]|BIGGER takes 1 argument, got 0",
            "[\"SMALLER\", 1, 2]|SMALLER takes 1 argument, got 2",
            "[\"BETWEEN\", 1]|BETWEEN takes 2 arguments, got 1",
            "[\"BIGGER_P\", \"OPEN\"]|BIGGER_P takes 2 arguments, got 1",
            "[\"SMALLER_P\", \"OPEN\", 1, 2]|SMALLER_P takes 2 arguments, got 3",
            "[\"BIGGER_MINMAX_P\", \"LOW\", \"HIGH\"]|BIGGER_MINMAX_P takes 3 arguments, got 2",
            "[\"SMALLER_MINMAX_P\", 1]|SMALLER_MINMAX_P takes 3 arguments, got 1"})
    void jazzstockWrongArgumentCount(String spec, String message) {
        assertContains(only("{\"j\": {\"CLOSE\": " + spec + "}}"), "condition \"j\"", "CLOSE", message);
    }

    @Test
    void jazzstockBadColumnsAndArguments() {
        String p = only("{\"j\": {\"CLOSEX\": [\"BIGGER\", 1]}}");
        assertContains(p, "condition \"j\"", "CLOSEX", "unknown field \"CLOSEX\"", "valid names", "TRADINGVALUE");
        assertContains(only("{\"j\": {\"CLOSE\": [\"BIGGER\", \"PSMA21\"]}}"), "CLOSE[1]", "unknown field \"PSMA21\"");
        assertContains(only("{\"j\": {\"CLOSE\": [\"BIGGER\", [1]]}}"), "CLOSE[1]", "a number or a column name");
        assertContains(only("{\"j\": {\"CLOSE\": \"BIGGER\"}}"), "CLOSE", "expected [OP, ARG, ...]");
        assertContains(only("{\"j\": {}}"), "condition \"j\"", "expected a native condition");
    }

    @Test
    void aConditionCarriesItsSource() {
        Condition c = parse("{\"j\": {\"CLOSE\": [\"BIGGER\", 1]}}").get("j");
        assertNotNull(c.source());
        assertEquals("BIGGER", c.source().get("CLOSE").get(0).asText());
        assertContains(c.toString(), "j", "jazzstock");
    }
}
