package engine;

import static engine.CrashRestartIT.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import engine.CrashRestartIT.Api;
import engine.CrashRestartIT.GenTick;
import engine.CrashRestartIT.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import persistence.TestDb;
import testkit.ClusterKeys;
import testkit.NetNs;
import testkit.TcpForwarder;

/**
 * The cluster under a network partition: three nodes from the built jar, each in a network namespace
 * of its own ({@link NetNs}: veth pairs on a bridge), on one PostgreSQL schema that every node reaches
 * through a {@link TcpForwarder} on the bridge, so the database stays reachable from both sides of the
 * partition (the dangerous case: the minority could go on writing). Node-to-node traffic is TLS (a node
 * refuses a plain-text cluster port beyond loopback), node 1 the seed. A client pushes batches of ticks
 * round-robin to all three (each with an {@code Idempotency-Key}; a batch without a 200 goes to the next
 * node with its key). A third into the stream node 3 is cut from nodes 1 and 2 (blackhole routes both
 * ways) for {@link #HOLD} and then the partition heals; node 3 is started again and rejoins.
 *
 * <p>Checked: node 3 downs itself (the split-brain resolver's keep-majority) and its process ends; the
 * majority goes on acknowledging (its longest pause measured); every symbol's bars and tick count
 * equal {@code backtest} over every acknowledged tick, each counted once; and in the journal
 * ({@code event_journal}: {@code writer} is one incarnation of an entity) every persistence id's
 * writers, in sequence order, form runs and none comes back after another took over; no node's log
 * has a write rejected as a duplicate; the incarnations on node 3 of the entities that moved wrote
 * their last event before node 3 stopped and before the majority's first. Printed: when node 3 downed
 * itself and exited after the cut, the majority's longest pause, ticks per second, the margin between
 * node 3's last write and the majority's first of the same entity.
 *
 * <p>Needs root (namespaces) and PostgreSQL: skipped without them, failed instead with
 * {@code TICKWATCH_REQUIRE_NETNS=true} / {@code TICKWATCH_REQUIRE_POSTGRES=true}. Work files under
 * {@code target/cluster-partition-it/}. Alone: README "The cluster under faults".
 */
