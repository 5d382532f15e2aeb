package engine.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import engine.Node;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import persistence.OrderBook;

/**
 * {@code GET /api/orders} (filters {@code symbol}, {@code state}, {@code day}, {@code limit}),
 * {@code POST /api/orders/halt} and {@code /resume} (the kill switch, for the whole cluster), and
 * {@code GET /api/positions}.
 */
public final class OrderRoutes extends ApiDirectives {

    /** One order: {@code reason} when refused, rejected or unknown (or what its bracket came to). */
    public record OrderReply(String id, String hit, String symbol, String broker, String mode, String side, String type,
                             BigDecimal quantity, BigDecimal price, String state, String reason,
                             @JsonProperty("order_number") String orderNumber,
                             @JsonProperty("fill_price") BigDecimal fillPrice, BigDecimal realised, String day,
                             @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt) {
        static OrderReply of(OrderBook.Order o) {
            return new OrderReply(o.clientId(), o.hit(), o.symbol(), o.broker(), o.mode(), o.side(), o.type(),
                    o.quantity(), o.price(), o.state().sql(), o.reason(), o.venueId(), o.fillPrice(), o.realised(), o.day(),
                    Instant.ofEpochMilli(o.createdAt()).toString(), Instant.ofEpochMilli(o.updatedAt()).toString());
        }
    }

    /** One position: signed quantity (negative is short), average price, realised and unrealised P&L at the last price. */
    public record PositionReply(String broker, String symbol, BigDecimal quantity,
                                @JsonProperty("average_price") BigDecimal averagePrice,
                                @JsonProperty("last_price") BigDecimal lastPrice, BigDecimal realised,
                                BigDecimal unrealised, @JsonProperty("updated_at") String updatedAt) {
        static PositionReply of(OrderBook.Position p) {
            return new PositionReply(p.broker(), p.symbol(), p.quantity(), p.averagePrice(), p.lastPrice(), p.realised(),
                    p.unrealised().stripTrailingZeros(), Instant.ofEpochMilli(p.updatedAt()).toString());
        }
    }

    /** The switch: whether orders are halted, and why. */
    public record HaltReply(boolean halted, String reason) {
        static HaltReply of(Optional<String> why) {
            return new HaltReply(why.isPresent(), why.orElse(null));
        }
    }

    private final Node node;

    public OrderRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
    }

    /** At {@code /api/orders}. */
    public Route route() {
        return concat(
                pathEnd(() -> get(() -> parameterOptional("symbol", symbol -> parameterOptional("state", state ->
                        parameterOptional("day", day -> limit(limit -> list(symbol, state, day, limit))))))),
                path("halt", () -> concat(
                        get(() -> onSuccess(node.ordersHalted(), why -> ok(HaltReply.of(why)))),
                        post(() -> parameterOptional("reason", reason -> onSuccess(
                                node.haltOrders(reason.orElse("halted through the API at " + Instant.now())),
                                why -> ok(HaltReply.of(why))))))),
                path("resume", () -> post(() -> onSuccess(node.resumeOrders(), why -> ok(HaltReply.of(why))))));
    }

    /** At {@code /api/positions}. */
    public Route positions() {
        return pathEnd(() -> get(() -> onSuccess(node.positions(),
                ps -> ok(ps.stream().map(PositionReply::of).toList()))));
    }

    private Route list(Optional<String> symbol, Optional<String> state, Optional<String> day, int limit) {
        OrderBook.State s = null;
        if (state.isPresent()) {
            try {
                s = OrderBook.State.parse(state.get());
            } catch (IllegalArgumentException e) {
                return error(StatusCodes.BAD_REQUEST, "state is one of intent, retry, accepted, filled, rejected, refused,"
                        + " unknown", state.get());
            }
        }
        if (day.isPresent()) {
            try {
                LocalDate.parse(day.get());
            } catch (java.time.format.DateTimeParseException e) {
                return error(StatusCodes.BAD_REQUEST, "day is a date like 2026-11-20", day.get());
            }
        }
        return onSuccess(node.orders(symbol.orElse(null), s, day.orElse(null), limit),
                os -> ok(os.stream().map(OrderReply::of).toList()));
    }
}
