package engine.http;

import engine.Node;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /api/sources}: each configured source and its health on the node answering. */
public final class SourceRoutes extends ApiDirectives {

    /** One source: its configured name and what it reports ({@code Source#health()}). */
    public record SourceReply(String name, Map<String, Object> health) {
    }

    private final Node node;

    public SourceRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
    }

    /** At {@code /api/sources}. */
    public Route route() {
        return get(() -> {
            List<SourceReply> list = node.sourceHealth().entrySet().stream()
                    .map(e -> new SourceReply(e.getKey(), e.getValue())).toList();
            return ok(list);
        });
    }
}
