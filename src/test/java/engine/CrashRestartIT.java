package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import persistence.TestDb;

/**
 * The acceptance test of the live node's durability: a node started from the built jar is killed
 * with SIGKILL (twice) while a client streams ticks into it, and restarted on the same data. A client
 * re-sends every batch it got no 200 for, with the same {@code Idempotency-Key}. Half the symbols
 * carry {@code cum_volume} and half do not: for those only the key keeps a batch that was in fact
 * stored from being counted twice. In the end, for every symbol, the node's closed bars (and its forming
 * bar) equal what {@code backtest} computes from exactly the acknowledged ticks, and the alerts file
 * holds every hit of a {@code file}-sink condition exactly once - the same hits backtest finds, line
 * for line. Checked again after a third kill and restart with nothing in flight. On H2 and on
 * PostgreSQL (gated by {@link TestDb#requirePostgres()}).
 *
 * <p>Which bars the node has closed: backtest closes every forming bar at the end of its input; the
 * node closes a bar when a later tick comes, or when its feed clock (latest tick time plus real time
 * since) passes the bar's end plus the 2 s grace. The stream runs far faster than real time, so no
 * bar closes by the clock mid-stream. At the end, half the symbols (group A) stop at 14:04:59, so the
 * clock closes their 14:00 bar about 3 s later: all their bars must equal backtest's. The others
 * (group B) have one tick in the 14:05 bar, which stays forming for minutes: their closed bars must
 * equal backtest's but the last, and their forming bar ({@code GET /api/tickers/{symbol}}) backtest's
 * last. Alerts expected: backtest's hits of the {@code file}-sink conditions on the bars the node
 * closed, plus (for the {@code "check": "update"} condition, which hits while a bar forms) on its
 * forming bar too.
 *
 * <p>Work files (node logs {@code out-N.log}, data, backtest output) are kept under
 * {@code target/crash-restart-it/<db>/} for diagnosis; the logs are printed when the test fails.
 */
class CrashRestartIT {
    static final Path JAR = Path.of(System.getProperty("tickwatch.jar", "target/tickwatch.jar")).toAbsolutePath();
    static final String PG_SCHEMA = "tw_crash_restart_it";
    static final ObjectMapper JSON = new ObjectMapper();

    // ---- the market: 20 KRX symbols on one day, a tick every 30 s of exchange time per symbol ----
    static final int SYMBOLS = 20;
    static final ZoneOffset KST = ZoneOffset.ofHours(9);
    static final long DAY_OPEN = LocalDateTime.parse("2026-11-20T09:00:00").toInstant(KST).toEpochMilli();
    /** The bar 14:00-14:05 is the last one of group A; group B has one tick in the 14:05 bar. */
    static final long LAST_BAR_END = LocalDateTime.parse("2026-11-20T14:05:00").toInstant(KST).toEpochMilli();
    /**
     * Exchange time between two ticks of a symbol. After a restart the node's feed clock runs from
     * recovery, so a re-sent batch must arrive within SPACING + grace of real time after recovery, or a
     * tick in an already clock-closed bar would be (rightly) late: 30 s leaves a slow restart room.
     */
    static final long SPACING = 30_000;
    static final int BATCH = 200;
    static final String CONDITIONS = """
            {
              "up": {"CLOSE": ["BIGGER", "PSMA5"]},
              "above-sma5": {"when": ["CLOSE", ">", "PSMA5"], "sinks": ["log", "file"]},
              "rsi-cross": {"when": ["RSI14", "crosses_above", 50], "cooldown": "15m", "sinks": ["file"]},
              "band-break-now": {"when": ["CLOSE", ">", "BBU"], "check": "update", "sinks": ["log", "file"]}
            }
            """;
    /** Conditions whose hits go to the {@code file} sink, and whether each is checked on update. */
    static final Map<String, Boolean> FILE_CONDITIONS = Map.of("above-sma5", false, "rsi-cross", false,
            "band-break-now", true);

    /** {@code cum} is -1 for a symbol without {@code cum_volume}. */
    record GenTick(String symbol, long time, long price, long volume, long cum) {
        String iso() {
            return OffsetDateTime.ofInstant(Instant.ofEpochMilli(time), KST).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
    }

    static String symbol(int s) {
        return String.format("1%05d", s + 1);
    }

    /** Group A (even) ends just before 14:05, so the node's clock closes its last bar; group B (odd) keeps a forming 14:05 bar. */
    static boolean closesByClock(String symbol) {
        return (Integer.parseInt(symbol) - 100001) % 2 == 0;
    }

    /**
     * Symbols 100001, 100002, 100005, 100006, ... carry cum_volume; 100003, 100004, 100007, ... do
     * not. Both kinds are in both clock groups.
     */
    static boolean carriesCum(String symbol) {
        return ((Integer.parseInt(symbol) - 100001) / 2) % 2 == 0;
    }

