package engine.http;

import engine.Node;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/universe}: the newest finished universe (rank, score, the day each stock entered)
 * and the job's progress; {@code POST /api/universe/refresh}: run the job now.
 */
public final class UniverseRoutes extends ApiDirectives {

    /** One stock of the universe; {@code score} in won (5 days of institutional plus foreign net buying). */
    public record Stock(String symbol, String name, int rank, double score, String entered) {
    }

    /** The universe of {@code day} (null before the first run finished), {@code size} stocks. */
    public record UniverseReply(String day, int size, List<Stock> stocks, Map<String, Object> job) {
    }

    /** The answer to a refresh. */
    public record RefreshReply(String refresh) {
    }

    private final Node node;

    public UniverseRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
    }

    /** Under {@code /api/universe}. */
    public Route route() {
        return concat(
                pathEnd(() -> get(() -> onSuccess(node.universe(), u -> ok(new UniverseReply(
                        u.day() == null ? null : u.day().toString(), u.stocks().size(),
                        u.stocks().stream().map(m -> new Stock(m.symbol(), m.name(), m.rank(), m.score(),
                                m.entered().toString())).toList(), u.job()))))),
                path("refresh", () -> post(() -> onSuccess(node.refreshUniverse(), started -> started
                        ? respond(StatusCodes.ACCEPTED, new RefreshReply("started"))
                        : error(StatusCodes.CONFLICT, "the universe job is off", "tickwatch.universe.size is 0")))));
    }
}
