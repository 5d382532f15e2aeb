package actors.sinks.orders;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * One broker's HTTP: the JDK client (like the webhook sink's: a request that timed out is aborted,
 * never sent later from a pool's queue, which for an order would be a second order), a minimum gap
 * between requests (the venue's requests-per-second), and errors that name the host only.
 */
final class VenueHttp {
    /** An answer: status, body and the Retry-After header's seconds (null when absent). */
    record Reply(int status, String body, Duration retryAfter) {
    }

    /** A request that certainly did not reach the venue (no connection, no token): safe to send again. */
    static final class NotSent extends IllegalStateException {
        NotSent(String message) {
            super(message);
        }
    }

    /** Whether {@code e} (or a cause) is a {@link NotSent}. */
    static boolean notSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NotSent) {
                return true;
            }
        }
        return false;
    }

    private final HttpClient client;
    private final String base;
    private final String where;
    private final Duration timeout;
    private final long gapMillis;
    private long nextAllowed;

    VenueHttp(ActorSystem<?> system, String base, Duration timeout, int perSecond) {
        this.base = base;
        URI u = URI.create(base);
        this.where = u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        this.timeout = timeout;
        this.gapMillis = perSecond <= 0 ? 0 : (1000 + perSecond - 1) / perSecond;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(system.dispatchers().lookup(DispatcherSelector.blocking())).build();
    }

    String where() {
        return where;
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout).header("User-Agent", "tickwatch");
    }

    static HttpRequest.BodyPublisher body(String text) {
        return HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
    }

    /** Sends after the pacing gap; a timeout or a network error fails the stage with a scrubbed message. */
    CompletionStage<Reply> send(HttpRequest req) {
        long wait;
        synchronized (this) {
            long now = System.currentTimeMillis();
            long at = Math.max(now, nextAllowed);
            nextAllowed = at + gapMillis;
            wait = at - now;
        }
        Runnable noop = () -> { };
        CompletableFuture<Void> gate = wait <= 0 ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(noop, CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS));
        return gate.thenCompose(x -> client.sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)))
                .thenApply(r -> new Reply(r.statusCode(), r.body(), retryAfter(r)))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(timedOut(e)
                        ? new IllegalStateException("no answer from " + where + " within " + timeout)
                        : refused(e) ? new NotSent("no connection to " + where + ": " + root(e))
                        : new IllegalStateException("request to " + where + " failed: " + root(e))));
    }

    private static Duration retryAfter(HttpResponse<String> r) {
        return r.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim())));
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    private String root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        return m.replace(base, where); // never a path or query (Binance's carry the signature)
    }
}