    /** Every tick, in time order (with cum_volume, a deliberate duplicate - same cum_volume - now and then). */
    static List<GenTick> generate() {
        List<GenTick> all = new ArrayList<>();
        for (int s = 0; s < SYMBOLS; s++) {
            Random rnd = new Random(1000 + s);
            String sym = symbol(s);
            long price = 10_000 + 500L * s;
            long cum = 0;
            long offset = (s * 739L) % SPACING;
            boolean a = s % 2 == 0;
            long end = a ? LAST_BAR_END - 1000 : LAST_BAR_END + SPACING;
            List<Long> times = new ArrayList<>();
            for (long t = DAY_OPEN + offset; t < end; t += SPACING) {
                times.add(t);
            }
            if (a) {
                times.add(LAST_BAR_END - 1000 + s * 10L); // 14:04:59.xxx: the clock closes this bar ~3 s later
            }
            int n = 0;
            for (long t : times) {
                price = Math.max(1000, price + 10L * (rnd.nextInt(7) - 3));
                long vol = 1 + rnd.nextInt(50);
                cum += vol;
                GenTick tick = new GenTick(sym, t, price, vol, carriesCum(sym) ? cum : -1);
                all.add(tick);
                if (++n % 37 == 0 && carriesCum(sym)) {
                    all.add(tick); // read twice by a crawler: a duplicate, dropped by cum_volume
                }
            }
        }
        // stable: a symbol's ticks keep their order (the duplicate right after its original)
        all.sort(Comparator.comparingLong(GenTick::time));
        return all;
    }

    /**
     * Whether the node accepts a tick of {@code symbol} with cumulative volume {@code cum} (-1: none)
     * rather than rejecting it as a duplicate, given the latest one per symbol in {@code lastCum}.
     */
    static boolean isNew(Map<String, Long> lastCum, String symbol, long cum) {
        if (cum < 0) {
            return true;
        }
        Long prev = lastCum.put(symbol, cum);
        return prev == null || cum > prev;
    }

    static String body(List<GenTick> batch) {
        StringBuilder sb = new StringBuilder(batch.size() * 110).append('[');
        for (int i = 0; i < batch.size(); i++) {
            GenTick t = batch.get(i);
            if (i > 0) {
                sb.append(",\n");
            }
            sb.append("{\"time\":\"").append(t.iso()).append("\",\"symbol\":\"").append(t.symbol())
                    .append("\",\"price\":").append(t.price()).append(",\"volume\":").append(t.volume());
            if (t.cum() >= 0) {
                sb.append(",\"cum_volume\":").append(t.cum());
            }
            sb.append('}');
        }
        return sb.append(']').toString();
    }

    // ---- lifecycle ----

    private final List<NodeProcess> started = new ArrayList<>();
    /** System.nanoTime() of each mid-stream SIGKILL. */
    private final List<Long> kills = new ArrayList<>();
    private Producer producer;

    @AfterEach
    void noOrphans() throws InterruptedException {
        if (producer != null) {
            producer.stop = true;
            producer.thread.interrupt();
            producer.thread.join(5000);
        }
        for (NodeProcess p : started) {
            p.kill();
        }
    }

    @Test
    void h2() throws Exception {
        scenario("h2", Map.of());
    }

    @Test
    void postgres() throws Exception {
        TestDb.requirePostgres();
        try (Connection c = DriverManager.getConnection(TestDb.PG_URL, TestDb.PG_USER, "");
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + PG_SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + PG_SCHEMA);
        }
        scenario("postgres", postgresEnv(TestDb.PG_URL, PG_SCHEMA));
    }

    // ---- the scenario ----

