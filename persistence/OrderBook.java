package persistence;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Orders placed from hits and the positions they make, in the node's database next to the journal
 * ({@code tickwatch_order}, {@code tickwatch_position}), shared by the cluster.
 *
 * <p>"Never twice" rests on one rule: an order's row, keyed by its client id (derived from the hit
 * id, so unique per hit), is inserted in state {@code intent} <em>before</em> the request leaves.
 * Whoever finds a row in {@code intent} does not know whether the venue got it: it looks the
 * order up by its client id where the venue allows that (Binance), or marks it {@code unknown} and
 * tells a human (LS), and never sends it blindly again.
 *
 * <p>States: {@code intent} (stored, the request may have left) -> {@code accepted} (the venue has
 * it: its order number), {@code filled} (with the fill price), {@code rejected} (the venue said no:
 * the reason); {@code refused} (a risk limit said no before anything left: the reason);
 * {@code retry} (the venue answered that it did not take it, e.g. rate limited: safe to send again);
 * {@code unknown} (the answer was lost and the venue cannot be asked). Every method runs blocking
 * JDBC on one pooled connection: call it from a sink's thread, never from an actor.
 */
public final class OrderBook {
    public static final String ORDERS = "tickwatch_order";
    public static final String POSITIONS = "tickwatch_position";
    public static final String HALT = "tickwatch_order_halt";
    private static final int TEXT_MAX = 1000;

    /** An order's state; see the class comment. */
    public enum State {
        INTENT, RETRY, ACCEPTED, FILLED, REJECTED, REFUSED, UNKNOWN;

        public String sql() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static State parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One order.
     *
     * @param clientId    our id for it (the venue's client order id where it takes one), from the hit id
     * @param hit         the hit's id
     * @param mode        {@code paper} or {@code live}
     * @param day         the trading day it counts against (the market's local date, ISO)
     * @param quantity    size (shares, contracts), after rounding to the venue's step
     * @param price       the limit price, or the reference price (bar close) of a market order
     * @param venueId     the venue's order number, when known
     * @param fillPrice   the average fill price, when filled
     * @param realised    realised profit or loss this order's fill made (paper, and what live fills report)
     */
    public record Order(String clientId, String hit, String sink, String mode, String broker, String symbol,
                        String side, String type, BigDecimal quantity, BigDecimal price, String day, State state,
                        String reason, String venueId, BigDecimal fillPrice, BigDecimal realised,
                        long createdAt, long updatedAt) {

        /** Quantity times price: what the limits count. */
        public BigDecimal value() {
            return quantity.multiply(price);
        }

        public Order with(State s, String why) {
            return new Order(clientId, hit, sink, mode, broker, symbol, side, type, quantity, price, day, s, why,
                    venueId, fillPrice, realised, createdAt, updatedAt);
        }
    }

    /**
     * One broker's position in a symbol: signed quantity (negative is short), average entry price,
     * realised P&L so far and the last price seen (for the unrealised part).
     */
    public record Position(String broker, String symbol, BigDecimal quantity, BigDecimal averagePrice,
                           BigDecimal realised, BigDecimal lastPrice, long updatedAt) {
        public BigDecimal unrealised() {
            if (lastPrice == null || quantity.signum() == 0) {
                return BigDecimal.ZERO;
            }
            return lastPrice.subtract(averagePrice).multiply(quantity);
        }

        /** The position's value at the last price (its entry price when none): what the limits count. */
        public BigDecimal value() {
            return quantity.abs().multiply(lastPrice != null ? lastPrice : averagePrice);
        }
    }

    private final Jdbc.Connections connections;
    private final String orders;
    private final String positions;
    private final String halt;

    /** @param connections gives a connection of the node's pool (the book closes it), as the ledger's do */
    public OrderBook(Jdbc.Connections connections, DbSettings db) {
        this.connections = connections;
        this.orders = Schema.table(db, ORDERS);
        this.positions = Schema.table(db, POSITIONS);
        this.halt = Schema.table(db, HALT);
    }

    /** The book on the node's database, through the persistence plugins' pool. */
    public static OrderBook of(ActorSystem<?> system, DbSettings db) {
        return new OrderBook(Jdbc.pool(system), db);
    }

    /** Creates the tables when missing, on the blocking dispatcher. */
    public static CompletionStage<Done> createIfNotExists(ActorSystem<?> system, DbSettings db) {
        OrderBook b = of(system, db);
        return Schema.ddl(system, c -> {
            b.create(c);
            return null;
        });
    }

    /** Creates the tables when missing (harmless when they exist). */
    public void createTables() {
        Jdbc.ddl(connections, "order book", c -> {
            create(c);
            return null;
        });
    }

    private void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + orders + " ("
                    + "client_id VARCHAR(64) NOT NULL PRIMARY KEY, "
                    + "hit_id VARCHAR(500) NOT NULL, "
                    + "sink VARCHAR(200) NOT NULL, "
                    + "mode VARCHAR(8) NOT NULL, "
                    + "broker VARCHAR(16) NOT NULL, "
                    + "symbol VARCHAR(40) NOT NULL, "
                    + "side VARCHAR(4) NOT NULL, "
                    + "order_type VARCHAR(8) NOT NULL, "
                    + "quantity NUMERIC(38, 12) NOT NULL, "
                    + "price NUMERIC(38, 12) NOT NULL, "
                    + "trading_day VARCHAR(10) NOT NULL, "
                    + "state VARCHAR(16) NOT NULL, "
                    + "reason VARCHAR(" + TEXT_MAX + "), "
                    + "venue_id VARCHAR(100), "
                    + "fill_price NUMERIC(38, 12), "
                    + "realised NUMERIC(38, 12), "
                    + "created_at BIGINT NOT NULL, "
                    + "updated_at BIGINT NOT NULL, "
                    + "CONSTRAINT tickwatch_order_hit UNIQUE (sink, hit_id))");
            s.execute("CREATE INDEX IF NOT EXISTS tickwatch_order_day ON " + orders + " (trading_day, symbol)");
            s.execute("CREATE INDEX IF NOT EXISTS tickwatch_order_state ON " + orders + " (state)");
            s.execute("CREATE TABLE IF NOT EXISTS " + positions + " ("
                    + "broker VARCHAR(16) NOT NULL, "
                    + "symbol VARCHAR(40) NOT NULL, "
                    + "quantity NUMERIC(38, 12) NOT NULL, "
                    + "average_price NUMERIC(38, 12) NOT NULL, "
                    + "realised NUMERIC(38, 12) NOT NULL, "
                    + "last_price NUMERIC(38, 12), "
                    + "updated_at BIGINT NOT NULL, "
                    + "PRIMARY KEY (broker, symbol))");
            s.execute("CREATE TABLE IF NOT EXISTS " + halt + " (id INT NOT NULL PRIMARY KEY, "
                    + "reason VARCHAR(" + TEXT_MAX + ") NOT NULL, halted_at BIGINT NOT NULL)");
        }
    }

