package engine.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** The admin token: every {@code /api} request carries {@code Authorization: Bearer <token>} when one is set. */
public final class Auth extends ApiDirectives {
    private final byte[] token;

    /** @param adminToken the token, or empty for none */
    public Auth(ApiJson json, String adminToken) {
        super(json);
        this.token = adminToken.isEmpty() ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    }

    public Route authorized(Supplier<Route> inner) {
        if (token == null) {
            return inner.get();
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
}
