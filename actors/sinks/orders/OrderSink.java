package actors.sinks.orders;

import actors.TickTap;
import actors.sinks.HitSink;
import actors.sinks.QueuedSink;
import actors.sinks.SendResult;
import actors.sinks.SinkContext;
import conditions.Hit;
import conditions.KrxTicks;
import conditions.Market;
import conditions.OrderIntent;
import conditions.OrderSize;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.DbSettings;
import persistence.OrderBook;
import persistence.OrderBook.Order;
import persistence.OrderBook.State;

/**
 * The {@code orders} sink type: a hit whose condition has an {@code "order"} block becomes at most
 * one order, ever. The node's queue runs it one hit at a time, in order ({@link QueuedSink}); this
 * class is one attempt:
 * <ol>
 *   <li>an order of this hit in the book already: a final one is done; one in {@code intent} (its
 *       answer was never stored: a crash, a lost answer) is looked up at the venue by its client id
 *       (Binance) or marked {@code unknown} and told to the admin chat (LS), never sent blindly;</li>
 *   <li>else the checks: the hit's bar ended within {@code max-age}, the halt switch, the session,
 *       the size (a size that rounds to 0 is refused) and every limit; a refusal is stored with its
 *       reason;</li>
 *   <li>the order is stored in {@code intent}, and only then sent; the answer is stored (a fill and
 *       its position in one transaction), published on the event stream and told to the admin chat.</li>
 * </ol>
 * With {@code tickwatch.orders.mode = off} nothing is stored or sent: the hit carries its order
 * intent to the other sinks and the API, and this sink only logs it.
 */
public final class OrderSink implements QueuedSink {
    public static final String TYPE = "orders";
    private static final Logger LOG = LoggerFactory.getLogger(OrderSink.class);
    private static final LocalTime KRX_OPEN = LocalTime.of(9, 0);
    private static final LocalTime KRX_CLOSE = LocalTime.of(15, 30);

    private final String name;
    private final OrderSettings settings;
    private final OrderBook book;
    private final Map<String, Broker> brokers;
    private final ActorSystem<?> system;
    private final Executor blocking;
    private final Clock clock;

    OrderSink(String name, OrderSettings settings, OrderBook book, Map<String, Broker> brokers, ActorSystem<?> system,
              Clock clock) {
        this.name = name;
        this.settings = settings;
        this.book = book;
        this.brokers = brokers;
        this.system = system;
        this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
        this.clock = clock;
    }

    /** The factory {@link actors.sinks.SinkTypes} registers for {@value #TYPE}. */
    public static HitSink open(SinkContext ctx) {
        return open(ctx, System::getenv, Clock.systemUTC());
    }

    /** With the environment and the clock given (tests). */
    public static OrderSink open(SinkContext ctx, Function<String, String> env, Clock clock) {
        com.typesafe.config.Config root = ctx.system().settings().config();
        OrderSettings s = OrderSettings.from(root, env);
        OrderBook book = OrderBook.of(ctx.system(), DbSettings.from(root));
        return new OrderSink(ctx.name(), s, book, brokers(ctx.system(), s), ctx.system(), clock).start();
    }

    /** The brokers of a mode: none when off; paper URLs or the simulation for paper; the live URLs for live. */
    static Map<String, Broker> brokers(ActorSystem<?> system, OrderSettings s) {
        if (s.mode() == OrderSettings.Mode.OFF) {
            return Map.of();
        }
        return Map.of(OrderIntent.LS, broker(system, s, s.ls()), OrderIntent.BINANCE, broker(system, s, s.binance()));
    }

    /** Creates the tables, says loudly what it does, and settles the orders a crash left without an answer. */
    OrderSink start() {
        if (settings.mode() != OrderSettings.Mode.OFF) {
            book.createTables();
        }
        banner();
        if (settings.mode() != OrderSettings.Mode.OFF) {
            reconcileAtStart();
        }
        return this;
    }

    private static Broker broker(ActorSystem<?> system, OrderSettings s, OrderSettings.Venue v) {
        boolean live = s.mode() == OrderSettings.Mode.LIVE;
        String url = live ? v.url() : v.paperUrl();
        if (url.isEmpty()) {
            return new PaperBroker(v.name(), TickTap.get(system), s.paperFillWait());
        }
        if (!v.hasCredentials()) {
            if (live) {
                throw new IllegalArgumentException("tickwatch.orders.mode = live needs the " + v.name() + " key and secret ("
                        + ("ls".equals(v.name()) ? "TICKWATCH_LS_APPKEY, TICKWATCH_LS_APPSECRET"
                        : "TICKWATCH_BINANCE_API_KEY, TICKWATCH_BINANCE_API_SECRET") + ")");
            }
            LOG.warn("orders: no {} key and secret; {} paper orders will be refused by {}", v.name(), v.name(), url);
        }
        return "ls".equals(v.name()) ? new LsBroker(system, v, url, !live, s.timeout())
                : new BinanceBroker(system, v, url, s.timeout(), Clock.systemUTC());
    }

