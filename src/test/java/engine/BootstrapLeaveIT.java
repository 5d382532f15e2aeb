package engine;

import static engine.CrashRestartIT.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import engine.CrashRestartIT.Api;
import engine.CrashRestartIT.GenTick;
import engine.CrashRestartIT.NodeProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import persistence.TestDb;

/**
 * Cluster Bootstrap and a graceful leave, with two nodes from the built jar on one PostgreSQL schema:
 * {@code TICKWATCH_DISCOVERY=config} with both nodes' management endpoints and no seed nodes, so the
 * cluster can only form through bootstrap. Then SIGTERM ({@link Process#destroy()}) to node 2 while
 * a client keeps pushing ticks of every symbol to node 1. Checked, as an operator would: both nodes
 * become ready and one cluster (node 1's ticker list is node 2's, and node 2's log shows it joined
 * the cluster node 1 formed or the other way round); node 2's {@code /ready} answers 503 while it
 * still serves, before it stops; it exits with status 0 within {@link #EXIT_BOUND_S}; node 1 saw it
 * leave (Exiting, removed) and never unreachable; every ticker answers on node 1 and every batch is
 * acknowledged, none refused, with the longest pause between two acknowledgements printed.
 *
 * <p>Work files under {@code target/bootstrap-leave-it/}. Alone:
 * {@code mvn -B -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BootstrapLeaveIT}.
 */
