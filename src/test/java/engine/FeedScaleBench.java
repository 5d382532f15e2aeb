package engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import conditions.Tick;
import engine.sources.binance.FakeBinance;
import engine.sources.ls.FakeLs;
import engine.sources.ls.LsSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/**
 * {@code bench feeds}: one node follows 15,000 instruments' trades over websockets against the fake LS
 * and the fake Binance on loopback, recording everything, at a steady offered rate; prints the messages
 * per second it sustains, the latency from a frame leaving the fake to its tick being accepted by the
 * ticker's entity (journaled), the heap, and whether it falls behind (what was published and not yet
 * accepted, sampled every second). Not part of the suite: run it with
 * {@code mvn -B -o test -Dtest=FeedScaleBench -Dbench=true} (README "Performance"); {@code -Drate=},
 * {@code -Dseconds=}, {@code -Dwarmup=}, {@code -Dls=}, {@code -Dbinance=} change the defaults, and
 * {@code -Dbench.config='tickwatch.ingest.parallelism = 32'} adds configuration (HOCON) to the node's.
 *
 * <p>LS: 11,000 six-digit stock codes ({@code S3_}) and 1,000 KOSPI200 option codes ({@code OC0}) on the
 * source's one connection; Binance: 3,000 {@code aggTrade} streams, so three connections. Trades only:
 * LS quotes and member flow come with the {@code ls9} branch, and Binance has only aggTrade. Each venue
 * gets its share of the rate by its instrument count, every symbol in turn.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: run with -Dbench=true")
class FeedScaleBench {
    static final int LS = Integer.getInteger("ls", 12_000);
    static final int LS_OPTIONS = LS / 12;
    static final int BINANCE = Integer.getInteger("binance", 3_000);
    static final int RATE = Integer.getInteger("rate", 10_000);
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

    /** What the entities accepted, per source, and when each LS trade left the fake. */
    static final class Accepted {
        final AtomicLong ls = new AtomicLong();
        final AtomicLong binance = new AtomicLong();
        /** symbol:cum_volume of an LS trade (unique per symbol) -> System.nanoTime() at publish. */
        final Map<String, Long> lsSent = new ConcurrentHashMap<>();
        final Latencies latencies = new Latencies();

        void accepted(String source, List<Tick> ticks) {
            long now = System.nanoTime();
            long wall = System.currentTimeMillis();
            for (Tick t : ticks) {
                if (source.equals("ls")) {
                    ls.incrementAndGet();
                    Long sent = lsSent.remove(t.symbol() + ":" + t.cumVolume());
                    if (sent != null) {
                        latencies.add(now - sent);
                    }
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

    /** Publishes at {@code rate} a second on its own thread, each symbol in turn, until stopped. */
    abstract static class Publisher extends Thread {
        final int rate;
        final AtomicLong published = new AtomicLong();
        volatile boolean running = true;

        Publisher(String name, int rate) {
            super(name);
            setDaemon(true);
            this.rate = rate;
        }

        abstract void publishOne(long n);

        @Override
        public void run() {
            long t0 = System.nanoTime();
            long n = 0;
            while (running) {
                long due = (System.nanoTime() - t0) * rate / 1_000_000_000L;
                if (n >= due) {
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                while (n < due && running) {
                    publishOne(n++);
                    published.incrementAndGet();
                }
            }
        }
    }

    static List<String> lsSymbols() {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < LS - LS_OPTIONS; i++) {
            l.add(String.format("%06d", 100_000 + i));
        }
        for (int i = 0; i < LS_OPTIONS; i++) {
            l.add(String.format("201W%04d", i)); // a KOSPI200 option's shape: OC0
        }
        return l;
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
        Accepted accepted = new Accepted();
        long heapBefore = usedHeapAfterGc();
        try (FakeLs ls = new FakeLs(); FakeBinance binance = new FakeBinance();
             Node node = new NodeBootstrap(NodeSourcesTest.settings(dir, TestDb.h2(dir.resolve("data")),
                     LsSourceTest.config(ls, "") + "tickwatch.sources.binance { url = \"" + binance.url()
                             + "\", rest-url = \"" + binance.restUrl() + "\", messages-per-second = 10 }\n"
                             + "pekko.loglevel = WARNING\n" + System.getProperty("bench.config", "")))
                     .sourceType(LsSource.TYPE, LsSource.factory(LsSourceTest.CLOCK))
                     .alsoAccepted(accepted::accepted).start()) {
            List<String> lsSymbols = lsSymbols();
            List<String> binanceSymbols = new ArrayList<>();
            for (int i = 0; i < BINANCE; i++) {
                binanceSymbols.add("S" + i + "USDT");
            }
            long t0 = System.nanoTime();
            add(node, lsSymbols, "ls");
            add(node, binanceSymbols, "binance");
            testkit.Await.until(() -> lsSymbols.stream().allMatch(s -> s.length() == 6
                            ? ls.registered("S3_", s) : ls.registered("OC0", s))
                            && binanceSymbols.stream().allMatch(s -> binance.subscribed(
                            s.toLowerCase(java.util.Locale.ROOT) + "@aggTrade") == 1),
                    java.time.Duration.ofMinutes(10), "every ticker registered or subscribed");
            System.out.printf("bench feeds: %,d ls tickers (%,d stocks, %,d options) on %d connection(s), %,d binance "
                            + "tickers on %d connections, all registered in %.1f s%n", LS, LS - LS_OPTIONS, LS_OPTIONS,
                    ls.connections(), BINANCE, binance.open().size(), (System.nanoTime() - t0) / 1e9);

            long[] lsCum = new long[lsSymbols.size()];
            int[] lsSecond = new int[lsSymbols.size()];
            long[] binanceId = new long[BINANCE];
            Publisher lsPub = new Publisher("bench-ls", lsRate) {
                @Override
                void publishOne(long n) {
                    int i = (int) (n % lsSymbols.size());
                    String code = lsSymbols.get(i);
                    long size = 1 + n % 9;
                    lsCum[i] += size;
                    String time = LocalTime.of(9, 0).plusSeconds(lsSecond[i]++ % 23_000)
                            .format(LsSourceTest.HHMMSS);
                    Map<String, String> b = new LinkedHashMap<>();
                    b.put("chetime", time);
                    b.put("cvolume", String.valueOf(size));
                    b.put("volume", String.valueOf(lsCum[i]));
                    accepted.lsSent.put(code + ":" + lsCum[i], System.nanoTime());
                    if (code.length() == 6) {
                        b.put("price", String.valueOf(50_000 + (n * 7) % 300 * 100));
                        b.put("sign", "2");
                        b.put("cgubun", "+");
                        b.put("shcode", code);
                        ls.publish("S3_", code, b);
                    } else {
                        b.put("price", String.format("%.2f", 3 + (n % 50) / 100.0));
                        b.put("futcode", code);
                        ls.publish("OC0", code, b);
                    }
                }
            };
            Publisher binancePub = new Publisher("bench-binance", binanceRate) {
                @Override
                void publishOne(long n) {
                    int i = (int) (n % BINANCE);
                    binance.publish(new FakeBinance.Trade(binanceSymbols.get(i), ++binanceId[i],
                            (90_000 + n % 500) + ".1", "0.0" + (10 + n % 89), System.currentTimeMillis()));
                }
            };
            lsPub.start();
            binancePub.start();
            try {
                Thread.sleep(WARMUP * 1000L);
                System.out.printf("warm-up: %d s at %,d messages/s offered (%,d ls + %,d binance); behind by %,d%n",
                        WARMUP, RATE, lsRate, binanceRate, published(lsPub, binancePub) - accepted.total());
                accepted.latencies.on = true;
                jdk.jfr.Recording jfr = null;
                if (JFR != null) {
                    jfr = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                    jfr.setDestination(Path.of(JFR));
                    jfr.start();
                }
                long pub0 = published(lsPub, binancePub);
                long acc0 = accepted.total();
                long behind0 = pub0 - acc0;
                long maxBehind = behind0;
                long m0 = System.nanoTime();
                for (int s = 1; s <= SECONDS; s++) {
                    Thread.sleep(1000);
                    long behind = published(lsPub, binancePub) - accepted.total();
                    maxBehind = Math.max(maxBehind, behind);
                    if (s % 10 == 0) {
                        System.out.printf("  %3d s: %,d published, %,d accepted, behind by %,d%n", s,
                                published(lsPub, binancePub) - pub0, accepted.total() - acc0, behind);
                    }
                }
                double secs = (System.nanoTime() - m0) / 1e9;
                accepted.latencies.on = false;
                if (jfr != null) {
                    jfr.stop();
                    jfr.close();
                }
                long pub1 = published(lsPub, binancePub);
                long acc1 = accepted.total();
                System.out.printf("measured %.0f s: offered %,.0f messages/s, accepted %,.0f ticks/s (every tick journaled"
                                + " and recorded); behind by %,d at the start, %,d at the end, at most %,d%n", secs,
                        (pub1 - pub0) / secs, (acc1 - acc0) / secs, behind0, pub1 - acc1, maxBehind);
                System.out.println("frame to entity: " + accepted.latencies.summary());
            } finally {
                lsPub.running = false;
                binancePub.running = false;
                lsPub.join();
                binancePub.join();
            }
            long published = published(lsPub, binancePub);
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
            System.out.printf("end: %,d published, %,d accepted (%,d ls, %,d binance); heap after GC %,d MB "
                            + "(%,d MB before the node started; max %,d MB)%n", published, accepted.total(),
                    accepted.ls.get(), accepted.binance.get(), heap >> 20, heapBefore >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
            if (notDrained != null) {
                throw notDrained;
            }
            if (DRAIN_MINUTES > 0) {
                assertTrue(accepted.total() == published, "every published trade accepted once: " + published
                        + " published, " + accepted.total() + " accepted");
            }
        }
    }

    static long published(Publisher... ps) {
        long n = 0;
        for (Publisher p : ps) {
            n += p.published.get();
        }
        return n;
    }

    /** Adds tickers 50 at a time (the registry answers each). */
    static void add(Node node, List<String> symbols, String source) throws Exception {
        for (int from = 0; from < symbols.size(); from += 50) {
            List<CompletableFuture<?>> batch = new ArrayList<>();
            for (String s : symbols.subList(from, Math.min(symbols.size(), from + 50))) {
                batch.add(node.addTicker(s, source).toCompletableFuture().thenAccept(r -> {
                    if (!(r instanceof TickerRegistry.Added)) {
                        throw new IllegalStateException(s + ": " + r);
                    }
                }));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
    }
}
