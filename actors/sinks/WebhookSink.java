package actors.sinks;

import com.typesafe.config.Config;
import conditions.Hit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code webhook} sink type: each endpoint of {@code tickwatch.sinks.<block>.endpoints} is a
 * sink {@code <block>:<endpoint>} that POSTs each hit to its {@code url}, signed as Standard
 * Webhooks do it ({@code webhook-id} = the hit id, also the idempotency key; {@code webhook-timestamp};
 * {@code webhook-signature}). The node's queue does the retries, dead letters and exactly-once
 * ({@link QueuedSink}); this class is one attempt.
 *
 * <p>Settings (per endpoint, or on the block for every endpoint): {@code url} (required),
 * {@code secret} ({@code whsec_<base64>} or any text; empty: unsigned), {@code timeout} (10 s: no
 * answer by then is a failed attempt), {@code template} (a text body instead of the default JSON) and
 * {@code content-type} ({@code application/json}), and the queue's keys ({@code max-retries},
 * {@code backoff}, ...). HTTP 2xx is sent; 410 switches the endpoint off; anything else, a timeout
 * or a network error is retried, after {@code Retry-After} when the endpoint sends one.
 *
 * <p>Neither the secret nor the URL's path or query (chat webhooks carry their token there) is ever
 * logged or put in an error: {@link #where()} is scheme, host and port.
 */
public final class WebhookSink implements QueuedSink {
    public static final String TYPE = "webhook";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSink.class);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final HttpClient client;
    private final URI url;
    private final String where;
    private final WebhookSignature signature;
    private final Duration timeout;
    private final WebhookBody body;
    private final String contentType;

    WebhookSink(String name, ActorSystem<?> system, URI url, WebhookSignature signature, Duration timeout,
                WebhookBody body, String contentType) {
        this.name = name;
        this.url = url;
        this.where = url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        this.signature = signature;
        this.timeout = timeout;
        this.body = body;
        this.contentType = contentType;
        // The JDK's client, one per endpoint (a hung endpoint holds only its own connections), on the
        // actor system's threads. Not Pekko HTTP's pooled client: a request that timed out there stays
        // queued in the host pool (which backs off after refused connections) and may still go out
        // later, after our retry: a duplicate. The JDK client aborts a request that timed out.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()))
                .build();
    }

    /** The factory {@link SinkTypes} registers for {@value #TYPE}: one call per endpoint. */
    public static HitSink open(SinkContext ctx) {
        Config c = ctx.config();
        if (!ctx.name().contains(":")) {
            throw new IllegalArgumentException("a webhook sink lists its endpoints: tickwatch.sinks." + ctx.name()
                    + ".endpoints.NAME { url = \"https://...\", secret = \"whsec_...\" }, and conditions name them \""
                    + ctx.name() + ":NAME\"");
        }
        String text = c.hasPath("url") ? c.getString("url").trim() : "";
        URI url;
        try {
            url = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("url is not a URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("url must be an http:// or https:// URL with a host"
                    + (text.isEmpty() ? " (it is empty)" : ""));
        }
        String secret = c.hasPath("secret") ? c.getString("secret") : "";
        WebhookSignature sig = secret.isEmpty() ? null : new WebhookSignature(secret);
        Duration timeout = c.hasPath("timeout") ? c.getDuration("timeout") : DEFAULT_TIMEOUT;
        Duration lease = SinkSettings.from(c).lease();
        if (timeout.multipliedBy(2).compareTo(lease) >= 0) {
            // a node must finish an attempt well within its lease, or another node could take the hit over mid-send
            throw new IllegalArgumentException("timeout (" + timeout + ") must be less than half of lease (" + lease + ")");
        }
        String template = c.hasPath("template") ? c.getString("template") : "";
        String type = c.hasPath("content-type") ? c.getString("content-type") : "application/json";
        String ct = type.contains("charset") || !type.startsWith("text/") ? type : type + "; charset=UTF-8";
        Config root = ctx.system().settings().config();
        Duration interval = Duration.ofMinutes(root.hasPath("tickwatch.model.interval")
                ? conditions.BarInterval.parse(root.getString("tickwatch.model.interval")).minutes() : 5);
        WebhookSink s = new WebhookSink(ctx.name(), ctx.system(), url, sig, timeout,
                new WebhookBody(interval, template, type.toLowerCase(Locale.ROOT).contains("json")), ct);
        LOG.info("webhook {}: {}/... ({}, timeout {}{})", ctx.name(), s.where, sig == null ? "unsigned" : "signed",
                timeout, template.isBlank() ? "" : ", templated body");
        if (sig == null) {
            LOG.warn("webhook {} has no secret: its requests are not signed, so receivers cannot tell them from "
                    + "forgeries", ctx.name());
        }
        return s;
    }

    @Override
    public String name() {
        return name;
    }

    /** Scheme, host and port of the endpoint: what logs and errors show of its URL. */
    public String where() {
        return where;
    }

    @Override
    public CompletionStage<SendResult> send(Hit hit, int attempt) {
        String payload = body.render(hit);
        long ts = System.currentTimeMillis() / 1000;
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", contentType)
                .header("User-Agent", "tickwatch")
                .header("webhook-id", hit.id())
                .header("webhook-timestamp", Long.toString(ts))
                .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
        if (signature != null) {
            req.header("webhook-signature", signature.sign(hit.id(), ts, payload));
        }
        try {
            return client.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding())
                    .thenApply(this::outcome)
                    .exceptionally(e -> new SendResult.Retry(timedOut(e)
                            ? "no answer from " + where + " within " + timeout : scrub(e), null));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new SendResult.Retry(scrub(e), null));
        }
    }

    /** The body this endpoint sends for {@code hit} (the same on every attempt). */
    @Override
    public String payload(Hit hit) {
        return body.render(hit);
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private SendResult outcome(HttpResponse<Void> r) {
        int code = r.statusCode();
        if (code >= 200 && code < 300) {
            return new SendResult.Sent();
        }
        if (code == 410) {
            return new SendResult.Off("HTTP 410 Gone from " + where + ": the endpoint is switched off");
        }
        return new SendResult.Retry("HTTP " + code + " from " + where, retryAfter(r.headers().firstValue("Retry-After")));
    }

    /** {@code Retry-After}: seconds, or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(Optional<String> h) {
        if (h.isEmpty()) {
            return null;
        }
        String v = h.get().trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                long ms = at.toInstant().toEpochMilli() - System.currentTimeMillis();
                return Duration.ofMillis(Math.max(0, ms));
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }

    /** An error's text without the URL's path and query (they may hold a token). */
    private String scrub(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause(); // the root: "Connection refused", not the stream's wrapper
        }
        String msg = "request to " + where + " failed: " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage());
        String full = url.toString();
        msg = msg.replace(full, where + "/...");
        if (url.getRawPath() != null && url.getRawPath().length() > 1) {
            msg = msg.replace(url.getRawPath(), "/...");
        }
        if (url.getRawQuery() != null) {
            msg = msg.replace(url.getRawQuery(), "...");
        }
        return msg;
    }

    @Override
    public String toString() {
        return "WebhookSink[" + name + " -> " + where + "]";
    }
}
