package engine.http;

import engine.Node;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the node's metrics in the Prometheus text format 0.0.4 (plain UTF-8 text) (README "Metrics"), behind
 * the same rule as the API ({@link Auth}: the bearer token when one is set, else a local reader).
 */
public final class MetricsRoutes extends ApiDirectives {
    private final Node node;

    public MetricsRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
    }

    /** At {@code /metrics}, inside {@link Auth#authorized}. */
    public Route route() {
        return get(() -> complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, node.metrics())));
    }
}
