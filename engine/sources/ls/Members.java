package engine.sources.ls;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A stock's latest member (broker) flow from a {@code K1_}/{@code OK_} frame: the day's top five
 * selling and buying members with their volumes, and the foreign members' totals; as {@code members}
 * in {@code GET /api/tickers/{symbol}} and one line of {@code <source>-members.csv.gz} ({@link #HEADER}).
 *
 * @param time when it was received (the frame carries no time)
 * @param sell the top sellers, largest first ({@code offerno}, {@code offertrad}, {@code tradmdvol})
 * @param buy  the top buyers ({@code bidno}, {@code bidtrad}, {@code tradmsvol})
 */
public record Members(String time, List<Member> sell, List<Member> buy,
                      @JsonProperty("foreign_sell_volume") long foreignSellVolume,
                      @JsonProperty("foreign_buy_volume") long foreignBuyVolume) {

    /** One member: its number, its name as LS sends it, and the day's volume. */
    public record Member(String no, String name, long volume) {
    }

    static final int TOP = 5;
    public static final String HEADER = header();

    private static String header() {
        StringBuilder b = new StringBuilder("time,symbol");
        for (String side : List.of("sell", "buy")) {
            for (int i = 1; i <= TOP; i++) {
                b.append(',').append(side).append("_no_").append(i).append(',').append(side).append("_name_").append(i)
                        .append(',').append(side).append("_volume_").append(i);
            }
        }
        return b.append(",foreign_sell_volume,foreign_buy_volume").toString();
    }

    /**
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    static Members parse(JsonNode body, Instant received) {
        TradeTicks.text(body, "offerno1"); // a member frame without its first seller is not one
        List<Member> sell = new ArrayList<>();
        List<Member> buy = new ArrayList<>();
        for (int i = 1; i <= TOP; i++) {
            member(body, "offerno" + i, "offertrad" + i, "tradmdvol" + i, sell);
            member(body, "bidno" + i, "bidtrad" + i, "tradmsvol" + i, buy);
        }
        return new Members(Quotes.iso(received), List.copyOf(sell), List.copyOf(buy), Quotes.size(body, "ftradmdvol"),
                Quotes.size(body, "ftradmsvol"));
    }

    private static void member(JsonNode body, String no, String name, String volume, List<Member> into) {
        String n = body.path(no).asText("").trim();
        if (n.isEmpty() || n.chars().allMatch(c -> c == '0')) {
            return; // fewer than five members traded
        }
        into.add(new Member(n, body.path(name).asText("").trim(), Quotes.size(body, volume)));
    }

    /** Its line in the members file (see {@link #HEADER}); names are quoted when they hold a comma or a quote. */
    String csv(String symbol) {
        StringBuilder b = new StringBuilder(256).append(time).append(',').append(symbol);
        for (List<Member> side : List.of(sell, buy)) {
            for (int i = 0; i < TOP; i++) {
                if (i < side.size()) {
                    Member m = side.get(i);
                    b.append(',').append(quote(m.no())).append(',').append(quote(m.name())).append(',').append(m.volume());
                } else {
                    b.append(",,,");
                }
            }
        }
        return b.append(',').append(foreignSellVolume).append(',').append(foreignBuyVolume).toString();
    }

    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
