package persistence;

import conditions.Hit;
import conditions.Market;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hit as stored and routed: {@link Hit} with the market by name.
 *
 * @param condition the condition's name
 * @param symbol    the symbol
 * @param barStart  start of the bar it matched (epoch millis)
 * @param market    {@link Market#name()}
 * @param values    every field the condition read, by name, in the condition's order
 * @param sinks     where it goes, by sink name
 * @param close     the bar's close when it matched; null in hits stored before orders (read as NaN)
 * @param barEnd    when the bar ends (epoch millis); null in hits stored before orders (read as the
 *                  bar's start, which is old enough that such a hit never trades)
 * @param order     the condition's order block, or null
 */
public record StoredHit(String condition, String symbol, long barStart, String market,
                        Map<String, Double> values, List<String> sinks,
                        Double close, Long barEnd, conditions.OrderIntent order) {

    public StoredHit(String condition, String symbol, long barStart, String market,
                     Map<String, Double> values, List<String> sinks) {
        this(condition, symbol, barStart, market, values, sinks, null, null, null);
    }

    public StoredHit {
        values = values == null ? Map.of() : new LinkedHashMap<>(values);
        sinks = sinks == null ? List.of() : List.copyOf(sinks);
    }

    public static StoredHit of(Hit h) {
        return new StoredHit(h.condition(), h.symbol(), h.barStart(), h.market().name(), h.values(), h.sinks(),
                Double.isNaN(h.close()) ? null : h.close(), h.barEnd(), h.order());
    }

    public Hit toHit() {
        return new Hit(condition, symbol, barStart, Market.valueOf(market), values, sinks,
                close == null ? Double.NaN : close, barEnd == null ? barStart : barEnd, order);
    }

    /** The same identity as {@link Hit#id()}: symbol/condition/barStart. */
    public String id() {
        return symbol + "/" + condition + "/" + barStart;
    }
}
