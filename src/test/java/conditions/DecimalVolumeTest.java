package conditions;

import static conditions.TestSupport.utc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Volumes are exact decimals with up to 8 places: crypto trades are fractional, and a sum or a
 * cumulative-volume difference must not pick up binary floating-point error.
 */
class DecimalVolumeTest {
    static final long T0 = utc("2026-11-20T00:00");
    static final Market C = Market.CRYPTO;

    static Tick tick(long t, String volume, String cum) {
        return Tick.of("BTCUSDT", t, 91234.5, Volume.parse(volume), cum == null ? null : Volume.parse(cum), C);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "10            | 10",
        "10.0          | 10",
        "0.003         | 0.003",
        "0.158         | 0.158",
        ".5            | 0.5",
        "5.            | 5",
        "+7            | 7",
        "1e3           | 1000",
        "1.5E-2        | 0.015",
        "0.00000001    | 0.00000001",
        "0.1234567800  | 0.12345678",
        "000123.4500   | 123.45",
        "1000000000000000 | 1000000000000000",
        "999999999999999.99999999 | 999999999999999.99999999",
        "0e99999       | 0",
    })
    void decimalsParseExactlyAndPrintWithoutTrailingZeros(String text, String printed) {
        assertEquals(printed, Volume.parse(text).toString());
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "-1                 | must not be negative",
        "-0.5               | must not be negative",
        "0.123456789        | more than 8 decimal places",
        "1e-9               | more than 8 decimal places",
        "1000000000000000.1 | larger than 10^15",
        "1e16               | larger than 10^15",
        "99999999999999999999999 | larger than 10^15",
        "1e99999999999      | larger than 10^15",
        "NaN                | not a number",
        "Infinity           | not a number",
        "1,5                | not a number",
        "0x10               | not a number",
        "1e                 | not a number",
        ".                  | not a number",
        "''                 | is empty",
    })
    void badVolumesAreRefusedWithTheReason(String text, String reason) {
        text = text == null ? "" : text;
        Volume.Parsed p = new Volume.Parsed();
        assertFalse(Volume.parse(text, 0, text.length(), p), text);
        assertTrue(p.error.contains(reason), p.error);
    }

    @Test
    void tenTicksOfOneTenthMakeABarVolumeOfExactlyOne() {
        SymbolState s = new SymbolState("BTCUSDT", C, ModelConfig.DEFAULT);
        TestSupport.Recorder rec = new TestSupport.Recorder();
        for (int i = 0; i < 10; i++) {
            assertEquals(TickOutcome.ACCEPTED, s.offer(tick(T0 + i * 1000, "0.1", null), ConditionSet.EMPTY, rec));
        }
        assertEquals(new Volume(1, 0), s.formingBar().volume());
        s.closeForming(ConditionSet.EMPTY, rec);
        assertEquals(1.0, rec.last().get(Field.VOLUME), 0.0, "exactly 1, not 0.9999999999999999");
        assertEquals(new Volume(1, 0), s.history().bar(0).volume());
    }

    @Test
    void cumulativeDecimalsCountTheirExactGrowthAndARepeatIsADuplicate() {
        SymbolState s = new SymbolState("BTCUSDT", C, ModelConfig.DEFAULT);
        ModelListener none = ModelListener.NONE;
        assertEquals(TickOutcome.ACCEPTED, s.offer(tick(T0, "0.158", "1.9"), ConditionSet.EMPTY, none));
        // 2.1 - 1.9 borrows a unit: exactly 0.2
        assertEquals(TickOutcome.ACCEPTED, s.offer(tick(T0 + 1000, "0.2", "2.1"), ConditionSet.EMPTY, none));
        assertEquals(TickOutcome.DUPLICATE, s.offer(tick(T0 + 2000, "0.2", "2.10000000"), ConditionSet.EMPTY, none));
        assertEquals(TickOutcome.DUPLICATE, s.offer(tick(T0 + 2500, "0.2", "2.09999999"), ConditionSet.EMPTY, none));
        assertEquals(TickOutcome.ACCEPTED, s.offer(tick(T0 + 3000, "9", "2.10000001"), ConditionSet.EMPTY, none));
        // first of the day counts its own size: 0.158 + 0.2 + 0.00000001
        assertEquals(Volume.parse("0.35800001"), s.formingBar().volume());
    }

    @Test
    void hugeCumulativeVolumesStayExact() {
        SymbolState s = new SymbolState("1000PEPEUSDT", C, ModelConfig.DEFAULT);
        s.offer(Tick.of("1000PEPEUSDT", T0, 0.01, Volume.parse("5"), Volume.parse("999999999999990.5"), C),
                ConditionSet.EMPTY, ModelListener.NONE);
        s.offer(Tick.of("1000PEPEUSDT", T0 + 1, 0.01, Volume.parse("5"), Volume.parse("1000000000000000"), C),
                ConditionSet.EMPTY, ModelListener.NONE);
        assertEquals(Volume.parse("14.5"), s.formingBar().volume());
    }

    @Test
    void aTickThatWouldOverflowItsBarsVolumeIsMalformedAndChangesNothing() {
        SymbolState s = new SymbolState("BTCUSDT", C, ModelConfig.DEFAULT);
        Volume max = new Volume(Volume.MAX_UNITS, 0);
        int accepted = 0;
        TickOutcome o;
        do {
            o = s.offer(Tick.of("BTCUSDT", T0 + accepted, 1, max, null, C), ConditionSet.EMPTY, ModelListener.NONE);
            if (o == TickOutcome.ACCEPTED) {
                accepted++;
            }
        } while (o == TickOutcome.ACCEPTED);
        assertEquals(TickOutcome.MALFORMED, o);
        assertEquals(Long.MAX_VALUE / Volume.MAX_UNITS, accepted);
        assertEquals(new Volume(accepted * Volume.MAX_UNITS, 0), s.formingBar().volume(), "never wrapped");
        assertEquals(accepted, s.accepted());
        assertEquals(1, s.rejected(TickOutcome.MALFORMED));
    }

    @Test
    void absurdNumbersAreMalformedTicks() {
        assertEquals("price must be a positive number up to 10^15, got 1.0E16", new Tick("BTCUSDT", T0, 1e16, 1).problem());
        assertTrue(new Tick("BTCUSDT", T0, Double.NaN, 1).problem().startsWith("price"));
        assertTrue(new Tick("BTCUSDT", T0, Double.POSITIVE_INFINITY, 1).problem().startsWith("price"));
        assertEquals("volume is larger than 10^15", new Tick("BTCUSDT", T0, 1, Volume.MAX_UNITS + 1).problem());
        assertEquals("volume must not be negative", new Tick("BTCUSDT", T0, 1, -1).problem());
        assertEquals("cum_volume is larger than 10^15",
                new Tick("BTCUSDT", T0, 1, 1, 0, Volume.MAX_UNITS, 1, C).problem());
        assertNull(new Tick("BTCUSDT", T0, 1e15, Volume.MAX_UNITS).problem());
    }

    @Test
    void snapshotsKeepTheFractions() {
        SymbolState s = new SymbolState("BTCUSDT", C, ModelConfig.DEFAULT);
        for (int i = 0; i < 30; i++) {
            s.offer(tick(T0 + i * 60_000L, "0.00" + (i + 1), "1" + i + ".5"), ConditionSet.EMPTY, ModelListener.NONE);
        }
        SymbolSnapshot snap = s.snapshot();
        SymbolState r = SymbolState.restore(snap, ModelConfig.DEFAULT);
        assertEquals(s.formingBar(), r.formingBar());
        assertEquals(s.history().bar(3), r.history().bar(3));
        assertArrayEquals(snap.volumeFraction(), r.snapshot().volumeFraction());
        // the watermark's fraction came back too: the same cumulative volume is still a duplicate
        assertEquals(TickOutcome.DUPLICATE, r.offer(tick(T0 + 31 * 60_000L, "1", "129.5"), ConditionSet.EMPTY, ModelListener.NONE));
        assertEquals(TickOutcome.ACCEPTED, r.offer(tick(T0 + 31 * 60_000L, "1", "129.50000001"), ConditionSet.EMPTY, ModelListener.NONE));
    }
}
