package engine.daily;

import conditions.DailyBar;
import conditions.Market;
import engine.sources.SourceHost;
import engine.sources.naver.DailyReader;
import engine.sources.naver.KrxCalendar;
import engine.sources.naver.NaverClient;
import engine.sources.naver.TickerHealth;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.WatchedTicker;
import persistence.daily.DailyStore;

/**
 * Keeps the daily bars and investor flows of the KRX tickers this node feeds in {@link DailyStore}.
 *
 * <ul>
 * <li><b>Which tickers.</b> Those the node feeds, whatever their source: the source placement
 *     already puts each ticker on exactly one node, so following it ({@link SourceHost.Listener})
 *     fetches each ticker's days once in the cluster, with no singleton of its own, and moves the
 *     work with the ticker when a node leaves.</li>
 * <li><b>When.</b> A ticker seen (added, or placed here at start) is fetched when its newest stored
 *     day is older than the last completed trading day ({@link KrxCalendar#completedDay}: today once
 *     {@code refresh-at} passed): {@code days} back on first sight, from the newest stored day on
 *     afterwards. Then again at the next {@code refresh-at}. Stored days survive a restart, so a
 *     restart fetches nothing unless a day was completed meanwhile.</li>
 * <li><b>Never in the live polling's way.</b> Its own thread and its own client at its own rate
 *     ({@code tickwatch.daily.rate}, one request at a time): the minute crawler's rate and threads
 *     are untouched.</li>
 * <li><b>Failures.</b> A fetch that fails (after the client's retries) stores nothing and is tried
 *     again after {@code retry-backoff}, doubled up to {@code max-backoff}, jittered; counted in
 *     {@link #health()}.</li>
 * </ul>
 */
public final class DailyFetcher implements SourceHost.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DailyFetcher.class);

    /** One ticker's fetch state. */
    private static final class Fetch {
        final String symbol;
        final TickerHealth pages = new TickerHealth();
        final AtomicBoolean running = new AtomicBoolean();
        volatile Instant nextRefresh; // null: now
        volatile long retryAtNanos = System.nanoTime();
        volatile int failures;
        volatile String lastError;
        volatile LocalDate newest;
        volatile Instant lastFetch;
        volatile boolean removed;

        Fetch(String symbol) {
            this.symbol = symbol;
        }
    }

    private final DailySettings settings;
    private final KrxCalendar calendar;
    private final Clock clock;
    private final DailyStore store;
    private final NaverClient client;
    private final DailyReader reader;
    private final Map<String, Fetch> fetches = new ConcurrentHashMap<>();
    private final ExecutorService worker;
    private final ScheduledExecutorService timer;
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong daysStored = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public DailyFetcher(DailySettings settings, KrxCalendar calendar, Clock clock, DailyStore store) {
        this.settings = settings;
        this.calendar = calendar;
        this.clock = clock;
        this.store = store;
        this.client = new NaverClient(settings.naver());
        this.reader = new DailyReader(client);
        this.worker = Executors.newSingleThreadExecutor(daemon("daily-fetch"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("daily-timer"));
        long every = settings.checkInterval().toMillis();
        timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Whether a ticker trades on KRX: its market as added, else its symbol's. */
    static boolean isKrx(WatchedTicker t) {
        Market m = t.explicitMarket() != null ? t.explicitMarket() : Market.forSymbol(t.symbol());
        return m == Market.KRX;
    }

    @Override
    public void watched(WatchedTicker t) {
        if (isKrx(t)) {
            fetches.computeIfAbsent(t.symbol(), Fetch::new);
            timer.execute(this::check);
        }
    }

    @Override
    public void unwatched(WatchedTicker t) {
        Fetch f = fetches.remove(t.symbol());
        if (f != null) {
            f.removed = true;
        }
    }

    /** On the timer thread: hands the due tickers to the worker. */
    private void check() {
        try {
            Instant now = clock.instant();
            long t = System.nanoTime();
            for (Fetch f : fetches.values()) {
                Instant next = f.nextRefresh;
                if ((next == null || !now.isBefore(next)) && t - f.retryAtNanos >= 0 && f.running.compareAndSet(false, true)) {
                    worker.execute(() -> run(f));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("daily fetcher: check failed", e);
        }
    }

    private void run(Fetch f) {
        try {
            fetch(f);
            f.failures = 0;
            f.lastError = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            fail(f, e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            f.running.set(false);
        }
    }

    /** Fetches what is missing of one ticker and stores it; then waits for the next refresh. */
    private void fetch(Fetch f) throws Exception {
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), KrxCalendar.KST);
        LocalDate target = calendar.completedDay(now, settings.refreshAt());
        LocalDate newest = store.latestDay(f.symbol).orElse(null);
        if (newest == null || newest.isBefore(target)) {
            List<DailyBar> days = reader.read(f.symbol, settings.days(), newest, target, f.pages);
            if (f.removed) {
                return;
            }
            store.upsert(f.symbol, days);
            fetched.incrementAndGet();
            daysStored.addAndGet(days.size());
            f.lastFetch = clock.instant();
            if (!days.isEmpty()) {
                newest = days.get(days.size() - 1).date();
            }
            LOG.debug("daily {}: {} day(s) stored up to {}", f.symbol, days.size(), newest);
        }
        f.newest = newest;
        // the next check at the next refresh time; a day the site had not shown yet is taken then
        f.nextRefresh = nextRefresh(now);
    }

    /** The next {@code refresh-at} after {@code now} (KST). */
    private Instant nextRefresh(LocalDateTime now) {
        LocalDateTime at = now.toLocalDate().atTime(settings.refreshAt());
        if (!at.isAfter(now)) {
            at = at.plusDays(1);
        }
        return at.atZone(KrxCalendar.KST).toInstant();
    }

    private void fail(Fetch f, String why) {
        failed.incrementAndGet();
        int n = ++f.failures;
        long base = settings.retryBackoff().toMillis() << Math.min(n - 1, 20);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        long wait = (long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble()));
        f.retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, wait));
        if (f.lastError == null) {
            LOG.warn("daily {}: fetch failed, trying again in {} ms (logged once until it recovers): {}", f.symbol, wait, why);
        }
        f.lastError = why;
    }

    /** What the fetcher reports on this node ({@code GET /api/daily}). */
    public Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", true);
        m.put("refresh_at", settings.refreshAt().toString());
        m.put("tickers", fetches.size());
        m.put("fetches", fetched.get());
        m.put("days_stored", daysStored.get());
        m.put("failed_fetches", failed.get());
        m.put("requests", client.requests());
        m.put("retries", client.retries());
        m.put("malformed", client.malformed());
        m.put("failing", fetches.values().stream().filter(f -> f.lastError != null).map(f -> f.symbol).sorted().toList());
        Map<String, Object> per = new TreeMap<>();
        fetches.forEach((s, f) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("newest_day", f.newest == null ? null : f.newest.toString());
            one.put("last_fetch", f.lastFetch == null ? null : f.lastFetch.toString());
            one.put("next_refresh", f.nextRefresh == null ? null : f.nextRefresh.toString());
            one.put("failures", f.failures);
            one.put("last_error", f.lastError);
            per.put(s, one);
        });
        m.put("per_ticker", per);
        return m;
    }

    /** The tickers this node fetches days of. */
    public java.util.Set<String> symbols() {
        return java.util.Set.copyOf(fetches.keySet());
    }

    @Override
    public void close() {
        timer.shutdownNow();
        worker.shutdownNow();
    }
}
