package actors.sinks.orders;

import actors.TickTap;
import conditions.Tick;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import persistence.OrderBook;

/**
 * Paper trading without a venue: an order fills at the price of the symbol's next accepted tick
 * after it was placed ({@link TickTap}). A market order takes that price; a limit order fills at its
 * limit when that tick is at or through it, else it rests (accepted, not filled). When no tick
 * comes within {@code paper-fill-wait} (a quiet symbol, or its entity on another node), a market
 * order fills at the bar close and says so. Brackets are recorded in the note, not simulated.
 */
final class PaperBroker implements Broker {
    private final String venue;
    private final TickTap tap;
    private final Duration wait;

    PaperBroker(String venue, TickTap tap, Duration wait) {
        this.venue = venue;
        this.tap = tap;
        this.wait = wait;
    }

    @Override
    public String name() {
        return venue;
    }

    @Override
    public String describe() {
        return "simulated fills at the next tick (paper, " + venue + ")";
    }

    @Override
    public CompletionStage<Steps> steps(String symbol) {
        return CompletableFuture.completedFuture("ls".equals(venue) ? Steps.KRX
                : new Steps(new BigDecimal("0.01"), new BigDecimal("0.001"), new BigDecimal("0.001"), BigDecimal.ZERO));
    }

    @Override
    public CompletionStage<Answer> place(OrderBook.Order order, Bracket bracket) {
        String note = bracket.any() ? "paper bracket recorded, not simulated: " + bracketText(bracket) : null;
        // The next tick to arrive, whatever its time: a feed's ticks carry the exchange's time, a little
        // behind our clock, so "a tick stamped after the order" would miss them all.
        return tap.next(order.symbol(), Long.MIN_VALUE).toCompletableFuture()
                .orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS)
                .handle((tick, e) -> e == null ? at(order, tick, note) : noTick(order, note));
    }

    private Answer at(OrderBook.Order o, Tick t, String note) {
        BigDecimal price = BigDecimal.valueOf(t.price());
        if ("limit".equals(o.type())) {
            boolean through = "buy".equals(o.side()) ? price.compareTo(o.price()) <= 0 : price.compareTo(o.price()) >= 0;
            if (!through) {
                return new Answer.Accepted("paper-" + o.clientId(), "paper limit resting: the next tick was "
                        + Limits.plain(price));
            }
            price = o.price();
        }
        return new Answer.Filled("paper-" + o.clientId(), price, note, null);
    }

    private Answer noTick(OrderBook.Order o, String note) {
        if ("limit".equals(o.type())) {
            return new Answer.Accepted("paper-" + o.clientId(), "paper limit resting: no tick within " + wait);
        }
        String why = "no tick within " + wait + ": filled at the bar close";
        return new Answer.Filled("paper-" + o.clientId(), o.price(), note == null ? why : why + "; " + note, null);
    }

    static String bracketText(Bracket b) {
        return (b.stopLoss() == null ? "" : "stop-loss " + b.stopLoss() * 100 + "%")
                + (b.stopLoss() != null && b.takeProfit() != null ? ", " : "")
                + (b.takeProfit() == null ? "" : "take-profit " + b.takeProfit() * 100 + "%");
    }

    @Override
    public CompletionStage<Answer> lookup(OrderBook.Order order) {
        // Nothing left this node: a simulated order whose fill was not stored simply never happened.
        return CompletableFuture.completedFuture(new Answer.NotFound("a paper order lives only in this node"));
    }
}
