package actors.sinks.orders;

import com.typesafe.config.Config;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import persistence.OrderBook;

/**
 * The risk limits an order must pass before anything leaves, in the broker's currency (KRW for
 * ls, USDT for binance): {@code tickwatch.orders.limits}, overridden key by key by
 * {@code tickwatch.orders.<broker>.limits}. Each refusal names the limit, its value and the figure
 * that broke it; the sink stores it as the order's reason.
 *
 * @param maxOrderValue             quantity x price of one order
 * @param maxOrdersPerDay           orders placed per trading day (refusals do not count)
 * @param maxOrdersPerSymbolPerDay  of them, per symbol
 * @param maxPositionValue          a symbol's position after the order, at the order's price
 * @param maxTotalPositionValue     every position of the broker after the order
 * @param maxDailyLoss              realised loss of the trading day (a positive number) at which no order is placed
 */
public record Limits(BigDecimal maxOrderValue, int maxOrdersPerDay, int maxOrdersPerSymbolPerDay,
                     BigDecimal maxPositionValue, BigDecimal maxTotalPositionValue, BigDecimal maxDailyLoss) {

    public static Limits from(Config c) {
        return new Limits(new BigDecimal(c.getNumber("max-order-value").toString()),
                c.getInt("max-orders-per-day"), c.getInt("max-orders-per-symbol-per-day"),
                new BigDecimal(c.getNumber("max-position-value").toString()),
                new BigDecimal(c.getNumber("max-total-position-value").toString()),
                new BigDecimal(c.getNumber("max-daily-loss").toString()));
    }

    /**
     * Why {@code order} must not be placed, or empty.
     *
     * @param day       the broker's figures of the order's trading day
     * @param positions the broker's positions now
     */
    public Optional<String> refuse(OrderBook.Order order, OrderBook.DayFigures day, List<OrderBook.Position> positions) {
        BigDecimal value = order.value();
        if (value.compareTo(maxOrderValue) > 0) {
            return why("max-order-value", maxOrderValue, "this order is worth " + plain(value));
        }
        if (day.orders() >= maxOrdersPerDay) {
            return why("max-orders-per-day", BigDecimal.valueOf(maxOrdersPerDay), day.orders() + " placed today");
        }
        if (day.ordersOfSymbol() >= maxOrdersPerSymbolPerDay) {
            return why("max-orders-per-symbol-per-day", BigDecimal.valueOf(maxOrdersPerSymbolPerDay),
                    day.ordersOfSymbol() + " placed on " + order.symbol() + " today");
        }
        if (day.realised().negate().compareTo(maxDailyLoss) >= 0) {
            return why("max-daily-loss", maxDailyLoss, "today's realised loss is " + plain(day.realised().negate()));
        }
        BigDecimal signed = "buy".equals(order.side()) ? order.quantity() : order.quantity().negate();
        BigDecimal total = BigDecimal.ZERO;
        BigDecimal mine = signed.abs().multiply(order.price());
        for (OrderBook.Position p : positions) {
            BigDecimal price = p.lastPrice() != null ? p.lastPrice() : p.averagePrice();
            if (p.symbol().equals(order.symbol())) {
                mine = p.quantity().add(signed).abs().multiply(order.price());
                total = total.add(mine);
            } else {
                total = total.add(p.quantity().abs().multiply(price));
            }
        }
        if (positions.stream().noneMatch(p -> p.symbol().equals(order.symbol()))) {
            total = total.add(mine);
        }
        if (mine.compareTo(maxPositionValue) > 0) {
            return why("max-position-value", maxPositionValue, order.symbol() + " would be worth " + plain(mine));
        }
        if (total.compareTo(maxTotalPositionValue) > 0) {
            return why("max-total-position-value", maxTotalPositionValue, "positions would be worth " + plain(total));
        }
        return Optional.empty();
    }

    private static Optional<String> why(String limit, BigDecimal value, String figure) {
        return Optional.of(limit + " " + plain(value) + ": " + figure);
    }

    static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }
}
