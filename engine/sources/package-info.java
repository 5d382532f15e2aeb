/**
 * Where ticks come from: {@link engine.sources.Source} (the interface), one class per source type
 * ({@link engine.sources.PushSource}; the Naver crawler in {@code engine.sources.naver}; the LS and Binance websockets and replay
 * next, each with its parser of the outside format next to it), what a source is built with
 * ({@link engine.sources.SourceContext}), the one registry of types ({@link engine.sources.SourceTypes}),
 * and placement: which node feeds which ticker ({@link engine.sources.SourcePlacement},
 * {@link engine.sources.FeedWorker}, {@link engine.sources.SourceHost}).
 *
 * <p>A source is configured as {@code tickwatch.sources.<name>} with a {@code type}; every node builds
 * one instance of it and is told which tickers to watch there. A new source type is a class here and
 * one line in {@code SourceTypes.builtIn()}; nothing else changes.
 */
package engine.sources;
