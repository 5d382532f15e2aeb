package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.ConditionSet;
import conditions.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crypto tick file with fractional volumes backtests with every line accepted, and its bars
 * carry the exact decimal sums a person adds up by hand.
 */
class BacktestDecimalVolumeTest {
    @TempDir
    Path dir;

    @Test
    void aBtcusdtFileWithDecimalVolumesMakesExactBars() throws Exception {
        Path ticks = dir.resolve("btc.csv");
        Files.writeString(ticks, """
                time,symbol,price,volume,cum_volume,market
                2026-11-20T00:00:04Z,BTCUSDT,91234.5,0.158,,CRYPTO
                2026-11-20T00:01:10Z,BTCUSDT,91240,0.1,,CRYPTO
                2026-11-20T00:02:10Z,BTCUSDT,91230.1,0.1,,CRYPTO
                2026-11-20T00:03:10Z,BTCUSDT,91250,0.1,,CRYPTO
                2026-11-20T00:04:59.999Z,BTCUSDT,91245.5,0.00000001,,CRYPTO
                2026-11-20T00:05:00Z,BTCUSDT,91200,0.1,,CRYPTO
                2026-11-20T00:05:01Z,BTCUSDT,91201,0.1,,CRYPTO
                2026-11-20T00:05:02Z,BTCUSDT,91202,0.1,,CRYPTO
                2026-11-20T00:05:03Z,BTCUSDT,91203,0.1,,CRYPTO
                2026-11-20T00:05:04Z,BTCUSDT,91204,0.1,,CRYPTO
                2026-11-20T00:05:05Z,BTCUSDT,91205,0.1,,CRYPTO
                2026-11-20T00:05:06Z,BTCUSDT,91206,0.1,,CRYPTO
                2026-11-20T00:05:07Z,BTCUSDT,91207,0.1,,CRYPTO
                2026-11-20T00:05:08Z,BTCUSDT,91208,0.1,,CRYPTO
                2026-11-20T00:05:09Z,BTCUSDT,91209,0.1,,CRYPTO
                2026-11-20T00:10:00Z,ETHUSDT,3000.25,1.5,1.5,
                2026-11-20T00:10:01Z,ETHUSDT,3000.5,0.25,1.75,
                2026-11-20T00:10:02Z,ETHUSDT,3000.5,0.25,1.75,
                """);
        Path out = dir.resolve("out");
        Backtest.Summary s = Backtest.run(List.of(ticks), ConditionSet.EMPTY, ModelConfig.DEFAULT, out);

        ObjectMapper json = new ObjectMapper();
        JsonNode summary = json.readTree(out.resolve("summary.json").toFile());
        assertEquals(18, summary.get("ticks_read").asLong());
        assertEquals(17, summary.get("ticks_accepted").asLong());
        assertEquals(0, summary.get("ticks_rejected").get("malformed").asLong());
        assertEquals(1, summary.get("ticks_rejected").get("duplicate").asLong(), "the repeated cum_volume 1.75");

        List<String> bars = Files.readAllLines(out.resolve("bars.jsonl")).stream().sorted().toList(); // by symbol, start
        assertEquals(3, bars.size());
        // by hand: 0.158 + 3 x 0.1 + 0.00000001; ten times 0.1 is exactly 1; 1.5 then 1.75 - 1.5
        assertEquals("{\"symbol\":\"BTCUSDT\",\"start\":\"2026-11-20T00:00:00Z\",\"open\":91234.5,\"high\":91250,"
                + "\"low\":91230.1,\"close\":91245.5,\"volume\":0.45800001,", prefix(bars.get(0)));
        assertEquals("{\"symbol\":\"BTCUSDT\",\"start\":\"2026-11-20T00:05:00Z\",\"open\":91200,\"high\":91209,"
                + "\"low\":91200,\"close\":91209,\"volume\":1,", prefix(bars.get(1)));
        assertEquals("{\"symbol\":\"ETHUSDT\",\"start\":\"2026-11-20T00:10:00Z\",\"open\":3000.25,\"high\":3000.5,"
                + "\"low\":3000.25,\"close\":3000.5,\"volume\":1.75,", prefix(bars.get(2)));
        assertEquals(3000.5 * 1.75, json.readTree(bars.get(2)).get("VALUE").asDouble(), 1e-9, "VALUE uses the decimal volume");
        assertEquals(3, s.bars());
    }

    /** The bar's own fields, up to and including the volume. */
    private static String prefix(String line) {
        int v = line.indexOf("\"volume\":");
        return line.substring(0, line.indexOf(',', v) + 1);
    }
}