    /** Loud at start: what this node does with orders, and where. */
    private void banner() {
        switch (settings.mode()) {
            case OFF -> LOG.info("orders {}: mode off: hits carry their order intent, nothing is sent", name);
            case PAPER -> LOG.warn("orders {}: PAPER trading: ls -> {}; binance -> {}", name,
                    brokers.get(OrderIntent.LS).describe(), brokers.get(OrderIntent.BINANCE).describe());
            case LIVE -> {
                String line = "*".repeat(78);
                LOG.warn(line);
                LOG.warn("orders {}: LIVE TRADING WITH REAL MONEY", name);
                LOG.warn("  ls      -> {}", brokers.get(OrderIntent.LS).describe());
                LOG.warn("  binance -> {}", brokers.get(OrderIntent.BINANCE).describe());
                LOG.warn("  stop it: POST /api/orders/halt");
                LOG.warn(line);
            }
        }
    }

    /**
     * Orders whose answer was never stored (the node died between sending and storing) are settled
     * now, before any new hit: looked up by client id where the venue allows it, else {@code unknown}.
     */
    private void reconcileAtStart() {
        for (Order o : book.unanswered(name)) {
            try {
                settle(reconcile(o).toCompletableFuture().get());
            } catch (Exception e) {
                LOG.warn("orders {}: reconciling {} failed, it stays in intent until the hit comes again: {}", name,
                        o.clientId(), e.toString());
            }
        }
    }

    private static void settle(SendResult r) {
        // the outcome was stored by reconcile; nothing to do with it at start
    }

    public OrderSettings settings() {
        return settings;
    }

    public OrderBook book() {
        return book;
    }

    @Override
    public String name() {
        return name;
    }

    /** Our client id for a hit's order: a hash of sink and hit id, 32 characters Binance accepts. */
    static String clientId(String sink, String hitId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((sink + "|" + hitId).getBytes(StandardCharsets.UTF_8));
            return "tw" + HexFormat.of().formatHex(d).substring(0, 30);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public CompletionStage<SendResult> send(Hit hit, int attempt) {
        OrderIntent intent = hit.order();
        if (intent == null) {
            return done();
        }
        if (settings.mode() == OrderSettings.Mode.OFF) {
            LOG.info("orders {}: {} would {} {} ({}), mode off: not sent", name, hit.id(), intent.side(), hit.symbol(),
                    intent.broker());
            return done();
        }
        String id = clientId(name, hit.id());
        return CompletableFuture.supplyAsync(() -> book.byClientId(id), blocking).thenCompose(found -> {
            if (found.isEmpty()) {
                return prepare(hit, intent, id);
            }
            Order o = found.get();
            return switch (o.state()) {
                case INTENT -> reconcile(o);
                case RETRY -> CompletableFuture.supplyAsync(() -> book.move(id, List.of(State.RETRY), State.INTENT,
                        null, null, now()), blocking).thenCompose(moved -> moved ? place(o, bracket(intent)) : done());
                default -> done();
            };
        });
    }

    /** The checks, then the order stored in intent, then sent. */
    private CompletionStage<SendResult> prepare(Hit hit, OrderIntent intent, String id) {
        long now = now();
        Broker broker = brokers.get(intent.broker());
        String day = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(now), hit.market().offset()).toString();
        double close = hit.close();
        Order base = new Order(id, hit.id(), name, settings.mode().text(), intent.broker(), hit.symbol(), intent.side(),
                intent.type(), BigDecimal.ZERO, Double.isNaN(close) ? BigDecimal.ZERO : BigDecimal.valueOf(close), day,
                State.INTENT, null, null, null, null, now, now);
        long age = now - hit.barEnd();
        if (age > settings.maxAge().toMillis()) {
            return refuse(base, "the bar ended " + Duration.ofMillis(age).toSeconds() + "s ago, more than max-age "
                    + settings.maxAge() + " (a replay or backfill never trades)");
        }
        if (Double.isNaN(close) || close <= 0) {
            return refuse(base, "the hit carries no bar close to size and price the order");
        }
        if (!inSession(hit.market(), intent.broker(), now)) {
            return refuse(base, "outside the session (KRX orders 09:00-15:30 Seoul time, weekdays)");
        }
        return broker.steps(hit.symbol()).thenCompose(steps -> {
            BigDecimal price = price(intent, close, steps);
            BigDecimal qty = OrderSize.of(intent, price.doubleValue(), steps.stepSize());
            Order o = new Order(id, hit.id(), name, settings.mode().text(), intent.broker(), hit.symbol(), intent.side(),
                    intent.type(), qty, price, day, State.INTENT, null, null, null, null, now, now);
            if (qty.signum() == 0 || qty.compareTo(steps.minQuantity()) < 0) {
                return refuse(o.with(State.INTENT, null), "the size rounds to " + Limits.plain(qty) + " at "
                        + Limits.plain(price) + " (step " + Limits.plain(steps.stepSize()) + "): nothing to send");
            }
            if (steps.minNotional().signum() > 0 && o.value().compareTo(steps.minNotional()) < 0) {
                return refuse(o, "worth " + Limits.plain(o.value()) + ", under the venue's minimum of "
                        + Limits.plain(steps.minNotional()));
            }
            return CompletableFuture.supplyAsync(() -> check(o), blocking).thenCompose(refusal -> {
                if (refusal.isPresent()) {
                    return refuse(o, refusal.get());
                }
                return CompletableFuture.supplyAsync(() -> book.insert(o), blocking).thenCompose(inserted -> inserted
                        ? place(o, bracket(intent))
                        : done()); // another attempt (another node) has it: its row decides
            });
        });
    }

