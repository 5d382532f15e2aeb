package engine.sources.naver;

import com.typesafe.config.Config;
import conditions.Tick;
import engine.sources.Source;
import engine.sources.SourceContext;
import engine.sources.SourceFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.WatchedTicker;

/**
 * The {@code naver} source: crawls Naver Finance's minute pages for the tickers this node feeds.
 *
 * <ul>
 * <li><b>Backfill.</b> A ticker it starts to watch (added, or placed here at node start) is read
 *     from 09:00 of its session day ({@link KrxCalendar#sessionDay}) up to the last complete minute.</li>
 * <li><b>The universe's tickers from the next session.</b> A ticker the universe job added
 *     ({@link WatchedTicker#byUniverse()}) is first read on the day of the first session that opens
 *     after it was added ({@link #firstDay}): the job runs after the close, and backfilling that
 *     day for 400 new tickers would take half an hour of crawling for a day nobody watched. Derived
 *     from the stored {@code addedAt}, so a restart or a move to another node keeps it.</li>
 * <li><b>Polling.</b> During 09:01-15:31 KST of a trading day, every ticker is read once a minute,
 *     {@code poll-delay} after the minute turns (the 15:31 poll takes the closing print). A poll reads
 *     page 1 and more only when page 1 does not reach the newest row the ticker holds.</li>
 * <li><b>Failures.</b> A crawl that fails (after the client's retries) takes nothing and is tried
 *     again after {@code failure-retry}, from the row it holds: a gap is never skipped. Each ticker is
 *     crawled by one task at a time on the crawler's own threads, so a failing ticker holds up no
 *     other.</li>
 * </ul>
 *
 * The clock is injectable: a test tells the crawler it is 11:00 or 16:00 KST on a given day, and
 * {@code clock-start} shifts it for a node ({@link CrawlClock}: demos, replays of a past session, proofs
 * outside the session's hours).
 */
public final class NaverSource implements Source {
    public static final String TYPE = "naver";
    private static final Logger LOG = LoggerFactory.getLogger(NaverSource.class);

    /** The built-in factory: the system clock, or the one {@code clock-start} shifts ({@link CrawlClock}). */
    public static Source create(SourceContext ctx) {
        Clock system = Clock.systemUTC();
        Clock clock = CrawlClock.of(ctx.config(), system);
        if (clock != system) {
            // loud: a node crawling another session than today's must never pass for a live one
            LOG.warn("naver source \"{}\": NOT THE SYSTEM CLOCK: clock-start = {} (at {}): crawling as if it were {} KST"
                            + " now, at real speed; unset tickwatch.sources.{}.clock-start for live crawling", ctx.name(),
                    ctx.config().getString("clock-start"), ctx.config().hasPath("clock-start-at")
                            ? ctx.config().getString("clock-start-at") : "the start", LocalDateTime.ofInstant(
                            clock.instant(), KrxCalendar.KST), ctx.name());
        }
        return factory(clock).create(ctx);
    }

    /** A factory whose sources read the time from {@code clock}. */
    public static SourceFactoryWithClock factory(Clock clock) {
        return ctx -> new NaverSource(ctx, NaverSettings.from(ctx.config()), holidays(ctx.system().settings().config()),
                clock);
    }

    /** A {@link SourceFactory} that does not throw checked exceptions. */
    @FunctionalInterface
    public interface SourceFactoryWithClock extends SourceFactory {
        @Override
        Source create(SourceContext ctx);
    }

