package engine.http;

import actors.TickerEntity.IngestResult;
import com.fasterxml.jackson.annotation.JsonProperty;
import conditions.Tick;
import engine.BatchIds;
import engine.Node;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import persistence.tickfile.TickBatch;

/**
 * {@code POST /api/ticks}: a JSON array or JSON Lines of ticks, all or nothing. A 400 lists the
 * first {@value TickBatch#KEPT_PROBLEMS} problems and says how many there were.
 */
public final class TickRoutes extends ApiDirectives {
    /** What became of the ticks of a request. */
    public record IngestReply(long accepted, Map<String, Long> rejected,
                              @JsonProperty("already_stored") long alreadyStored) {
        static IngestReply of(IngestResult r) {
            return new IngestReply(r.accepted(), r.rejected(), r.alreadyStored());
        }
    }

    /** Why one tick of a batch is malformed: where it is ({@code line} or {@code index}) and why. */
    public sealed interface Problem {
    }

    public record LineProblem(int line, String reason) implements Problem {
    }

    public record IndexProblem(int index, String reason) implements Problem {
    }

    /** Something wrong with the body as a whole (trailing content, an unclosed array). */
    public record BodyProblem(String reason) implements Problem {
    }

    /** The detail of a 413. */
    public record TickLimit(@JsonProperty("max_ticks") int maxTicks) {
    }

    private final Node node;
    private final int maxTicks;

    public TickRoutes(ApiJson json, Node node, int maxTicks) {
        super(json);
        this.node = node;
        this.maxTicks = maxTicks;
    }

    /** At {@code /api/ticks}. */
    public Route route() {
        return post(() -> optionalHeaderValueByName("Idempotency-Key",
                key -> entity(Unmarshaller.entityToByteArray(), body -> ingest(body, key.orElse(null)))));
    }

    /**
     * {@code key} is the request's Idempotency-Key header, or null. The body is read as a stream
     * ({@link TickBatch}, the reader tick files use): a huge body of tiny objects stops at the tick
     * limit and keeps only the first problems, so it cannot exhaust the heap.
     */
    private Route ingest(byte[] body, String key) {
        String keyProblem = key == null ? null : BatchIds.problem(key);
        if (keyProblem != null) {
            return error(StatusCodes.BAD_REQUEST, keyProblem, null);
        }
        TickBatch batch = TickBatch.parse(body, maxTicks);
        if (batch.tooMany()) {
            return error(StatusCodes.PAYLOAD_TOO_LARGE, "at most " + maxTicks + " ticks a request; nothing was ingested",
                    new TickLimit(maxTicks));
        }
        if (batch.problemCount() > 0) {
            // All or nothing: a client fixes the batch and sends it again, and nothing is counted twice.
            List<Problem> first = batch.problems().stream().map(TickRoutes::problem).toList();
            return error(StatusCodes.BAD_REQUEST, batch.problemCount() + " malformed tick(s); nothing was ingested",
                    first);
        }
        List<Tick> ticks = batch.ticks();
        return onComplete(node.ingest(ticks, key), result -> {
            if (result.isFailure()) {
                // the cause (an ask timeout names actors and classes) goes to the log, under the error id
                return failure(StatusCodes.SERVICE_UNAVAILABLE, key != null
                                ? "ingest failed; send the batch again with the same Idempotency-Key (what was stored is not counted twice)"
                                : "ingest failed; send the batch again (only ticks with cum_volume, or a request with an Idempotency-Key, are never counted twice)",
                        "POST /api/ticks (" + ticks.size() + " ticks)", result.failed().get());
            }
            return ok(IngestReply.of(result.get()));
        });
    }

    private static Problem problem(TickBatch.Problem p) {
        return switch (p.where()) {
            case "line" -> new LineProblem((int) p.at(), p.reason());
            case "index" -> new IndexProblem((int) p.at(), p.reason());
            default -> new BodyProblem(p.reason());
        };
    }
}
