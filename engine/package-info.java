/**
 * What runs: the command line ({@code Main} and one class per command: {@code NodeCommand},
 * {@code Backtest}, {@code BenchCommand}...), the node's settings ({@code NodeSettings}), its start
 * ({@code NodeBootstrap}: one step per method) and the running node's API ({@code Node}: ingest,
 * tickers, conditions, hits, health), and the admin HTTP API ({@code AdminApi}, composing
 * {@link engine.http}).
 *
 * <p>Belongs here: a new CLI command (its own class, dispatched from {@code Main}), a new node
 * operation (a method on {@code Node} that asks the actors), a start step (a method of
 * {@code NodeBootstrap}). A new source goes in {@link engine.sources}, a new route in
 * {@link engine.http}. May use every other package; nothing uses it.
 */
package engine;
