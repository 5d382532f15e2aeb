/**
 * Where hits go: {@link actors.sinks.HitSink} (the interface every sink implements) and
 * {@link actors.sinks.QueuedSink} (a sink that sends over the network: one attempt per call, with
 * its {@link actors.sinks.SendResult}), one class per sink type ({@code LogSink}, {@code FileSink},
 * {@code WebhookSink} with its body and signature; Telegram, orders and the dashboard feed next),
 * what a sink is built with ({@link actors.sinks.SinkContext}, {@link actors.sinks.SinkSettings}),
 * its health ({@link actors.sinks.SinkStatus}, {@link actors.sinks.SinkHealth}) and the one
 * registry of types ({@link actors.sinks.SinkTypes}). A sink is configured as
 * {@code tickwatch.sinks.<name>} with a {@code type}. A sink's own helpers (a client for its
 * service, pacing, a message formatter) sit next to it here. What runs sinks (one actor each: the
 * queue, retries, the delivery ledger, dedup by hit id) is {@code actors.HitRouter},
 * {@code actors.SinkActor} and {@code actors.SinkQueue}, not here: nothing here depends on them.
 */
package actors.sinks;
