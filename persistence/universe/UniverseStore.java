package persistence.universe;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import persistence.DbSettings;
import persistence.Schema;

/**
 * The universe job's durable state in the node's database (shared by the cluster), so a restart in
 * the middle of a day's crawl resumes where it stopped:
 * <ul>
 * <li>{@code tickwatch_universe_candidates}: the day's candidates, one row each, with their score
 *     and average traded value once read ({@code done_at} set);</li>
 * <li>{@code tickwatch_universe}: the day's finished list, written in one transaction.</li>
 * </ul>
 * Every method blocks on one pooled connection: call it from the job's thread.
 */
public final class UniverseStore {
    public static final String CANDIDATES = "tickwatch_universe_candidates";
    public static final String MEMBERS = "tickwatch_universe";

    /** A candidate of a day; {@code score} and {@code avgValue} are null until read ({@code done} false). */
    public record Candidate(String symbol, String name, Long marketCap, boolean done, Double score, Double avgValue) {
    }

    /** A member of a day's universe: its rank (1 first), 5-day score in won, and the day it entered. */
    public record Member(String symbol, String name, int rank, double score, LocalDate entered) {
    }

    private final persistence.Jdbc.Connections connections;
    private final String candidates;
    private final String members;

    public UniverseStore(persistence.Jdbc.Connections connections, DbSettings db) {
        this.connections = connections;
        this.candidates = persistence.Jdbc.table(db, CANDIDATES);
        this.members = persistence.Jdbc.table(db, MEMBERS);
    }

    public static UniverseStore of(ActorSystem<?> system, DbSettings db) {
        return new UniverseStore(persistence.Jdbc.pool(system), db);
    }

    /** Creates the tables when missing; harmless when they exist. */
    public UniverseStore createTables() {
        persistence.Jdbc.ddl(connections, "universe store", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + candidates + " ("
                        + "trade_date DATE NOT NULL, symbol VARCHAR(64) NOT NULL, name VARCHAR(200), market_cap BIGINT, "
                        + "score DOUBLE PRECISION, avg_value DOUBLE PRECISION, done_at BIGINT, "
                        + "PRIMARY KEY (trade_date, symbol))");
                s.execute("CREATE TABLE IF NOT EXISTS " + members + " ("
                        + "trade_date DATE NOT NULL, symbol VARCHAR(64) NOT NULL, name VARCHAR(200), ranking INTEGER NOT NULL, "
                        + "score DOUBLE PRECISION NOT NULL, entered DATE NOT NULL, "
                        + "PRIMARY KEY (trade_date, symbol))");
            }
            return null;
        });
        return this;
    }

    /** The day's candidates in the order they were listed (by rank of listing, then code). */
    public List<Candidate> candidates(LocalDate day) {
        return run(c -> {
            List<Candidate> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT symbol, name, market_cap, done_at, score, avg_value FROM "
                    + candidates + " WHERE trade_date = ? ORDER BY symbol")) {
                p.setObject(1, day);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        boolean done = persistence.Jdbc.longOrNull(r, 4) != null;
                        out.add(new Candidate(r.getString(1), r.getString(2), persistence.Jdbc.longOrNull(r, 3), done,
                                persistence.Jdbc.doubleOrNull(r, 5), persistence.Jdbc.doubleOrNull(r, 6)));
                    }
                }
            }
            return out;
        });
    }

    /** Records the day's candidates (once: a day that has candidates keeps them). */
    public void addCandidates(LocalDate day, List<Candidate> list) {
        transaction(c -> {
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + candidates
                    + " (trade_date, symbol, name, market_cap) VALUES (?, ?, ?, ?)")) {
                for (Candidate k : list) {
                    ins.setObject(1, day);
                    ins.setString(2, k.symbol());
                    ins.setString(3, k.name());
                    persistence.Jdbc.setLong(ins, 4, k.marketCap());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
        });
    }

    /** A candidate read: its score and average traded value (null when it has no figures). */
    public void done(LocalDate day, String symbol, Double score, Double avgValue) {
        run(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE " + candidates
                    + " SET score = ?, avg_value = ?, done_at = ? WHERE trade_date = ? AND symbol = ?")) {
                persistence.Jdbc.setDouble(p, 1, score);
                persistence.Jdbc.setDouble(p, 2, avgValue);
                p.setLong(3, System.currentTimeMillis());
                p.setObject(4, day);
                p.setString(5, symbol);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** Writes the day's finished list (replacing one written before for that day). */
    public void finish(LocalDate day, List<Member> list) {
        transaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + members + " WHERE trade_date = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO " + members
                         + " (trade_date, symbol, name, ranking, score, entered) VALUES (?, ?, ?, ?, ?, ?)")) {
                del.setObject(1, day);
                del.executeUpdate();
                for (Member m : list) {
                    ins.setObject(1, day);
                    ins.setString(2, m.symbol());
                    ins.setString(3, m.name());
                    ins.setInt(4, m.rank());
                    ins.setDouble(5, m.score());
                    ins.setObject(6, m.entered());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
        });
    }

    /** The newest day with a finished list on or before {@code day}, if any. */
    public Optional<LocalDate> latestFinished(LocalDate onOrBefore) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT MAX(trade_date) FROM " + members + " WHERE trade_date <= ?")) {
                p.setObject(1, onOrBefore);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    return Optional.ofNullable(r.getObject(1, LocalDate.class));
                }
            }
        });
    }

    /** A day's list by rank; empty when none was finished that day. */
    public List<Member> members(LocalDate day) {
        return run(c -> {
            List<Member> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT symbol, name, ranking, score, entered FROM " + members
                    + " WHERE trade_date = ? ORDER BY ranking")) {
                p.setObject(1, day);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(new Member(r.getString(1), r.getString(2), r.getInt(3), r.getDouble(4),
                                r.getObject(5, LocalDate.class)));
                    }
                }
            }
            return out;
        });
    }


    /** Statements that must all be written or none. */
    private interface Writes {
        void apply(Connection c) throws SQLException;
    }

    private void transaction(Writes writes) {
        persistence.Jdbc.transaction(connections, "universe store", c -> {
            writes.apply(c);
            return null;
        });
    }

    private <T> T run(Schema.ConnectionWork<T> work) {
        return persistence.Jdbc.run(connections, "universe store", work);
    }
}
