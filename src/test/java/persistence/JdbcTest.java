package persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Jdbc#inTransaction}: all or nothing, and a pooled connection goes back in auto-commit. */
class JdbcTest {
    static long rows(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM t")) {
            r.next();
            return r.getLong(1);
        }
    }

    static void insert(Connection c, int v) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO t VALUES (" + v + ")");
        }
    }

    @Test
    void commitsWhenTheWorkReturnsRollsBackWhenItThrowsAndRestoresAutoCommit(@TempDir Path dir) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db"), "sa", "")) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE t (v INT PRIMARY KEY)");
            }
            assertEquals(2L, (long) Jdbc.inTransaction(c, tx -> {
                insert(tx, 1);
                insert(tx, 2);
                return rows(tx);
            }));
            assertTrue(c.getAutoCommit(), "auto-commit restored after a commit");

            assertThrows(IllegalStateException.class, () -> Jdbc.inTransaction(c, tx -> {
                insert(tx, 3);
                throw new IllegalStateException("half-way");
            }));
            assertThrows(SQLException.class, () -> Jdbc.inTransaction(c, tx -> {
                insert(tx, 4);
                insert(tx, 1); // a duplicate key: the SQL error rolls back the 4 as well
                return null;
            }));
            assertTrue(c.getAutoCommit(), "auto-commit restored after a rollback");
            assertEquals(2, rows(c), "neither failed transaction left a row");
        }
    }
}
