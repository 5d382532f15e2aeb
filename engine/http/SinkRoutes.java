package engine.http;

import actors.sinks.SinkHealth;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import engine.Node;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/sinks}: each sink's health; {@code POST /api/sinks/{name}/redeliver}: send a
 * sink's dead letters again.
 */
public final class SinkRoutes extends ApiDirectives {

    /** One sink's health (see {@link SinkHealth} for each field). */
    public record SinkReply(String name, String type, String state, long queued, long sent, long failed,
                            long skipped, long dead, @JsonProperty("dead_letters") long deadLetters, long overflow,
                            @JsonProperty("last_error") String lastError,
                            @JsonProperty("last_error_at") Instant lastErrorAt,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Object details) {
        static SinkReply of(SinkHealth h) {
            return new SinkReply(h.name(), h.type(), h.state(), h.queued(), h.sent(), h.failed(), h.skipped(),
                    h.dead(), h.deadLetters(), h.overflow(), h.lastError(), h.lastErrorAt(), h.details());
        }
    }

    public record RedeliverReply(String sink, int redelivered) {
    }

    private final Node node;

    public SinkRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
    }

    /** At {@code /api/sinks}. */
    public Route route() {
        return concat(
                pathEnd(() -> get(() -> onSuccess(node.sinks().health(),
                        list -> ok(list.stream().map(SinkReply::of).toList())))),
                path(PathMatchers.segment().slash("redeliver"), name -> post(() -> redeliver(name))));
    }

    private Route redeliver(String name) {
        if (!node.sinks().has(name)) {
            return error(StatusCodes.NOT_FOUND, "no sink \"" + name + "\"", null);
        }
        Duration timeout = node.settings().askTimeout();
        return onSuccess(node.sinks().redeliver(name, timeout), r -> r.count() < 0
                ? error(StatusCodes.SERVICE_UNAVAILABLE, r.problem(), null)
                : r.problem() != null
                ? error(StatusCodes.CONFLICT, r.problem(), null)
                : ok(new RedeliverReply(r.sink(), r.count())));
    }
}
