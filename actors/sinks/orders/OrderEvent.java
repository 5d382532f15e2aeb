package actors.sinks.orders;

import actors.AdminMessage;
import actors.LiveEvent;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import persistence.OrderBook;

/**
 * An order's result (placed, filled, rejected, refused, unknown, a bracket's fate), published on the
 * event stream: a flat record of strings and numbers that the dashboard's event feed can write as it
 * is (the dashboard's stream carries it as {@code order}), and whose {@link #adminText} the
 * telegram sink's admin chat gets.
 */
public record OrderEvent(String sink, String id, String hit, String symbol, String broker, String side,
                         String quantity, String price, String state, String reason,
                         @JsonProperty("order_number") String orderNumber,
                         @JsonProperty("fill_price") String fillPrice, long time) implements AdminMessage, LiveEvent {

    static OrderEvent of(OrderBook.Order o, long now) {
        return new OrderEvent(o.sink(), o.clientId(), o.hit(), o.symbol(), o.broker(), o.side(),
                Limits.plain(o.quantity()), Limits.plain(o.price()), o.state().sql(), o.reason(), o.venueId(),
                o.fillPrice() == null ? null : Limits.plain(o.fillPrice()), now);
    }

    @Override
    @JsonIgnore
    public String liveType() {
        return "order";
    }

    @Override
    @JsonIgnore
    public Object livePayload() {
        return this;
    }

    @Override
    @JsonIgnore
    public String adminText() {
        String icon = switch (state) {
            case "filled" -> "✅";
            case "accepted" -> "📨";
            case "rejected", "unknown" -> "⚠️";
            case "refused" -> "⛔";
            default -> "ℹ️";
        };
        return icon + " Order " + state + ": " + side + " " + quantity + " " + symbol + " on " + broker
                + (fillPrice != null ? " at " + fillPrice : " (" + price + ")")
                + (orderNumber != null ? ", order " + orderNumber : "")
                + (reason != null ? ": " + reason : "");
    }
}
