package engine.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who may send an {@code /api} request.
 *
 * <p>With an admin token: whoever sends {@code Authorization: Bearer <token>}.
 *
 * <p>Without one (the API is bound to loopback then): any local program, but not a web page the
 * operator happens to have open. A page can send a "simple" cross-origin request without asking the
 * server first (a {@code no-cors} {@code fetch} or a form: {@code text/plain}, form-encoded or
 * multipart bodies), and a page on a name it rebinds to 127.0.0.1 sends its own name as
 * {@code Host}. So a state-changing request (POST, PUT, PATCH, DELETE) must name a loopback
 * {@code Host} (403 otherwise), and one with a body must say it is JSON (415 otherwise), which a
 * browser sends cross-origin only after a preflight this API never approves.
 */
public final class Auth extends ApiDirectives {
    /** Media types a state-changing request's body may have without a token. */
    public static final List<String> JSON_TYPES = List.of("application/json", "application/x-ndjson", "application/jsonl");
    /** Host names a state-changing request may name without a token (any port). */
    public static final List<String> LOOPBACK_HOSTS = List.of("127.0.0.1", "localhost", "[::1]");
    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** The detail of a 403: the Host sent and those accepted. */
    public record HostDetail(String host, List<String> accepted) {
    }

    /** The detail of a 415: the type sent and those accepted. */
    public record TypeDetail(@com.fasterxml.jackson.annotation.JsonProperty("content_type") String contentType,
                             List<String> accepted) {
    }

    /** The cookie {@link #session} sets: the live stream's credential for a browser's EventSource. */
    public static final String SESSION_COOKIE = "tickwatch_session";

    private final byte[] token;

    /** @param adminToken the token, or empty for none */
    public Auth(ApiJson json, String adminToken) {
        super(json);
        this.token = adminToken.isEmpty() ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether an admin token is set. */
    public boolean tokenSet() {
        return token != null;
    }

    /**
     * {@link #authorized}, or a valid session cookie ({@link #sessionValue}). Only for the live
     * stream: a browser's {@code EventSource} cannot send an {@code Authorization} header, and a
     * token in the URL would end up in logs and the browser's history.
     */
    public Route authorizedOrSession(Supplier<Route> inner) {
        if (token == null) {
            return authorized(inner);
        }
        return optionalCookie(SESSION_COOKIE, cookie -> cookie.isPresent() && validSession(cookie.get().value(),
                System.currentTimeMillis()) ? inner.get() : authorized(inner));
    }

    /**
     * A session cookie's value, valid until {@code expiresAtSecond} (epoch seconds): the time and an
     * HMAC-SHA256 of it under the admin token. Any node with the same token checks it, no state is
     * kept, and it says nothing about the token. Changing the token ends every session.
     */
    public String sessionValue(long expiresAtSecond) {
        return expiresAtSecond + "." + mac(expiresAtSecond);
    }

    boolean validSession(String value, long nowMillis) {
        int dot = value.indexOf('.');
        if (token == null || dot <= 0) {
            return false;
        }
        long expires;
        try {
            expires = Long.parseLong(value.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        return expires * 1000 > nowMillis && MessageDigest.isEqual(mac(expires).getBytes(StandardCharsets.US_ASCII),
                value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(long expiresAtSecond) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(token, "HmacSHA256"));
            byte[] sig = mac.doFinal(("tickwatch-session:" + expiresAtSecond).getBytes(StandardCharsets.US_ASCII));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    public Route authorized(Supplier<Route> inner) {
        if (token == null) {
            return extractRequest(request -> localProblem(request, inner));
        }
        return optionalHeaderValueByName("Authorization", header -> {
            String h = header.orElse("");
            // constant time: the comparison does not tell how much of a guess was right
            boolean ok = h.startsWith("Bearer ")
                    && MessageDigest.isEqual(token, h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
            if (!ok) {
                return complete(json.response(StatusCodes.UNAUTHORIZED, new ApiErrors.ErrorReply("unauthorized",
                                header.isPresent() ? "wrong bearer token" : "send Authorization: Bearer <admin token>"))
                        .addHeader(HttpHeader.parse("WWW-Authenticate", "Bearer")));
            }
            return inner.get();
        });
    }

    /** The token-less rule: reading is free; a change needs a loopback Host and, with a body, a JSON type. */
    private Route localProblem(HttpRequest request, Supplier<Route> inner) {
        if (!STATE_CHANGING.contains(request.method().name())) {
            return inner.get();
        }
        String host = request.getUri().host().address();
        if (!isLoopbackName(host)) {
            return error(StatusCodes.FORBIDDEN, "without an admin token, a request that changes something must be "
                    + "sent to a loopback Host (127.0.0.1, localhost or [::1], any port)",
                    new HostDetail(request.getHeader("Host").map(HttpHeader::value).orElse(""), LOOPBACK_HOSTS));
        }
        if (!request.entity().isKnownEmpty()) {
            MediaType type = request.entity().getContentType().mediaType();
            String name = (type.mainType() + "/" + type.subType()).toLowerCase(Locale.ROOT);
            if (!JSON_TYPES.contains(name)) {
                return error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "send the body as JSON: Content-Type: application/json"
                                + " (or application/x-ndjson for JSON Lines)",
                        new TypeDetail(request.getHeader("Content-Type").map(HttpHeader::value)
                                .orElse(request.entity().getContentType().toString()), JSON_TYPES));
            }
        }
        return inner.get();
    }

    /**
     * Whether {@code host} (as the request names it, without the port) is a loopback name. By name,
     * never by lookup: a rebinding attacker's name resolves to 127.0.0.1 too.
     */
    static boolean isLoopbackName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("127.0.0.1") || h.equals("localhost") || h.equals("::1") || h.equals("[::1]");
    }
}
