package engine.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import engine.live.LiveHub;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/events}: the live stream (Server-Sent Events; README "Dashboard"), and
 * {@code POST /api/session}, which gives a browser the cookie the stream accepts instead of the
 * bearer token ({@link Auth#authorizedOrSession}).
 */
public final class EventRoutes extends ApiDirectives {

    /** The answer of {@code POST /api/session}: when the cookie ends, or null without a token. */
    public record Session(@JsonProperty("token_required") boolean tokenRequired,
                          @JsonProperty("expires_at") String expiresAt) {
    }

    private final LiveHub hub;
    private final Auth auth;
    private final Duration heartbeat;
    private final Duration session;

    public EventRoutes(ApiJson json, LiveHub hub, Auth auth, com.typesafe.config.Config config) {
        super(json);
        this.hub = hub;
        this.auth = auth;
        this.heartbeat = config.getDuration("tickwatch.live.heartbeat");
        this.session = config.getDuration("tickwatch.live.session");
    }

    /** {@code /api/events}, guarded by the token or the session cookie. */
    public Route events() {
        return path("events", () -> get(() -> auth.authorizedOrSession(() ->
                lastEventId(last -> respondWithHeaders(java.util.List.of(
                                CacheControl.create(CacheDirectives.NO_CACHE),
                                HttpHeader.parse("X-Accel-Buffering", "no")), () ->
                        completeOK(hub.subscribe(last).keepAlive(heartbeat, ServerSentEvent::heartbeat),
                                EventStreamMarshalling.toEventStream()))))));
    }

    /**
     * The id to resume after: the {@code Last-Event-ID} header a browser sends when it reconnects by
     * itself, else {@code ?last_event_id=} (a page that had to open a new {@code EventSource}, e.g.
     * after its session cookie was renewed, cannot set the header). An id is no secret.
     */
    private Route lastEventId(java.util.function.Function<java.util.Optional<String>, Route> inner) {
        return optionalHeaderValueByName("Last-Event-ID", header -> parameterOptional("last_event_id", param ->
                inner.apply(header.isPresent() ? header : param)));
    }

    /** {@code /api/session}, inside the token's guard. */
    public Route session() {
        return path("session", () -> post(() -> {
            if (!auth.tokenSet()) {
                return ok(new Session(false, null));
            }
            long expires = Instant.now().plus(session).getEpochSecond();
            // HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it; Path: only the stream.
            String cookie = Auth.SESSION_COOKIE + "=" + auth.sessionValue(expires) + "; Path=/api/events; Max-Age="
                    + session.toSeconds() + "; HttpOnly; SameSite=Strict";
            return respondWithHeader(HttpHeader.parse("Set-Cookie", cookie), () ->
                    ok(new Session(true, Instant.ofEpochSecond(expires).toString())));
        }));
    }
}
