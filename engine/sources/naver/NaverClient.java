package engine.sources.naver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads minute pages politely: one request rate and one limit of requests in flight for every
 * ticker, a desktop User-Agent and the site as Referer, connect and read timeouts, and retries with
 * jittered exponential backoff after a 5xx, a 429, a timeout, a reset connection or a cut-off page.
 * Blocking: call it from the crawler's own threads, never from an actor's.
 */
public final class NaverClient {
    private static final Logger LOG = LoggerFactory.getLogger(NaverClient.class);
    /** The site's front page, as a browser coming from it would send (whatever base URL is configured). */
    public static final String REFERER = "https://finance.naver.com/";
    static final DateTimeFormatter THISTIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    /** A page that could not be read after every retry; the message says why (the URL scrubbed). */
    public static final class PageFailed extends IOException {
        PageFailed(String why) {
            super(why);
        }
    }

    private final NaverSettings settings;
    private final HttpClient http;
    private final RateLimiter rate;
    private final Semaphore inFlight;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();

    public NaverClient(NaverSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.rate = new RateLimiter(settings.rate());
        this.inFlight = new Semaphore(settings.concurrency(), true);
    }

    public NaverSettings settings() {
        return settings;
    }

    /** The page's address: {@code item/sise_time.naver?code=..&thistime=..&page=..}. */
    public URI pageUri(String code, LocalDateTime thistime, int page) {
        return URI.create(settings.url() + "/item/sise_time.naver?code=" + code + "&thistime="
                + THISTIME.format(thistime) + "&page=" + page);
    }

    /** The daily-price page's address: {@code item/sise_day.naver?code=..&page=..}. */
    public URI dayPageUri(String code, int page) {
        return URI.create(settings.url() + "/item/sise_day.naver?code=" + code + "&page=" + page);
    }

    /** The investor page's address: {@code item/frgn.naver?code=..&page=..}. */
    public URI flowPageUri(String code, int page) {
        return URI.create(settings.url() + "/item/frgn.naver?code=" + code + "&page=" + page);
    }

    /** The market-capitalisation listing's address: {@code sise/sise_market_sum.naver?sosok=..&page=..}. */
    public URI listingUri(int sosok, int page) {
        return URI.create(settings.url() + "/sise/sise_market_sum.naver?sosok=" + sosok + "&page=" + page);
    }

    /** Parses the bytes of one kind of page. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(byte[] body, String url) throws SiseTimePage.Malformed;
    }

    /**
     * One minute page, parsed, retried as the class says. A malformed page is counted in {@code health} and
     * logged once with its URL, then tried again like a failed request.
     *
     * @throws PageFailed after the last retry
     */
    public SiseTimePage.Page page(String code, LocalDateTime thistime, int page, TickerHealth health)
            throws PageFailed, InterruptedException {
        return read(pageUri(code, thistime, page), SiseTimePage::parse, code, health);
    }

    /**
     * Any page, parsed by {@code parser}, with this client's rate, headers, timeouts and retries; a
     * malformed page is counted in {@code health}, logged once with its URL, and tried again.
     *
     * @param what the code (or listing) the page is of, for the log
     * @throws PageFailed after the last retry
     */
    public <T> T read(URI uri, Parser<T> parser, String what, TickerHealth health)
            throws PageFailed, InterruptedException {
        String shown = Scrub.url(uri.toString());
        String why = null;
        for (int attempt = 0; attempt <= settings.retries(); attempt++) {
            if (attempt > 0) {
                retries.incrementAndGet();
                health.retries.incrementAndGet();
                backoff(attempt);
            }
            byte[] body;
            try {
                body = get(uri);
            } catch (Retry r) {
                why = r.getMessage();
                LOG.debug("{}: {} (attempt {})", shown, why, attempt + 1);
                continue;
            }
            health.pages.incrementAndGet();
            try {
                return parser.parse(body, uri.toString());
            } catch (SiseTimePage.Malformed m) {
                malformed.incrementAndGet();
                health.malformed.incrementAndGet();
                why = "malformed page: " + m.getMessage();
                if (!shown.equals(health.lastMalformedUrl)) {
                    health.lastMalformedUrl = shown;
                    LOG.warn("naver {}: malformed page {}: {}", what, shown, m.getMessage());
                }
            }
        }
        throw new PageFailed(shown + ": " + why + " (after " + (settings.retries() + 1) + " attempts)");
    }

    /** Requests sent, retries and malformed pages so far (for a health view). */
    public long requests() {
        return requests.get();
    }

    public long retries() {
        return retries.get();
    }

    public long malformed() {
        return malformed.get();
    }

    /** A failure worth trying again. */
    private static final class Retry extends Exception {
        Retry(String why) {
            super(why, null, false, false);
        }
    }

    private byte[] get(URI uri) throws Retry, PageFailed, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(settings.readTimeout())
                .header("User-Agent", settings.userAgent())
                .header("Referer", REFERER)
                .header("Accept", "text/html,application/xhtml+xml")
                .header("Accept-Language", "ko-KR,ko;q=0.9")
                .GET().build();
        rate.acquire();
        inFlight.acquire();
        HttpResponse<byte[]> res;
        try {
            requests.incrementAndGet();
            res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new Retry("timed out: " + e.getMessage());
        } catch (IOException e) {
            throw new Retry("I/O error: " + e);
        } finally {
            inFlight.release();
        }
        int status = res.statusCode();
        if (status >= 500 || status == 429 || status == 408) {
            throw new Retry("HTTP " + status);
        }
        if (status != 200) {
            throw new PageFailed(Scrub.url(uri.toString()) + ": HTTP " + status);
        }
        return res.body();
    }

    private void backoff(int attempt) throws InterruptedException {
        long base = settings.backoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        long jittered = (long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble()));
        Thread.sleep(Math.max(1, jittered));
    }
}
