package engine.universe;

import actors.TickerRegistry;
import engine.sources.naver.FrgnPage;
import engine.sources.naver.KrxCalendar;
import engine.sources.naver.ListingPage;
import engine.sources.naver.NaverClient;
import engine.sources.naver.TickerHealth;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.WatchedTicker;
import persistence.universe.UniverseStore;

/**
 * The day's universe: the candidates (Naver's KOSPI and KOSDAQ listings, or a file of codes), minus
 * the excluded and those below the minimum market capitalisation, each ranked by its 5-day score =
 * sum over the last 5 trading days of (institutional + foreign net buying) x that day's close, read
 * from the first investor page ({@code item/frgn.naver}, about 20 days); those below the minimum
 * average traded value are left out, the top {@code size} kept. Then the universe's tickers are
 * watched with source {@code naver} (marked {@link WatchedTicker#UNIVERSE}), and those the job added
 * that left it are no longer watched (their stored history stays); a ticker added by hand is never
 * removed.
 *
 * <p>Durable: the candidates and each one's score are written as they are read
 * ({@link UniverseStore}), so a run that stopped (a restart, a page that kept failing) resumes with
 * the candidates not read yet. Blocking: runs on its own thread, at its own rate
 * ({@code tickwatch.universe.rate}, one request at a time), never in the live polling's way.
 * Only one node runs it at a time ({@link UniverseRunner}, a cluster singleton).
 */
