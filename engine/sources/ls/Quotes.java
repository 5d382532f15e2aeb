package engine.sources.ls;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A ticker's latest order book from a quotes frame ({@code H1_}/{@code HA_}: 10 levels;
 * {@code FH0}/{@code OH0}/{@code OVH}: 5), as {@code quotes} in {@code GET /api/tickers/{symbol}} shows it
 * and as one line of {@code <source>-quotes.csv.gz} ({@link #HEADER}). Empty levels (LS sends
 * {@code "0"}) are left out.
 *
 * @param time         when it was received (LS quotes carry a time of day only)
 * @param exchangeTime the frame's {@code hotime}, as sent, or null
 * @param asks         sell side, best (lowest) first
 * @param bids         buy side, best (highest) first
 */
public record Quotes(String time, @JsonProperty("exchange_time") String exchangeTime,
                     @JsonProperty("best_bid") Level bestBid, @JsonProperty("best_ask") Level bestAsk,
                     List<Level> asks, List<Level> bids,
                     @JsonProperty("total_ask_size") long totalAskSize,
                     @JsonProperty("total_bid_size") long totalBidSize) {

    /** One price level: price and the size resting there. */
    public record Level(double price, long size) {
    }

    /** The most levels a quotes frame carries (stocks). */
    static final int MAX_LEVELS = 10;
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    private static final String[] OFFERHO = names("offerho");
    private static final String[] OFFERREM = names("offerrem");
    private static final String[] BIDHO = names("bidho");
    private static final String[] BIDREM = names("bidrem");

    private static String[] names(String prefix) {
        String[] n = new String[MAX_LEVELS];
        for (int i = 0; i < MAX_LEVELS; i++) {
            n[i] = prefix + (i + 1);
        }
        return n;
    }

    /** The quotes file's header: ten levels a side, empty where a frame has fewer. */
    public static final String HEADER = header();

    private static String header() {
        StringBuilder b = new StringBuilder("time,symbol,exchange_time,total_ask_size,total_bid_size");
        for (int i = 1; i <= MAX_LEVELS; i++) {
            b.append(",ask_price_").append(i).append(",ask_size_").append(i)
                    .append(",bid_price_").append(i).append(",bid_size_").append(i);
        }
        return b.toString();
    }

    /**
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    static Quotes parse(Instrument inst, JsonNode body, Instant received) {
        return parse(inst, body, iso(received));
    }

    /** {@link #parse(Instrument, JsonNode, Instant)} with the receiving time already formatted ({@link #iso}). */
    static Quotes parse(Instrument inst, JsonNode body, String received) {
        int levels = inst.stock() ? MAX_LEVELS : 5;
        List<Level> asks = new ArrayList<>(levels);
        List<Level> bids = new ArrayList<>(levels);
        TradeTicks.text(body, "offerho1"); // a quotes frame without its first level is not one
        TradeTicks.text(body, "bidho1");
        for (int i = 0; i < levels && body.has(OFFERHO[i]); i++) { // field names made once, not per frame
            level(body, OFFERHO[i], OFFERREM[i], asks);
            level(body, BIDHO[i], BIDREM[i], bids);
        }
        String hotime = body.path("hotime").asText("").trim();
        return new Quotes(received, hotime.isEmpty() ? null : hotime, bids.isEmpty() ? null : bids.get(0),
                asks.isEmpty() ? null : asks.get(0), List.copyOf(asks), List.copyOf(bids), size(body, "totofferrem"),
                size(body, "totbidrem"));
    }

    private static void level(JsonNode body, String price, String size, List<Level> into) {
        double p = TradeTicks.number(body, price);
        long s = size(body, size);
        if (p != 0) {
            into.add(new Level(p, s));
        }
    }

    /** A size that may be absent or blank (0 then). */
    static long size(JsonNode body, String field) {
        String s = body.path(field).asText("").replace(",", "").trim();
        return s.isEmpty() ? 0 : TradeTicks.whole(body, field);
    }

    static String iso(Instant t) {
        return TIME.format(OffsetDateTime.ofInstant(t, TradeTicks.SEOUL));
    }

    /** Its line in the quotes file (see {@link #HEADER}). */
    String csv(String symbol) {
        StringBuilder b = new StringBuilder(256).append(time).append(',').append(symbol).append(',')
                .append(exchangeTime == null ? "" : exchangeTime).append(',').append(totalAskSize).append(',')
                .append(totalBidSize);
        for (int i = 0; i < MAX_LEVELS; i++) {
            cell(b, i < asks.size() ? asks.get(i) : null);
            cell(b, i < bids.size() ? bids.get(i) : null);
        }
        return b.toString();
    }

    private static void cell(StringBuilder b, Level l) {
        if (l == null) {
            b.append(",,");
        } else {
            b.append(',').append(decimal(l.price())).append(',').append(l.size());
        }
    }

    static String decimal(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