    private void scenario(String label, Map<String, String> dbEnv) throws Exception {
        assertTrue(Files.isRegularFile(JAR), "build the jar first: " + JAR);
        Path dir = JAR.getParent().resolve("crash-restart-it").resolve(label);
        deleteTree(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("conditions.json"), CONDITIONS);
        int httpPort = freePort();
        Map<String, String> env = new LinkedHashMap<>(dbEnv);
        env.put("TICKWATCH_HTTP_PORT", String.valueOf(httpPort));
        env.put("TICKWATCH_PORT", "0");
        env.put("TICKWATCH_DATA_DIR", dir.resolve("data").toString());
        Api api = new Api("http://127.0.0.1:" + httpPort);
        long t0 = System.nanoTime();
        Timings timings = new Timings(t0);
        try {
            List<GenTick> ticks = generate();
            List<List<GenTick>> batches = new ArrayList<>();
            for (int i = 0; i < ticks.size(); i += BATCH) {
                batches.add(ticks.subList(i, Math.min(ticks.size(), i + BATCH)));
            }
            log(label, ticks.size() + " ticks of " + SYMBOLS + " symbols in " + batches.size() + " batches; work dir " + dir);

            NodeProcess node = startNode(dir, env, api, 1);
            timings.mark("node 1 ready");
            producer = new Producer(api, batches);
            producer.thread.start();

            // kill 1: a third into the stream, once hits have reached the alerts file, right after an acknowledgement
            Path alerts = dir.resolve("data/alerts.jsonl");
            waitFor("a third of the batches acknowledged and a hit in the alerts file", 60, () -> {
                producer.check();
                return producer.acked >= batches.size() / 3 && lines(alerts).size() >= 3;
            });
            killMidStream(node, label, 1, 0);
            int lastAckedBeforeKill1 = producer.acked - 1;
            timings.mark("kill -9 #1 at batch " + producer.acked + "/" + batches.size());
            node = startNode(dir, env, api, 2);
            timings.mark("node 2 ready");

            // kill 2: two thirds into the stream, 40 ms after an acknowledgement (the next batch is being stored)
            int before = producer.acked;
            waitFor("two thirds of the batches acknowledged", 60, () -> {
                producer.check();
                return producer.acked >= Math.max(before + 5, 2 * batches.size() / 3);
            });
            killMidStream(node, label, 2, 40);
            timings.mark("kill -9 #2 at batch " + producer.acked + "/" + batches.size());
            node = startNode(dir, env, api, 3);
            timings.mark("node 3 ready");

            waitFor("every batch acknowledged", 90, () -> {
                producer.check();
                return producer.acked == batches.size();
            });
            producer.thread.join(5000);
            timings.mark("stream done");
            producer.events.forEach(e -> log(label, e));
            log(label, ackedBeforeKills());
            assertTrue(producer.failedAttempts > 0, "the kills must have cut requests off (else nothing was proved about "
                    + "unacknowledged batches): " + producer.events);

            // What backtest makes of exactly the acknowledged ticks (every batch, each once).
            Path csv = dir.resolve("acked-ticks.csv");
            writeCsv(csv, batches.subList(0, producer.acked));
            Expected expected = backtest(dir, csv);
            timings.mark("backtest");
            assertEquals(expected.acceptedTotal, expected.summary.get("ticks_accepted").asLong(),
                    "backtest accepts every generated tick but the deliberate duplicates: " + expected.summary);

            settle(api, expected);
            timings.mark("settled (clock closes, hits delivered)");
            List<String> alertLines1 = verify(label + " after 2 kills", api, alerts, expected);
            timings.mark("verified");

            // kill 3 with nothing in flight: the recovered state must be the same, no alert written again
            node.kill();
            node = startNode(dir, env, api, 4);
            settle(api, expected);
            // A client whose answers were lost sends acknowledged batches again, with their keys (one
            // from before the first kill): every tick is already stored, none counts twice - also for
            // the symbols without cum_volume, where nothing else could tell. verify() checks the counts.
            for (int i : new int[] {lastAckedBeforeKill1, producer.acked - 1}) {
                HttpResponse<String> r = api.post("/api/ticks", producer.bodies.get(i), "crash-it-batch-" + i);
                assertEquals(200, r.statusCode(), "batch " + i + " sent again: " + r.body());
                JsonNode answer = JSON.readTree(r.body());
                assertEquals(batches.get(i).size(), answer.get("already_stored").asLong(), "batch " + i + ": " + answer);
                assertEquals(0, answer.get("accepted").asLong(), "batch " + i + ": " + answer);
            }
            List<String> alertLines2 = verify(label + " after a 3rd kill and restart", api, alerts, expected);
            assertEquals(alertLines1, alertLines2, "the alerts file did not change across an idle kill and restart");
            // The log sink, across every kill: each file-sink hit of a condition that also names the log
            // sink (above-sma5, band-break-now) is in some node's log.
            Set<String> logged = new HashSet<>();
            for (NodeProcess p : started) {
                for (String line : lines(p.log)) {
                    int at = line.indexOf(" tickwatch.hits - hit ");
                    if (at >= 0) {
                        logged.add(JSON.readTree(line.substring(at + " tickwatch.hits - hit ".length())).get("id").asText());
                    }
                }
            }
            List<String> missing = new ArrayList<>();
            for (String line : alertLines2) {
                JsonNode hit = JSON.readTree(line);
                if (Set.of("above-sma5", "band-break-now").contains(hit.get("condition").asText())
                        && !logged.contains(hit.get("id").asText())) {
                    missing.add(hit.get("id").asText());
                }
            }
            assertTrue(logged.size() > 0 && missing.isEmpty(), "hits the log sink confirmed but no log holds: " + missing);
            timings.mark("restart 4 verified");
            log(label, "PASS; " + timings);
        } catch (Throwable e) {
            log(label, "FAILED after " + timings);
            if (producer != null) {
                producer.events.forEach(ev -> log(label, "producer: " + ev));
                log(label, ackedBeforeKills());
            }
            for (NodeProcess p : started) {
                p.printLog();
            }
            throw e;
        }
    }

    /** Which batches got their 200 shortly before each kill (what a database that loses recent commits loses). */
    private String ackedBeforeKills() {
        StringBuilder sb = new StringBuilder("batches acknowledged in the 2 s before each kill -9:");
        for (int k = 0; k < kills.size(); k++) {
            sb.append("\n  kill #").append(k + 1).append(':');
            for (int i = 0; i < producer.ackedAt.length; i++) {
                long before = kills.get(k) - producer.ackedAt[i];
                if (producer.ackedAt[i] != 0 && before >= 0 && before < 2_000_000_000L) {
                    sb.append(" batch ").append(i).append(" (").append(before / 1_000_000).append(" ms before)");
                }
            }
        }
        return sb.toString();
    }