    private static Broker.Bracket bracket(OrderIntent intent) {
        return intent.stopLoss() == null && intent.takeProfit() == null ? Broker.Bracket.NONE
                : new Broker.Bracket(intent.stopLoss(), intent.takeProfit());
    }

    /** A limit order's price on the venue's grid, or a market order's reference price (the close). */
    static BigDecimal price(OrderIntent intent, double close, Broker.Steps steps) {
        if (steps.tickSize() == null) { // KRX
            return BigDecimal.valueOf(intent.limit() ? KrxTicks.limitPrice(close, intent.buy(), intent.offsetTicks())
                    : Math.round(close));
        }
        BigDecimal tick = steps.tickSize();
        BigDecimal p = OrderSize.toStep(BigDecimal.valueOf(close), tick, !intent.buy());
        if (intent.limit()) {
            p = p.subtract(tick.multiply(BigDecimal.valueOf((long) intent.offsetTicks() * intent.sign())));
        }
        return p.signum() > 0 ? p : tick;
    }

    /** The halt switch and every limit, on the blocking dispatcher. */
    private Optional<String> check(Order o) {
        Optional<String> halted = book.halted();
        if (halted.isPresent()) {
            return Optional.of("orders are halted (" + halted.get() + "); POST /api/orders/resume to trade again");
        }
        OrderSettings.Venue v = settings.venue(o.broker());
        List<OrderBook.Position> positions = book.positions().stream().filter(p -> p.broker().equals(o.broker())).toList();
        return v.limits().refuse(o, book.day(o.day(), o.broker(), o.symbol()), positions);
    }

