package engine.http;

import engine.Node;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /health} (the process runs) and {@code GET /ready} (the node can take ticks); no token needed. */
public final class HealthRoutes extends ApiDirectives {
    public record Health(String status) {
    }

    public record Ready(boolean ready) {
    }

    private final Node node;

    public HealthRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
    }

    public Route route() {
        return concat(
                path("health", () -> get(() -> ok(new Health("up")))),
                path("ready", () -> get(() -> onSuccess(node.ready(), up -> up
                        ? ok(new Ready(true))
                        : respond(StatusCodes.SERVICE_UNAVAILABLE, new Ready(false))))));
    }
}
