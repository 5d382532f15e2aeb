package persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating the tables on a real H2 file and a real PostgreSQL schema, twice (the second is a no-op). */
class SchemaTest {
    @TempDir
    Path dir;

    @EachDb("schema")
    void createTwiceAndPing(TestDb.Db db) throws Exception {
        ActorTestKit kit = ActorTestKit.create("schema", db.applyTo(
                ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load())));
        try {
            Schema.createIfNotExists(kit.system(), db.settings()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            Schema.createIfNotExists(kit.system(), db.settings()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertTrue(Schema.ping(kit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS));
            long tables = Schema.onConnection(kit.system(), c -> {
                try (var r = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                    long n = 0;
                    while (r.next()) {
                        String name = r.getString("TABLE_NAME").toLowerCase();
                        String schema = String.valueOf(r.getString("TABLE_SCHEM")).toLowerCase();
                        if (schema.equals(db.settings().schema()) && (name.equals("event_journal")
                                || name.equals("snapshot") || name.equals("event_tag") || name.equals("durable_state"))) {
                            n++;
                        }
                    }
                    return n;
                }
            }).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(4, tables, "the four tables of the plugin in schema " + db.settings().schema());
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void thePostgresDdlIsThePluginsOwn() {
        String f = "postgres/postgres-create-schema.sql";
        assertTrue(Schema.shipped(f).endsWith(new String(readResource("schema/" + f))),
                f + " is the plugin's script with a header");
    }

    /** The H2 journal layout the script describes: what made H2 fast enough, so it must not rot. */
    @Test
    void h2JournalIsStoredByOrderingWithACachedIdentityAndInlinePayloads() throws Exception {
        TestDb.Db db = TestDb.h2(dir);
        try (Connection c = db.connect()) {
            runScript(c, Schema.shipped("h2/h2-create-schema.sql"));
            runScript(c, Schema.shipped("h2/h2-create-schema.sql"));
            assertEquals(10_000, identityCache(c));
            assertEquals("BINARY VARYING", column(c, "event_payload", "DATA_TYPE"));
            assertEquals(List.of("ordering"), primaryKey(c));
            insertEvent(c, "Ticker|005930", 1);
            insertEvent(c, "Ticker|005930", 2);
            insertEvent(c, "Ticker|000660", 1);
            // The journal's optimistic concurrency: a second write of the same sequence number fails.
            SQLException e = assertThrows(SQLException.class, () -> insertEvent(c, "Ticker|005930", 2));
            assertTrue(e.getMessage().contains("event_journal_pid_seq"), e.getMessage());
        }
    }

    /** A journal made by an earlier tickwatch (the plugin's own script) keeps working and gets the cache. */
    @Test
    void anH2JournalFromThePluginsScriptGetsTheCache() throws Exception {
        TestDb.Db db = TestDb.h2(dir);
        try (Connection c = db.connect()) {
            runScript(c, new String(readResource("schema/h2/h2-create-schema.sql")));
            insertEvent(c, "Ticker|005930", 1);
            assertEquals(32, identityCache(c), "H2's default, before the upgrade");
        }
        ActorTestKit kit = ActorTestKit.create("schema", db.applyTo(
                ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load())));
        try {
            Schema.createIfNotExists(kit.system(), db.settings()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            kit.shutdownTestKit();
        }
        try (Connection c = db.connect()) {
            assertEquals(10_000, identityCache(c));
            insertEvent(c, "Ticker|005930", 2);
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT COUNT(*) FROM PUBLIC.\"event_journal\"")) {
                r.next();
                assertEquals(2, r.getInt(1));
            }
        }
    }

    private static void runScript(Connection c, String script) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : script.split(";")) {
                if (!statement.strip().lines().allMatch(l -> l.isBlank() || l.strip().startsWith("--"))) {
                    s.execute(statement);
                }
            }
        }
    }

    private static void insertEvent(Connection c, String pid, long seq) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO PUBLIC.\"event_journal\" (\"persistence_id\", "
                + "\"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", "
                + "\"event_ser_id\", \"event_ser_manifest\") VALUES (?, ?, 'w', 0, '', ?, 1, 'm')")) {
            p.setString(1, pid);
            p.setLong(2, seq);
            p.setBytes(3, new byte[600]);
            p.executeUpdate();
        }
    }

    private static long identityCache(Connection c) throws SQLException {
        return Long.parseLong(column(c, "ordering", "IDENTITY_CACHE"));
    }

    private static String column(Connection c, String name, String attribute) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + attribute + " FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE TABLE_NAME = 'event_journal' AND COLUMN_NAME = ?")) {
            p.setString(1, name);
            try (ResultSet r = p.executeQuery()) {
                assertTrue(r.next(), name);
                return r.getString(1);
            }
        }
    }

    private static List<String> primaryKey(Connection c) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet r = c.getMetaData().getPrimaryKeys(null, "PUBLIC", "event_journal")) {
            while (r.next()) {
                columns.add(r.getString("COLUMN_NAME"));
            }
        }
        return columns;
    }

    static byte[] readResource(String path) {
        try (var in = SchemaTest.class.getClassLoader().getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw new AssertionError(path, e);
        }
    }
}
