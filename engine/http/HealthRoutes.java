package engine.http;

import engine.Node;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /health} (the process runs) and {@code GET /ready} (the node can take ticks, with each
 * source's and sink's state: {@code engine.Readiness}); no token needed.
 */
public final class HealthRoutes extends ApiDirectives {
    public record Health(String status) {
    }

    private final Node node;

    public HealthRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
    }

    public Route route() {
        return concat(
                path("health", () -> get(() -> ok(new Health("up")))),
                path("ready", () -> get(() -> onSuccess(node.readiness(), r -> r.ready()
                        ? ok(r)
                        : respond(StatusCodes.SERVICE_UNAVAILABLE, r)))));
    }
}
