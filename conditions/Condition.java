package conditions;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One compiled condition: immutable, built by {@link ConditionParser}.
 *
 * <p>Readiness is checked here, once, over the fields the clause tree reads: a condition whose
 * inputs are not all ready is false, whatever {@code not} or {@code any} would make of a NaN.
 */
public final class Condition {
    public static final List<String> DEFAULT_SINKS = List.of("log");

    private final String name;
    private final Set<String> symbols;
    private final Clause when;
    private final long cooldownMillis;
    private final List<String> sinks;
    private final boolean onUpdate;
    private final String form;
    private final JsonNode source;
    private final boolean chart;
    private final OrderIntent order;
    private final int[] inputs;
    private final int[] previousInputs; // fields read on the bar before (by crosses)
    private final int[] dailyInputs; // daily context keys read

    Condition(String name, Set<String> symbols, Clause when, long cooldownMillis, List<String> sinks,
              boolean onUpdate, String form, JsonNode source) {
        this(name, symbols, when, cooldownMillis, sinks, onUpdate, form, source, false, null);
    }

    Condition(String name, Set<String> symbols, Clause when, long cooldownMillis, List<String> sinks,
              boolean onUpdate, String form, JsonNode source, boolean chart, OrderIntent order) {
        this.name = name;
        this.order = order;
        this.chart = chart;
        this.symbols = Set.copyOf(symbols);
        this.when = when;
        this.cooldownMillis = cooldownMillis;
        this.sinks = List.copyOf(sinks);
        this.onUpdate = onUpdate;
        this.form = form;
        this.source = source;
        Set<Field> fields = EnumSet.noneOf(Field.class);
        Set<DailyKey> keys = EnumSet.noneOf(DailyKey.class);
        when.inputs(fields, keys);
        this.inputs = fields.stream().mapToInt(Enum::ordinal).toArray();
        this.dailyInputs = keys.stream().mapToInt(Enum::ordinal).toArray();
        Set<Field> previous = EnumSet.noneOf(Field.class);
        when.previousInputs(previous);
        this.previousInputs = previous.stream().mapToInt(Enum::ordinal).toArray();
    }

    /** Unique name; hits carry it. */
    public String name() {
        return name;
    }

    /** The symbols it applies to; empty means every symbol. */
    public Set<String> symbols() {
        return symbols;
    }

    /** After a hit, no further hit on that symbol until a bar starting this much later. */
    public long cooldownMillis() {
        return cooldownMillis;
    }

    /** Where its hits go, by sink name. */
    public List<String> sinks() {
        return sinks;
    }

    /** Checked on every update of the forming bar, not only when a bar closes. */
    public boolean onUpdate() {
        return onUpdate;
    }

    /** {@code native} or {@code jazzstock}. */
    public String form() {
        return form;
    }

    /** Its alerts carry a chart of the last bars where a sink can draw one ({@code "chart": true}). */
    public boolean chart() {
        return chart;
    }

    /** What its hits ask the order sink to trade ({@code "order"}), or null. */
    public OrderIntent order() {
        return order;
    }

    /** The JSON it was written as. */
    public JsonNode source() {
        return source;
    }

    public boolean appliesTo(String symbol) {
        return symbols.isEmpty() || symbols.contains(symbol);
    }

    /** Whether the condition holds on {@code now}, given {@code before} (the bar before it), without daily context. */
    public boolean test(double[] now, double[] before) {
        return test(now, before, DailyContext.ABSENT);
    }

    /** Whether it reads any daily context key. */
    public boolean readsDailyKeys() {
        return dailyInputs.length > 0;
    }

    /**
     * Whether the condition holds on {@code now}, given {@code before} (the bar before it) and
     * {@code daily}, the daily context keys of {@code now}'s trading day by {@link DailyKey#ordinal()}.
     */
    public boolean test(double[] now, double[] before, double[] daily) {
        for (int i : inputs) {
            if (Double.isNaN(now[i])) {
                return false;
            }
        }
        for (int i : previousInputs) {
            if (Double.isNaN(before[i])) {
                return false;
            }
        }
        for (int i : dailyInputs) {
            if (Double.isNaN(daily[i])) {
                return false;
            }
        }
        return when.test(now, before, daily);
    }

    /** The values it read, by field name. */
    public Map<String, Double> read(double[] now) {
        return read(now, DailyContext.ABSENT);
    }

    /** The values it read, fields by name and then daily keys by key. */
    public Map<String, Double> read(double[] now, double[] daily) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i : inputs) {
            out.put(Field.at(i).name(), now[i]);
        }
        for (int i : dailyInputs) {
            out.put(DailyKey.at(i).key(), daily[i]);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Condition[" + name + ", " + form + "]";
    }
}
