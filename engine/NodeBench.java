package engine;

import actors.sinks.HitSink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import conditions.Hit;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.ServerBinding;
import persistence.DbSettings;

/**
 * {@code bench node}: starts a full node in this JVM (fresh H2 folder, or a fresh PostgreSQL
 * schema) and drives it through the admin API exactly as a feed would: HTTP {@code POST /api/ticks}
 * -> sharded ticker entities -> journal (every tick) -> conditions -> router -> sink. Three phases:
 * <ol>
 *   <li>throughput: as many ticks per second as the node acknowledges (every acknowledged tick is
 *       journaled), over {@code --seconds};</li>
 *   <li>latency: a steady {@code --rate} ticks per second; for each tick that opens a bar, the time
 *       from sending it to its hit reaching the sink behind the router (a condition hits on the
 *       forming bar's first update), p50 and p99;</li>
 *   <li>memory: {@code --tickers} more symbols made active, heap after a full GC per active ticker.</li>
 * </ol>
 */
final class NodeBench {
    private static final String CONDITIONS = """
            {"bench-first-update": {"when": ["CLOSE", ">", 0], "check": "update", "sinks": ["bench"]}}
            """;
    /** Ticks of one symbol per exchange day: every 30 s from 09:00 to 15:29:30. */
    private static final int TICKS_PER_DAY = 780;
    /** A 5-minute bar holds 10 ticks at 30 s. */
    private static final int TICKS_PER_BAR = 10;
    private static final long DAY0 = LocalDate.of(2026, 1, 5).atTime(9, 0).toEpochSecond(ZoneOffset.ofHours(9)) * 1000;

    private NodeBench() {
    }

    static int run(Args a) throws Exception {
        String db = a.one("db", "h2");
        int symbols = (int) a.number("symbols", 1000);
        int seconds = (int) a.number("seconds", 30);
        int rate = (int) a.number("rate", 10_000);
        int tickers = (int) a.number("tickers", 20_000);
        int clients = (int) a.number("clients", 4);
        int warmup = (int) a.number("warmup", 30);
        Path dir = Files.createTempDirectory("tickwatch-bench");
        Files.writeString(dir.resolve("conditions.json"), CONDITIONS);
        String schema = "tickwatch_bench_" + System.currentTimeMillis();
        Config overrides = ConfigFactory.parseString(
                "tickwatch.data-dir = \"" + dir.resolve("data") + "\"\n"
                        + "tickwatch.conditions.file = \"" + dir.resolve("conditions.json") + "\"\n"
                        + "pekko.remote.artery.canonical.port = 0\n"
                        + "pekko.loglevel = WARNING\n"
                        + "tickwatch.sinks.bench.type = bench\n"
                        + "tickwatch.db.kind = " + db + "\n"
                        + (db.equals("postgres") ? "tickwatch.db.postgres.schema = " + schema + "\n" : ""));
        NodeSettings settings = NodeSettings.load(overrides);
        Sink sink = new Sink();
        long heapBefore = usedHeapAfterGc();
        System.out.printf("bench node: %s, %d symbols, %d client connections; data in %s%n", settings.db().describe(),
                symbols, clients, dir);
        Node node = new NodeBootstrap(settings).sinkType("bench", ctx -> sink).start();
        try {
            ServerBinding binding = AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1_000_000))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            Driver driver = new Driver("http://127.0.0.1:" + binding.localAddress().getPort() + "/api/ticks", sink);
            Feed feed = new Feed(0, symbols);

            // The JIT compiles Pekko, Slick and the database for the first half-minute or so, using
            // most of a core: measure after it, or the figures measure the compiler.
            driver.run(feed, clients, warmup, 0, 1000, "warm-up");
            sink.drain();
            Result thr = driver.run(feed, clients, seconds, 0, 1000, "throughput");
            System.out.printf("throughput: %,.0f ticks/s acknowledged (every tick journaled), %,d ticks in %.1f s, %,d batches%n",
                    thr.ticksPerSecond(), thr.ticks(), thr.seconds(), thr.batches());

