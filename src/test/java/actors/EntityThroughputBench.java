package actors;

import actors.TickerEntity.IngestResult;
import conditions.ConditionSet;
import conditions.Tick;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import persistence.Schema;
import persistence.TestDb;

/**
 * Ticks per second into ONE entity, on H2 and PostgreSQL. Not part of the suite (about 30 s): run
 * it with {@code mvn -o test -Dtest=EntityThroughputBench -Dbench=true}. Warms up, then measures
 * batches of 100 and 1000 with 1 and 8 asks in flight.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: run with -Dbench=true")
class EntityThroughputBench {

    @Test
    void h2() throws Exception {
        run("h2", TestDb.h2(Files.createTempDirectory("tw-bench-")));
    }

    @Test
    void postgres() throws Exception {
        TestDb.Db db = TestDb.postgres("bench");
        try {
            run("postgres", db);
        } finally {
            db.drop();
        }
    }

    static void run(String label, TestDb.Db db) throws Exception {
        ActorTestKit kit = ActorTestKit.create("bench", Fixtures.config(db));
        try {
            Schema.createIfNotExists(kit.system(), db.settings()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            TickerEntityContract.Rig rig = rig(kit, "WARM" + label.toUpperCase());
            rig.ingestBatched(ticks("WARM", 50_000), 100, 8);
            for (int batch : new int[] {100, 1000}) {
                for (int parallel : new int[] {1, 8}) {
                    String sym = ("B" + label + batch + "X" + parallel).toUpperCase();
                    List<Tick> ticks = ticks(sym, 100_000);
                    TickerEntityContract.Rig r = rig(kit, sym);
                    long t = System.nanoTime();
                    IngestResult res = r.ingestBatched(ticks, batch, parallel);
                    double secs = (System.nanoTime() - t) / 1e9;
                    System.out.printf("BENCH %s batch=%d inflight=%d: %d ticks in %.2f s = %.0f ticks/s (accepted %d)%n",
                            label, batch, parallel, ticks.size(), secs, ticks.size() / secs, res.accepted());
                }
            }
        } finally {
            kit.shutdownTestKit();
        }
    }

    static List<Tick> ticks(String sym, int n) {
        return Fixtures.crypto(sym, Fixtures.utc("2026-11-16T00:00"), n, 50, 7);
    }

    static TickerEntityContract.Rig rig(ActorTestKit kit, String sym) {
        return new TickerEntityContract() {
            @Override
            TestDb.Db openDb(Path dir) {
                return null;
            }

            @Override
            String label() {
                return "";
            }
        }.rig(kit, sym, Fixtures.settings(Duration.ofMinutes(10), 100), ConditionSet.EMPTY, List.of());
    }
}
