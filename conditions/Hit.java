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
 */
public record Hit(String condition, String symbol, long barStart, Market market,
                  Map<String, Double> values, List<String> sinks) {

    /** Stable identity: the same hit found again (replay, restart) has the same id. */
    public String id() {
        return symbol + "/" + condition + "/" + barStart;
    }
}
