package persistence.bars;

import conditions.Bar;
import conditions.BarHistory;
import conditions.Field;
import conditions.Market;
import conditions.Volume;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import persistence.BarJson;
import persistence.DbSettings;
import persistence.Schema;

/**
 * Closed bars of every symbol, beyond the 120 an entity keeps ({@code tickwatch_bar} in the node's
 * database, shared by the cluster): written by the node as its entities close bars (through
 * {@link BarArchiveWriter}) and by {@code backtest --archive}; read by {@code GET
 * /api/tickers/{symbol}/bars?from=&to=} and by the daily context (the {@code 20D_} keys). A bar
 * written again (a replay, a backtest over the same ticks) replaces the stored one.
 *
 * <p>Every method blocks on one pooled connection: call it from a blocking dispatcher or a thread of
 * its own, never from an entity.
 */
public final class BarArchive {
    public static final String TABLE = "tickwatch_bar";
    private static final String COLUMNS = "symbol, bar_start, open, high, low, close, volume, volume_fraction";

    /** One bar of one symbol. */
    public record SymbolBar(String symbol, Bar bar) {
    }

    private final persistence.Jdbc.Connections connections;
    private final String table;

    public BarArchive(persistence.Jdbc.Connections connections, DbSettings db) {
        this.connections = connections;
        this.table = persistence.Jdbc.table(db, TABLE);
    }

    /** The archive on the node's database, through the persistence plugins' pool. */
    public static BarArchive of(ActorSystem<?> system, DbSettings db) {
        return new BarArchive(persistence.Jdbc.pool(system), db);
    }

    /** Creates the table when missing; harmless when it exists. */
    public BarArchive createTable() {
        persistence.Jdbc.ddl(connections, "bar archive", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                        + "symbol VARCHAR(64) NOT NULL, "
                        + "bar_start BIGINT NOT NULL, "
                        + "open DOUBLE PRECISION NOT NULL, "
                        + "high DOUBLE PRECISION NOT NULL, "
                        + "low DOUBLE PRECISION NOT NULL, "
                        + "close DOUBLE PRECISION NOT NULL, "
                        + "volume BIGINT NOT NULL, "
                        + "volume_fraction INT NOT NULL, "
                        + "PRIMARY KEY (symbol, bar_start))");
            }
            return null;
        });
        return this;
    }

    /** Writes bars (any symbols), replacing stored bars of the same symbol and start, in one transaction. */
    public void write(List<SymbolBar> bars) {
        if (bars.isEmpty()) {
            return;
        }
        persistence.Jdbc.transaction(connections, "bar archive", c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE symbol = ? AND bar_start = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS
                         + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (SymbolBar sb : bars) {
                    Bar b = sb.bar();
                    del.setString(1, sb.symbol());
                    del.setLong(2, b.start());
                    del.addBatch();
                    ins.setString(1, sb.symbol());
                    ins.setLong(2, b.start());
                    ins.setDouble(3, b.open());
                    ins.setDouble(4, b.high());
                    ins.setDouble(5, b.low());
                    ins.setDouble(6, b.close());
                    ins.setLong(7, b.volume().units());
                    ins.setInt(8, b.volume().fraction());
                    ins.addBatch();
                }
                del.executeBatch();
                ins.executeBatch();
            }
            return null;
        });
    }

    /**
     * Bars of a symbol starting in {@code [from, to)} (epoch millis), oldest first; at most
     * {@code limit}, the newest of them when there are more.
     */
    public List<Bar> range(String symbol, long from, long to, int limit) {
        return run(c -> {
            List<Bar> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table
                    + " WHERE symbol = ? AND bar_start >= ? AND bar_start < ? ORDER BY bar_start DESC LIMIT ?")) {
                p.setString(1, symbol);
                p.setLong(2, from);
                p.setLong(3, to);
                p.setInt(4, limit);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(new Bar(r.getLong(2), r.getDouble(3), r.getDouble(4), r.getDouble(5), r.getDouble(6),
                                new Volume(r.getLong(7), r.getInt(8))));
                    }
                }
            }
            Collections.reverse(out);
            return out;
        });
    }

    /** Bars read before a range so its first bars have their indicators (the longest window is 60). */
    public static final int WARM_UP = 200;

    /**
     * Bars of a symbol starting in {@code [from, to)}, oldest first (at most {@code limit}, the
     * newest), each in the {@link BarJson} shape with its indicators: computed over the archived bars
     * from {@value #WARM_UP} before the range on, so the recursive ones (EMA, MACD signal, RSI) are
     * seeded there and may differ in late decimals from what the entity, which saw every bar, showed.
     */
    public List<Map<String, Object>> rangeAsJson(String symbol, Market market, long from, long to, int limit) {
        List<Bar> bars = range(symbol, from, to, limit);
        if (bars.isEmpty()) {
            return List.of();
        }
        List<Bar> warm = range(symbol, Long.MIN_VALUE, bars.get(0).start(), WARM_UP);
        BarHistory h = new BarHistory(Math.max(2, warm.size() + bars.size()));
        for (Bar b : warm) {
            append(h, b);
        }
        List<Map<String, Object>> out = new ArrayList<>(bars.size());
        double[] values = new double[Field.COUNT];
        for (Bar b : bars) {
            append(h, b);
            h.compute(h.count() - 1, values);
            out.add(BarJson.map(symbol, market, b.start(), values, b.volume()));
        }
        return out;
    }

    private static void append(BarHistory h, Bar b) {
        h.append(b.start(), b.open(), b.high(), b.low(), b.close(), b.volume().units(), b.volume().fraction());
    }

    private <T> T run(Schema.ConnectionWork<T> work) {
        return persistence.Jdbc.run(connections, "bar archive", work);
    }
}