@Tag("cluster") // run alone, after the one-node ITs (pom.xml, failsafe)
class ClusterPartitionIT {
    static final int NODES = 3;
    /**
     * How long node 3 stays cut off: longer than it takes to down itself (12-14 s) and stop (its
     * process exits at most {@link NodeCommand#DOWNED_EXIT_AFTER} later), with room for a loaded machine.
     */
    static final Duration HOLD = Duration.ofSeconds(40);
    /** Inside a namespace of this run's own nothing else listens: fixed ports cannot clash there. */
    static final int CLUSTER_PORT = 25520;
    static final int HTTP_PORT = 8080;
    static final String CONDITIONS = """
            {"above-sma5": {"when": ["CLOSE", ">", "PSMA5"], "sinks": ["file"]}}
            """;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private CrashRestartIT.Producer producer;
    private MinorityClient minorityClient;
    private TestDb.Db db;
    private NetNs net;
    private TcpForwarder forwarder;

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (producer != null) {
            producer.stop = true;
            producer.thread.interrupt();
            producer.thread.join(5000);
        }
        if (minorityClient != null) {
            minorityClient.stop = true;
        }
        for (NodeProcess p : nodes) {
            p.kill();
        }
        if (forwarder != null) {
            forwarder.close();
        }
        if (net != null) {
            net.close();
        }
        if (db != null) {
            db.drop();
        }
    }

    /** Namespaces, or a skip (a failure with {@code TICKWATCH_REQUIRE_NETNS=true}) saying why not. */
    static NetNs namespacesOrSkip() {
        try {
            return NetNs.create(NODES);
        } catch (NetNs.Unavailable e) {
            if ("true".equalsIgnoreCase(System.getenv("TICKWATCH_REQUIRE_NETNS"))) {
                fail(e.getMessage() + " (TICKWATCH_REQUIRE_NETNS=true, so this fails instead of skipping)");
            }
            Assumptions.abort(e.getMessage() + " - skipped (set TICKWATCH_REQUIRE_NETNS=true to fail instead)");
            return null;
        }
    }

    @Test
    void theMinorityDownsItselfAndNoEntityIsWrittenFromTwoNodes() throws Exception {
        assertTrue(Files.isRegularFile(CrashRestartIT.JAR), "build the jar first: " + CrashRestartIT.JAR);
        db = TestDb.postgres("cluster_partition");
        net = namespacesOrSkip();
        URI pg = URI.create(TestDb.PG_URL.substring("jdbc:".length()));
        forwarder = TcpForwarder.start(net.hostAddress(), pg.getHost(), pg.getPort() < 0 ? 5432 : pg.getPort());
        String dbUrl = "jdbc:postgresql://" + net.hostAddress() + ":" + forwarder.port() + pg.getRawPath()
                + (pg.getRawQuery() == null ? "" : "?" + pg.getRawQuery());

        Path dir = CrashRestartIT.JAR.getParent().resolve("cluster-partition-it");
        CrashRestartIT.deleteTree(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("conditions.json"), CONDITIONS);
        // One key for the three nodes (README: the simplest form), made for this run only.
        String keyPass = UUID.randomUUID().toString();
        String trustPass = UUID.randomUUID().toString();
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Path keyStore = ClusterKeys.keyPair(keys, "node", keyPass);
        Path trustStore = ClusterKeys.trustStore(keys, "trust", trustPass, ClusterKeys.exportCert(keys, "node", keyStore, keyPass));
        String adminToken = UUID.randomUUID().toString();

        List<GenTick> ticks = ClusterKillIT.generate();
        List<List<GenTick>> batches = new ArrayList<>();
        int batchSize = ClusterKillIT.SYMBOLS * ClusterKillIT.TICKS_PER_SYMBOL_AND_BATCH;
        for (int i = 0; i < ticks.size(); i += batchSize) {
            batches.add(ticks.subList(i, Math.min(ticks.size(), i + batchSize)));
        }
        // The journal keeps every event (no snapshot deletes any) so that every write's writer can be read.
        List<String> jvm = List.of("-Dtickwatch.snapshot-every=100000");
        Figures figures = new Figures();
        List<Api> apis = new ArrayList<>();
        List<Map<String, String>> envs = new ArrayList<>();
        for (int n = 1; n <= NODES; n++) {
            apis.add(new Api("http://" + net.address(n) + ":" + HTTP_PORT, adminToken));
            Path nodeDir = Files.createDirectories(dir.resolve("node" + n));
            Files.copy(dir.resolve("conditions.json"), nodeDir.resolve("conditions.json"));
            Map<String, String> env = CrashRestartIT.postgresEnv(dbUrl, db.pgSchema()); // through the forwarder
            env.put("TICKWATCH_HOST", net.address(n));
            env.put("TICKWATCH_PORT", String.valueOf(CLUSTER_PORT));
            env.put("TICKWATCH_SEED_NODES", "pekko://tickwatch@" + net.address(1) + ":" + CLUSTER_PORT);
            env.put("TICKWATCH_HTTP_HOST", net.address(n));
            env.put("TICKWATCH_HTTP_PORT", String.valueOf(HTTP_PORT));
            env.put("TICKWATCH_ADMIN_TOKEN", adminToken);
            env.put("TICKWATCH_CLUSTER_TLS", "on");
            env.put("TICKWATCH_CLUSTER_KEY_STORE", keyStore.toString());
            env.put("TICKWATCH_CLUSTER_KEY_STORE_PASSWORD", keyPass);
            env.put("TICKWATCH_CLUSTER_TRUST_STORE", trustStore.toString());
            env.put("TICKWATCH_CLUSTER_TRUST_STORE_PASSWORD", trustPass);
            env.put("TICKWATCH_DATA_DIR", nodeDir.resolve("data").toString());
            env.put("TICKWATCH_DAILY_ENABLED", "false"); // the namespaces have no way out to the daily site
            envs.add(env);
        }
        try {
            long t0 = System.nanoTime();
            for (int n = 1; n <= NODES; n++) {
                nodes.add(new NodeProcess(dir.resolve("node" + n), envs.get(n - 1), n, jvm, net.exec(n)));
                if (n == 1) {
                    awaitReady(nodes.get(0), apis.get(0)); // the seed first: the others join it
                }
            }
            for (int n = 2; n <= NODES; n++) {
                awaitReady(nodes.get(n - 1), apis.get(n - 1)); // ready = an Up member
            }
            figures.add("three nodes in their own network namespaces, TLS between them, ready in %.1f s",
                    (System.nanoTime() - t0) / 1e9);

            producer = new CrashRestartIT.Producer(apis, batches);
            long streamStart = System.nanoTime();
            producer.thread.start();
            waitFor("a third of the batches acknowledged", 90, () -> {
                producer.check();
                return producer.acked >= batches.size() / 3;
            });
            long preCutTicks = ticks(batches, producer.acked);
            double preCutSeconds = (System.nanoTime() - streamStart) / 1e9;
            figures.add("before the partition: %d ticks acknowledged in %.1f s: %.0f ticks/s through the cluster",
                    preCutTicks, preCutSeconds, preCutTicks / preCutSeconds);

            // The partition: node 3 cut from nodes 1 and 2, the database and the client still reachable by all.
            NodeProcess minority = nodes.get(2);
            int ackedAtCut = producer.acked;
            long cutAt = System.nanoTime();
            Instant cutWall = Instant.now();
            net.cut(3, 1);
            net.cut(3, 2);
            figures.add("partition: node 3 cut from nodes 1 and 2 at batch %d of %d", ackedAtCut, batches.size());
            minorityClient = new MinorityClient(apis.get(2), batches, ackedAtCut, minority);
            minorityClient.start();
            waitFor("node 3 (the minority) to stop by itself", (int) HOLD.toSeconds(), () -> !minority.process.isAlive());
            double exitedAfter = (System.nanoTime() - cutAt) / 1e9;
            int exitCode = minority.process.exitValue();
            Instant downedWall = firstLine(minority.log, "SBR took decision DownReachable", cutWall);
            Instant regionStopped = firstLine(minority.log, "Self downed, stopping ShardRegion [pekko://tickwatch/system/sharding/Ticker]", cutWall);
            assertTrue(downedWall != null && regionStopped != null,
                    "node 3's log says its split-brain resolver downed it and its tickers stopped:\n" + minority.log());
            figures.add("node 3 downed itself %.1f s after the cut, its tickers' shard region stopped %.3f s after that,"
                    + " its process ended %.1f s after the cut with exit code %d", Duration.between(cutWall, downedWall)
                    .toMillis() / 1e3, Duration.between(downedWall, regionStopped).toMillis() / 1e3, exitedAfter, exitCode);
            assertEquals(NodeCommand.DOWNED, exitCode, "a downed node exits with the code that says so");
            producer.down[2] = true; // a client whose node is gone sends to the others
            minorityClient.join();
            Instant lastMinorityAck = minorityClient.lastAck;
            figures.add("a client of node 3 alone during the partition (each symbol's ticks on their own, the next"
                    + " batches with their keys): %d request(s) acknowledged (%d symbols), the last %s its down decision;"
                    + " %d failed or unanswered", minorityClient.acked.get(), minorityClient.symbolsAcked.size(),
                    lastMinorityAck == null ? "(none)" : String.format("%+.3f s after",
                            Duration.between(downedWall, lastMinorityAck).toMillis() / 1e3), minorityClient.failed.get());
            waitFor("the partition held for " + HOLD.toSeconds() + " s", (int) HOLD.toSeconds() + 5,
                    () -> System.nanoTime() - cutAt >= HOLD.toNanos());
            int ackedInPartition = producer.acked - ackedAtCut;
            net.heal();
            Instant healWall = Instant.now();
            figures.add("partition healed after %.1f s; the majority acknowledged %d batches meanwhile; node 3 started"
                    + " again", (System.nanoTime() - cutAt) / 1e9, ackedInPartition);
            assertTrue(ackedInPartition > 0, "the majority carries on while node 3 is cut off");
            for (int n = 1; n <= 2; n++) {
                for (String step : ClusterKillIT.failoverSteps(nodes.get(n - 1).log, cutWall)) {
                    figures.add("  node %d log: %s", n, step);
                }
            }

            // Node 3 again, on its data: it joins the majority as a new incarnation and takes work back.
            NodeProcess again = new NodeProcess(dir.resolve("node3"), envs.get(2), 4, jvm, net.exec(3));
            nodes.add(again);
            awaitReady(again, apis.get(2));
            producer.down[2] = false;
            figures.add("node 3 (out-4.log) Up again %.1f s after the heal", Duration.between(healWall, Instant.now()).toMillis() / 1e3);

            waitFor("every batch acknowledged", 150, () -> {
                producer.check();
                return producer.acked == batches.size();
            });
            double streamSeconds = (System.nanoTime() - streamStart) / 1e9;
            double pause = longestPause(producer, ackedAtCut, cutAt);
            figures.add("longest time without an acknowledgement from the cut on: %.1f s (the first after the cut"
                    + " %.1f s after it)", pause, (producer.firstAckAfter(cutAt) - cutAt) / 1e9);
            figures.add("whole stream: %d ticks in %.1f s (%.0f ticks/s, the partition included); %d request(s) without"
                    + " a 200 sent again", ticks.size(), streamSeconds, ticks.size() / streamSeconds, producer.failedAttempts);
            assertEquals(Map.of(), producer.rejected, "an acknowledged tick was rejected (the pause too long?)");

            // Bars and counts: backtest over exactly the acknowledged ticks (every batch, each once).
            Path csv = dir.resolve("acked-ticks.csv");
            CrashRestartIT.writeCsv(csv, batches);
            CrashRestartIT.BacktestOutput expected = CrashRestartIT.runBacktest(dir, csv);
            assertEquals(ClusterKillIT.SYMBOLS, expected.bars().size(), "backtest made bars for every symbol");
            List<String> problems = new ArrayList<>(ClusterKillIT.compareBars(apis.get(0), expected, ticks,
                    new java.util.TreeSet<>()));

            // The journal: who wrote what, when.
            JournalCheck journal = JournalCheck.read(db, cutWall.toEpochMilli(), healWall.toEpochMilli());
            problems.addAll(journal.problems);
            figures.add("journal: %d events of %d persistence ids by %d writers (incarnations); %d entities moved to the"
                    + " majority during the partition", journal.rows, journal.pids, journal.writers, journal.moved.size());
            long downedMs = downedWall.toEpochMilli();
            long stoppedMs = regionStopped.toEpochMilli();
            long afterDown = journal.moved.stream().filter(m -> m.oldLast > downedMs).count();
            long afterStop = journal.moved.stream().filter(m -> m.oldLast > stoppedMs).count();
            long lastOld = journal.moved.stream().mapToLong(JournalCheck.Move::oldLast).max().orElse(0);
            long minMargin = journal.moved.stream().mapToLong(m -> m.newFirst - m.oldLast).min().orElse(0);
            long firstNew = journal.moved.stream().mapToLong(JournalCheck.Move::newFirst).min().orElse(0);
            figures.add("node 3's last write of a moved entity %+.3f s after it downed itself (entities whose last"
                    + " write came after the decision, a write already in flight: %d; after their region stopped: %d);"
                    + " the majority's first write of one %+.1f s after it; smallest gap between the two incarnations"
                    + " of one entity %.1f s", (lastOld - downedMs) / 1e3, afterDown, afterStop,
                    (firstNew - downedMs) / 1e3, minMargin / 1e3);
            if (journal.moved.isEmpty()) {
                problems.add("no entity moved from node 3 to the majority: the partition proved nothing");
            }
            // Nothing of node 3 written once its tickers stopped (a write the entity had already handed
            // to the journal may carry a time between the decision and the stop: the figure above)...
            if (afterStop > 0) {
                problems.add(afterStop + " entities of node 3 wrote after its tickers' region stopped: " + journal.moved
                        .stream().filter(m -> m.oldLast > stoppedMs).limit(5).toList());
            }
            // ... and the majority wrote none of them before then.
            if (firstNew <= stoppedMs) {
                problems.add("the majority wrote a moved entity before node 3's tickers stopped: " + journal.moved);
            }
            for (NodeProcess p : nodes) {
                for (String l : CrashRestartIT.lines(p.log)) {
                    if (l.contains("duplicate key") || l.contains("unique constraint") || l.contains("Failed to persist")) {
                        problems.add("out-" + p.n + ".log: " + l);
                    }
                }
            }
            figures.print();
            if (!problems.isEmpty()) {
                fail(problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
            }
            assertTrue(exitedAfter < HOLD.toSeconds(), "node 3 stopped while cut off");
        } catch (Throwable e) {
            figures.print();
            if (producer != null) {
                producer.events.forEach(ev -> System.out.println("[ClusterPartitionIT] producer: " + ev));
            }
            for (NodeProcess p : nodes) {
                p.printLog();
            }
            throw e;
        }
    }

    private static void awaitReady(NodeProcess p, Api api) throws Exception {
        // Generous: three JVMs starting with TLS on 2 cores shared with other builds took up to 80 s to join.
        CrashRestartIT.awaitReady("node " + p.n, api, 180, Duration.ofSeconds(15), List.of(p));
    }

    private static long ticks(List<List<GenTick>> batches, int upTo) {
        return batches.subList(0, upTo).stream().mapToLong(List::size).sum();
    }

    /** Seconds of the longest wait between two acknowledgements (or the cut and the first one) from the cut on. */
    private static double longestPause(CrashRestartIT.Producer p, int from, long cutAt) {
        long prev = cutAt;
        long longest = 0;
        for (int i = from; i < p.ackedAt.length; i++) {
            if (p.ackedAt[i] > prev) {
                longest = Math.max(longest, p.ackedAt[i] - prev);
                prev = p.ackedAt[i];
            }
        }
        return longest / 1e9;
    }

    /** The time of the first line of {@code log} after {@code after} that contains {@code text}, or null. */
    static Instant firstLine(Path log, String text, Instant after) throws IOException {
        for (String l : CrashRestartIT.lines(log)) {
            if (l.contains(text) && l.indexOf(' ') > 0) {
                try {
                    Instant at = java.time.OffsetDateTime.parse(l.substring(0, l.indexOf(' '))).toInstant();
                    if (!at.isBefore(after)) {
                        return at;
                    }
                } catch (DateTimeParseException e) {
                    // not a timestamped line
                }
            }
        }
        return null;
    }

    /**
     * A client that reaches only node 3 during the partition and keeps its entities writing until it
     * stops: per symbol (a thread each, in order), the ticks of that symbol in the batches after the cut,
     * under the batch's own {@code Idempotency-Key} (the entity's batch id covers the key, the symbol and
     * its ticks, so the main client's full batch later counts them once). A symbol whose entity is on
     * the majority gets no answer (node 3 cannot reach it); one on node 3 is stored and acknowledged
     * there: exactly the writes that must end before the majority starts that entity. A failed request
     * is sent again (never the next batch first: a symbol's ticks stay in order); at most
     * {@link #AHEAD} batches, within the batch ids an entity remembers (64).
     */
    static final class MinorityClient {
        static final int AHEAD = 50;
        final Api api;
        final List<List<GenTick>> batches;
        final int from;
        final NodeProcess node;
        final List<Thread> threads = new ArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger acked = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        final Set<String> symbolsAcked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile Instant lastAck;
        volatile boolean stop;

        MinorityClient(Api api, List<List<GenTick>> batches, int from, NodeProcess node) {
            this.api = api;
            this.batches = batches;
            this.from = from;
            this.node = node;
            for (int s = 0; s < ClusterKillIT.SYMBOLS; s++) {
                String sym = ClusterKillIT.symbol(s);
                Thread t = new Thread(() -> run(sym), "minority-client-" + sym);
                t.setDaemon(true);
                threads.add(t);
            }
        }

        void start() {
            threads.forEach(Thread::start);
        }

        void join() throws InterruptedException {
            stop = true;
            for (Thread t : threads) {
                t.join(25_000);
            }
        }

        private void run(String sym) {
            int b = from;
            while (!stop && node.process.isAlive() && b < Math.min(batches.size(), from + AHEAD)) {
                List<GenTick> mine = batches.get(b).stream().filter(t -> t.symbol().equals(sym)).toList();
                try {
                    var r = api.post("/api/ticks", CrashRestartIT.body(mine), "crash-it-batch-" + b);
                    if (r.statusCode() == 200) {
                        acked.incrementAndGet();
                        symbolsAcked.add(sym);
                        lastAck = Instant.now();
                        b++;
                        Thread.sleep(400); // paced, so node 3 writes all through the partition
                        continue;
                    }
                } catch (IOException e) {
                    // no answer: send it again
                } catch (InterruptedException e) {
                    return;
                }
                failed.incrementAndGet();
            }
        }
    }

    /** The figures a run prints (README "The cluster under faults" records their ranges). */
    static final class Figures {
        final List<String> lines = new ArrayList<>();

        void add(String format, Object... args) {
            String line = String.format(format, args);
            lines.add(line);
            System.out.println("[ClusterPartitionIT] " + line);
        }

        void print() {
            System.out.println("[ClusterPartitionIT] figures:\n  " + String.join("\n  ", lines));
        }
    }

    /**
     * The event journal read back: for each persistence id, its events in sequence order with their
     * {@code writer} (a UUID per incarnation of an entity: one start on one node) and
     * {@code write_timestamp}. A writer that comes back after another wrote the same id means two
     * incarnations wrote it at once. An entity whose writer changed between the cut and the heal was on
     * node 3 (the majority's entities do not move when a node goes: only the gone node's shards do):
     * its old writer was node 3's incarnation, its new one the majority's.
     */
    static final class JournalCheck {
        record Move(String pid, String oldWriter, long oldLast, String newWriter, long newFirst) {
        }

        final List<String> problems = new ArrayList<>();
        final List<Move> moved = new ArrayList<>();
        int rows;
        int pids;
        int writers;

        static JournalCheck read(TestDb.Db db, long cutMs, long healMs) throws Exception {
            JournalCheck c = new JournalCheck();
            Set<String> allWriters = new HashSet<>();
            try (Connection conn = db.connect(); Statement s = conn.createStatement();
                 ResultSet rs = s.executeQuery("SELECT persistence_id, sequence_number, writer, write_timestamp"
                         + " FROM " + db.pgSchema() + ".event_journal ORDER BY persistence_id, sequence_number")) {
                String pid = null;
                long prevSeq = 0;
                String writer = null;
                long writerLast = 0;
                Set<String> seen = new HashSet<>();
                while (rs.next()) {
                    c.rows++;
                    String p = rs.getString(1);
                    long seq = rs.getLong(2);
                    String w = rs.getString(3);
                    long ts = rs.getLong(4);
                    allWriters.add(w);
                    if (!p.equals(pid)) {
                        c.pids++;
                        pid = p;
                        prevSeq = 0;
                        writer = null;
                        seen.clear();
                    }
                    if (seq != prevSeq + 1 && prevSeq != 0) {
                        c.problems.add(p + ": sequence " + prevSeq + " then " + seq);
                    }
                    prevSeq = seq;
                    if (!w.equals(writer)) {
                        if (!seen.add(w)) {
                            c.problems.add(p + ": writer " + w + " wrote again at seq " + seq + " after " + writer
                                    + " took over: two incarnations wrote it at once");
                        }
                        if (writer != null) {
                            if (ts < writerLast) {
                                c.problems.add(p + ": seq " + seq + " by " + w + " written before seq " + (seq - 1) + " by "
                                        + writer);
                            }
                            if (ts > cutMs && ts < healMs) {
                                c.moved.add(new Move(p, writer, writerLast, w, ts));
                            }
                        }
                        writer = w;
                    }
                    writerLast = ts;
                }
            }
            c.writers = allWriters.size();
            return c;
        }
    }
}