    static boolean inSession(Market market, String broker, long now) {
        if (!OrderIntent.LS.equals(broker)) {
            return true; // Binance futures trade around the clock
        }
        LocalDateTime t = LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(now), Market.KRX.offset());
        DayOfWeek d = t.getDayOfWeek();
        return d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY && !t.toLocalTime().isBefore(KRX_OPEN)
                && t.toLocalTime().isBefore(KRX_CLOSE);
    }

    private CompletionStage<SendResult> refuse(Order o, String reason) {
        return CompletableFuture.supplyAsync(() -> {
            Order r = o.with(State.REFUSED, reason);
            if (book.insert(r)) {
                LOG.warn("orders {}: refused {} {} {}: {}", name, r.side(), r.symbol(), r.hit(), reason);
                publish(r);
            }
            return (SendResult) new SendResult.Sent();
        }, blocking);
    }

    /** Sends a stored order and stores the answer. */
    private CompletionStage<SendResult> place(Order o, Broker.Bracket bracket) {
        LOG.info("orders {}: placing {} {} {} {} at {} ({}, {})", name, o.side(), Limits.plain(o.quantity()), o.symbol(),
                o.type(), Limits.plain(o.price()), o.broker(), o.clientId());
        CompletionStage<Broker.Answer> answer;
        try {
            answer = brokers.get(o.broker()).place(o, bracket);
        } catch (RuntimeException e) {
            answer = CompletableFuture.completedFuture(new Broker.Answer.Lost(e.toString()));
        }
        return answer.exceptionally(e -> VenueHttp.notSent(e) ? new Broker.Answer.NotTaken(rootMessage(e), null)
                        : new Broker.Answer.Lost("no answer: " + rootMessage(e)))
                .thenApplyAsync(a -> record(o, a, false), blocking);
    }

    /** An order in intent whose answer was never stored: ask the venue, never send again blindly. */
    private CompletionStage<SendResult> reconcile(Order o) {
        LOG.warn("orders {}: {} ({} {}) has no stored answer: looking it up at {}", name, o.clientId(), o.side(),
                o.symbol(), o.broker());
        return brokers.get(o.broker()).lookup(o)
                .exceptionally(e -> new Broker.Answer.Lost("lookup failed: " + rootMessage(e)))
                .thenApplyAsync(a -> record(o, a, true), blocking);
    }

    /** Stores what the venue answered; the queue's outcome. */
    private SendResult record(Order o, Broker.Answer a, boolean reconciling) {
        long now = now();
        List<State> open = List.of(State.INTENT);
        if (a instanceof Broker.Answer.Filled f) {
            book.fill(o.clientId(), f.price(), f.venueId(), f.note(), now).ifPresent(this::publish);
            if (f.closedAt() != null) {
                recordClose(o, f, now);
            }
            return new SendResult.Sent();
        }
        if (a instanceof Broker.Answer.Accepted acc) {
            if (book.move(o.clientId(), open, State.ACCEPTED, acc.note(), acc.venueId(), now)) {
                book.byClientId(o.clientId()).ifPresent(this::publish);
            }
            return new SendResult.Sent();
        }
        if (a instanceof Broker.Answer.Rejected r) {
            if (book.move(o.clientId(), open, State.REJECTED, r.reason(), null, now)) {
                book.byClientId(o.clientId()).ifPresent(this::publish);
            }
            return new SendResult.Sent();
        }
        if (a instanceof Broker.Answer.NotTaken n) {
            book.move(o.clientId(), open, State.RETRY, n.reason(), null, now);
            return new SendResult.Retry(o.broker() + " did not take order " + o.clientId() + ": " + n.reason(), n.after());
        }
        if (a instanceof Broker.Answer.NotFound nf) {
            if (!reconciling) {
                return new SendResult.Retry(nf.reason(), null);
            }
            // The venue has no such order: the request never arrived, so sending it is the first time.
            book.move(o.clientId(), open, State.RETRY, "not at " + o.broker() + " after a restart: " + nf.reason(), null, now);
            return new SendResult.Retry("order " + o.clientId() + " was never placed: sending it", Duration.ZERO);
        }
        Broker.Answer.Lost l = (Broker.Answer.Lost) a;
        if (reconciling || !"binance".equals(o.broker())) {
            // LS cannot be asked by our id: an operator must look (never sent again blindly)
            if (book.move(o.clientId(), open, State.UNKNOWN, l.reason()
                    + "; check the account before trading this symbol again", null, now)) {
                book.byClientId(o.clientId()).ifPresent(this::publish);
            }
            return new SendResult.Sent();
        }
        // Binance: the next attempt looks it up by client id
        return new SendResult.Retry(l.reason(), null);
    }

    /** A rejected bracket closed the position again: a second row, filled, so the position and P&L hold it. */
    private void recordClose(Order entry, Broker.Answer.Filled f, long now) {
        String side = "buy".equals(entry.side()) ? "sell" : "buy";
        Order close = new Order(entry.clientId() + "x", entry.hit() + "#close", name, entry.mode(), entry.broker(),
                entry.symbol(), side, "market", entry.quantity(), f.closedAt(), entry.day(), State.INTENT,
                "closing: " + f.note(), null, null, null, now, now);
        book.insert(close);
        book.fill(close.clientId(), f.closedAt(), null, null, now).ifPresent(this::publish);
    }

    private void publish(Order o) {
        OrderEvent e = OrderEvent.of(o, now());
        LOG.info("orders {}: {}", name, e.adminText());
        system.eventStream().tell(new EventStream.Publish<>(e));
    }

    private long now() {
        return clock.millis();
    }

    private static CompletionStage<SendResult> done() {
        return CompletableFuture.completedFuture(new SendResult.Sent());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** What {@code GET /api/sinks} shows of this sink. */
    public record Details(String mode) {
    }

    @Override
    public Object details() {
        return new Details(settings.mode().text());
    }

    @Override
    public String toString() {
        return "OrderSink[" + name + ", " + settings.mode().text() + "]";
    }
}
