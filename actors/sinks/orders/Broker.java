package actors.sinks.orders;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import persistence.OrderBook;

/**
 * A venue orders go to: LS Securities ({@link LsBroker}), Binance USD-M ({@link BinanceBroker}), or
 * the local simulation ({@link PaperBroker}). One attempt per call; the sink decides what an answer
 * means for the order's row. Errors and reasons never hold a key, a secret or a token.
 */
public interface Broker {

    /** The venue's name in orders and messages: {@code ls}, {@code binance}, {@code paper}. */
    String name();

    /** Where orders go, for the start banner: the base URL and the account or key (masked). */
    String describe();

    /** A symbol's price and quantity steps (Binance: {@code exchangeInfo}, cached; KRX: 1 share, the tick bands). */
    CompletionStage<Steps> steps(String symbol);

    /**
     * Places {@code order} (its row is stored in {@code intent} already) and, for an entry with a
     * stop-loss or take-profit, its bracket.
     */
    CompletionStage<Answer> place(OrderBook.Order order, Bracket bracket);

    /**
     * What the venue knows of an order whose answer was never stored, by its client id. Venues that
     * cannot be asked answer {@link Answer.Lost}.
     */
    CompletionStage<Answer> lookup(OrderBook.Order order);

    /**
     * The venue's steps for one symbol.
     *
     * @param tickSize null for KRX (the bands of {@code conditions.KrxTicks})
     * @param minNotional the smallest order value the venue takes (0: none)
     */
    record Steps(BigDecimal tickSize, BigDecimal stepSize, BigDecimal minQuantity, BigDecimal minNotional) {
        public static final Steps KRX = new Steps(null, BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ZERO);
    }

    /** A stop-loss and take-profit as fractions of the entry's fill price; null for none. */
    record Bracket(Double stopLoss, Double takeProfit) {
        public static final Bracket NONE = new Bracket(null, null);

        public boolean any() {
            return stopLoss != null || takeProfit != null;
        }
    }

    /** What the venue answered. */
    sealed interface Answer {
        /** The venue has it, not filled yet (a limit order). */
        record Accepted(String venueId, String note) implements Answer {
        }

        /**
         * Filled at {@code price}. {@code note} says what happened to the bracket; {@code closedAt}
         * is the price a rejected bracket's closing order filled at (null: the position stays).
         */
        record Filled(String venueId, BigDecimal price, String note, BigDecimal closedAt) implements Answer {
        }

        /** The venue refused it for good (a reason it gave). */
        record Rejected(String reason) implements Answer {
        }

        /** The venue did not take it and said so (rate limited): safe to send again after {@code after} (null: our backoff). */
        record NotTaken(String reason, Duration after) implements Answer {
        }

        /** The venue does not have it (a lookup found nothing): safe to send. */
        record NotFound(String reason) implements Answer {
        }

        /** No answer: the venue may or may not have it (a timeout, a dropped connection, a venue that cannot be asked). */
        record Lost(String reason) implements Answer {
        }
    }
}
