package persistence.daily;

import conditions.Bar;
import conditions.DailyBar;
import conditions.DailyContext;
import conditions.Market;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import persistence.bars.BarArchive;

/**
 * A live ticker's daily context for a trading day, from what the node stores: the last
 * {@link DailyContext#DAYS} completed days of the daily table and the archive's 5-minute bars of the
 * weeks before the day (the context itself picks the last {@link DailyContext#BAR_DAYS} trading
 * days of them). Runs on the executor given (a blocking one), never on the caller's thread.
 */
public final class DailyContextLoader {
    /** Calendar days of archived bars read before the day: 20 trading days with holidays and weekends. */
    static final int CALENDAR_DAYS = 45;
    /** Archived bars read at most (20 days of 24-hour 5-minute bars is 5,760). */
    static final int MAX_BARS = 10_000;

    private final DailyStore days;
    private final BarArchive bars;
    private final Executor executor;

    public DailyContextLoader(DailyStore days, BarArchive bars, Executor executor) {
        this.days = days;
        this.bars = bars;
        this.executor = executor;
    }

    public CompletionStage<DailyContext> forDay(String symbol, Market market, LocalDate day) {
        return CompletableFuture.supplyAsync(() -> compute(symbol, market, day), executor);
    }

    /** The same computation, on the calling thread. */
    public DailyContext compute(String symbol, Market market, LocalDate day) {
        List<DailyBar> completed = days.before(symbol, day, DailyContext.DAYS);
        long dayStart = day.toEpochDay() * 86_400_000L - market.offsetMillis();
        List<Bar> earlier = bars.range(symbol, dayStart - CALENDAR_DAYS * 86_400_000L, dayStart, MAX_BARS);
        return DailyContext.compute(day, completed, earlier, market);
    }
}
