package conditions;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Many symbols fed from one thread: what {@code backtest} and the model benchmark run. The live
 * node uses {@link SymbolState} directly, one per actor, so both build the same bars.
 */
public final class MarketModel {
    private final ModelConfig config;
    private final ModelListener listener;
    private final Map<String, SymbolState> symbols = new HashMap<>();
    private final long[] outcomes = new long[TickOutcome.values().length];
    private ConditionSet conditions;
    private DailyContext.Provider dailyProvider;

    public MarketModel(ModelConfig config, ConditionSet conditions, ModelListener listener) {
        this.config = config;
        this.conditions = conditions;
        this.listener = listener;
    }

    public TickOutcome onTick(Tick tick) {
        SymbolState s = symbols.get(tick.symbol());
        if (s == null) {
            s = new SymbolState(tick.symbol(), tick.market(), config);
            s.dailyProvider(dailyProvider);
            symbols.put(tick.symbol(), s);
        }
        TickOutcome o = s.offer(tick, conditions, listener);
        outcomes[o.ordinal()]++;
        return o;
    }

    /** Closes every forming bar: the end of the input. */
    public void closeAll() {
        for (SymbolState s : symbols.values()) {
            s.closeForming(conditions, listener);
        }
    }

    /** Where each symbol's daily context keys come from (the backtest's {@code --daily}); set before the first tick. */
    public void dailyProvider(DailyContext.Provider provider) {
        this.dailyProvider = provider;
    }

    public void setConditions(ConditionSet conditions) {
        this.conditions = conditions;
    }

    public long count(TickOutcome outcome) {
        return outcomes[outcome.ordinal()];
    }

    public Collection<SymbolState> symbols() {
        return symbols.values();
    }

    public SymbolState symbol(String symbol) {
        return symbols.get(symbol);
    }
}
