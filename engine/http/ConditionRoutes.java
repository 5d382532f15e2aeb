package engine.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import conditions.Condition;
import conditions.ConditionParser;
import engine.Node;
import engine.SinkNames;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /api/conditions}: list, read, add or replace, remove and validate conditions, live. */
public final class ConditionRoutes extends ApiDirectives {

    /**
     * A condition: {@code symbols} is {@code "*"} (every symbol) or the list, {@code source} the
     * condition as it was written.
     */
    public record ConditionReply(String name, String form, Object symbols, String check,
                                 @JsonProperty("cooldown_seconds") long cooldownSeconds, List<String> sinks,
                                 boolean chart, JsonNode source) {
        static ConditionReply of(Condition c) {
            return new ConditionReply(c.name(), c.form(), c.symbols().isEmpty() ? "*" : c.symbols(),
                    c.onUpdate() ? "update" : "close", c.cooldownMillis() / 1000, c.sinks(), c.chart(), c.source());
        }
    }

    /** The answer of a validation that found no problem. */
    public record Validated(boolean valid, List<String> conditions) {
    }

    /** The answer of a preview: the hits over {@code bars} kept bars, oldest first. */
    public record Preview(String symbol, long bars, List<HitRoutes.HitReply> hits) {
    }

    private final Node node;

    public ConditionRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
    }

    /** Under {@code /api/conditions}. */
    public Route route() {
        return concat(
                pathEnd(() -> get(() -> ok(node.conditions().all().stream().map(ConditionReply::of).toList()))),
                path("validate", () -> post(() -> body(this::validate))),
                path("preview", () -> post(() -> body(this::preview))),
                path(PathMatchers.segment(), name -> concat(
                        get(() -> {
                            Condition c = node.conditions().get(name);
                            return c == null ? unknown(name) : ok(ConditionReply.of(c));
                        }),
                        put(() -> body(text -> {
                            boolean existed = node.conditions().get(name) != null;
                            return onSuccess(written(node.putCondition(name, ConditionParser.readJson(text))), c ->
                                    respond(existed ? StatusCodes.OK : StatusCodes.CREATED, ConditionReply.of(c)));
                        })),
                        delete(() -> onSuccess(written(node.deleteCondition(name)), deleted ->
                                deleted ? noContent() : unknown(name)))))
        );
    }

    /** A change, whose failure to write the conditions file is told in words (the path stays in the log). */
    private static <T> CompletionStage<T> written(CompletionStage<T> change) {
        return change.handle((result, e) -> {
            if (e == null) {
                return result;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof UncheckedIOException) {
                throw new ApiErrors.Failed("the conditions file could not be written, so nothing changed", cause);
            }
            throw e instanceof CompletionException c ? c : new CompletionException(e);
        });
    }

    private Route validate(String text) {
        // The parser's own reader rejects a key given twice, which a plain read would drop silently.
        JsonNode body = ConditionParser.readJson(text);
        List<Condition> parsed;
        if (body.isObject() && body.has("when")) {
            String name = body.has("name") ? body.get("name").asText() : "unnamed";
            parsed = List.of(ConditionParser.parseOne(name, body));
        } else {
            parsed = ConditionParser.parseAll(body);
        }
        SinkNames.check(parsed, node.sinkNames());
        return ok(new Validated(true, parsed.stream().map(Condition::name).toList()));
    }

    /**
     * {@code {"symbol": "005930", "condition": {...}}}: what the condition (either form; {@code name}
     * optional) would have hit over the symbol's kept bars. Nothing is applied.
     */
    private Route preview(String text) {
        JsonNode body = readJson(text);
        JsonNode symbol = body.get("symbol");
        JsonNode condition = body.get("condition");
        if (symbol == null || !symbol.isTextual() || condition == null || !condition.isObject()) {
            return error(StatusCodes.BAD_REQUEST, "expected {\"symbol\": \"005930\", \"condition\": {...}}", null);
        }
        String name = body.hasNonNull("name") ? body.get("name").asText() : "preview";
        return onSuccess(node.preview(symbol.asText(), name, condition.toString()), p -> p
                .map(r -> r.problems().isEmpty()
                        ? ok(new Preview(symbol.asText(), r.bars(),
                                r.hits().stream().map(h -> HitRoutes.HitReply.of(h.toHit())).toList()))
                        : error(StatusCodes.BAD_REQUEST, "invalid conditions", r.problems()))
                .orElseGet(() -> error(StatusCodes.NOT_FOUND, "unknown ticker " + symbol.asText(), null)));
    }

    private Route unknown(String name) {
        return error(StatusCodes.NOT_FOUND, "unknown condition " + name, null);
    }
}
