package persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A node whose schema work waits behind another session's lock for longer than it may (that node stuck
 * creating tables) fails its start with an error that says what it waited for and where to look, and
 * runs none of its statements; once the lock is free, the same work runs.
 */
class DdlLockTest {

    @Test
    void aLockHeldLongerThanTheWaitFailsWithTheLockNamedAndNothingRun() throws Exception {
        TestDb.Db db = TestDb.postgres("ddl_lock_wait");
        try (Connection stuck = db.connect(); Connection node = db.connect()) {
            // the lock is the database's: the other test JVM's schema work may hold it for a moment
            testkit.Await.until(() -> {
                try {
                    return lock(stuck, "pg_try_advisory_lock");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, Duration.ofSeconds(60), "the other session holds the schema lock");
            AtomicBoolean ran = new AtomicBoolean();
            SQLException e = assertThrows(SQLException.class,
                    () -> DdlLock.hold(node, () -> ran.set(true), Duration.ofMillis(600)));
            assertTrue(e.getMessage().contains("schema lock (pg advisory lock " + DdlLock.KEY + ")"), e.getMessage());
            assertTrue(e.getMessage().contains("pg_locks"), e.getMessage());
            assertFalse(ran.get(), "no statement runs without the lock");

            assertTrue(lock(stuck, "pg_advisory_unlock"));
            DdlLock.hold(node, () -> ran.set(true), Duration.ofSeconds(60));
            assertTrue(ran.get(), "the lock free: the work runs");
            assertEquals(0, advisoryLocksHeld(node), "and the lock is released after it");
        } finally {
            db.drop();
        }
    }

    private static int advisoryLocksHeld(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM pg_locks"
                + " WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static boolean lock(Connection c, String function) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + function + "(" + DdlLock.KEY + ")")) {
            r.next();
            return r.getBoolean(1);
        }
    }
}
