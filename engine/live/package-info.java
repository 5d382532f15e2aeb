/**
 * The dashboard's live stream on this node: {@link engine.live.LiveHub} gathers the cluster's live
 * events ({@code actors.LiveEvent}, carried by {@code actors.LiveFeed}'s topic), numbers them,
 * keeps the replay buffer and feeds each SSE client ({@code engine.http.EventRoutes}). Layer: engine.
 */
package engine.live;
