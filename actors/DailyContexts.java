package actors;

import conditions.DailyContext;
import conditions.Market;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Computes a ticker's daily context for a trading day, off the entity's thread (it reads the daily
 * table and the bar archive): the entity asks once per trading day, at its first batch of that day,
 * and pipes the answer to itself, so it never blocks.
 */
@FunctionalInterface
public interface DailyContexts {
    /** No daily context: every daily key absent (tests, tools). */
    DailyContexts NONE = (symbol, market, day) -> CompletableFuture.completedFuture(null);

    /** The context of {@code symbol} for {@code day}; {@code null} when there is none. */
    CompletionStage<DailyContext> forDay(String symbol, Market market, LocalDate day);
}
