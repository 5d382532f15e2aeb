/**
 * The orders sink: hits whose condition has an {@code "order"} block become orders, at most one per
 * hit, checked against the limits before anything leaves ({@code OrderSink}), sent through a
 * {@code Broker} (LS Securities, Binance USD-M, or the paper simulation). The book of orders and
 * positions is {@code persistence.OrderBook}. Belongs here: a new broker, a new check. Does not:
 * HTTP routes ({@code engine.http.OrderRoutes}), the order block's grammar ({@code conditions.OrderIntent}).
 */
package actors.sinks.orders;