@Tag("cluster") // run alone, after the one-node ITs (pom.xml, failsafe)
class BootstrapLeaveIT {
    static final int SYMBOLS = 20;
    /** Seconds from SIGTERM to the process's exit that the test accepts (measured: README). */
    static final int EXIT_BOUND_S = 30;
    /** tickwatch.ready.drain for the stopping node: long enough for a 50 ms poller to see the 503. */
    static final String DRAIN = "2s";
    static final String CONDITIONS = """
            {"above-sma5": {"when": ["CLOSE", ">", "PSMA5"], "sinks": ["file"]}}
            """;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private CrashRestartIT.Producer producer;
    private TestDb.Db db;

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (producer != null) {
            producer.stop = true;
            producer.thread.interrupt();
            producer.thread.join(5000);
        }
        for (NodeProcess p : nodes) {
            p.kill();
        }
        if (db != null) {
            db.drop();
        }
    }

    static String symbol(int s) {
        return String.format("3%05d", s + 1);
    }

    /** Batch i: one tick per symbol at minute i from 09:00 (a random walk), so no batch's tick is late. */
    static List<List<GenTick>> batches(int count) {
        List<List<GenTick>> all = new ArrayList<>();
        long[] price = new long[SYMBOLS];
        java.util.Random rnd = new java.util.Random(14);
        for (int s = 0; s < SYMBOLS; s++) {
            price[s] = 10_000 + 100L * s;
        }
        for (int i = 0; i < count; i++) {
            List<GenTick> batch = new ArrayList<>();
            for (int s = 0; s < SYMBOLS; s++) {
                price[s] = Math.max(1000, price[s] + 10L * (rnd.nextInt(7) - 3));
                batch.add(new GenTick(symbol(s), CrashRestartIT.DAY_OPEN + i * 60_000L + s * 100L, price[s],
                        1 + rnd.nextInt(50), -1));
            }
            all.add(batch);
        }
        return all;
    }

    @Test
    void bootstrapFormsTheClusterAndSigtermLeavesGracefully() throws Exception {
        assertTrue(Files.isRegularFile(CrashRestartIT.JAR), "build the jar first: " + CrashRestartIT.JAR);
        db = TestDb.postgres("bootstrap_leave");
        Path dir = CrashRestartIT.JAR.getParent().resolve("bootstrap-leave-it");
        CrashRestartIT.deleteTree(dir);
        Files.createDirectories(dir);
        List<String> figures = new ArrayList<>();
        try {
            int[] mgmt = {CrashRestartIT.freePort(), CrashRestartIT.freePort()};
            int[] cluster = {CrashRestartIT.freePort(), CrashRestartIT.freePort()};
            List<Api> apis = new ArrayList<>();
            String endpoints = "127.0.0.1:" + mgmt[0] + ",127.0.0.1:" + mgmt[1];
            // a shorter stable margin than the default 5 s: the test need not wait for a slow orchestrator
            List<String> jvm = List.of("-Dtickwatch.cluster.bootstrap.stable-margin=2s");
            long t0 = System.nanoTime();
            for (int n = 0; n < 2; n++) {
                int httpPort = CrashRestartIT.freePort();
                apis.add(new Api("http://127.0.0.1:" + httpPort));
                Path nodeDir = dir.resolve("node" + (n + 1));
                Files.createDirectories(nodeDir);
                Files.writeString(nodeDir.resolve("conditions.json"), CONDITIONS);
                Map<String, String> env = CrashRestartIT.clusterNodeEnv(db, nodeDir, httpPort, cluster[n]);
                env.put("TICKWATCH_DISCOVERY", "config");
                env.put("TICKWATCH_BOOTSTRAP_ENDPOINTS", endpoints);
                env.put("TICKWATCH_MANAGEMENT_PORT", String.valueOf(mgmt[n]));
                env.put("TICKWATCH_REQUIRED_CONTACT_POINTS", "2");
                env.put("TICKWATCH_READY_DRAIN", DRAIN);
                nodes.add(new NodeProcess(nodeDir, env, n + 1, jvm)); // no seed nodes: bootstrap or nothing
            }
            for (int n = 0; n < 2; n++) {
                awaitReady(n, apis.get(n));
            }
            figures.add(String.format("two nodes formed one cluster through Cluster Bootstrap, both ready %.1f s "
                    + "after start", (System.nanoTime() - t0) / 1e9));
            String log1 = nodes.get(0).log();
            String log2 = nodes.get(1).log();
            // One formed the cluster (the lowest contact point joins itself), the other joined it.
            boolean formedBy1 = log1.contains("Initiating new cluster");
            boolean formedBy2 = log2.contains("Initiating new cluster");
            assertTrue(formedBy1 ^ formedBy2, "exactly one node forms the cluster: node 1 " + formedBy1 + ", node 2 "
                    + formedBy2);
            String joiner = formedBy1 ? log2 : log1;
            assertTrue(joiner.contains("Welcome from"), "the other node joined that cluster (\"Welcome from\" in its log)");

            // Traffic: batches of every symbol to node 1; a third of them before the SIGTERM.
            List<List<GenTick>> batches = batches(90);
            producer = new CrashRestartIT.Producer(List.of(apis.get(0)), batches);
            producer.thread.start();
            waitFor("30 batches acknowledged", 60, () -> {
                producer.check();
                return producer.acked >= 30;
            });
            JsonNode list2 = apis.get(1).json("/api/tickers");
            assertEquals(SYMBOLS, count(list2), "node 2 lists the tickers node 1 created: one cluster, one registry");

            // SIGTERM node 2, and watch its /ready every 50 ms until it stops answering.
            NodeProcess leaving = nodes.get(1);
            ReadyPoller poller = new ReadyPoller(apis.get(1));
            Thread pollThread = new Thread(poller, "ready-poller");
            pollThread.setDaemon(true);
            pollThread.start();
            waitFor("the poller's first answer", 10, () -> !poller.seen.isEmpty());
            java.time.Instant termWall = java.time.Instant.now();
            long term = System.nanoTime();
            leaving.process.destroy(); // SIGTERM
            if (!leaving.process.waitFor(EXIT_BOUND_S + 30, TimeUnit.SECONDS)) {
                fail("node 2 still running " + (EXIT_BOUND_S + 30) + " s after SIGTERM");
            }
            double exitS = (System.nanoTime() - term) / 1e9;
            poller.stop = true;
            pollThread.join(5000);
            figures.add(String.format("node 2 exited with status %d %.1f s after SIGTERM (drain %s)",
                    leaving.process.exitValue(), exitS, DRAIN));
            figures.add("node 2's /ready after SIGTERM: " + poller.summary(term));

            // Every ticker answers on node 1 now that node 2 is gone.
            long answered = System.nanoTime();
            for (int s = 0; s < SYMBOLS; s++) {
                String sym = symbol(s);
                waitFor(sym + " answers on node 1", 30, () -> apis.get(0).get("/api/tickers/" + sym,
                        Duration.ofSeconds(2)).statusCode() == 200);
            }
            figures.add(String.format("every ticker answered on node 1 %.2f s after node 2 exited",
                    (System.nanoTime() - answered) / 1e9));
            waitFor("every batch acknowledged", 90, () -> {
                producer.check();
                return producer.acked == batches.size();
            });
            figures.add(String.format("longest pause between two acknowledged batches on node 1 around the leave: %.2f s; "
                    + "requests without a 200: %d", longestPause(producer.ackedAt, term) / 1e9, producer.failedAttempts));
            figures.add("node 1's view of node 2: "
                    + String.join(", ", ClusterKillIT.failoverSteps(nodes.get(0).log, termWall))
                    + leaveSteps(nodes.get(0).log(), cluster[1]));
            figures.forEach(f -> System.out.println("[BootstrapLeaveIT] " + f));

            List<String> problems = new ArrayList<>();
            check(problems, leaving.process.exitValue() == 0, "SIGTERM ends the node with exit status 0, not "
                    + leaving.process.exitValue());
            check(problems, exitS < EXIT_BOUND_S, "node 2 stopped within " + EXIT_BOUND_S + " s: " + exitS);
            check(problems, poller.notReadyBeforeGone(term), "node 2's /ready answered 503 after SIGTERM, before it "
                    + "stopped answering: " + poller.summary(term));
            String addr2 = "127.0.0.1:" + cluster[1];
            // the leader removes an exited member about a second after "Exiting confirmed": the exit can
            // come first, so read node 1's log once it has that line, or after 15 s
            long logDeadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < logDeadline && nodes.get(0).log().lines()
                    .noneMatch(l -> l.contains(addr2) && l.contains("Leader is removing"))) {
                Thread.sleep(200);
            }
            String survivor = nodes.get(0).log();
            check(problems, survivor.lines().anyMatch(l -> l.contains(addr2) && l.contains("Exiting")),
                    "node 1 saw node 2 Exiting: " + leaveSteps(survivor, cluster[1]));
            check(problems, survivor.lines().anyMatch(l -> l.contains(addr2) && l.contains("Leader is removing")),
                    "node 1 saw node 2 removed: " + leaveSteps(survivor, cluster[1]));
            check(problems, survivor.lines().noneMatch(l -> l.contains("UNREACHABLE")),
                    "node 1 never saw node 2 unreachable");
            check(problems, producer.rejected.isEmpty(), "no tick refused through the leave: " + producer.rejected);
            check(problems, leaving.log().contains("tickwatch node stopped"), "node 2 went through its whole shutdown");
            if (!problems.isEmpty()) {
                fail(problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
            }
        } catch (Throwable e) {
            figures.forEach(f -> System.out.println("[BootstrapLeaveIT] " + f));
            if (producer != null) {
                producer.events.forEach(ev -> System.out.println("[BootstrapLeaveIT] producer: " + ev));
            }
            for (NodeProcess p : nodes) {
                p.printLog();
            }
            throw e;
        }
    }

    private static void check(List<String> problems, boolean ok, String what) {
        if (!ok) {
            problems.add(what);
        }
    }

    private void awaitReady(int n, Api api) throws Exception {
        // every node watched: the other node's death is the likelier cause of this one's wait
        CrashRestartIT.awaitReady("node " + (n + 1), api, 120, Duration.ofSeconds(15), nodes);
    }

    private static int count(JsonNode list) {
        JsonNode items = list.isArray() ? list : list.path("tickers");
        return items.size();
    }

    /** The survivor's log lines about the member on {@code port} leaving, shortened. */
    private static String leaveSteps(String log, int port) {
        List<String> steps = new ArrayList<>();
        log.lines().filter(l -> l.contains("127.0.0.1:" + port) && (l.contains("Exiting") || l.contains("Leaving")
                || l.contains("removing") || l.contains("UNREACHABLE"))).forEach(l -> steps.add(l.length() > 200
                ? l.substring(0, 200) : l));
        return steps.isEmpty() ? " (no leave in the log)" : "; " + String.join(" | ", steps);
    }

    /** The longest time between two consecutive acknowledgements from the last one before {@code from} on. */
    private static long longestPause(long[] ackedAt, long from) {
        long longest = 0;
        long previous = 0;
        for (long a : ackedAt) {
            if (a == 0) {
                break;
            }
            if (previous != 0 && a > from) {
                longest = Math.max(longest, a - previous);
            }
            previous = a;
        }
        return longest;
    }

    /** GET /ready every 50 ms: each answer (status, or -1 for no answer) with its time. */
    static final class ReadyPoller implements Runnable {
        record Seen(long at, int status) {
        }

        final Api api;
        final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        volatile boolean stop;

        ReadyPoller(Api api) {
            this.api = api;
        }

        @Override
        public void run() {
            while (!stop) {
                int status;
                try {
                    HttpResponse<String> r = api.get("/ready", Duration.ofSeconds(1));
                    status = r.statusCode();
                } catch (IOException e) {
                    status = -1;
                }
                seen.add(new Seen(System.nanoTime(), status));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** After {@code term}: a 503 came before the first time the node gave no answer, and no 200 after it. */
        boolean notReadyBeforeGone(long term) {
            boolean saw503 = false;
            synchronized (seen) {
                for (Seen s : seen) {
                    if (s.at() < term) {
                        continue;
                    }
                    if (s.status() == 503) {
                        saw503 = true;
                    } else if (s.status() == 200 && saw503) {
                        return false;
                    } else if (s.status() == -1) {
                        return saw503;
                    }
                }
            }
            return saw503;
        }

        /** Runs of the same answer after {@code term}: "200 until +0.0 s, 503 +0.0..2.0 s, none from +2.1 s". */
        String summary(long term) {
            List<String> runs = new ArrayList<>();
            int current = Integer.MIN_VALUE;
            long start = 0;
            long last = 0;
            synchronized (seen) {
                for (Seen s : seen) {
                    if (s.at() < term) {
                        continue;
                    }
                    if (s.status() != current) {
                        if (current != Integer.MIN_VALUE) {
                            runs.add(run(current, start, last, term));
                        }
                        current = s.status();
                        start = s.at();
                    }
                    last = s.at();
                }
            }
            if (current != Integer.MIN_VALUE) {
                runs.add(run(current, start, last, term));
            }
            return String.join(", ", runs);
        }

        private static String run(int status, long from, long to, long term) {
            return String.format("%s +%.2f..%.2f s", status == -1 ? "no answer" : String.valueOf(status),
                    (from - term) / 1e9, (to - term) / 1e9);
        }
    }
}
