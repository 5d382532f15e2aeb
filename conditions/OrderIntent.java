package conditions;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What a condition's {@code "order"} block asks for when it hits: checked when the condition is
 * loaded ({@link #read}), carried on every {@link Hit} of the condition, and turned into an order
 * (or not: {@code tickwatch.orders.mode = off}) by the order sink.
 *
 * @param broker      {@code ls} (LS Securities, KRX spot) or {@code binance} (USD-M futures)
 * @param side        {@code buy} or {@code sell}
 * @param quantity    a fixed size (shares, contracts), or null when {@code amount} is given
 * @param amount      a value (KRW for ls, USDT for binance) converted at the bar close, or null
 * @param type        {@code market} or {@code limit} (at the bar close)
 * @param offsetTicks for a limit order: ticks more favourable to us than the close (a buy below it)
 * @param stopLoss    fraction of the entry price for a stop-loss (binance), or null
 * @param takeProfit  fraction of the entry price for a take-profit (binance), or null
 */
public record OrderIntent(String broker, String side, BigDecimal quantity, BigDecimal amount, String type,
                          @JsonProperty("offset_ticks") int offsetTicks,
                          @JsonProperty("stop_loss") Double stopLoss,
                          @JsonProperty("take_profit") Double takeProfit) {
    public static final String LS = "ls";
    public static final String BINANCE = "binance";
    public static final String BUY = "buy";
    public static final String SELL = "sell";
    public static final String MARKET = "market";
    public static final String LIMIT = "limit";
    /** Far enough for any sensible limit; a bigger number is a typo (a price, not ticks). */
    public static final int MAX_OFFSET_TICKS = 100;

    private static final List<String> KEYS =
            List.of("broker", "side", "quantity", "amount", "type", "offset_ticks", "stop_loss", "take_profit");

    public boolean buy() {
        return BUY.equals(side);
    }

    public boolean limit() {
        return LIMIT.equals(type);
    }

    /** The value that closes a position this order opens: +1 for a buy, -1 for a sell. */
    public int sign() {
        return buy() ? 1 : -1;
    }

    /**
     * Reads an {@code "order"} block; each problem goes to {@code problem(place, what)} with the place
     * inside the condition ({@code order.side}) and null comes back when there was any.
     */
    public static OrderIntent read(JsonNode node, BiConsumer<String, String> problem) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problem.accept("order", "must be an object like {\"broker\": \"ls\", \"side\": \"buy\", \"quantity\": 1}");
            return null;
        }
        int[] count = {0};
        BiConsumer<String, String> p = (where, what) -> {
            count[0]++;
            problem.accept("order." + where, what);
        };
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                p.accept(k, "unknown key; expected one of " + String.join(", ", KEYS));
            }
        }
        String broker = choice(node, "broker", Set.of(LS, BINANCE), null, p);
        String side = choice(node, "side", Set.of(BUY, SELL), null, p);
        String type = choice(node, "type", Set.of(MARKET, LIMIT), MARKET, p);
        BigDecimal quantity = positive(node, "quantity", p);
        BigDecimal amount = positive(node, "amount", p);
        if (node.has("quantity") == node.has("amount")) {
            p.accept("quantity", "give exactly one of \"quantity\" (a size) or \"amount\" (a value converted at the bar close)");
        }
        if (LS.equals(broker) && quantity != null && quantity.stripTrailingZeros().scale() > 0) {
            p.accept("quantity", quantity.toPlainString() + " is not a whole number of shares");
        }
        int offset = 0;
        JsonNode o = node.get("offset_ticks");
        if (o != null && !o.isNull()) {
            if (!o.canConvertToInt() || !o.isIntegralNumber() || Math.abs(o.asInt()) > MAX_OFFSET_TICKS) {
                p.accept("offset_ticks", o + " is not a whole number of ticks between -" + MAX_OFFSET_TICKS
                        + " and " + MAX_OFFSET_TICKS);
            } else if (!LIMIT.equals(type)) {
                p.accept("offset_ticks", "only a limit order has an offset (\"type\": \"limit\")");
            } else {
                offset = o.asInt();
            }
        }
        Double stopLoss = fraction(node, "stop_loss", p);
        Double takeProfit = fraction(node, "take_profit", p);
        if (LS.equals(broker) && (stopLoss != null || takeProfit != null)) {
            p.accept(stopLoss != null ? "stop_loss" : "take_profit",
                    "LS spot orders (CSPAT00601) carry no stop-loss or take-profit; only binance does");
        }
        if (count[0] > 0) {
            return null;
        }
        return new OrderIntent(broker, side, quantity, amount, type, offset, stopLoss, takeProfit);
    }

    private static String choice(JsonNode node, String key, Set<String> allowed, String dflt, BiConsumer<String, String> p) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                p.accept(key, "missing; one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
            return dflt;
        }
        if (!v.isTextual() || !allowed.contains(v.asText())) {
            p.accept(key, v + " is not one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
            return dflt;
        }
        return v.asText();
    }

    private static BigDecimal positive(JsonNode node, String key, BiConsumer<String, String> p) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.decimalValue().signum() <= 0) {
            p.accept(key, v + " is not a positive number");
            return null;
        }
        return v.decimalValue();
    }

    private static Double fraction(JsonNode node, String key, BiConsumer<String, String> p) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !(v.asDouble() > 0 && v.asDouble() < 1)) {
            p.accept(key, v + " is not a fraction of the entry price between 0 and 1 (0.02 is 2%)");
            return null;
        }
        return v.asDouble();
    }
}
