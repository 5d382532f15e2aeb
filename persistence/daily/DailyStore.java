package persistence.daily;

import conditions.DailyBar;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import persistence.DbSettings;
import persistence.Schema;

/**
 * Completed trading days per symbol ({@code tickwatch_daily} in the node's database, shared by the
 * cluster): daily bars and investor flows, written by whatever fetches them (the daily crawler) and
 * read by the daily context of conditions and by the API. A table and not events of the ticker: a
 * day is written once or corrected by a later fetch (Naver revises the last day's flows after the
 * close), and a restart must not re-crawl 60 days.
 *
 * <p>Every method blocks on one pooled connection: call it from a blocking dispatcher or a
 * crawler's thread, never from an entity.
 */
public final class DailyStore {
    public static final String TABLE = "tickwatch_daily";
    private static final String COLUMNS = "symbol, trade_date, open, high, low, close, volume, inst_net, foreign_net, "
            + "foreign_holding, foreign_ratio, updated_at";

    private final persistence.Jdbc.Connections connections;
    private final String table;

    public DailyStore(persistence.Jdbc.Connections connections, DbSettings db) {
        this.connections = connections;
        this.table = persistence.Jdbc.table(db, TABLE);
    }

    /** The store on the node's database, through the persistence plugins' pool. */
    public static DailyStore of(ActorSystem<?> system, DbSettings db) {
        return new DailyStore(persistence.Jdbc.pool(system), db);
    }

    /** Creates the table when missing; harmless when it exists. */
    public DailyStore createTable() {
        persistence.Jdbc.ddl(connections, "daily store", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                        + "symbol VARCHAR(64) NOT NULL, "
                        + "trade_date DATE NOT NULL, "
                        + "open DOUBLE PRECISION NOT NULL, "
                        + "high DOUBLE PRECISION NOT NULL, "
                        + "low DOUBLE PRECISION NOT NULL, "
                        + "close DOUBLE PRECISION NOT NULL, "
                        + "volume BIGINT NOT NULL, "
                        + "inst_net BIGINT, "
                        + "foreign_net BIGINT, "
                        + "foreign_holding BIGINT, "
                        + "foreign_ratio DOUBLE PRECISION, "
                        + "updated_at BIGINT NOT NULL, "
                        + "PRIMARY KEY (symbol, trade_date))");
            }
            return null;
        });
        return this;
    }

    /**
     * Writes days of a symbol, replacing stored days of the same date (a later fetch corrects an
     * earlier one), in one transaction.
     */
    public void upsert(String symbol, List<DailyBar> days) {
        if (days.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        persistence.Jdbc.transaction(connections, "daily store", c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE symbol = ? AND trade_date = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS
                         + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (DailyBar d : days) {
                    del.setString(1, symbol);
                    del.setObject(2, d.date());
                    del.addBatch();
                    ins.setString(1, symbol);
                    ins.setObject(2, d.date());
                    ins.setDouble(3, d.open());
                    ins.setDouble(4, d.high());
                    ins.setDouble(5, d.low());
                    ins.setDouble(6, d.close());
                    ins.setLong(7, d.volume());
                    persistence.Jdbc.setLong(ins, 8, d.instNet());
                    persistence.Jdbc.setLong(ins, 9, d.foreignNet());
                    persistence.Jdbc.setLong(ins, 10, d.foreignHolding());
                    persistence.Jdbc.setDouble(ins, 11, d.foreignRatio());
                    ins.setLong(12, now);
                    ins.addBatch();
                }
                del.executeBatch();
                ins.executeBatch();
            }
            return null;
        });
    }

    /** The newest {@code limit} days of a symbol, oldest first. */
    public List<DailyBar> recent(String symbol, int limit) {
        return run(c -> {
            List<DailyBar> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table
                    + " WHERE symbol = ? ORDER BY trade_date DESC LIMIT ?")) {
                p.setString(1, symbol);
                p.setInt(2, limit);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(read(r));
                    }
                }
            }
            Collections.reverse(out);
            return out;
        });
    }

    /** The newest {@code limit} days of a symbol before {@code day} (exclusive), oldest first. */
    public List<DailyBar> before(String symbol, LocalDate day, int limit) {
        return run(c -> {
            List<DailyBar> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table
                    + " WHERE symbol = ? AND trade_date < ? ORDER BY trade_date DESC LIMIT ?")) {
                p.setString(1, symbol);
                p.setObject(2, day);
                p.setInt(3, limit);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(read(r));
                    }
                }
            }
            Collections.reverse(out);
            return out;
        });
    }

    /** The newest stored day of a symbol, if any. */
    public Optional<LocalDate> latestDay(String symbol) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT MAX(trade_date) FROM " + table + " WHERE symbol = ?")) {
                p.setString(1, symbol);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    return Optional.ofNullable(r.getObject(1, LocalDate.class));
                }
            }
        });
    }

    private static DailyBar read(ResultSet r) throws SQLException {
        return new DailyBar(r.getObject(2, LocalDate.class), r.getDouble(3), r.getDouble(4), r.getDouble(5),
                r.getDouble(6), r.getLong(7), persistence.Jdbc.longOrNull(r, 8), persistence.Jdbc.longOrNull(r, 9),
                persistence.Jdbc.longOrNull(r, 10), persistence.Jdbc.doubleOrNull(r, 11));
    }


    private <T> T run(Schema.ConnectionWork<T> work) {
        return persistence.Jdbc.run(connections, "daily store", work);
    }
}
