package engine.http;

import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The dashboard's page: {@code GET /} and {@code GET /ui/...}, static files from the jar
 * ({@code engine/web/}). No token needed: the files hold no data; everything they show comes from
 * {@code /api}, which asks for it. Locked down: scripts and styles from this node only, never framed.
 */
public final class WebRoutes extends AllDirectives {
    static final String ROOT = "engine/web";

    private static final List<HttpHeader> HEADERS = List.of(
            HttpHeader.parse("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                    + "style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"),
            HttpHeader.parse("X-Content-Type-Options", "nosniff"),
            HttpHeader.parse("Referrer-Policy", "no-referrer"),
            // small files: the browser asks again each time, so a new jar's page is never mixed with an old one's
            HttpHeader.parse("Cache-Control", "no-cache"));

    public Route route() {
        return get(() -> respondWithHeaders(HEADERS, () -> concat(
                pathSingleSlash(() -> getFromResource(ROOT + "/index.html")),
                pathPrefix("ui", () -> getFromResourceDirectory(ROOT)))));
    }
}