public final class UniverseJob implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UniverseJob.class);
    private static final Pattern CODE = Pattern.compile("[0-9A-Z]{6}");
    static final int MAX_LISTING_PAGES = 100;
    static final int SCORE_DAYS = 5;

    /** What the job does to the watched tickers: the node's registry, asked. */
    public interface Tickers {
        CompletionStage<List<WatchedTicker>> list();

        /**
         * Watches {@code symbol} as added by the universe at {@code addedAt} (epoch millis, the job's
         * clock): the naver source crawls it from the first session that opens after that.
         */
        CompletionStage<TickerRegistry.AddResult> add(String symbol, long addedAt);

        CompletionStage<TickerRegistry.RemoveResult> remove(String symbol);
    }

    private final UniverseSettings settings;
    private final KrxCalendar calendar;
    private final Clock clock;
    private final UniverseStore store;
    private final Tickers tickers;
    private final NaverClient client;
    private final TickerHealth pages = new TickerHealth();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "universe-job");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failedRuns = new AtomicLong();
    private volatile boolean refreshRequested;
    private volatile boolean startChecked;
    private volatile LocalDateTime lastCheck;
    private volatile long retryAtNanos = System.nanoTime();
    private volatile String lastError;
    private volatile LocalDate lastDay;
    private volatile int progressDone;
    private volatile int progressTotal;

    public UniverseJob(UniverseSettings settings, KrxCalendar calendar, Clock clock, UniverseStore store, Tickers tickers) {
        this.settings = settings;
        this.calendar = calendar;
        this.clock = clock;
        this.store = store;
        this.tickers = tickers;
        this.client = new NaverClient(settings.naver());
    }

    /** Asks for a run now (for the last completed trading day); it starts at the next check. */
    public void requestRefresh() {
        refreshRequested = true;
        retryAtNanos = System.nanoTime();
    }

    /**
     * Called every check interval (by the singleton): starts a run when the refresh time passed since
     * the last check on a trading day, when one was asked for, or, at the first check, when a run of
     * the day was interrupted (candidates stored, no list finished). Returns at once.
     */
    public void check() {
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), KrxCalendar.KST);
        LocalDateTime before = lastCheck;
        lastCheck = now;
        boolean due = refreshRequested;
        LocalDateTime refresh = now.toLocalDate().atTime(settings.refreshAt());
        if (before != null && before.isBefore(refresh) && !now.isBefore(refresh) && calendar.isTradingDay(now.toLocalDate())) {
            due = true;
        }
        if (!startChecked || lastError != null) {
            due = true; // resume, if there is anything to resume (decided on the worker: it reads the store)
        }
        if (due && System.nanoTime() - retryAtNanos >= 0 && running.compareAndSet(false, true)) {
            boolean explicit = refreshRequested || before != null && before.isBefore(refresh) && !now.isBefore(refresh);
            refreshRequested = false;
            LocalDate day = calendar.completedDay(now, settings.refreshAt());
            worker.execute(() -> run(day, explicit));
        }
    }

    private void run(LocalDate day, boolean explicit) {
        try {
            boolean interrupted = !store.candidates(day).isEmpty() && store.members(day).isEmpty();
            startChecked = true;
            if (explicit || interrupted || lastError != null) {
                compute(day);
                runs.incrementAndGet();
            }
            lastError = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failedRuns.incrementAndGet();
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (lastError == null) {
                LOG.warn("universe of {}: the run stopped, resuming in {}: {}", day, settings.retryBackoff(), why);
            }
            lastError = why;
            retryAtNanos = System.nanoTime() + settings.retryBackoff().toNanos();
        } finally {
            running.set(false);
        }
    }

    /** One day's run, from where a previous one stopped. */
    void compute(LocalDate day) throws Exception {
        lastDay = day;
        List<UniverseStore.Candidate> candidates = store.candidates(day);
        if (candidates.isEmpty()) {
            candidates = filter(candidatesNow());
            store.addCandidates(day, candidates);
            LOG.info("universe of {}: {} candidates", day, candidates.size());
        }
        progressTotal = candidates.size();
        int done = (int) candidates.stream().filter(UniverseStore.Candidate::done).count();
        progressDone = done;
        for (UniverseStore.Candidate c : candidates) {
            if (c.done()) {
                continue;
            }
            FrgnPage.Page p = client.read(client.flowPageUri(c.symbol(), 1), FrgnPage::parse, c.symbol(), pages);
            double[] figures = score(p.rows(), day);
            store.done(day, c.symbol(), figures == null ? null : figures[0], figures == null ? null : figures[1]);
            progressDone = ++done;
        }
        List<UniverseStore.Member> members = rank(day, store.candidates(day));
        store.finish(day, members);
        LOG.info("universe of {}: {} stocks", day, members.size());
        apply(members);
    }

    /** {score, average traded value} from an investor page's rows up to {@code day}; null without days. */
    static double[] score(List<FrgnPage.Row> newestFirst, LocalDate day) {
        List<FrgnPage.Row> rows = newestFirst.stream().filter(r -> !r.date().isAfter(day)).toList();
        if (rows.isEmpty()) {
            return null;
        }
        double score = 0;
        for (FrgnPage.Row r : rows.subList(0, Math.min(SCORE_DAYS, rows.size()))) {
            long net = (r.instNet() == null ? 0 : r.instNet()) + (r.foreignNet() == null ? 0 : r.foreignNet());
            score += (double) net * r.close();
        }
        double value = 0;
        for (FrgnPage.Row r : rows) {
            value += (double) r.close() * r.volume();
        }
        return new double[] {score, value / rows.size()};
    }

    /** The top {@code size} by score (ties by code), with the day each entered. */
    List<UniverseStore.Member> rank(LocalDate day, List<UniverseStore.Candidate> read) {
        List<UniverseStore.Candidate> ranked = new ArrayList<>(read.stream()
                .filter(c -> c.score() != null && (c.avgValue() == null ? 0 : c.avgValue()) >= settings.minAvgValue())
                .toList());
        ranked.sort(Comparator.comparing((UniverseStore.Candidate c) -> -c.score()).thenComparing(UniverseStore.Candidate::symbol));
        Map<String, LocalDate> entered = new HashMap<>();
        store.latestFinished(day.minusDays(1)).ifPresent(prev ->
                store.members(prev).forEach(m -> entered.put(m.symbol(), m.entered())));
        List<UniverseStore.Member> out = new ArrayList<>();
        for (UniverseStore.Candidate c : ranked.subList(0, Math.min(settings.size(), ranked.size()))) {
            out.add(new UniverseStore.Member(c.symbol(), c.name(), out.size() + 1, c.score(),
                    entered.getOrDefault(c.symbol(), day)));
        }
        return out;
    }

    /** Watches the members not watched yet; stops watching what the job added that left. */
    void apply(List<UniverseStore.Member> members) throws Exception {
        Set<String> in = new HashSet<>();
        members.forEach(m -> in.add(m.symbol()));
        List<WatchedTicker> watched = tickers.list().toCompletableFuture().get(60, TimeUnit.SECONDS);
        Set<String> have = new HashSet<>();
        long addedAt = clock.millis();
        for (WatchedTicker t : watched) {
            have.add(t.symbol());
            if (t.byUniverse() && !in.contains(t.symbol())) {
                tickers.remove(t.symbol()).toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
        for (UniverseStore.Member m : members) {
            if (!have.contains(m.symbol())) {
                tickers.add(m.symbol(), addedAt).toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** The codes to rank: the listings of both markets, or the file's. */
    private List<UniverseStore.Candidate> candidatesNow() throws Exception {
        Map<String, UniverseStore.Candidate> out = new LinkedHashMap<>();
        if (settings.candidatesFile() != null) {
            int n = 0;
            for (String line : Files.readAllLines(settings.candidatesFile())) {
                n++;
                String code = line.replaceAll("#.*", "").strip();
                if (code.isEmpty()) {
                    continue;
                }
                if (!CODE.matcher(code).matches()) {
                    throw new IOException(settings.candidatesFile() + ": line " + n + ": \"" + code + "\" is not a KRX code");
                }
                out.putIfAbsent(code, new UniverseStore.Candidate(code, null, null, false, null, null));
            }
            return new ArrayList<>(out.values());
        }
        for (int sosok = 0; sosok <= 1; sosok++) {
            int s = sosok;
            Function<Integer, java.net.URI> uri = page -> client.listingUri(s, page);
            for (int page = 1; page <= MAX_LISTING_PAGES; page++) {
                ListingPage.Page p = client.read(uri.apply(page), ListingPage::parse, "listing " + sosok, pages);
                int before = out.size();
                for (ListingPage.Stock st : p.stocks()) {
                    out.putIfAbsent(st.code(), new UniverseStore.Candidate(st.code(), st.name(), st.marketCap(), false,
                            null, null));
                }
                if (p.lastPage() <= page || out.size() == before) {
                    break; // the last page, or a page past it (the site repeats the last one)
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private List<UniverseStore.Candidate> filter(List<UniverseStore.Candidate> all) {
        return all.stream()
                .filter(c -> !settings.exclude().contains(c.symbol()))
                .filter(c -> settings.minMarketCap() <= 0 || c.marketCap() == null || c.marketCap() >= settings.minMarketCap())
                .toList();
    }

    /** What the job reports ({@code GET /api/universe}'s {@code job}). */
    public Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", running.get());
        m.put("day", lastDay == null ? null : lastDay.toString());
        m.put("candidates", progressTotal);
        m.put("read", progressDone);
        m.put("runs", runs.get());
        m.put("failed_runs", failedRuns.get());
        m.put("last_error", lastError);
        m.put("requests", client.requests());
        m.put("retries", client.retries());
        m.put("malformed", client.malformed());
        return m;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
