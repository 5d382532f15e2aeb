package persistence;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * One node at a time creates or alters tables on a PostgreSQL database.
 *
 * <p>PostgreSQL's {@code CREATE ... IF NOT EXISTS} is not safe against another session creating the
 * same object at the same moment: the loser fails with "duplicate key value violates unique
 * constraint pg_type_typname_nsp_index" (or pg_namespace's, pg_class's), and two
 * {@code CREATE INDEX CONCURRENTLY} deadlock. Nodes of a cluster started together on a fresh schema
 * (Cluster Bootstrap forms the cluster only when they all run) do exactly that, and the loser failed
 * its start. Every statement that creates or alters a table of ours therefore runs while holding one
 * advisory lock of the database.
 *
 * <p>The lock is taken with {@code pg_try_advisory_lock} in a loop, never by waiting inside a
 * statement: a session waiting in {@code pg_advisory_lock} holds a snapshot, which the holder's
 * {@code CREATE INDEX CONCURRENTLY} waits for, which would deadlock. It is a session lock, released
 * after {@code work} returns (after its commit, when it opens a transaction), so the next node sees
 * committed tables. H2 is embedded in one process and needs no lock.
 */
public final class DdlLock {
    /** The lock's key: "tickwatch DDL", shared by every node on the database. */
    static final long KEY = 0x7469636b_7764646cL;
    /** How long a node waits for another node's schema work before its start fails. */
    static final Duration WAIT = Duration.ofMinutes(2);
    private static final long POLL_MS = 50;

    private DdlLock() {
    }

    /** Statements on the connection given to {@link #hold}. */
    @FunctionalInterface
    public interface Work {
        void run() throws SQLException;
    }

    /** {@code work}'s statements on {@code c} (in auto-commit mode), holding the lock on PostgreSQL. */
    public static void hold(Connection c, Work work) throws SQLException {
        hold(c, work, WAIT);
    }

    /** {@link #hold(Connection, Work)}, waiting at most {@code wait} for the lock (a test's shorter wait). */
    static void hold(Connection c, Work work, Duration wait) throws SQLException {
        if (!isPostgres(c)) {
            work.run();
            return;
        }
        acquire(c, wait);
        try {
            work.run();
        } catch (SQLException | RuntimeException e) {
            try {
                release(c);
            } catch (SQLException releasing) {
                e.addSuppressed(releasing); // the session ends with the pooled connection's eviction
            }
            throw e;
        }
        release(c);
    }

    static boolean isPostgres(Connection c) throws SQLException {
        return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
    }

    private static void acquire(Connection c, Duration wait) throws SQLException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_try_advisory_lock(" + KEY + ")")) {
                r.next();
                if (r.getBoolean(1)) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new SQLException("another session has held tickwatch's schema lock (pg advisory lock " + KEY
                        + ") for " + wait.toSeconds() + " s: is another node stuck creating tables? See pg_locks "
                        + "where locktype = 'advisory'");
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for tickwatch's schema lock", e);
            }
        }
    }

    private static void release(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_advisory_unlock(" + KEY + ")")) {
            r.next();
        }
    }
}
