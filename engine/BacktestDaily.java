package engine;

import conditions.Bar;
import conditions.DailyBar;
import conditions.DailyContext;
import conditions.Hit;
import conditions.Market;
import conditions.ModelListener;
import conditions.SymbolState;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The daily context of a backtest: daily bars from the {@code --daily} file and the bars the model
 * closed on earlier days of the input, computed once per symbol and trading day with the same
 * {@link DailyContext#compute} the live node uses (whose inputs are the daily table and the bar
 * archive), so a backtest and a node fed the same ticks and days give the same hits.
 *
 * <p>It sits between the model and the output: every closed bar passes through {@link #onBarClosed}
 * (kept for the {@code 20D_} keys, then handed on); bars older than the last
 * {@link DailyContext#BAR_DAYS} trading days are let go as days pass.
 */
final class BacktestDaily implements ModelListener, DailyContext.Provider {
    private final Map<String, List<DailyBar>> days;
    private final ModelListener next;
    private final Map<String, List<Bar>> bars = new HashMap<>();

    BacktestDaily(Map<String, List<DailyBar>> days, ModelListener next) {
        this.days = days;
        this.next = next;
    }

    @Override
    public void onBarClosed(SymbolState symbol, long barStart, double[] values) {
        bars.computeIfAbsent(symbol.symbol(), s -> new ArrayList<>())
                .add(symbol.history().bar(symbol.history().count() - 1));
        next.onBarClosed(symbol, barStart, values);
    }

    @Override
    public void onHit(Hit hit) {
        next.onHit(hit);
    }

    @Override
    public DailyContext contextFor(SymbolState symbol, LocalDate day) {
        List<Bar> mine = bars.getOrDefault(symbol.symbol(), List.of());
        DailyContext c = DailyContext.compute(day, days.getOrDefault(symbol.symbol(), List.of()), mine, symbol.market());
        forgetBefore(mine, day, symbol.market());
        return c;
    }

    /** Drops a symbol's bars older than the last BAR_DAYS trading days before {@code day}: no later day reads them. */
    private static void forgetBefore(List<Bar> mine, LocalDate day, Market market) {
        long first = day.toEpochDay();
        int dates = 0;
        long last = Long.MAX_VALUE;
        for (int i = mine.size() - 1; i >= 0; i--) {
            long d = Math.floorDiv(mine.get(i).start() + market.offsetMillis(), 86_400_000L);
            if (d < first && d != last) {
                dates++;
                last = d;
                if (dates > DailyContext.BAR_DAYS) {
                    mine.subList(0, i + 1).clear();
                    return;
                }
            }
        }
    }
}
