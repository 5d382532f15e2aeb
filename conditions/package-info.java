/**
 * The market model, deterministic and plain Java: ticks ({@code Tick}), markets and sessions
 * ({@code Market}), bar aggregation and indicators ({@code SymbolState}, {@code BarHistory}), the
 * JSON condition language ({@code ConditionParser}, {@code Clause}, {@code Condition}) and its
 * evaluation ({@code MarketModel}, {@code HitGates}). The live node and {@code backtest} run exactly
 * this code, so they agree.
 *
 * <p>Belongs here: a new indicator or bar field (with its reference test), a new condition operator,
 * a market rule. Does not: anything with Pekko, threads, files, sockets, JDBC or logging
 * ({@code engine.LayeringTest} fails the build), and no parsing of outside formats (that is
 * {@code persistence} for files, the source next to its feed for wire formats).
 */
package conditions;
