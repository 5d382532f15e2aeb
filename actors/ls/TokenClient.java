package actors.ls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Gets an access token: {@code POST /oauth2/token} with the app key and secret as a form. The body
 * holds the secrets, so neither the request nor its body is ever logged; errors name the status
 * and the server's answer only.
 *
 * <p>In {@code actors} (not next to the LS feed in {@code engine.sources.ls}) because both the feed
 * and the order sink's LS broker ({@code actors.sinks.orders.LsBroker}) renew tokens with it, and
 * {@code actors} may not depend on {@code engine}.
 */
public final class TokenClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where and with what a token is asked for: the OpenAPI's base URL, the app key and secret (kept
     * out of {@code toString}), and how long a request may take.
     */
    public record Credentials(String url, String appKey, String appSecret, Duration requestTimeout) {
        @Override
        public String toString() {
            return "Credentials[" + url + ", app key " + (appKey == null || appKey.length() < 4 ? "?"
                    : appKey.substring(0, 4) + "...") + "]";
        }
    }

    /** A token and when it stops working. */
    public record Token(String value, Instant issued, Instant expires) {
        @Override
        public String toString() {
            return "Token[expires " + expires + "]";
        }
    }

    private final ActorSystem<?> system;
    private final Credentials settings;
    private final Clock clock;

    public TokenClient(ActorSystem<?> system, Credentials settings, Clock clock) {
        this.system = system;
        this.settings = settings;
        this.clock = clock;
    }

    public CompletionStage<Token> fetch() {
        String form = "appkey=" + enc(settings.appKey()) + "&appsecretkey=" + enc(settings.appSecret())
                + "&grant_type=client_credentials&scope=oob";
        HttpRequest req = HttpRequest.POST(settings.url() + "/oauth2/token")
                .withEntity(ContentTypes.APPLICATION_X_WWW_FORM_URLENCODED, form);
        long timeout = settings.requestTimeout().toMillis();
        return Http.get(system).singleRequest(req)
                .thenCompose(resp -> resp.entity().toStrict(timeout, system)
                        .thenApply(e -> parse(resp.status().intValue(), e.getData().utf8String())))
                .toCompletableFuture().orTimeout(timeout, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The answer: {@code access_token} and {@code expires_in} (or {@code expire_in}) in seconds. */
    public Token parse(int status, String body) {
        String shown = body.length() > 200 ? body.substring(0, 200) + "…" : body;
        if (status != 200) {
            throw new IllegalStateException("token request answered HTTP " + status + ": " + shown);
        }
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException("token answer is not JSON: " + e.getMessage());
        }
        JsonNode token = n.get("access_token");
        JsonNode exp = n.has("expires_in") ? n.get("expires_in") : n.get("expire_in");
        if (token == null || token.asText().isBlank()) {
            throw new IllegalStateException("token answer has no access_token (rsp_cd " + n.path("rsp_cd").asText("?")
                    + " " + n.path("rsp_msg").asText("") + ")");
        }
        long seconds = exp == null ? -1 : exp.isNumber() ? exp.asLong() : parseLong(exp.asText().trim());
        if (seconds <= 0) {
            throw new IllegalStateException("token answer has no usable expires_in / expire_in: " + exp);
        }
        Instant now = clock.instant();
        return new Token(token.asText(), now, now.plus(Duration.ofSeconds(seconds)));
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** How long after it was issued a token is renewed: {@code renew-before} ahead, but no more than half its life. */
    public static Duration renewAfter(Token t, Duration renewBefore) {
        Duration life = Duration.between(t.issued(), t.expires());
        Duration early = renewBefore.compareTo(life.dividedBy(2)) > 0 ? life.dividedBy(2) : renewBefore;
        return life.minus(early);
    }

    public static CompletionStage<Token> failed(Throwable t) {
        return CompletableFuture.failedFuture(t);
    }
}