    /** {@code tickwatch.market.holidays}: ISO dates on which KRX does not trade. */
    public static KrxCalendar holidays(Config root) {
        String key = "tickwatch.market.holidays";
        if (!root.hasPath(key)) {
            return new KrxCalendar(Set.of());
        }
        try {
            return new KrxCalendar(root.getStringList(key).stream().map(LocalDate::parse).collect(Collectors.toSet()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be a list of ISO dates (2026-12-25): " + e.getMessage(), e);
        }
    }

    /**
     * The first session day a ticker's crawl reads, or null for the session day current when its
     * crawl starts (a ticker added by hand: today's minutes are backfilled). A ticker the universe
     * added is read from the first session that opens after it was added (holidays respected).
     */
    static LocalDate firstDay(WatchedTicker t, KrxCalendar calendar) {
        if (!t.byUniverse()) {
            return null;
        }
        return calendar.firstOpenFrom(LocalDateTime.ofInstant(Instant.ofEpochMilli(t.addedAt()), KrxCalendar.KST));
    }

    /** One watched ticker's crawl. */
    private static final class Crawl {
        final String symbol;
        /** {@link #firstDay}: before it, the crawl reads nothing. */
        final LocalDate firstDay;
        final TickerHealth health = new TickerHealth();
        final AtomicBoolean running = new AtomicBoolean();
        volatile boolean due = true;
        volatile boolean removed;
        volatile long notBefore = System.nanoTime();
        volatile long cycle;
        volatile boolean failing;
        LocalDate day;
        LocalTime held;

        Crawl(String symbol, LocalDate firstDay) {
            this.symbol = symbol;
            this.firstDay = firstDay;
            health.firstDay = firstDay;
        }
    }

    private final SourceContext ctx;
    private final NaverSettings settings;
    private final KrxCalendar calendar;
    private final Clock clock;
    private final NaverClient client;
    private final DayReader reader;
    private final Map<String, Crawl> crawls = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final AtomicLong failedCrawls = new AtomicLong();
    private volatile LocalDateTime lastCycleMinute;
    private final AtomicLong cycleId = new AtomicLong();
    private final AtomicInteger cyclePending = new AtomicInteger();
    private volatile long cycleStartNanos;
    private volatile Instant cycleStartedAt;
    private volatile int cycleTickers;
    private volatile long lastCycleMillis = -1;

    NaverSource(SourceContext ctx, NaverSettings settings, KrxCalendar calendar, Clock clock) {
        this.ctx = ctx;
        this.settings = settings;
        this.calendar = calendar;
        this.clock = clock;
        this.client = new NaverClient(settings);
        this.reader = new DayReader(client);
        // Threads of our own: the client blocks (rate, retries' backoff), which actor threads must not.
        // More threads than requests in flight, so a ticker sleeping in backoff leaves the others going.
        this.pool = Executors.newFixedThreadPool(settings.concurrency() * 4, daemon("naver-crawl-" + ctx.name()));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("naver-timer-" + ctx.name()));
        long every = settings.checkInterval().toMillis();
        timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        LOG.info("naver source \"{}\": {} at {} requests/s, {} in flight", ctx.name(), Scrub.url(settings.url().toString()),
                settings.rate(), settings.concurrency());
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void watch(WatchedTicker ticker) {
        crawls.put(ticker.symbol(), new Crawl(ticker.symbol(), firstDay(ticker, calendar)));
        timer.execute(this::check); // the backfill starts now, not at the next check
    }

    @Override
    public void unwatch(WatchedTicker ticker) {
        Crawl c = crawls.remove(ticker.symbol());
        if (c != null) {
            c.removed = true;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        pool.shutdownNow();
    }

    /** This ticker's counters on this node, or null when this node does not crawl it. */
    @Override
    public Map<String, Object> health(String symbol) {
        Crawl c = crawls.get(symbol);
        return c == null ? null : c.health.view();
    }

    /** The source's health: totals, the last poll cycle, and each ticker's counters. */
    @Override
    public Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("url", Scrub.url(settings.url().toString()));
        m.put("clock", LocalDateTime.ofInstant(clock.instant(), KrxCalendar.KST).toString()); // a shifted one shows
        m.put("tickers", crawls.size());
        m.put("requests", client.requests.get());
        m.put("retries", client.retries.get());
        m.put("malformed", client.malformed.get());
        m.put("failed_crawls", failedCrawls.get());
        m.put("failing", crawls.values().stream().filter(c -> c.failing).map(c -> c.symbol).sorted().toList());
        Map<String, Object> cycle = new LinkedHashMap<>();
        cycle.put("started", cycleStartedAt == null ? null : cycleStartedAt.toString());
        cycle.put("tickers", cycleTickers);
        cycle.put("pending", cyclePending.get());
        cycle.put("millis", lastCycleMillis < 0 ? null : lastCycleMillis);
        m.put("last_cycle", cycle);
        Map<String, Object> per = new TreeMap<>();
        crawls.forEach((s, c) -> per.put(s, c.health.view()));
        m.put("per_ticker", per);
        return m;
    }

    /** The last poll cycle's length (every ticker read), or -1 before the first finished. */
    public long lastCycleMillis() {
        return lastCycleMillis;
    }

    private LocalDateTime now() {
        return LocalDateTime.ofInstant(clock.instant(), KrxCalendar.KST);
    }

    /** On the timer thread: starts a poll cycle when a minute turned, and the crawls that are due. */
    private void check() {
        try {
            LocalDateTime now = now();
            LocalDateTime minute = now.withSecond(0).withNano(0);
            if (calendar.pollsAt(now) && !minute.equals(lastCycleMinute)
                    && !now.isBefore(minute.plus(settings.pollDelay()))) {
                lastCycleMinute = minute;
                long id = cycleId.incrementAndGet();
                cycleStartNanos = System.nanoTime();
                cycleStartedAt = clock.instant();
                cycleTickers = crawls.size();
                cyclePending.set(crawls.size());
                for (Crawl c : crawls.values()) {
                    c.cycle = id;
                    c.due = true;
                    c.notBefore = cycleStartNanos;
                }
                if (crawls.isEmpty()) {
                    lastCycleMillis = 0;
                }
            }
            long t = System.nanoTime();
            for (Crawl c : crawls.values()) {
                if (c.due && t - c.notBefore >= 0 && c.running.compareAndSet(false, true)) {
                    c.due = false;
                    pool.execute(() -> run(c));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("naver source \"{}\": check failed", ctx.name(), e);
        }
    }

    /**
     * One crawl of one ticker: its pages are read on a crawler thread, and its ticks stored without
     * holding the thread. A crawl waiting for a slow entity (one whose node just died waits for
     * sharding to start it elsewhere, up to the ingest deadline) held a crawler thread before, and with
     * every thread so held the tickers moved from the dead node were crawled again 10 s late
     * ({@code ClusterKillIT}). The ticker's next crawl still waits for this one to end.
     */
    private void run(Crawl c) {
        CompletionStage<Boolean> done;
        try {
            done = crawl(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.running.set(false);
            return;
        } catch (Exception e) {
            fail(c, e.getMessage() == null ? e.toString() : e.getMessage());
            done = CompletableFuture.completedFuture(false);
        }
        done.whenComplete((ok, e) -> ended(c, ok != null && ok));
    }

    private void ended(Crawl c, boolean ok) {
        c.running.set(false);
        if (c.cycle == cycleId.get() && c.cycle != 0) {
            c.cycle = 0;
            if (cyclePending.decrementAndGet() == 0) {
                lastCycleMillis = (System.nanoTime() - cycleStartNanos) / 1_000_000;
            }
        }
        if (ok && c.failing) {
            c.failing = false;
            LOG.info("naver {}: crawling again", c.symbol);
        }
    }

    private static final CompletionStage<Boolean> DONE = CompletableFuture.completedFuture(true);

    /**
     * Reads what is new for the ticker and hands it to the node; completes with false when it failed
     * (and will be tried again), after the ticks are stored.
     */
    private CompletionStage<Boolean> crawl(Crawl c) throws Exception {
        LocalDateTime now = now();
        LocalDate day = calendar.sessionDay(now);
        if (c.firstDay != null && day.isBefore(c.firstDay)) {
            c.health.lastPoll = clock.instant(); // looked at, and nothing to read before its first session
            return DONE;
        }
        if (!day.equals(c.day)) {
            c.held = c.day == null ? storedMinute(c, day) : null;
            c.day = day;
            c.health.day = day;
            c.health.lastRow = c.held;
        }
        LocalTime upTo = KrxCalendar.lastCompleteMinute(day, now);
        c.health.lastPoll = clock.instant();
        if (upTo == null || c.held != null && !upTo.isAfter(c.held)) {
            return DONE;
        }
        List<MinuteRow> rows;
        try {
            rows = reader.read(c.symbol, day, DayReader.thistime(day, now), c.held, upTo, c.health);
        } catch (NaverClient.PageFailed e) {
            fail(c, e.getMessage());
            return DONE;
        }
        if (c.removed || rows.isEmpty()) {
            return DONE;
        }
        List<Tick> ticks = MinuteTicks.ticks(c.symbol, day, rows);
        LocalTime last = rows.get(rows.size() - 1).time();
        return ctx.ingest(ticks).toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).handle((r, e) -> {
            if (e != null) {
                // nothing is lost: the rows are read again from the one held, and cum_volume drops what was stored
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                fail(c, "ingest failed: " + cause);
                return false;
            }
            c.held = last;
            c.health.lastRow = last;
            c.health.ticks.addAndGet(ticks.size());
            return true;
        });
    }

    /**
     * The last minute of {@code day} the ticker's entity already stored, or null: a ticker this node
     * starts crawling (it moved here from a node that died or left, or this node restarted) reads its
     * day on from there instead of from the open. A failover of many crawled tickers re-read every one's
     * whole day before, at the crawler's polite request rate, and the last of them was crawled again
     * half a minute late ({@code ClusterKillIT}). Unknown (the entity did not answer): the whole day, as
     * before; cum_volume drops what was stored.
     */
    private LocalTime storedMinute(Crawl c, LocalDate day) {
        try {
            long last = ctx.lastTickTime(c.symbol).toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (last <= 0) {
                return null;
            }
            java.time.ZonedDateTime at = java.time.Instant.ofEpochMilli(last).atZone(KrxCalendar.KST);
            return at.toLocalDate().equals(day) ? at.toLocalTime().withSecond(0).withNano(0) : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.info("naver {}: where its stored minutes end is not known ({}): reading its day from the open",
                    c.symbol, e.getCause() == null ? e : e.getCause());
            return null;
        }
    }

    private void fail(Crawl c, String why) {
        failedCrawls.incrementAndGet();
        c.health.failedCrawls.incrementAndGet();
        c.health.lastError = why;
        c.health.lastErrorAt = clock.instant();
        c.notBefore = System.nanoTime() + settings.failureRetry().toNanos();
        c.due = true;
        if (!c.failing) {
            c.failing = true;
            LOG.warn("naver {}: crawl failed, trying again in {} (logged once until it recovers): {}", c.symbol,
                    settings.failureRetry(), why);
        }
    }
}
