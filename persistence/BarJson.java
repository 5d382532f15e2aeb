package persistence;

import conditions.Field;
import conditions.Market;
import conditions.Volume;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one written shape of a closed bar: a line of {@code backtest}'s {@code bars.jsonl} and an
 * element of {@code GET /api/tickers/{symbol}/bars}. Keys: {@code symbol}, {@code start} (ISO-8601
 * with the market's offset), {@code open}, {@code high}, {@code low}, {@code close}, {@code volume},
 * then every ready indicator by name; an indicator that is not ready is left out.
 */
public final class BarJson {
    private static final Field[] INDICATORS = Field.indicators().toArray(new Field[0]);

    private BarJson() {
    }

    /**
     * An exchange time as ISO-8601 in the market's offset, e.g. {@code 2026-11-20T09:05:00+09:00}
     * (milliseconds only when not zero). Plain arithmetic: this runs once per bar written.
     */
    public static String time(long epochMillis, Market market) {
        StringBuilder sb = new StringBuilder(29);
        appendTime(sb, epochMillis, market);
        return sb.toString();
    }

    static void appendTime(StringBuilder sb, long epochMillis, Market market) {
        long local = epochMillis + market.offsetMillis();
        long days = Math.floorDiv(local, 86_400_000L);
        long ms = local - days * 86_400_000L;
        // civil-from-days (H. Hinnant), valid for the proleptic Gregorian calendar
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        sb.append(y).append('-');
        two(sb, m);
        sb.append('-');
        two(sb, d);
        sb.append('T');
        two(sb, ms / 3_600_000);
        sb.append(':');
        two(sb, ms / 60_000 % 60);
        sb.append(':');
        two(sb, ms / 1000 % 60);
        long millis = ms % 1000;
        if (millis != 0) {
            sb.append('.').append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
                    .append((char) ('0' + millis % 10));
        }
        sb.append(market.offsetMillis() == 0 ? "Z" : market.offset().getId());
    }

    private static void two(StringBuilder sb, long v) {
        sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    /**
     * The bar as one JSON object on one line, without the newline. {@code values} are the bar's
     * fields and indicators by {@link Field#ordinal()}; the volume is written from its exact decimal.
     */
    public static String line(String symbol, Market market, long start, double[] values, long volumeUnits,
                              int volumeFraction) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("{\"symbol\":");
        Json.string(sb, symbol);
        sb.append(",\"start\":\"");
        appendTime(sb, start, market);
        sb.append('"');
        number(sb, "open", values[Field.OPEN.ordinal()]);
        number(sb, "high", values[Field.HIGH.ordinal()]);
        number(sb, "low", values[Field.LOW.ordinal()]);
        number(sb, "close", values[Field.CLOSE.ordinal()]);
        sb.append(",\"volume\":");
        Json.volume(sb, volumeUnits, volumeFraction);
        for (Field f : INDICATORS) {
            double v = values[f.ordinal()];
            if (!Double.isNaN(v)) {
                number(sb, f.name(), v);
            }
        }
        return sb.append('}').toString();
    }

    /**
     * The same shape as an ordered map, for Jackson. Numbers are {@code Long} when whole, else
     * {@code Double}; the volume is exact (see {@link Json#volumeValue}).
     */
    public static Map<String, Object> map(String symbol, Market market, long start, double[] values, Volume volume) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("symbol", symbol);
        m.put("start", time(start, market));
        m.put("open", Json.numberValue(values[Field.OPEN.ordinal()]));
        m.put("high", Json.numberValue(values[Field.HIGH.ordinal()]));
        m.put("low", Json.numberValue(values[Field.LOW.ordinal()]));
        m.put("close", Json.numberValue(values[Field.CLOSE.ordinal()]));
        m.put("volume", Json.volumeValue(volume));
        for (Field f : INDICATORS) {
            double v = values[f.ordinal()];
            if (!Double.isNaN(v)) {
                m.put(f.name(), Json.numberValue(v));
            }
        }
        return m;
    }

    private static void number(StringBuilder sb, String key, double v) {
        sb.append(",\"").append(key).append("\":");
        Json.number(sb, v);
    }
}
