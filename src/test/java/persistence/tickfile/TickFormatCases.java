package persistence.tickfile;

import conditions.Market;
import conditions.Tick;
import conditions.Volume;
import java.util.List;

/**
 * One table of ticks, each written as a CSV line and as a JSON object, with what every reader must
 * make of it: the same tick, or a refusal whose reason contains the same words. The CSV reader,
 * the JSON Lines reader and {@code POST /api/ticks} are all tested against it, so the formats
 * cannot drift apart again.
 */
public final class TickFormatCases {
    /** The CSV header the lines are written under. */
    public static final String CSV_HEADER = "time,symbol,price,volume,cum_volume,market";

    /**
     * @param name     what the case shows
     * @param csv      the line under {@link #CSV_HEADER}, or null when CSV cannot express it
     * @param json     the JSON object
     * @param expected the tick, or null when refused
     * @param reason   words the refusal must contain (null when accepted)
     */
    public record Case(String name, String csv, String json, Tick expected, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final long T = java.time.Instant.parse("2026-11-20T00:00:03.120Z").toEpochMilli(); // 09:00:03.120 in Seoul
    static final long Z4 = java.time.Instant.parse("2026-11-20T00:00:04Z").toEpochMilli();

    static Tick krx(long time, double price, String volume, String cum) {
        return Tick.of("005930", time, price, Volume.parse(volume), cum == null ? null : Volume.parse(cum), Market.KRX);
    }

    static Tick crypto(long time, double price, String volume, String cum) {
        return Tick.of("BTCUSDT", time, price, Volume.parse(volume), cum == null ? null : Volume.parse(cum), Market.CRYPTO);
    }

    static Case ok(String name, String csv, String json, Tick expected) {
        return new Case(name, csv, json, expected, null);
    }

    static Case bad(String name, String csv, String json, String reason) {
        return new Case(name, csv, json, null, reason);
    }

    public static final List<Case> CASES = List.of(
        ok("a KRX trade with cumulative volume",
            "2026-11-20T09:00:03.120+09:00,005930,70000,10,1530021,KRX",
            "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10,\"cum_volume\":1530021,\"market\":\"KRX\"}",
            krx(T, 70000, "10", "1530021")),
        ok("no cum_volume, no market: derived from the symbol",
            "2026-11-20T09:00:03.120+09:00,005930,70000,10,,",
            "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10}",
            krx(T, 70000, "10", null)),
        ok("null cum_volume and market",
            null,
            "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10,\"cum_volume\":null,\"market\":null}",
            krx(T, 70000, "10", null)),
        ok("a fractional crypto volume",
            "2026-11-20T00:00:04Z,BTCUSDT,91234.5,0.158,,CRYPTO",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":91234.5,\"volume\":0.158,\"market\":\"CRYPTO\"}",
            crypto(Z4, 91234.5, "0.158", null)),
        ok("eight decimals in volume and cum_volume",
            "2026-11-20T00:00:04Z,BTCUSDT,91234.5,0.00000001,12.34567891,",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":91234.5,\"volume\":0.00000001,\"cum_volume\":12.34567891}",
            crypto(Z4, 91234.5, "0.00000001", "12.34567891")),
        ok("a whole volume written with a fraction",
            "2026-11-20T09:00:03.120+09:00,005930,70000,10.0,,",
            "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10.0}",
            krx(T, 70000, "10", null)),
        ok("epoch milliseconds",
            "1795132803120,005930,70000,10,,",
            "{\"time\":1795132803120,\"symbol\":\"005930\",\"price\":70000,\"volume\":10}",
            krx(T, 70000, "10", null)),
        ok("market in lower case",
            "2026-11-20T09:00:03.120+09:00,005930,70000,10,,krx",
            "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10,\"market\":\"krx\"}",
            krx(T, 70000, "10", null)),
        ok("an explicit market wins over the symbol",
            "2026-11-20T00:00:04Z,005930,70000,10,,CRYPTO",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10,\"market\":\"CRYPTO\"}",
            Tick.of("005930", Z4, 70000, Volume.of(10), null, Market.CRYPTO)),
        ok("an exponent in volume",
            "2026-11-20T00:00:04Z,BTCUSDT,91234.5,1.5E-2,,",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":91234.5,\"volume\":1.5E-2}",
            crypto(Z4, 91234.5, "0.015", null)),
        bad("an extra key", null,
            "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10,\"side\":\"buy\"}",
            "unknown key \"side\""),
        bad("a misspelt cum_volume", null,
            "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10,\"cumvolume\":5}",
            "unknown key \"cumvolume\""),
        bad("a key twice", null,
            "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10,\"volume\":11}",
            "appears twice"),
        bad("nine decimals",
            "2026-11-20T00:00:04Z,BTCUSDT,91234.5,0.123456789,,",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":91234.5,\"volume\":0.123456789}",
            "volume has more than 8 decimal places"),
        bad("a negative volume",
            "2026-11-20T00:00:04Z,BTCUSDT,91234.5,-1,,",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":91234.5,\"volume\":-1}",
            "volume must not be negative"),
        bad("an absurd volume",
            "2026-11-20T00:00:04Z,BTCUSDT,91234.5,1000000000000001,,",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":91234.5,\"volume\":1000000000000001}",
            "volume is larger than 10^15"),
        bad("an absurd cum_volume",
            "2026-11-20T00:00:04Z,BTCUSDT,91234.5,1,1e20,",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":91234.5,\"volume\":1,\"cum_volume\":1e20}",
            "cum_volume is larger than 10^15"),
        bad("a volume past a long",
            "2026-11-20T00:00:04Z,BTCUSDT,91234.5,99999999999999999999999,,",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":91234.5,\"volume\":99999999999999999999999}",
            "volume is larger than 10^15"),
        bad("an absurd price",
            "2026-11-20T00:00:04Z,BTCUSDT,1e16,1,,",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":1e16,\"volume\":1}",
            "price must be a positive number up to 10^15"),
        bad("a zero price",
            "2026-11-20T00:00:04Z,BTCUSDT,0,1,,",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":0,\"volume\":1}",
            "price must be a positive number"),
        bad("a volume in quotes", null,
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":91234.5,\"volume\":\"0.1\"}",
            "volume must be a number"),
        bad("not a number",
            "2026-11-20T00:00:04Z,BTCUSDT,91234.5,abc,,",
            "{\"time\":\"2026-11-20T00:00:04Z\",\"symbol\":\"BTCUSDT\",\"price\":91234.5,\"volume\":true}",
            "volume"),
        bad("a time in microseconds",
            "1795132803120000,005930,70000,10,,",
            "{\"time\":1795132803120000,\"symbol\":\"005930\",\"price\":70000,\"volume\":10}",
            "is not epoch milliseconds"),
        bad("a time without an offset",
            "2026-11-20T09:00:03,005930,70000,10,,",
            "{\"time\":\"2026-11-20T09:00:03\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10}",
            "neither ISO-8601 with an offset"),
        bad("an unknown market",
            "2026-11-20T09:00:03+09:00,005930,70000,10,,NYSE",
            "{\"time\":\"2026-11-20T09:00:03+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10,\"market\":\"NYSE\"}",
            "unknown market \"NYSE\""),
        bad("a bad symbol",
            "2026-11-20T09:00:03+09:00,0059 30,70000,10,,",
            "{\"time\":\"2026-11-20T09:00:03+09:00\",\"symbol\":\"0059 30\",\"price\":70000,\"volume\":10}",
            "symbol \"0059 30\" is not"),
        bad("no volume", null,
            "{\"time\":\"2026-11-20T09:00:03+09:00\",\"symbol\":\"005930\",\"price\":70000}",
            "missing \"volume\""),
        bad("an empty volume",
            "2026-11-20T09:00:03+09:00,005930,70000,,,",
            null,
            "volume is empty"));

    private TickFormatCases() {
    }
}
