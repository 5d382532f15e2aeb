package engine.http;

import conditions.Hit;
import engine.Node;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.Route;
import persistence.BarJson;

/** {@code GET /api/hits?symbol=&limit=}: the cluster's recent hits, latest bar first. */
public final class HitRoutes extends ApiDirectives {

    /** A hit; {@code bar} is its bar's start in the market's time zone. */
    public record HitReply(String id, String condition, String symbol, String bar, Map<String, Double> values,
                           List<String> sinks) {
        static HitReply of(Hit h) {
            return new HitReply(h.id(), h.condition(), h.symbol(), BarJson.time(h.barStart(), h.market()), h.values(),
                    h.sinks());
        }
    }

    private final Node node;

    public HitRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
    }

    /** At {@code /api/hits}. */
    public Route route() {
        return get(() -> parameterOptional("symbol", symbol -> limit(limit ->
                onSuccess(node.clusterHits(symbol.orElse(null), limit),
                        hits -> ok(hits.stream().map(HitReply::of).toList())))));
    }
}
