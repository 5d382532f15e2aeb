package engine;

import engine.sources.binance.FakeBinance;
import engine.sources.ls.FakeLs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The venues of {@code bench feeds} ({@link FeedScaleBench}): a {@link FakeLs} and a {@link FakeBinance}
 * on loopback and the threads publishing to them at a steady rate. In the bench's JVM, or (with
 * {@link #main}) in a process of its own, so that the node's JVM pays only for what a real venue's
 * frames cost it: the JSON encoding and websocket sending are the venue's, not the node's.
 *
 * <p>What is published is a pure function of the trade's number {@code n} and the symbol lists, so the
 * bench can tell when each trade was due without hearing from the publisher: LS trade {@code n} goes to
 * symbol {@link TradeSchedule#symbol} (every symbol in turn, or skewed as a real market is) at
 * {@code start + n / rate} ({@link #dueNanos}); its cumulative volume is the symbol's trade count so far,
 * and its exchange time 09:00 plus one second for every {@code symbols} trades published.
 */
final class FeedFakes implements FeedVenues {
    static final DateTimeFormatter HHMMSS = DateTimeFormatter.ofPattern("HHmmss");

    /** Publishes at {@code rate} a second on its own thread, each symbol in turn, until stopped. */
    abstract static class Publisher extends Thread {
        final int rate;
        final AtomicLong published = new AtomicLong();
        volatile boolean running = true;
        /** System.nanoTime() when it started: message n is due n / rate seconds later. */
        volatile long t0;

        Publisher(String name, int rate) {
            super(name);
            setDaemon(true);
            this.rate = rate;
        }

        abstract void publishOne(long n);

        @Override
        public void run() {
            long start = t0;
            long n = 0;
            while (running) {
                long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
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

        void begin(long startNanos) {
            t0 = startNanos;
            if (rate > 0) {
                start();
            }
        }

        void end() throws InterruptedException {
            running = false;
            if (isAlive()) {
                join();
            }
        }
    }

    final FakeLs ls;
    final FakeBinance binance;
    final List<String> lsSymbols;
    final List<String> binanceSymbols;
    private Publisher lsPub;
    private Publisher binancePub;
    private Publisher quotePub;

    FeedFakes(int lsCount, int binanceCount) throws Exception {
        lsSymbols = lsSymbols(lsCount);
        binanceSymbols = binanceSymbols(binanceCount);
        FakeLs l = new FakeLs();
        try {
            binance = new FakeBinance();
        } catch (Exception e) {
            l.close();
            throw e;
        }
        ls = l;
    }

    /** {@code lsCount} LS codes: eleven twelfths six-digit stock codes ({@code S3_}), the rest KOSPI200 options ({@code OC0}). */
    static List<String> lsSymbols(int lsCount) {
        int options = lsCount / 12;
        List<String> l = new ArrayList<>();
        for (int i = 0; i < lsCount - options; i++) {
            l.add(String.format("%06d", 100_000 + i));
        }
        for (int i = 0; i < options; i++) {
            l.add(String.format("201W%04d", i)); // a KOSPI200 option's shape: OC0
        }
        return l;
    }

    static List<String> binanceSymbols(int count) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            l.add("S" + i + "USDT");
        }
        return l;
    }

    /** When LS trade {@code n} was due, for a publisher started at {@code t0} at {@code rate} a second. */
    static long dueNanos(long t0, long n, int rate) {
        return t0 + n * 1_000_000_000L / rate;
    }

    @Override
    public Urls urls() {
        return new Urls(ls.url(), ls.wsUrl(), binance.url(), binance.restUrl());
    }

    /** Whether every ticker is registered (trades, and quotes when {@code quotes}) or subscribed. */
    @Override
    public boolean allRegistered(boolean quotes) {
        return lsSymbols.stream().allMatch(s -> s.length() == 6
                ? ls.registered("S3_", s) && (!quotes || ls.registered("H1_", s))
                : ls.registered("OC0", s) && (!quotes || ls.registered("OH0", s)))
                && binanceSymbols.stream().allMatch(s -> binance.subscribed(s.toLowerCase(Locale.ROOT) + "@aggTrade") == 1);
    }

    @Override
    public String connections() {
        return ls.connections() + " " + binance.open().size();
    }

    /** Starts publishing; returns the start (System.nanoTime(), shared by the machine's processes on Linux). */
    @Override
    public long start(int lsRate, int binanceRate, int quotes, double skew) {
        int symbols = lsSymbols.size();
        TradeSchedule lsSchedule = new TradeSchedule(symbols, skew);
        TradeSchedule binanceSchedule = new TradeSchedule(binanceSymbols.size(), skew);
        long[] lsTrades = new long[symbols];
        lsPub = new Publisher("bench-ls", lsRate) {
            @Override
            void publishOne(long n) {
                int i = lsSchedule.symbol(n);
                String code = lsSymbols.get(i);
                long size = 1;
                long cum = ++lsTrades[i];
                String time = LocalTime.of(9, 0).plusSeconds((n / symbols) % 23_000).format(HHMMSS);
                Map<String, String> b = new LinkedHashMap<>();
                b.put("chetime", time);
                b.put("cvolume", String.valueOf(size));
                b.put("volume", String.valueOf(cum));
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
        long[] binanceId = new long[binanceSymbols.size()];
        binancePub = new Publisher("bench-binance", binanceRate) {
            @Override
            void publishOne(long n) {
                int i = binanceSchedule.symbol(n);
                binance.publish(new FakeBinance.Trade(binanceSymbols.get(i), ++binanceId[i],
                        (90_000 + n % 500) + ".1", "0.0" + (10 + n % 89), System.currentTimeMillis()));
            }
        };
        Map<String, String> stockQuotes = FakeLs.quotesBody(10, 55_100, 55_000, 100);
        Map<String, String> optionQuotes = FakeLs.quotesBody(5, 3.5, 3.45, 0.05);
        quotePub = new Publisher("bench-ls-quotes", quotes) {
            @Override
            void publishOne(long n) {
                String code = lsSymbols.get(lsSchedule.symbol(n));
                ls.publish(code.length() == 6 ? "H1_" : "OH0", code, code.length() == 6 ? stockQuotes : optionQuotes);
            }
        };
        long t0 = System.nanoTime();
        lsPub.begin(t0);
        binancePub.begin(t0);
        quotePub.begin(t0);
        return t0;
    }

    /** Published so far: LS trades, Binance trades, LS quote frames. */
    @Override
    public long[] published() {
        return lsPub == null ? new long[3]
                : new long[] {lsPub.published.get(), binancePub.published.get(), quotePub.published.get()};
    }

    @Override
    public void stop() throws InterruptedException {
        if (lsPub != null) {
            lsPub.end();
            binancePub.end();
            quotePub.end();
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        try {
            ls.close();
        } finally {
            binance.close();
        }
    }

    /**
     * The venues in a process of their own: {@code FeedFakes <ls tickers> <binance tickers>} prints
     * {@code urls <ls url> <ls ws url> <binance url> <binance rest url>}, then answers one line per
     * command line on stdin: {@code registered <quotes true|false>}, {@code connections},
     * {@code start <ls rate> <binance rate> <quotes rate> <skew>} (the start's System.nanoTime()),
     * {@code published}, {@code stop}. It exits when stdin ends (its parent gone).
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (FeedFakes f = new FeedFakes(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            out.println("urls " + f.ls.url() + " " + f.ls.wsUrl() + " " + f.binance.url() + " " + f.binance.restUrl());
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] w = line.trim().split("\\s+");
                switch (w[0]) {
                    case "registered" -> out.println(f.allRegistered(Boolean.parseBoolean(w[1])));
                    case "connections" -> out.println(f.connections());
                    case "start" -> out.println(f.start(Integer.parseInt(w[1]), Integer.parseInt(w[2]),
                            Integer.parseInt(w[3]), Double.parseDouble(w[4])));
                    case "published" -> out.println(join(f.published()));
                    case "stop" -> {
                        f.stop();
                        out.println(join(f.published()));
                    }
                    default -> out.println("error unknown command " + w[0]);
                }
            }
        }
        System.exit(0);
    }

    static String join(long[] v) {
        StringBuilder b = new StringBuilder();
        for (long x : v) {
            b.append(b.length() == 0 ? "" : " ").append(x);
        }
        return b.toString();
    }
}
