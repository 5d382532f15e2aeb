package persistence;

import conditions.Hit;
import java.util.Map;

/**
 * The one written shape of a hit: a line of {@code backtest}'s {@code hits.jsonl}. Keys:
 * {@code condition}, {@code symbol}, {@code bar} (the bar's start, ISO-8601 with the market's
 * offset), {@code values} (every field the condition read), {@code id}.
 */
public final class HitJson {
    private HitJson() {
    }

    public static String line(Hit hit) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"id\":");
        Json.string(sb, hit.id());
        sb.append(",\"condition\":");
        Json.string(sb, hit.condition());
        sb.append(",\"symbol\":");
        Json.string(sb, hit.symbol());
        sb.append(",\"bar\":\"").append(BarJson.time(hit.barStart(), hit.market())).append("\",\"values\":");
        values(sb, hit.values());
        return sb.append('}').toString();
    }

    /** A hit's values as one JSON object, in their order: {@code {"RSI14":28.5,"CLOSE":70100}}. */
    public static void values(StringBuilder sb, Map<String, Double> values) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            Json.string(sb, e.getKey());
            sb.append(':');
            Json.number(sb, e.getValue());
        }
        sb.append('}');
    }
}
