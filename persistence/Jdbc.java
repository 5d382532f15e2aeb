package persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What every table of ours beside the journal shares (the delivery ledger, the order book, the daily
 * store, the bar archive, the universe): where its connections come from, how a table is named on
 * each database, and one call on one connection whose SQL errors name the store.
 */
public final class Jdbc {
    private Jdbc() {
    }

    /** Gives a connection: the node's pool in production, a test database's in tests. The caller closes it. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    /** The persistence plugins' pool of the node's database. */
    public static Connections pool(ActorSystem<?> system) {
        return () -> Schema.connection(system);
    }

    /** A table of ours, as it is named on this database (H2's PUBLIC schema, quoted; PostgreSQL's configured one). */
    public static String table(DbSettings db, String name) {
        return Schema.table(db, name);
    }

    /**
     * {@code work} on one connection, closed after. A {@link SQLException} becomes an
     * {@link IllegalStateException} saying which store failed ({@code what}: "order book: ...").
     */
    public static <T> T run(Connections connections, String what, Schema.ConnectionWork<T> work) {
        try (Connection c = connections.open()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@link #run} for statements that create or alter tables: they hold the {@link DdlLock}, so
     * nodes starting together on one PostgreSQL database do not race on them.
     */
    public static void ddl(Connections connections, String what, Schema.ConnectionWork<?> work) {
        run(connections, what, c -> {
            DdlLock.hold(c, () -> work.apply(c));
            return null;
        });
    }

    /**
     * {@code work} in one transaction on one connection: committed when it returns, rolled back when
     * it throws, the connection's auto-commit restored either way.
     */
    public static <T> T transaction(Connections connections, String what, Schema.ConnectionWork<T> work) {
        return run(connections, what, c -> inTransaction(c, work));
    }

    /**
     * {@code work} in one transaction on {@code c} (from a pool, say: {@code Schema.onConnection}):
     * committed when it returns, rolled back when it throws, and the connection's auto-commit
     * restored either way, so a pooled connection goes back as it came.
     */
    public static <T> T inTransaction(Connection c, Schema.ConnectionWork<T> work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.apply(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** A nullable BIGINT column. */
    public static Long longOrNull(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : v;
    }

    /** A nullable DOUBLE PRECISION column. */
    public static Double doubleOrNull(ResultSet r, int column) throws SQLException {
        double v = r.getDouble(column);
        return r.wasNull() ? null : v;
    }

    /** Sets a nullable BIGINT parameter. */
    public static void setLong(PreparedStatement p, int index, Long v) throws SQLException {
        if (v == null) {
            p.setNull(index, Types.BIGINT);
        } else {
            p.setLong(index, v);
        }
    }

    /** Sets a nullable DOUBLE PRECISION parameter. */
    public static void setDouble(PreparedStatement p, int index, Double v) throws SQLException {
        if (v == null) {
            p.setNull(index, Types.DOUBLE);
        } else {
            p.setDouble(index, v);
        }
    }
}
