package persistence;

import com.fasterxml.jackson.databind.JsonNode;
import conditions.Market;
import conditions.Tick;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

/**
 * A tick as one JSON object, the shape of a tick file's JSON line and of {@code POST /api/ticks}:
 * {@code time} (ISO-8601 with offset, or epoch milliseconds), {@code symbol}, {@code price},
 * {@code volume}, optional {@code cum_volume} and {@code market}.
 */
public final class TickJson {
    private static final Set<String> KEYS = Set.of("time", "symbol", "price", "volume", "cum_volume", "market");

    private TickJson() {
    }

    /** The tick, or an {@link IllegalArgumentException} whose message says what is wrong. */
    public static Tick parse(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a tick is a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown key \"" + k + "\"; a tick has time, symbol, price, volume, cum_volume, market");
            }
        }
        long time = time(n.get("time"));
        JsonNode symbol = n.get("symbol");
        if (symbol == null || !symbol.isTextual()) {
            throw new IllegalArgumentException("\"symbol\" must be a string");
        }
        double price = number(n.get("price"), "price");
        long volume = whole(n.get("volume"), "volume");
        JsonNode cumNode = n.get("cum_volume");
        long cum = cumNode == null || cumNode.isNull() ? Tick.NO_CUM : whole(cumNode, "cum_volume");
        if (cumNode != null && !cumNode.isNull() && cum < 0) {
            throw new IllegalArgumentException("\"cum_volume\" must not be negative");
        }
        JsonNode marketNode = n.get("market");
        Market market = null;
        if (marketNode != null && !marketNode.isNull() && !marketNode.asText().isEmpty()) {
            if (!marketNode.isTextual()) {
                throw new IllegalArgumentException("\"market\" must be \"KRX\" or \"CRYPTO\"");
            }
            market = Market.parse(marketNode.asText());
        }
        Tick t = new Tick(symbol.asText(), time, price, volume, cum, market);
        String problem = t.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return t;
    }

    private static long time(JsonNode n) {
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("\"time\" is missing");
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException("\"time\" must be ISO-8601 with an offset or epoch milliseconds");
        }
        try {
            return OffsetDateTime.parse(n.asText()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("\"time\" \"" + n.asText() + "\" is not ISO-8601 with an offset, e.g. 2026-11-20T09:00:03.120+09:00");
        }
    }

    private static double number(JsonNode n, String key) {
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("\"" + key + "\" must be a number");
        }
        return n.asDouble();
    }

    private static long whole(JsonNode n, String key) {
        if (n == null || !n.isIntegralNumber() && !(n.isNumber() && n.asDouble() == Math.rint(n.asDouble()))) {
            throw new IllegalArgumentException("\"" + key + "\" must be a whole number");
        }
        return n.asLong();
    }
}
