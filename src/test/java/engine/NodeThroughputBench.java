package engine;

import actors.TickerEntity.IngestResult;
import conditions.Tick;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/**
 * Ticks per second through {@link Node#ingest} (sharding, registry, many entities), as the HTTP
 * layer will call it: requests of 10,000 ticks over 500 symbols, one request at a time. Not part of
 * the suite: {@code mvn -o test -Dtest=NodeThroughputBench -Dbench=true [-Dparallelism=32]}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: run with -Dbench=true")
class NodeThroughputBench {
    @TempDir
    Path dir;

    @Test
    void h2() throws Exception {
        run("h2", TestDb.h2(dir.resolve("data")));
    }

    @Test
    void postgres() throws Exception {
        TestDb.Db db = TestDb.postgres("nodebench");
        try {
            run("postgres", db);
        } finally {
            db.drop();
        }
    }

    void run(String label, TestDb.Db db) throws Exception {
        String parallelism = System.getProperty("parallelism", "32");
        NodeSettings settings = NodeSettings.load(com.typesafe.config.ConfigFactory.parseString(
                "tickwatch.ingest.parallelism = " + parallelism).withFallback(NodeTest.settings(dir, db).config()));
        try (Node node = Node.start(settings)) {
            List<List<Tick>> requests = requests(500, 60, 10_000, 11);
            NodeTest.get(node.ingest(requests.get(0))); // registers the symbols, warms up
            long t = System.nanoTime();
            long n = 0;
            long accepted = 0;
            for (List<Tick> r : requests.subList(1, requests.size())) {
                IngestResult res = NodeTest.get(node.ingest(r));
                n += r.size();
                accepted += res.accepted();
            }
            double secs = (System.nanoTime() - t) / 1e9;
            System.out.printf("BENCH node %s: %d ticks over 500 symbols in requests of 10,000, parallelism %s: %.2f s"
                    + " = %.0f ticks/s (accepted %d)%n", label, n, parallelism, secs, n / secs, accepted);
        }
    }

    /** {@code count} requests of {@code size} KRX ticks, symbols drawn at random, times increasing. */
    static List<List<Tick>> requests(int symbols, int count, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long t = NodeTest.krx("2026-11-20T09:00");
        List<List<Tick>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Tick> req = new ArrayList<>(size);
            for (int j = 0; j < size; j++) {
                t += 3;
                req.add(new Tick(String.format("%06d", 1 + r.nextInt(symbols)), t, 1000 + r.nextInt(100), 1 + r.nextInt(10)));
            }
            out.add(req);
        }
        return out;
    }
}
