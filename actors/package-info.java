/**
 * The actors of a node: the sharded ticker entity ({@code TickerEntity}: one per symbol, event
 * sourced), the ticker registry singleton ({@code TickerRegistry}: the durable set of watched tickers,
 * which also tells feed workers their tickers), the hit router and the actor that runs each sink
 * ({@code HitRouter}, {@code SinkActor}), the conditions each node evaluates and their sync across
 * nodes, and the settings these read ({@code TickerSettings}, {@code ConfigBlocks}).
 *
 * <p>Belongs here: a new command or reply of an actor, a new actor the entities or the router need.
 * A new sink goes in {@link actors.sinks}. Depends on {@code persistence} and {@code conditions},
 * never on {@code engine} (so no HTTP and no sources here).
 */
package actors;
