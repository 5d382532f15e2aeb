/**
 * Where hits go: {@link actors.sinks.HitSink} (the interface every sink implements), one class per
 * sink type ({@code LogSink}, {@code FileSink}; Telegram, webhooks, orders and the dashboard feed
 * next), what a sink is built with ({@link actors.sinks.SinkContext}) and the one registry of types
 * ({@link actors.sinks.SinkTypes}). A sink is configured as {@code tickwatch.sinks.<name>} with a
 * {@code type}. A sink's own helpers (a client for its service, pacing, a message formatter) sit next
 * to it here. What runs sinks (one actor each, retries, dedup by hit id) is {@code actors.HitRouter}
 * and {@code actors.SinkActor}, not here: nothing here depends on them.
 */
package actors.sinks;