    /**
     * SIGKILLs the node {@code delayMillis} after the next batch is acknowledged: right after an
     * acknowledgement, what was just acknowledged must survive (a database that acknowledges commits
     * before they reach its file loses it); a little later, the next batch is being stored (some of its
     * symbols written, some not, and no answer).
     */
    private void killMidStream(NodeProcess node, String label, int n, long delayMillis) throws Exception {
        int seen = producer.acked;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (producer.acked == seen) {
            producer.check();
            if (System.nanoTime() > deadline) {
                fail("no batch acknowledged within 30 s before kill #" + n);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        if (delayMillis > 0) {
            Thread.sleep(delayMillis);
        }
        int inFlight = producer.inFlight;
        int acked = producer.acked;
        kills.add(System.nanoTime());
        node.kill();
        log(label, "kill -9 #" + n + " (pid " + node.pid + ") " + delayMillis + " ms after an acknowledgement, with batch "
                + inFlight + " in flight, " + acked + " acknowledged");
    }

    private NodeProcess startNode(Path dir, Map<String, String> env, Api api, int n) throws Exception {
        // A hit the killed node had taken for the file sink but not marked sent is written by the next
        // node once that node's lease runs out: 10 s instead of the default 60 s, so the test need not
        // wait a minute for it (as ClusterKillIT).
        NodeProcess p = new NodeProcess(dir, env, n, List.of("-Dtickwatch.sinks.file.lease=10s"));
        started.add(p);
        waitFor("node " + n + " ready (GET /ready = 200)", 120, () -> {
            if (!p.process.isAlive()) {
                fail("node " + n + " exited with " + p.process.exitValue() + " before it was ready:\n" + p.log());
            }
            try {
                return api.get("/ready").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return p;
    }

    /**
     * Waits until the node has closed by the clock every bar it should (group A's 14:00 bar) and
     * delivered every hit (no symbol has pending hits).
     */
    private static void settle(Api api, Expected expected) throws Exception {
        Map<String, String> last = new TreeMap<>();
        try {
            waitFor("every hit delivered and group A's last bar closed by the clock", 40, () -> {
                boolean done = true;
                for (String sym : expected.bars.keySet()) {
                    JsonNode st = api.json("/api/tickers/" + sym);
                    boolean ok = st.get("pending_hits").asInt() == 0
                            && (!closesByClock(sym) || st.get("forming").isNull());
                    last.put(sym, "pending_hits=" + st.get("pending_hits") + " forming=" + st.get("forming"));
                    done &= ok;
                }
                return done;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last status: " + last, e);
        }
    }

    /**
     * Compares the node with backtest; returns the alerts file's lines. Every difference is
     * collected first (per symbol: accepted ticks, clock state, forming bar, closed bars; then the
     * alerts), and the test fails once with all of them, so a failure shows its pattern.
     */
    private static List<String> verify(String what, Api api, Path alerts, Expected expected) throws Exception {
        List<String> problems = new ArrayList<>();
        long acceptedByNode = 0;
        Set<String> closedBarIds = new HashSet<>(); // symbol + "@" + start of every bar the node closed
        for (Map.Entry<String, List<JsonNode>> e : expected.bars.entrySet()) {
            String sym = e.getKey();
            List<JsonNode> want = e.getValue();
            JsonNode st = api.json("/api/tickers/" + sym);
            JsonNode bars = api.json("/api/tickers/" + sym + "/bars?limit=10000");
            JsonNode forming = st.get("forming");
            long accepted = st.get("accepted").asLong();
            acceptedByNode += accepted;
            if (accepted != expected.acceptedBySymbol.get(sym)) {
                problems.add(sym + ": accepted " + accepted + " ticks, but " + expected.acceptedBySymbol.get(sym)
                        + " were acknowledged (each must count exactly once)");
            }
            List<JsonNode> wantClosed;
            if (closesByClock(sym)) {
                if (!forming.isNull()) {
                    problems.add(sym + ": its 14:00 bar ended, the clock must have closed it; forming " + forming);
                }
                wantClosed = want;
            } else {
                JsonNode lastBar = want.get(want.size() - 1);
                if (!forming.isObject()) {
                    problems.add(sym + ": its 14:05 bar must still be forming (its end is minutes of feed clock away): " + st);
                } else {
                    for (String f : List.of("start", "open", "high", "low", "close", "volume")) {
                        if (!jsonEquals(lastBar.get(f), forming.get(f))) {
                            problems.add(sym + ": forming bar ." + f + " differs\n    backtest: " + lastBar
                                    + "\n    node:     " + forming);
                            break;
                        }
                    }
                }
                wantClosed = want.subList(0, want.size() - 1);
            }
            if (st.get("bars_closed").asLong() != wantClosed.size()) {
                problems.add(sym + ": bars_closed " + st.get("bars_closed") + ", backtest " + wantClosed.size());
            }
            String diff = differences(wantClosed, bars);
            if (!diff.isEmpty()) {
                problems.add(sym + ": closed bars: node has " + bars.size() + ", backtest " + wantClosed.size() + diff);
            } else if (!jsonEquals(wantClosed.get(wantClosed.size() - 1), st.get("last_bar"))) {
                problems.add(sym + ": last_bar " + st.get("last_bar") + " is not the last closed bar "
                        + wantClosed.get(wantClosed.size() - 1));
            }
            for (JsonNode b : bars) {
                closedBarIds.add(sym + "@" + b.get("start").asText());
            }
        }
        if (acceptedByNode != expected.acceptedTotal) {
            problems.add("accepted ticks over all symbols: node " + acceptedByNode + ", acknowledged " + expected.acceptedTotal);
        }

        // The alerts file: every hit once, and exactly the hits backtest finds for the bars the node has.
        List<String> lines = lines(alerts);
        Map<String, String> byId = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (String line : lines) {
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException ex) {
                broken.add(line);
                continue;
            }
            String id = n.get("id").asText();
            if (byId.put(id, line) != null) {
                duplicates.add(id);
            }
        }
        if (!duplicates.isEmpty()) {
            problems.add("hit ids written to the alerts file more than once: " + duplicates);
        }
        for (String b : broken) {
            // a line cut short by a kill is allowed only when the whole line was written again after it
            if (byId.values().stream().noneMatch(l -> l.startsWith(b))) {
                problems.add("a broken alerts line that is not the prefix of a complete one: " + b);
            }
        }
        Map<String, JsonNode> want = new TreeMap<>();
        for (JsonNode h : expected.hits) {
            Boolean onUpdate = FILE_CONDITIONS.get(h.get("condition").asText());
            if (onUpdate == null) {
                continue; // not a file-sink condition
            }
            String barId = h.get("symbol").asText() + "@" + h.get("bar").asText();
            if (onUpdate || closedBarIds.contains(barId)) {
                want.put(h.get("id").asText(), h);
            }
        }
        Set<String> missing = new HashSet<>(want.keySet());
        missing.removeAll(byId.keySet());
        Set<String> extra = new HashSet<>(byId.keySet());
        extra.removeAll(want.keySet());
        if (!missing.isEmpty() || !extra.isEmpty()) {
            problems.add("alerts file vs backtest hits: " + want.size() + " expected, " + byId.size()
                    + " in the file; missing " + missing.size() + " " + sorted(missing) + "; not found by backtest "
                    + extra.size() + " " + sorted(extra));
        }
        int differing = 0;
        for (Map.Entry<String, JsonNode> h : want.entrySet()) {
            String line = byId.get(h.getKey());
            if (line != null && !jsonEquals(h.getValue(), JSON.readTree(line)) && differing++ < 5) {
                problems.add("alert " + h.getKey() + " differs\n    backtest: " + h.getValue() + "\n    alerts:   " + line);
            }
        }
        if (want.size() <= 100) {
            problems.add("the conditions must hit often enough to prove something: " + want.size() + " file hits");
        }
        if (!problems.isEmpty()) {
            fail(what + ": the node does not match backtest of the acknowledged ticks; " + problems.size()
                    + " problem(s):\n  " + String.join("\n  ", problems));
        }
        long closeHitsOnUnclosed = expected.hits.stream().filter(h -> Boolean.FALSE.equals(
                FILE_CONDITIONS.get(h.get("condition").asText()))).filter(h -> !closedBarIds.contains(
                h.get("symbol").asText() + "@" + h.get("bar").asText())).count();
        log(what, "verified " + expected.bars.size() + " symbols, " + closedBarIds.size() + " closed bars, "
                + want.size() + " alerts exactly once (" + closeHitsOnUnclosed + " backtest close-hits on bars the node "
                + "still forms left out), " + broken.size() + " cut-short line(s)");
        return lines;
    }

    /** Empty when equal; else the bars that differ (matched by start; at most 6 shown). */
    private static String differences(List<JsonNode> want, JsonNode got) {
        Map<String, JsonNode> byStart = new LinkedHashMap<>();
        got.forEach(b -> byStart.put(b.get("start").asText(), b));
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        Set<String> seen = new HashSet<>();
        for (JsonNode w : want) {
            String start = w.get("start").asText();
            seen.add(start);
            JsonNode g = byStart.get(start);
            if (g == null || !jsonEquals(w, g)) {
                if (shown++ < 6) {
                    boolean sameOhlcv = g != null && ohlcv(w).equals(ohlcv(g)); // then show the indicators too
                    sb.append("\n    bar ").append(start).append(g == null ? " missing in the node" : "")
                            .append("\n      backtest: ").append(sameOhlcv ? w : ohlcv(w));
                    if (g != null) {
                        sb.append("\n      node:     ").append(sameOhlcv ? g : ohlcv(g));
                    }
                }
            }
        }
        for (String start : byStart.keySet()) {
            if (!seen.contains(start) && shown++ < 6) {
                sb.append("\n    bar ").append(start).append(" only in the node: ").append(ohlcv(byStart.get(start)));
            }
        }
        if (sb.length() == 0 && want.size() != got.size()) {
            sb.append("\n    (same bars, different count)");
        }
        return shown > 6 ? sb.append("\n    ... ").append(shown - 6).append(" more").toString() : sb.toString();
    }

    /** A bar's start values. */
    private static String ohlcv(JsonNode b) {
        return "open " + b.get("open") + " high " + b.get("high") + " low " + b.get("low") + " close " + b.get("close")
                + " volume " + b.get("volume");
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        Collections.sort(l);
        return l.size() > 30 ? l.subList(0, 30) : l;
    }

    // ---- backtest ----

    /** Backtest's bars (by symbol, in order), hits and summary, and the accepted ticks the generator expects. */
    record Expected(Map<String, List<JsonNode>> bars, List<JsonNode> hits, JsonNode summary,
                    Map<String, Long> acceptedBySymbol, long acceptedTotal) {
    }

    static void writeCsv(Path csv, List<List<GenTick>> batches) throws IOException {
        StringBuilder sb = new StringBuilder("time,symbol,price,volume,cum_volume\n");
        for (List<GenTick> b : batches) {
            for (GenTick t : b) {
                sb.append(t.iso()).append(',').append(t.symbol()).append(',').append(t.price()).append(',')
                        .append(t.volume()).append(',').append(t.cum() >= 0 ? String.valueOf(t.cum()) : "").append('\n');
            }
        }
        Files.writeString(csv, sb);
    }

    /** What {@code backtest} wrote: its bars by symbol (in order), its hits, its summary. */
    record BacktestOutput(Map<String, List<JsonNode>> bars, List<JsonNode> hits, JsonNode summary) {
    }

    /** Runs {@code backtest} from the jar over {@code csv} with {@code dir/conditions.json}, into {@code dir/backtest}. */
    static BacktestOutput runBacktest(Path dir, Path csv) throws Exception {
        Path out = dir.resolve("backtest");
        Path log = dir.resolve("backtest.log");
        Process p = new ProcessBuilder(java(), "-jar", JAR.toString(), "backtest", "--ticks", csv.toString(),
                "--conditions", dir.resolve("conditions.json").toString(), "--out", out.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "backtest finished in time");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "backtest: " + Files.readString(log));
        Map<String, List<JsonNode>> bars = new TreeMap<>();
        for (String line : lines(out.resolve("bars.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            bars.computeIfAbsent(n.get("symbol").asText(), k -> new ArrayList<>()).add(n);
        }
        List<JsonNode> hits = new ArrayList<>();
        for (String line : lines(out.resolve("hits.jsonl"))) {
            hits.add(JSON.readTree(line));
        }
        return new BacktestOutput(bars, hits, JSON.readTree(out.resolve("summary.json").toFile()));
    }

    private static Expected backtest(Path dir, Path csv) throws Exception {
        BacktestOutput out = runBacktest(dir, csv);
        Map<String, List<JsonNode>> bars = out.bars();
        // Accepted: every tick once; the deliberate duplicates (same cum_volume as the tick before) are not.
        Map<String, Long> accepted = new TreeMap<>();
        Map<String, Long> lastCum = new HashMap<>();
        List<String> csvLines = lines(csv);
        for (String line : csvLines.subList(1, csvLines.size())) {
            String[] f = line.split(",", -1);
            if (isNew(lastCum, f[1], f[4].isEmpty() ? -1 : Long.parseLong(f[4]))) {
                accepted.merge(f[1], 1L, Long::sum);
            }
        }
        assertEquals(SYMBOLS, bars.size(), "backtest made bars for every symbol");
        return new Expected(bars, out.hits(), out.summary(), accepted,
                accepted.values().stream().mapToLong(Long::longValue).sum());
    }

    // ---- JSON comparison: same keys in the same order, strings equal, numbers exactly equal ----

    static boolean jsonEquals(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            if (a.isIntegralNumber() && b.isIntegralNumber()) {
                return a.longValue() == b.longValue();
            }
            return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            List<String> ka = new ArrayList<>();
            a.fieldNames().forEachRemaining(ka::add);
            List<String> kb = new ArrayList<>();
            b.fieldNames().forEachRemaining(kb::add);
            if (!ka.equals(kb)) {
                return false;
            }
            for (String k : ka) {
                if (!jsonEquals(a.get(k), b.get(k))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!jsonEquals(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    // ---- the client ----

    /** The admin API over plain HTTP/1.1. */
    static final class Api {
        final String base;
        /** The node's admin token (a node bound beyond loopback needs one), or null. */
        final String token;
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();

        Api(String base) {
            this(base, null);
        }

        Api(String base, String token) {
            this.base = base;
            this.token = token;
        }

        HttpResponse<String> get(String path) throws IOException {
            return get(path, Duration.ofSeconds(15));
        }

        HttpResponse<String> get(String path, Duration timeout) throws IOException {
            return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET().build());
        }

        JsonNode json(String path) throws IOException {
            HttpResponse<String> r = get(path);
            if (r.statusCode() != 200) {
                throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body()); // waitFor retries
            }
            return JSON.readTree(r.body());
        }

        HttpResponse<String> post(String path, String body, String idempotencyKey) throws IOException {
            return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", idempotencyKey)
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
        }

        private HttpResponse<String> send(HttpRequest r) throws IOException {
            if (token != null) {
                r = HttpRequest.newBuilder(r, (name, value) -> true).header("Authorization", "Bearer " + token).build();
            }
            try {
                return http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /**
     * Pushes the batches in order, as a client that must not lose data: a batch counts as
     * acknowledged on a 200 only; on anything else (an error status, a reset connection, no answer)
     * it is sent again, with the same key, until it gets one. With several nodes, batch i goes to node
     * i mod n (skipping those marked {@link #down}), and a batch that got no 200 goes to the next node.
     */
    static final class Producer implements Runnable {
        final List<Api> apis;
        final boolean[] down;
        final List<List<GenTick>> batches;
        final List<String> bodies;
        final Thread thread = new Thread(this, "crash-restart-producer");
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final long[] ackedAt;
        /** Ticks of each batch that are not the generator's deliberate duplicates. */
        final long[] fresh;
        /** Ticks rejected (by reason) in answers that were 200s. */
        final Map<String, Long> rejected = new java.util.concurrent.ConcurrentHashMap<>();
        volatile int acked;
        volatile int inFlight = -1;
        volatile int failedAttempts;
        volatile boolean stop;
        volatile Throwable failure;

        Producer(Api api, List<List<GenTick>> batches) {
            this(List.of(api), batches);
        }

        Producer(List<Api> apis, List<List<GenTick>> batches) {
            this.apis = apis;
            this.down = new boolean[apis.size()];
            this.batches = batches;
            this.bodies = batches.stream().map(CrashRestartIT::body).toList();
            this.ackedAt = new long[batches.size()];
            this.fresh = new long[batches.size()];
            Map<String, Long> lastCum = new HashMap<>();
            for (int i = 0; i < batches.size(); i++) {
                for (GenTick t : batches.get(i)) {
                    if (isNew(lastCum, t.symbol(), t.cum())) {
                        fresh[i]++;
                    }
                }
            }
            thread.setDaemon(true);
        }

        /** Fails the caller when the producer gave up. */
        void check() {
            if (failure != null) {
                throw new AssertionError("the producer failed: " + failure + "; " + events, failure);
            }
        }

        /** System.nanoTime() of the first acknowledgement after {@code t}. */
        long firstAckAfter(long t) {
            for (long a : ackedAt) {
                if (a > t) {
                    return a;
                }
            }
            return Long.MAX_VALUE;
        }

        @Override
        public void run() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            try {
                for (int i = 0; i < batches.size() && !stop; i++) {
                    inFlight = i;
                    int node = i % apis.size();
                    int attempts = 0;
                    while (!stop) {
                        while (down[node]) {
                            node = (node + 1) % apis.size();
                        }
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("batch " + i + " not acknowledged in time");
                        }
                        String outcome;
                        try {
                            HttpResponse<String> r = apis.get(node).post("/api/ticks", bodies.get(i), "crash-it-batch-" + i);
                            if (r.statusCode() == 200) {
                                JsonNode answer = JSON.readTree(r.body());
                                answer.get("rejected").fields().forEachRemaining(f -> {
                                    if (f.getValue().asLong() > 0) {
                                        rejected.merge(f.getKey(), f.getValue().asLong(), Long::sum);
                                    }
                                });
                                if (attempts > 0) {
                                    long stored = fresh[i] - answer.get("accepted").asLong();
                                    events.add("batch " + i + " acknowledged by node " + (node + 1) + " after " + attempts
                                            + " failed attempt(s): " + r.body() + "; " + stored + " of its " + fresh[i]
                                            + " new ticks had been stored by an unacknowledged attempt (now"
                                            + " already_stored, duplicate or late)");
                                }
                                ackedAt[i] = System.nanoTime();
                                acked = i + 1;
                                break;
                            }
                            outcome = "HTTP " + r.statusCode() + " " + r.body();
                        } catch (IOException e) {
                            outcome = e.toString();
                        }
                        attempts++;
                        failedAttempts++;
                        if (attempts == 1) {
                            events.add("batch " + i + " to node " + (node + 1) + " not acknowledged: " + outcome);
                        }
                        node = (node + 1) % apis.size();
                        Thread.sleep(50);
                    }
                }
                inFlight = -1;
            } catch (Throwable e) {
                failure = e;
            }
        }
    }

    /** A node run from the jar in {@code dir}, its output in {@code out-N.log}. */
    static final class NodeProcess {
        final Process process;
        final long pid;
        final Path log;
        final int n;

        NodeProcess(Path dir, Map<String, String> env, int n) throws IOException {
            this(dir, env, n, List.of());
        }

        /** With {@code -D} settings ({@code jvmArgs}) before {@code -jar}. */
        NodeProcess(Path dir, Map<String, String> env, int n, List<String> jvmArgs) throws IOException {
            this(dir, env, n, jvmArgs, List.of());
        }

        /**
         * Run through {@code prefix} (e.g. {@code ip netns exec NS}, which execs java in place: the
         * process is still the JVM, so {@link #kill} reaches it).
         */
        NodeProcess(Path dir, Map<String, String> env, int n, List<String> jvmArgs, List<String> prefix)
                throws IOException {
            this.n = n;
            this.log = dir.resolve("out-" + n + ".log");
            List<String> cmd = new ArrayList<>(prefix);
            cmd.addAll(List.of(java(), "-Xmx512m"));
            cmd.addAll(jvmArgs);
            cmd.addAll(List.of("-jar", JAR.toString(), "run"));
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("TICKWATCH_"));
            // Nothing leaves the machine: the daily fetcher would try finance.naver.com for every
            // six-digit ticker. An IT that tests it sets its own (a fake's url).
            pb.environment().put("TICKWATCH_DAILY_ENABLED", "false");
            pb.environment().putAll(env);
            this.process = pb.start();
            this.pid = process.pid();
        }

        /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux), and wait for the process to be gone. */
        void kill() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    throw new AssertionError("node " + n + " (pid " + pid + ") still alive 20 s after SIGKILL");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String log() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        /** Warnings and errors, and the last lines, of the node's log (hit lines left out). */
        void printLog() {
            List<String> all = List.of(log().split("\n"));
            List<String> shown = all.stream().filter(l -> !l.contains("tickwatch.hits")).toList();
            System.out.println("==== node " + n + " (pid " + pid + ") " + log + ": WARN/ERROR lines ====");
            shown.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.startsWith("\t")
                    || l.startsWith("Caused by") || l.startsWith("tickwatch:")).limit(300).forEach(System.out::println);
            System.out.println("==== node " + n + ": last lines ====");
            shown.subList(Math.max(0, shown.size() - 80), shown.size()).forEach(System.out::println);
        }
    }

    // ---- plumbing ----

    static final class Timings {
        final long t0;
        final List<String> marks = new ArrayList<>();

        Timings(long t0) {
            this.t0 = t0;
        }

        void mark(String what) {
            marks.add(String.format("%s @%.1fs", what, (System.nanoTime() - t0) / 1e9));
        }

        @Override
        public String toString() {
            return String.join(", ", marks);
        }
    }

    interface Check {
        boolean done() throws Exception;
    }

    /**
     * Waits up to {@code seconds} for {@code node}'s {@code GET /ready} to answer 200 (each request given
     * {@code tryTimeout}), and fails at once with the log of any of {@code watched} that exited: in a
     * cluster, another node's death is often why this one waits.
     */
    static void awaitReady(String node, Api api, int seconds, Duration tryTimeout, List<NodeProcess> watched)
            throws Exception {
        waitFor(node + " ready (GET /ready = 200)", seconds, () -> {
            for (NodeProcess p : watched) {
                if (!p.process.isAlive()) {
                    fail("node " + p.n + " exited with " + p.process.exitValue() + ":\n" + p.log());
                }
            }
            try {
                return api.get("/ready", tryTimeout).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Polls {@code check} every 100 ms until it holds; fails after {@code seconds}. */
    static void waitFor(String what, int seconds, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Exception last = null;
        while (true) {
            try {
                if (check.done()) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + seconds + " s waiting for: " + what + (last == null ? "" : " (last error " + last + ")"));
            }
            Thread.sleep(100);
        }
    }

    static List<String> lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty()).toList();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A node's database settings: the test's PostgreSQL at {@code url} (a forwarder's, say), in {@code schema}. */
    static Map<String, String> postgresEnv(String url, String schema) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TICKWATCH_DB", "postgres");
        env.put("TICKWATCH_DB_URL", url);
        env.put("TICKWATCH_DB_USER", TestDb.PG_USER);
        env.put("TICKWATCH_DB_PASSWORD", "");
        env.put("TICKWATCH_DB_SCHEMA", schema);
        return env;
    }

    /**
     * A cluster node on loopback, as the cluster ITs start them: the test's PostgreSQL schema, its admin API
     * and cluster ports, its data under {@code nodeDir}; the IT adds its feeds, seeds and the rest.
     */
    static Map<String, String> clusterNodeEnv(TestDb.Db db, Path nodeDir, int httpPort, int clusterPort) {
        Map<String, String> env = postgresEnv(TestDb.PG_URL, db.pgSchema());
        env.put("TICKWATCH_HTTP_PORT", String.valueOf(httpPort));
        env.put("TICKWATCH_PORT", String.valueOf(clusterPort));
        env.put("TICKWATCH_DATA_DIR", nodeDir.resolve("data").toString());
        return env;
    }

    /** The seed addresses of nodes on loopback at these cluster ports, in this order ({@code TICKWATCH_SEED_NODES} joins them with commas). */
    static List<String> seedNodes(int... clusterPorts) {
        List<String> seeds = new ArrayList<>();
        for (int port : clusterPorts) {
            seeds.add("pekko://tickwatch@127.0.0.1:" + port);
        }
        return seeds;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void log(String label, String message) {
        System.out.println("[CrashRestartIT " + label + "] " + message);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Iterator<Path> it = s.sorted(Comparator.reverseOrder()).iterator(); it.hasNext(); ) {
                Files.delete(it.next());
            }
        }
    }
}
