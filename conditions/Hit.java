package conditions;

import java.util.List;
import java.util.Map;

/**
 * A condition that matched a symbol's bar.
 *
 * @param condition the condition's name
 * @param symbol    the symbol
 * @param barStart  start of the bar it matched on (epoch millis)
 * @param market    the symbol's market (for printing the bar time in local time)
 * @param values    every field the condition read, by name, at that bar
 * @param sinks     where the condition wants its hits to go
 * @param close     the bar's close when it matched (what an order's amount and limit price start
 *                  from); NaN when not known (a hit read back from a file, or stored before orders)
 * @param barEnd    when the bar ends (epoch millis; the bar's start plus the interval): an order is
 *                  only placed for a hit whose bar ended recently, so a replay never trades
 * @param order     the condition's {@code "order"} block, or null
 */
public record Hit(String condition, String symbol, long barStart, Market market,
                  Map<String, Double> values, List<String> sinks,
                  double close, long barEnd, OrderIntent order) {

    /** A hit without a close, bar end or order (alerts read back, tests). */
    public Hit(String condition, String symbol, long barStart, Market market,
               Map<String, Double> values, List<String> sinks) {
        this(condition, symbol, barStart, market, values, sinks, Double.NaN, barStart, null);
    }

    /** Stable identity: the same hit found again (replay, restart) has the same id. */
    public String id() {
        return symbol + "/" + condition + "/" + barStart;
    }
}
