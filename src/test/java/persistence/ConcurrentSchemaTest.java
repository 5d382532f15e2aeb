package persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import conditions.ModelConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import persistence.bars.BarArchive;
import persistence.daily.DailyStore;
import persistence.universe.UniverseStore;

/**
 * Nodes started together on a fresh PostgreSQL schema all start: each creates every table of ours at
 * the same moment as the others (what a cluster formed by Cluster Bootstrap does on its first start).
 * Without {@link DdlLock} PostgreSQL fails the losers' {@code CREATE ... IF NOT EXISTS} with a
 * duplicate key in its catalog (a CI run of BootstrapLeaveIT lost a node that way).
 */
class ConcurrentSchemaTest {
    static final int NODES = 4;
    static final int ROUNDS = 5;
    static final List<String> TABLES = List.of("event_journal", "event_tag", "snapshot", "durable_state",
            "tickwatch_model", "tickwatch_delivery", "tickwatch_order", "tickwatch_position", "tickwatch_order_halt",
            "tickwatch_bar", "tickwatch_daily", "tickwatch_universe_candidates", "tickwatch_universe");

    @Test
    void nodesCreatingTheSchemaTogetherAllSucceed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(NODES);
        List<String> failures = new ArrayList<>();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                TestDb.Db db = TestDb.postgres("ddl_race");
                try {
                    db.drop(); // the nodes create the schema too, as on a first start
                    CyclicBarrier start = new CyclicBarrier(NODES);
                    List<Future<?>> nodes = new ArrayList<>();
                    for (int n = 0; n < NODES; n++) {
                        nodes.add(pool.submit(() -> {
                            start.await();
                            createEverything(db);
                            return null;
                        }));
                    }
                    for (Future<?> f : nodes) {
                        try {
                            f.get(60, TimeUnit.SECONDS);
                        } catch (java.util.concurrent.ExecutionException e) {
                            failures.add("round " + round + ": " + e.getCause());
                        }
                    }
                    assertEquals(TABLES, tablesOf(db), "round " + round + ": every table exists");
                } finally {
                    db.drop();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), failures, "no node's start failed");
    }

    /** What a node's start creates, in its order (the Telegram sink's tables use the same lock). */
    private static void createEverything(TestDb.Db db) throws SQLException {
        DbSettings s = db.settings();
        try (Connection c = db.connect()) {
            Schema.createPostgresJournal(c, s);
            Schema.checkModel(c, s, ModelConfig.DEFAULT);
            new DeliveryLedger(db::connect, s).createTable();
            new OrderBook(db::connect, s).createTables();
            new BarArchive(db::connect, s).createTable();
            new DailyStore(db::connect, s).createTable();
            new UniverseStore(db::connect, s).createTables();
        }
    }

    private static List<String> tablesOf(TestDb.Db db) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet r = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                     + db.pgSchema() + "'")) {
            while (r.next()) {
                found.add(r.getString(1));
            }
        }
        return TABLES.stream().filter(found::contains).toList();
    }
}
