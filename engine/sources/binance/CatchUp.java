package engine.sources.binance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the trades a gap cost from {@code GET <rest-url>/fapi/v1/aggTrades?symbol=X&fromId=N&limit=1000},
 * page after page until the gap is closed (a feed handed over with nothing stored asks its first page by
 * {@code startTime}/{@code endTime}, as its first id is not known), and hands them to the ingest stage as one
 * {@link Frame.CaughtUp}. One request at a time per source, {@code request-interval} apart (the weight budget
 * is per IP); 429 and 418 wait {@code Retry-After} (and hold every job, since the limit is the IP's), 5xx
 * and failed connections a jittered backoff, up to {@code max-retries}; any other answer, an empty page,
 * a gap larger than {@code max-trades} or {@code max-wait} passing ends the job unfilled, with what it
 * fetched by then. Every job ends exactly once. All state lives on the source's timer thread.
 */
final class CatchUp implements Sequencer.Fetch {
    private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
    /** Binance's largest page. */
    static final int PAGE = 1000;
    /** Binance refuses a {@code startTime}-{@code endTime} window of an hour or more. */
    private static final long HOUR_MS = 3_600_000;

    /**
     * One gap to fill: ids {@code fromId} up to {@code toId} (exclusive) of {@code feed}; or, when
     * {@code sinceMillis} is set, the trades from that time up to id {@code toId}, whose first id the
     * first page (asked by time) tells.
     */
    private static final class Job {
        final SymbolFeed feed;
        long fromId;
        final long toId;
        final List<Frame.Trade> got = new ArrayList<>();
        long nextId;
        int attempt;
        boolean done;
        /** Asks its first page by time from this ({@link #windowEnd}); 0 once it goes by id. */
        long sinceMillis;
        long untilMillis;

        Job(SymbolFeed feed, long fromId, long toId) {
            this.feed = feed;
            this.fromId = fromId;
            this.toId = toId;
            this.nextId = fromId;
        }
    }

    /** One answer read whole. */
    private record Reply(int status, String retryAfter, String body) {
    }

    private final String name;
    private final CatchUpSettings settings;
    private final ActorSystem<?> system;
    private final Materializer mat;
    private final ScheduledExecutorService timer;
    private final Consumer<Frame.CaughtUp> deliver;
    private final Deque<Job> queue = new ArrayDeque<>();
    private Job running;
    private long notBeforeNanos = System.nanoTime();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong failedRequests = new AtomicLong();
    private volatile String lastError;

    CatchUp(String name, CatchUpSettings settings, ActorSystem<?> system, Materializer mat,
            ScheduledExecutorService timer, Consumer<Frame.CaughtUp> deliver) {
        this.name = name;
        this.settings = settings;
        this.system = system;
        this.mat = mat;
        this.timer = timer;
        this.deliver = deliver;
    }

    /** The ingest stage's {@link Sequencer.Fetch}: queues the job on the timer thread. */
    @Override
    public void start(SymbolFeed feed, long fromId, long toId) {
        Job j = new Job(feed, fromId, toId);
        if (toId - fromId > settings.maxTrades()) {
            finish(j, false, "the gap is " + (toId - fromId) + " trades, more than max-trades ("
                    + settings.maxTrades() + ")");
            return;
        }
        queue(j);
    }

    /**
     * Fetches the trades from {@code sinceMillis} up to id {@code toId}: the first page by time (Binance
     * takes a window under an hour, both ends inclusive), the rest by id.
     */
    @Override
    public void startSince(SymbolFeed feed, long sinceMillis, long untilMillis, long toId) {
        Job j = new Job(feed, toId, toId);
        j.sinceMillis = sinceMillis;
        j.untilMillis = Math.max(sinceMillis, untilMillis);
        queue(j);
    }

    private void queue(Job j) {
        try {
            timer.execute(() -> {
                queue.addLast(j);
                if (running == null) {
                    next();
                }
            });
            timer.schedule(() -> finish(j, false, "not filled within max-wait (" + settings.maxWait().toMillis()
                    + " ms)"), settings.maxWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // the source is closing: nothing waits for this job any more
        }
    }

    private void next() {
        running = queue.pollFirst();
        while (running != null && running.done) {
            running = queue.pollFirst();
        }
        if (running != null) {
            page(running);
        }
    }

    /** Asks for the job's next page once the pace (and any Retry-After) allows. */
    private void page(Job j) {
        if (j.done) {
            next();
            return;
        }
        long wait = notBeforeNanos - System.nanoTime();
        if (wait > 0) {
            schedule(() -> page(j), TimeUnit.NANOSECONDS.toMillis(wait) + 1);
            return;
        }
        notBeforeNanos = System.nanoTime() + settings.requestInterval().toNanos();
        String url = settings.restUrl() + "/fapi/v1/aggTrades?symbol=" + j.feed.symbol.toUpperCase(Locale.ROOT)
                + (j.sinceMillis > 0 ? "&startTime=" + j.sinceMillis + "&endTime=" + windowEnd(j) + "&limit=" + PAGE
                : "&fromId=" + j.nextId + "&limit=" + Math.min(PAGE, j.toId - j.nextId));
        requests.incrementAndGet();
        Http.get(system).singleRequest(HttpRequest.GET(url))
                .thenCompose(this::read)
                .whenCompleteAsync((reply, e) -> {
                    try {
                        answered(j, reply, e);
                    } catch (RuntimeException bug) {
                        LOG.error("binance \"{}\": catch-up of {} failed", name, j.feed.symbol, bug);
                        finish(j, false, "failed: " + bug);
                        next();
                    }
                }, timer);
    }

    private java.util.concurrent.CompletionStage<Reply> read(HttpResponse r) {
        String after = r.getHeader("Retry-After").map(h -> h.value()).orElse(null);
        return r.entity().toStrict(10_000, mat)
                .thenApply(e -> new Reply(r.status().intValue(), after, e.getData().utf8String()));
    }

    private void answered(Job j, Reply r, Throwable e) {
        if (j.done) {
            next(); // max-wait ended it meanwhile
            return;
        }
        if (e != null) {
            retry(j, null, "request failed: " + Connection.rootMessage(e));
            return;
        }
        if (r.status() == 429 || r.status() == 418) {
            rateLimited.incrementAndGet();
            retry(j, seconds(r.retryAfter()), "HTTP " + r.status() + " (rate limit)");
            return;
        }
        if (r.status() >= 500) {
            retry(j, null, "HTTP " + r.status());
            return;
        }
        if (r.status() != 200) {
            failedRequests.incrementAndGet();
            String body = r.body().length() > 200 ? r.body().substring(0, 200) : r.body();
            finish(j, false, "HTTP " + r.status() + ": " + body);
            next();
            return;
        }
        JsonNode page;
        try {
            page = Frame.JSON.readTree(r.body());
        } catch (Exception bad) {
            page = null;
        }
        if (page == null || !page.isArray()) {
            retry(j, null, "unreadable answer");
            return;
        }
        j.attempt = 0;
        if (j.sinceMillis > 0) {
            byTime(j, page);
            return;
        }
        long highest = -1;
        for (JsonNode n : page) {
            Frame f = Frame.trade(j.feed.stream, j.feed.symbol, n);
            if (f instanceof Frame.Trade t) {
                highest = Math.max(highest, t.id());
                if (t.id() >= j.nextId && t.id() < j.toId) {
                    j.got.add(t);
                }
            } else if (f instanceof Frame.Malformed m) {
                // a missing trade: the count shows the gap unfilled
                lastError = m.message();
                highest = Math.max(highest, n.path("a").asLong(-1));
            }
        }
        if (highest < j.nextId) {
            finish(j, false, "Binance has no trades from id " + j.nextId + " (too old?)");
        } else if (highest >= j.toId - 1) {
            boolean all = j.got.size() == j.toId - j.fromId;
            finish(j, all, all ? null : "Binance no longer has " + (j.toId - j.fromId - j.got.size())
                    + " of the ids (too old, or malformed)");
        } else {
            j.nextId = highest + 1;
            page(j);
            return;
        }
        next();
    }

    /**
     * The first page of a job asked by time: its trades before {@code toId} are the job's, the first
     * of them its {@code fromId}; none means none was missed. A full page goes on by id.
     */
    private void byTime(Job j, JsonNode page) {
        boolean cut = windowEnd(j) < j.untilMillis; // more than an hour asked: the rest goes by id
        j.sinceMillis = 0;
        long highest = -1;
        long lowest = Long.MAX_VALUE;
        for (JsonNode n : page) {
            Frame f = Frame.trade(j.feed.stream, j.feed.symbol, n);
            if (f instanceof Frame.Trade t && t.id() < j.toId) {
                j.got.add(t);
                lowest = Math.min(lowest, t.id());
            }
            highest = Math.max(highest, n.path("a").asLong(-1));
        }
        if (lowest != Long.MAX_VALUE) {
            j.fromId = lowest;
        }
        if (highest >= j.toId - 1 || page.size() < PAGE && !(cut && highest >= 0)) {
            boolean all = j.got.size() == j.toId - j.fromId;
            finish(j, all, all ? null : "Binance no longer has " + (j.toId - j.fromId - j.got.size())
                    + " of the ids (too old, or malformed)");
            next();
        } else {
            j.nextId = highest + 1;
            page(j);
        }
    }

    /** The end of a job's first window: its live trade's time, or under an hour after its start. */
    private static long windowEnd(Job j) {
        return Math.min(j.untilMillis, j.sinceMillis + HOUR_MS - 1);
    }

    /** Waits {@code afterMillis} (the server's) or the backoff, then asks again, or gives up after max-retries. */
    private void retry(Job j, Long afterMillis, String why) {
        failedRequests.incrementAndGet();
        lastError = why;
        if (++j.attempt > settings.maxRetries()) {
            finish(j, false, why + ", " + j.attempt + " attempts");
            next();
            return;
        }
        retries.incrementAndGet();
        long delay;
        if (afterMillis != null) {
            delay = afterMillis;
            // the limit is the IP's: no job asks before then
            notBeforeNanos = Math.max(notBeforeNanos, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay));
        } else {
            long base = settings.backoff().toMillis() << Math.min(j.attempt - 1, 16);
            delay = Math.max(1, (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble())));
        }
        LOG.info("binance \"{}\": catch-up of {}: {}; attempt {} in {} ms", name, j.feed.symbol, why, j.attempt + 1,
                delay);
        schedule(() -> page(j), delay);
    }

    /** Retry-After in seconds (Binance's), as milliseconds; null when absent or not a number. */
    static Long seconds(String retryAfter) {
        if (retryAfter == null) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(retryAfter.trim())) * 1000;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Ends {@code j} once: its trades (sorted by id) go to the ingest stage. */
    private void finish(Job j, boolean filled, String why) {
        if (j.done) {
            return;
        }
        j.done = true;
        List<Frame.Trade> trades = new ArrayList<>(j.got);
        trades.sort(java.util.Comparator.comparingLong(Frame.Trade::id));
        if (!filled) {
            LOG.warn("binance \"{}\": gap of {} (ids {} to {}) not filled: {}; {} trades fetched", name, j.feed.symbol,
                    j.fromId, j.toId - 1, why, trades.size());
        }
        deliver.accept(new Frame.CaughtUp(j.feed, j.fromId, j.toId, trades, filled, why));
    }

    private void schedule(Runnable r, long millis) {
        try {
            timer.schedule(r, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // the source is closing
        }
    }

    Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rest_url", BinanceSettings.scrub(settings.restUrl().toString()));
        m.put("requests", requests.get());
        m.put("retries", retries.get());
        m.put("rate_limited", rateLimited.get());
        m.put("failed_requests", failedRequests.get());
        m.put("last_error", lastError);
        return m;
    }
}
