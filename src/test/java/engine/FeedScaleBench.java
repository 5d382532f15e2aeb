package engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import conditions.Tick;
import engine.sources.ls.LsSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/**
 * {@code bench feeds}: one node follows 15,000 instruments' trades over websockets against the fake LS
 * and the fake Binance on loopback, recording everything, at a steady offered rate; prints the messages
 * per second it sustains (trades accepted, quote frames taken), the latency from the moment a trade's
 * frame was due at the fake to its tick being accepted by the ticker's entity (journaled), the heap, and
 * whether it falls behind (what was published and not yet accepted, sampled every second). The fakes
 * and their publishers ({@link FeedFakes}) run in a process of their own, as a real venue would, unless
 * {@code -Dfakes=jvm}. Not part of the suite: run it with
 * {@code mvn -B -o test -Dtest=FeedScaleBench -Dbench=true} (README "Performance"); {@code -Drate=},
 * {@code -Dseconds=}, {@code -Dwarmup=}, {@code -Dls=}, {@code -Dbinance=} change the defaults,
 * {@code -Dquotes=} adds LS quote frames a second ({@code H1_} and {@code OH0}; the LS tickers then watch
 * quotes too, and every frame must be recorded in {@code ls-quotes.csv.gz}), and
 * {@code -Dbench.config='tickwatch.ingest.parallelism = 32'} adds configuration (HOCON) to the node's,
 * {@code -Dbench.jfr=FILE} records the measured phase's JFR profile (of the node's JVM), and
 * {@code -Dskew=1} makes a few symbols trade far more often than the rest ({@link TradeSchedule}).
 *
 * <p>LS: 11,000 six-digit stock codes ({@code S3_}) and 1,000 KOSPI200 option codes ({@code OC0}) on the
 * source's one connection; Binance: 3,000 {@code aggTrade} streams, so three connections. Each venue
 * gets its share of the trade rate by its instrument count, every symbol in turn (or by the skew's
 * schedule); quotes (when asked for) go to the LS symbols the same way. Quotes never reach an entity
 * (they are the ticker's latest state in the source, and a row in the recording), so they should cost
 * far less than trades.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: run with -Dbench=true")
class FeedScaleBench {
    static final int LS = Integer.getInteger("ls", 12_000);
    /** The fakes in the node's JVM ({@code -Dfakes=jvm}), or (the default) in a process of their own. */
    static final boolean IN_JVM = "jvm".equals(System.getProperty("fakes", "process"));
    static final int BINANCE = Integer.getInteger("binance", 3_000);
    static final int RATE = Integer.getInteger("rate", 10_000);
    /** LS quote frames a second, on top of the trades (0: trades only, the tickers watch no quotes). */
    static final int QUOTES = Integer.getInteger("quotes", 0);
    /**
     * How unevenly the symbols trade ({@link TradeSchedule}): 0 (the default) every symbol equally often,
     * {@code s} above 0 the {@code k}-th busiest in proportion to {@code 1 / k^s}, as a real market.
     */
    static final double SKEW = Double.parseDouble(System.getProperty("skew", "0"));
    static final int SECONDS = Integer.getInteger("seconds", 60);
    static final int WARMUP = Integer.getInteger("warmup", 30);
    /** How long to wait at the end for every published trade to be accepted (0: do not wait, do not check). */
    static final int DRAIN_MINUTES = Integer.getInteger("drain.minutes", 5);
    /** A JFR file to record the measured phase into (profile settings), or none. */
    static final String JFR = System.getProperty("bench.jfr");

    @TempDir
    Path dir;

    /** Frame-to-entity latencies in nanoseconds, while {@link #on}. */
    static final class Latencies {
        final long[] values = new long[4_000_000];
        final AtomicInteger n = new AtomicInteger();
        volatile boolean on;

        void add(long nanos) {
            if (on) {
                int i = n.getAndIncrement();
                if (i < values.length) {
                    values[i] = nanos;
                }
            }
        }

        String summary() {
            long[] l = Arrays.copyOf(values, Math.min(n.get(), values.length));
            Arrays.sort(l);
            return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms over %,d ticks", pct(l, 0.5), pct(l, 0.99),
                    l.length == 0 ? 0 : l[l.length - 1] / 1e6, l.length);
        }

        static double pct(long[] sorted, double p) {
            return sorted.length == 0 ? Double.NaN
                    : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
        }
    }

    /** What the entities accepted, per source, and how long after its frame was due each trade was accepted. */
    static final class Accepted {
        final AtomicLong ls = new AtomicLong();
        final AtomicLong binance = new AtomicLong();
        final Latencies latencies = new Latencies();
        /** LS symbol -> its index in the publisher's list; the LS trades each symbol accepted so far. */
        final Map<String, Integer> lsIndex = new HashMap<>();
        final AtomicIntegerArray lsCount;
        final TradeSchedule lsSchedule;
        volatile long t0;
        volatile int lsRate;

        Accepted(List<String> lsSymbols, TradeSchedule lsSchedule) {
            for (int i = 0; i < lsSymbols.size(); i++) {
                lsIndex.put(lsSymbols.get(i), i);
            }
            lsCount = new AtomicIntegerArray(lsSymbols.size());
            this.lsSchedule = lsSchedule;
        }

        void accepted(String source, List<Tick> ticks) {
            long now = System.nanoTime();
            long wall = System.currentTimeMillis();
            for (Tick t : ticks) {
                if (source.equals("ls")) {
                    ls.incrementAndGet();
                    int i = lsIndex.get(t.symbol());
                    long n = lsSchedule.nth(i, lsCount.getAndIncrement(i)); // see FeedFakes: trade n
                    latencies.add(now - FeedFakes.dueNanos(t0, n, lsRate));
                } else {
                    binance.incrementAndGet();
                    latencies.add(TimeUnit.MILLISECONDS.toNanos(wall - t.time())); // T is the publish time
                }
            }
        }

        long total() {
            return ls.get() + binance.get();
        }
    }

    static long quoteFrames(Node node) {
        return ((Number) node.sourceHealth().get("ls").get("quote_frames")).longValue();
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void fifteenThousandInstrumentsOnOneNode() throws Exception {
        int lsRate = (int) ((long) RATE * LS / (LS + BINANCE));
        int binanceRate = RATE - lsRate;
        TradeSchedule lsSchedule = new TradeSchedule(LS, SKEW);
        Accepted accepted = new Accepted(FeedFakes.lsSymbols(LS), lsSchedule);
        long heapBefore = usedHeapAfterGc();
        // -Dbench.db=postgres: the journal on the local PostgreSQL (a schema of its own, dropped after)
        TestDb.Db db = "postgres".equals(System.getProperty("bench.db")) ? TestDb.postgres("feeds")
                : TestDb.h2(dir.resolve("data"));
        try (FeedVenues venues = IN_JVM ? new FeedFakes(LS, BINANCE)
                : new FeedFakesProcess(LS, BINANCE, dir.resolve("fakes.log"));
             Node node = new NodeBootstrap(NodeSourcesTest.settings(dir, db,
                     LsSourceTest.config(venues.urls().ls(), venues.urls().lsWs(), "") + "tickwatch.sources.binance { url = \""
                             + venues.urls().binance() + "\", rest-url = \"" + venues.urls().binanceRest()
                             + "\", messages-per-second = 10 }\n"
                             + "pekko.loglevel = WARNING\ntickwatch.daily.enabled = false\n" + System.getProperty("bench.config", "")))
                     .sourceType(LsSource.TYPE, LsSource.factory(LsSourceTest.CLOCK))
                     .alsoAccepted(accepted::accepted).start()) {
            long t0 = System.nanoTime();
            add(node, FeedFakes.lsSymbols(LS), "ls", QUOTES > 0 ? List.of("trades", "quotes") : null);
            add(node, FeedFakes.binanceSymbols(BINANCE), "binance", null);
            testkit.Await.until(() -> venues.allRegistered(QUOTES > 0), java.time.Duration.ofMinutes(10),
                    "every ticker registered or subscribed");
            String[] conns = venues.connections().split(" ");
            System.out.printf("bench feeds: %,d ls tickers (%,d stocks, %,d options) on %s connection(s), %,d binance "
                            + "tickers on %s connections, all registered in %.1f s; the fakes %s%n", LS, LS - LS / 12,
                    LS / 12, conns[0], BINANCE, conns[1], (System.nanoTime() - t0) / 1e9,
                    IN_JVM ? "in the node's JVM (-Dfakes=jvm)" : "in a process of their own");

            accepted.lsRate = lsRate;
            System.out.printf("symbols: %s; the busiest 100 LS symbols get %.0f %% of the LS trades, the busiest 1,000 %.0f %%%n",
                    SKEW == 0 ? "every one equally often (-Dskew=0)" : "skewed as a market, Zipf exponent " + SKEW,
                    100 * lsSchedule.share(100), 100 * lsSchedule.share(1_000));
            accepted.t0 = venues.start(lsRate, binanceRate, QUOTES, SKEW);
            try {
                Thread.sleep(WARMUP * 1000L);
                long[] p = venues.published();
                System.out.printf("warm-up: %d s at %,d trades/s offered (%,d ls + %,d binance) + %,d quotes/s; behind by "
                        + "%,d trades, %,d quotes%n", WARMUP, RATE, lsRate, binanceRate, QUOTES,
                        p[0] + p[1] - accepted.total(), p[2] - quoteFrames(node));
                accepted.latencies.on = true;
                jdk.jfr.Recording jfr = null;
                if (JFR != null) {
                    jfr = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                    jfr.setDestination(Path.of(JFR));
                    jfr.start();
                }
                long[] p0 = venues.published();
                long quotes0 = quoteFrames(node);
                long acc0 = accepted.total();
                long behind0 = p0[0] + p0[1] - acc0;
                long maxBehind = behind0;
                long m0 = System.nanoTime();
                for (int s = 1; s <= SECONDS; s++) {
                    Thread.sleep(1000);
                    long[] ps = venues.published();
                    long behind = ps[0] + ps[1] - accepted.total();
                    maxBehind = Math.max(maxBehind, behind);
                    if (s % 10 == 0) {
                        System.out.printf("  %3d s: %,d trades published, %,d accepted, behind by %,d; quotes behind by "
                                        + "%,d%n", s, ps[0] + ps[1] - p0[0] - p0[1], accepted.total() - acc0, behind,
                                ps[2] - quoteFrames(node));
                    }
                }
                double secs = (System.nanoTime() - m0) / 1e9;
                accepted.latencies.on = false;
                if (jfr != null) {
                    jfr.stop();
                    jfr.close();
                }
                long[] p1 = venues.published();
                long acc1 = accepted.total();
                long quotes1 = quoteFrames(node);
                System.out.printf("measured %.0f s: offered %,.0f trades/s, accepted %,.0f trades/s (every tick journaled"
                                + " and recorded); trades behind by %,d at the start, %,d at the end, at most %,d%n", secs,
                        (p1[0] + p1[1] - p0[0] - p0[1]) / secs, (acc1 - acc0) / secs, behind0, p1[0] + p1[1] - acc1,
                        maxBehind);
                System.out.printf("quotes: offered %,.0f frames/s, taken %,.0f frames/s (latest state set, handed to the "
                                + "recording); behind by %,d at the end; %,.0f messages/s offered in all%n",
                        (p1[2] - p0[2]) / secs, (quotes1 - quotes0) / secs, p1[2] - quotes1,
                        (p1[0] + p1[1] + p1[2] - p0[0] - p0[1] - p0[2]) / secs);
                System.out.println("frame due to entity: " + accepted.latencies.summary());
            } finally {
                venues.stop();
            }
            long[] end = venues.published();
            long published = end[0] + end[1];
            AssertionError notDrained = null;
            if (DRAIN_MINUTES > 0) {
                try {
                    testkit.Await.until(() -> accepted.total() >= published,
                            java.time.Duration.ofMinutes(DRAIN_MINUTES), "every published trade accepted (" + published + ")");
                } catch (AssertionError e) {
                    notDrained = e; // the figures below still say how far it got
                }
            }
            long heap = usedHeapAfterGc();
            System.out.printf("end: %,d trades published, %,d accepted (%,d ls, %,d binance); heap after GC %,d MB "
                            + "(%,d MB before the node started; max %,d MB)%n", published, accepted.total(),
                    accepted.ls.get(), accepted.binance.get(), heap >> 20, heapBefore >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf("ingest: %,d entity asks sent again after tickwatch.ingest.attempt-timeout, %,d unanswered"
                    + " at the deadline; the sources' lanes: ls %s, binance %s%n", node.ingestRetries(), node.ingestTimeouts(),
                    node.sourceHealth().get("ls").get("ingest"), node.sourceHealth().get("binance").get("ingest"));
            quotesPublished = end[2];
            if (notDrained != null) {
                throw notDrained;
            }
            if (DRAIN_MINUTES > 0) {
                assertTrue(accepted.total() == published, "every published trade accepted once: " + published
                        + " published, " + accepted.total() + " accepted");
            }
        } finally {
            db.drop();
        }
        if (QUOTES > 0 && DRAIN_MINUTES > 0) { // the node is closed: its recording is complete
            long recorded = recordedQuotes(dir);
            System.out.printf("quotes: %,d published, %,d recorded%n", quotesPublished, recorded);
            assertTrue(recorded == quotesPublished, "every quote frame recorded once: " + quotesPublished
                    + " published, " + recorded + " recorded");
        }
    }

    private long quotesPublished;

    /** Rows in every {@code ls-quotes.csv.gz} under {@code dir} (each file's header line not counted). */
    static long recordedQuotes(Path dir) throws java.io.IOException {
        List<Path> files;
        try (var walk = java.nio.file.Files.walk(dir)) {
            files = walk.filter(f -> f.getFileName().toString().equals("ls-quotes.csv.gz")).toList();
        }
        long rows = 0;
        for (Path f : files) {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(f)),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                rows += in.lines().filter(l -> !l.isEmpty() && !Character.isLetter(l.charAt(0))).count();
            }
        }
        return rows;
    }

    /** Adds tickers 50 at a time (the registry answers each). */
    static void add(Node node, List<String> symbols, String source, List<String> channels) throws Exception {
        for (int from = 0; from < symbols.size(); from += 50) {
            List<CompletableFuture<?>> batch = new ArrayList<>();
            for (String s : symbols.subList(from, Math.min(symbols.size(), from + 50))) {
                batch.add(node.addTicker(s, source, null, null, channels).toCompletableFuture().thenAccept(r -> {
                    if (!(r instanceof TickerRegistry.Added)) {
                        throw new IllegalStateException(s + ": " + r);
                    }
                }));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
    }
}