            sink.drain(); // the latency phase must not inherit the throughput phase's queue
            sink.latencies.clear();
            driver.acks.clear();
            Result lat = driver.run(feed, clients, seconds, rate, 100, "latency");
            long[] l = sink.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] acked = driver.acks.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("latency at %,d ticks/s offered: request acknowledged (ticks journaled) p50 %.1f ms, p99 %.1f ms%n",
                    rate, pct(acked, 0.50), pct(acked, 0.99));
            System.out.printf("latency at %,d ticks/s offered (%,.0f acknowledged): tick-to-hit p50 %.1f ms, p99 %.1f ms, max %.1f ms over %,d hits%n",
                    rate, lat.ticksPerSecond(), pct(l, 0.50), pct(l, 0.99), l.length == 0 ? 0 : l[l.length - 1] / 1e6, l.length);

            long heapWith = usedHeapAfterGc();
            Feed more = new Feed(symbols, tickers);
            driver.activate(more, clients);
            long heapAfter = usedHeapAfterGc();
            int active = symbols + tickers;
            System.out.printf("memory: %,d active tickers, heap after GC %,d MB (%,d MB before the node started); "
                            + "%,.1f KB per ticker (the %,d added: %,.1f KB each); max heap %,d MB%n",
                    active, heapAfter >> 20, heapBefore >> 20, (heapAfter - heapBefore) / 1024.0 / active, tickers,
                    (heapAfter - heapWith) / 1024.0 / tickers, Runtime.getRuntime().maxMemory() >> 20);
            binding.unbind();
        } finally {
            node.close();
            if (db.equals("postgres")) {
                dropSchema(settings.db(), schema);
            }
        }
        return 0;
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void dropSchema(DbSettings db, String schema) {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (Exception e) {
            System.out.println("bench node: could not drop schema " + schema + ": " + e);
        }
    }

    record Result(long ticks, long batches, double seconds) {
        double ticksPerSecond() {
            return ticks / seconds;
        }
    }

    /**
     * Synthetic KRX symbols, each trading every 30 s of exchange time, day after day: every tenth
     * tick of a symbol opens a new 5-minute bar. Symbols are split among clients, and each client
     * sends its batches one at a time, so every symbol's ticks arrive in order.
     */
    static final class Feed {
        final int first;
        final int count;
        final long[] sent;

        Feed(int first, int count) {
            this.first = first;
            this.count = count;
            this.sent = new long[count];
        }

        String symbol(int i) {
            return Integer.toString(100_000 + first + i);
        }

        /**
         * A JSON array of {@code perSymbol} ticks for each of {@code group} symbols of this client,
         * starting at the client's cursor; adds the bars the batch opens to {@code opened}.
         */
        String batch(int client, int clients, int[] cursor, int group, int perSymbol, List<String> opened) {
            StringBuilder sb = new StringBuilder(group * perSymbol * 90);
            sb.append('[');
            int mine = (count - client + clients - 1) / clients;
            for (int g = 0; g < group && mine > 0; g++) {
                int i = client + clients * (cursor[0]++ % mine);
                String sym = symbol(i);
                for (int k = 0; k < perSymbol; k++) {
                    long n = sent[i]++;
                    long time = DAY0 + (n / TICKS_PER_DAY) * 86_400_000L + (n % TICKS_PER_DAY) * 30_000L;
                    if (n % TICKS_PER_BAR == 0) {
                        opened.add(sym + ":" + time);
                    }
                    if (sb.length() > 1) {
                        sb.append(',');
                    }
                    sb.append("{\"time\":").append(time).append(",\"symbol\":\"").append(sym)
                            .append("\",\"price\":").append(10_000 + (n * 7 + i) % 500 * 10)
                            .append(",\"volume\":").append(1 + n % 50).append('}');
                }
            }
            return sb.append(']').toString();
        }
    }

    /** Posts batches from several client threads, each with one request in flight. */
    static final class Driver {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final URI uri;
        private final Sink sink;
        /** Request round trips: send to the node's answer (the ticks are journaled by then). */
        final List<Long> acks = java.util.Collections.synchronizedList(new ArrayList<>());

        Driver(String url, Sink sink) {
            this.uri = URI.create(url);
            this.sink = sink;
        }

        /** For {@code seconds}, at {@code rate} ticks/s in total (0: as fast as acknowledged). */
        Result run(Feed feed, int clients, int seconds, int rate, int batchTicks, String phase) throws Exception {
            AtomicLong ticks = new AtomicLong();
            AtomicLong batches = new AtomicLong();
            int perSymbol = TICKS_PER_BAR;
            int group = Math.max(1, batchTicks / perSymbol);
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            double batchesPerSecondPerClient = rate == 0 ? 0 : rate / (double) (group * perSymbol) / clients;
            List<Thread> threads = new ArrayList<>();
            List<Throwable> errors = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                Thread t = new Thread(() -> {
                    int[] cursor = {0};
                    long k = 0;
                    try {
                        while (System.nanoTime() < end) {
                            if (batchesPerSecondPerClient > 0) {
                                long due = start + (long) (k / batchesPerSecondPerClient * 1e9);
                                long wait = due - System.nanoTime();
                                if (wait > 0) {
                                    TimeUnit.NANOSECONDS.sleep(wait);
                                }
                            }
                            k++;
                            List<String> opened = new ArrayList<>();
                            String body = feed.batch(client, clients, cursor, group, perSymbol, opened);
                            long sentAt = System.nanoTime();
                            for (String key : opened) {
                                sink.sentAt.put(key, sentAt);
                            }
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                            acks.add(System.nanoTime() - sentAt);
                            if (r.statusCode() != 200) {
                                throw new IllegalStateException("POST /api/ticks answered " + r.statusCode() + ": " + r.body());
                            }
                            ticks.addAndGet((long) group * perSymbol);
                            batches.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        synchronized (errors) {
                            errors.add(e);
                        }
                    }
                }, "bench-client-" + c);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            if (!errors.isEmpty()) {
                throw new IllegalStateException(phase + " failed: " + errors.get(0), errors.get(0));
            }
            return new Result(ticks.get(), batches.get(), (System.nanoTime() - start) / 1e9);
        }

        /** Sends every symbol of the feed a few ticks, so each has a live entity with state. */
        void activate(Feed feed, int clients) throws Exception {
            int rounds = (feed.count + clients * 100 - 1) / (clients * 100);
            for (int r = 0; r < rounds; r++) {
                List<Thread> threads = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    int round = r;
                    Thread t = new Thread(() -> {
                        int[] cursor = {round * 100};
                        try {
                            String body = feed.batch(client, clients, cursor, 100, 2, new ArrayList<>());
                            http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.discarding());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    threads.add(t);
                    t.start();
                }
                for (Thread t : threads) {
                    t.join();
                }
            }
        }
    }

    /** The {@code bench} sink: when each hit reached it, against when its tick was sent. */
    static final class Sink implements HitSink {
        final ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();

        final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public String name() {
            return "bench";
        }

        /** Waits until every bar-opening tick sent so far has its hit here (or 60 s pass). */
        void drain() throws InterruptedException {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!sentAt.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (!sentAt.isEmpty()) {
                System.out.printf("bench node: %,d hits still undelivered after 60 s%n", sentAt.size());
                sentAt.clear();
            }
        }

        @Override
        public void deliver(Hit hit) {
            Long sent = sentAt.remove(hit.symbol() + ":" + hit.barStart());
            if (sent != null) {
                latencies.add(System.nanoTime() - sent);
            }
        }
    }
}
