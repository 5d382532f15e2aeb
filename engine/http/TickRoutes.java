package engine.http;

import actors.TickerEntity.IngestResult;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import conditions.Tick;
import engine.BatchIds;
import engine.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import persistence.TickJson;

/** {@code POST /api/ticks}: a JSON array or JSON Lines of ticks, all or nothing. */
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

    /** The detail of a 413. */
    public record TickCount(int ticks) {
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
                key -> body(text -> ingest(text, key.orElse(null)))));
    }

    /** {@code key} is the request's Idempotency-Key header, or null. */
    private Route ingest(String text, String key) {
        String keyProblem = key == null ? null : BatchIds.problem(key);
        if (keyProblem != null) {
            return error(StatusCodes.BAD_REQUEST, keyProblem, null);
        }
        List<Tick> ticks = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        String trimmed = text.strip();
        if (trimmed.startsWith("[")) {
            JsonNode array = readJson(trimmed);
            for (int i = 0; i < array.size(); i++) {
                try {
                    ticks.add(TickJson.parse(array.get(i)));
                } catch (IllegalArgumentException e) {
                    problems.add(new IndexProblem(i, e.getMessage()));
                }
            }
        } else {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                try {
                    ticks.add(TickJson.parse(json.mapper().readTree(lines[i])));
                } catch (JsonProcessingException e) {
                    problems.add(new LineProblem(i + 1, "malformed JSON: " + e.getOriginalMessage()));
                } catch (IllegalArgumentException e) {
                    problems.add(new LineProblem(i + 1, e.getMessage()));
                }
            }
        }
        if (!problems.isEmpty()) {
            // All or nothing: a client fixes the batch and sends it again, and nothing is counted twice.
            return error(StatusCodes.BAD_REQUEST, problems.size() + " malformed tick(s); nothing was ingested",
                    problems.subList(0, Math.min(problems.size(), 100)));
        }
        if (ticks.size() > maxTicks) {
            return error(StatusCodes.PAYLOAD_TOO_LARGE, "at most " + maxTicks + " ticks a request",
                    new TickCount(ticks.size()));
        }
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
}