    /**
     * Stops every order of the cluster until {@link #resume}: the kill switch, kept in the database
     * so that it holds on every node and across restarts.
     */
    public void halt(String reason, long now) {
        run(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM " + halt);
                 PreparedStatement p = c.prepareStatement("INSERT INTO " + halt + " (id, reason, halted_at) VALUES (1, ?, ?)")) {
                d.executeUpdate();
                p.setString(1, clip(reason));
                p.setLong(2, now);
                return p.executeUpdate();
            }
        });
    }

    public void resume() {
        run(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM " + halt)) {
                return d.executeUpdate();
            }
        });
    }

    /** Why orders are halted, or empty when they are not. */
    public Optional<String> halted() {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT reason FROM " + halt);
                 ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        });
    }

    /**
     * Inserts {@code o} (in {@code intent}, or {@code refused} with its reason) unless an order of
     * that client id or hit exists.
     *
     * @return true when this call created the row
     */
    public boolean insert(Order o) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + orders + " (client_id, hit_id, sink, mode,"
                    + " broker, symbol, side, order_type, quantity, price, trading_day, state, reason, venue_id,"
                    + " fill_price, realised, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, o.clientId());
                p.setString(2, o.hit());
                p.setString(3, o.sink());
                p.setString(4, o.mode());
                p.setString(5, o.broker());
                p.setString(6, o.symbol());
                p.setString(7, o.side());
                p.setString(8, o.type());
                p.setBigDecimal(9, o.quantity());
                p.setBigDecimal(10, o.price());
                p.setString(11, o.day());
                p.setString(12, o.state().sql());
                p.setString(13, clip(o.reason()));
                p.setString(14, o.venueId());
                p.setBigDecimal(15, o.fillPrice());
                p.setBigDecimal(16, o.realised());
                p.setLong(17, o.createdAt());
                p.setLong(18, o.updatedAt());
                p.executeUpdate();
                return true;
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) { // unique violation: H2 and PostgreSQL alike
                    return false;
                }
                throw e;
            }
        });
    }

    /**
     * Moves an order from one of {@code from} to {@code to}, with the reason and the venue's number
     * (null keeps the stored one).
     *
     * @return whether the order was in one of {@code from} (false: someone else moved it)
     */
    public boolean move(String clientId, List<State> from, State to, String reason, String venueId, long now) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE " + orders
                    + " SET state = ?, reason = ?, venue_id = COALESCE(?, venue_id), updated_at = ?"
                    + " WHERE client_id = ? AND state IN (" + placeholders(from.size()) + ")")) {
                p.setString(1, to.sql());
                p.setString(2, clip(reason));
                p.setString(3, venueId);
                p.setLong(4, now);
                p.setString(5, clientId);
                for (int i = 0; i < from.size(); i++) {
                    p.setString(6 + i, from.get(i).sql());
                }
                return p.executeUpdate() == 1;
            }
        });
    }

    /**
     * Records a fill: the order becomes {@code filled} at {@code price} and its broker's position in
     * the symbol moves by the signed quantity, in one transaction, so a crash leaves both or neither.
     * A fill that reduces a position realises (price - average) x the closed quantity.
     *
     * @return the order as stored after the fill, or empty when it was filled already
     */
    public Optional<Order> fill(String clientId, BigDecimal price, String venueId, String reason, long now) {
        return run(c -> Jdbc.inTransaction(c, tx -> {
            Optional<Order> found = find(tx, clientId);
            if (found.isEmpty() || found.get().state() == State.FILLED) {
                return Optional.empty(); // nothing written: the empty transaction commits nothing
            }
            Order o = found.get();
            BigDecimal signed = "buy".equals(o.side()) ? o.quantity() : o.quantity().negate();
            BigDecimal realised = applyToPosition(tx, o.broker(), o.symbol(), signed, price, now);
            try (PreparedStatement p = tx.prepareStatement("UPDATE " + orders + " SET state = 'filled', fill_price = ?,"
                    + " realised = ?, venue_id = COALESCE(?, venue_id), reason = COALESCE(?, reason), updated_at = ?"
                    + " WHERE client_id = ?")) {
                p.setBigDecimal(1, price);
                p.setBigDecimal(2, realised);
                p.setString(3, venueId);
                p.setString(4, clip(reason));
                p.setLong(5, now);
                p.setString(6, clientId);
                p.executeUpdate();
            }
            return find(tx, clientId);
        }));
    }

    private BigDecimal applyToPosition(Connection c, String broker, String symbol, BigDecimal signed, BigDecimal price,
                                       long now) throws SQLException {
        Position was = position(c, broker, symbol).orElse(
                new Position(broker, symbol, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, null, now));
        BigDecimal q = was.quantity();
        BigDecimal realised = BigDecimal.ZERO;
        BigDecimal avg = was.averagePrice();
        BigDecimal next = q.add(signed);
        if (q.signum() == 0 || q.signum() == signed.signum()) { // opening or adding: a new average
            avg = q.abs().multiply(avg).add(signed.abs().multiply(price))
                    .divide(next.abs(), 12, java.math.RoundingMode.HALF_EVEN);
        } else { // reducing, closing or reversing
            BigDecimal closed = signed.abs().min(q.abs());
            realised = price.subtract(avg).multiply(closed).multiply(BigDecimal.valueOf(q.signum()));
            if (next.signum() == 0) {
                avg = BigDecimal.ZERO;
            } else if (next.signum() != q.signum()) {
                avg = price; // reversed: the rest opens at this price
            }
        }
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + positions + " WHERE broker = ? AND symbol = ?")) {
            del.setString(1, broker);
            del.setString(2, symbol);
            del.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + positions
                + " (broker, symbol, quantity, average_price, realised, last_price, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, broker);
            p.setString(2, symbol);
            p.setBigDecimal(3, next);
            p.setBigDecimal(4, avg);
            p.setBigDecimal(5, was.realised().add(realised));
            p.setBigDecimal(6, price);
            p.setLong(7, now);
            p.executeUpdate();
        }
        return realised;
    }

    /** Records the last price seen for a symbol's positions (for unrealised P&L and position values). */
    public void markPrice(String symbol, BigDecimal price, long now) {
        run(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE " + positions
                    + " SET last_price = ?, updated_at = ? WHERE symbol = ?")) {
                p.setBigDecimal(1, price);
                p.setLong(2, now);
                p.setString(3, symbol);
                return p.executeUpdate();
            }
        });
    }

    public Optional<Order> byClientId(String clientId) {
        return run(c -> find(c, clientId));
    }

    /**
     * Orders newest first, filtered by whichever of symbol, state and day is not null.
     */
    public List<Order> list(String symbol, State state, String day, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM " + orders + " WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        if (symbol != null) {
            sql.append(" AND symbol = ?");
            args.add(symbol);
        }
        if (state != null) {
            sql.append(" AND state = ?");
            args.add(state.sql());
        }
        if (day != null) {
            sql.append(" AND trading_day = ?");
            args.add(day);
        }
        sql.append(" ORDER BY created_at DESC, client_id LIMIT ").append(Math.max(1, limit));
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    p.setString(i + 1, args.get(i));
                }
                return read(p);
            }
        });
    }

    /** Orders of a sink in {@code intent}: whose answer was never stored (reconciled at start). */
    public List<Order> unanswered(String sink) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT * FROM " + orders
                    + " WHERE sink = ? AND state = 'intent' ORDER BY created_at")) {
                p.setString(1, sink);
                return read(p);
            }
        });
    }

    /**
     * One broker's figures of a day that the limits check: orders placed (every state but
     * {@code refused}), those of {@code symbol}, and the realised P&L of the day's fills.
     */
    public record DayFigures(int orders, int ordersOfSymbol, BigDecimal realised) {
    }

    public DayFigures day(String day, String broker, String symbol) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*),"
                    + " SUM(CASE WHEN symbol = ? THEN 1 ELSE 0 END), SUM(COALESCE(realised, 0)) FROM " + orders
                    + " WHERE trading_day = ? AND broker = ? AND state <> 'refused'")) {
                p.setString(1, symbol);
                p.setString(2, day);
                p.setString(3, broker);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    BigDecimal realised = r.getBigDecimal(3);
                    return new DayFigures(r.getInt(1), r.getInt(2), realised == null ? BigDecimal.ZERO : realised);
                }
            }
        });
    }

    public List<Position> positions() {
        return run(c -> {
            List<Position> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT * FROM " + positions + " ORDER BY broker, symbol");
                 ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(position(r));
                }
            }
            return out;
        });
    }

    public Optional<Position> position(String broker, String symbol) {
        return run(c -> position(c, broker, symbol));
    }

    private Optional<Position> position(Connection c, String broker, String symbol) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT * FROM " + positions + " WHERE broker = ? AND symbol = ?")) {
            p.setString(1, broker);
            p.setString(2, symbol);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(position(r)) : Optional.empty();
            }
        }
    }

    private static Position position(ResultSet r) throws SQLException {
        return new Position(r.getString("broker"), r.getString("symbol"), strip(r.getBigDecimal("quantity")),
                strip(r.getBigDecimal("average_price")), strip(r.getBigDecimal("realised")),
                strip(r.getBigDecimal("last_price")), r.getLong("updated_at"));
    }

    private Optional<Order> find(Connection c, String clientId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT * FROM " + orders + " WHERE client_id = ?")) {
            p.setString(1, clientId);
            List<Order> l = read(p);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        }
    }

    private static List<Order> read(PreparedStatement p) throws SQLException {
        List<Order> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(new Order(r.getString("client_id"), r.getString("hit_id"), r.getString("sink"),
                        r.getString("mode"), r.getString("broker"), r.getString("symbol"), r.getString("side"),
                        r.getString("order_type"), strip(r.getBigDecimal("quantity")), strip(r.getBigDecimal("price")),
                        r.getString("trading_day"), State.parse(r.getString("state")), r.getString("reason"),
                        r.getString("venue_id"), strip(r.getBigDecimal("fill_price")), strip(r.getBigDecimal("realised")),
                        r.getLong("created_at"), r.getLong("updated_at")));
            }
        }
        return out;
    }

    /** NUMERIC(38, 12) reads back with twelve decimals: 70000.000000000000 is shown as 70000. */
    private static BigDecimal strip(BigDecimal d) {
        if (d == null) {
            return null;
        }
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static String clip(String s) {
        return s == null || s.length() <= TEXT_MAX ? s : s.substring(0, TEXT_MAX - 3) + "...";
    }

    private <T> T run(Schema.ConnectionWork<T> work) {
        return Jdbc.run(connections, "order book", work);
    }
}
