package engine.http;

import conditions.ConditionException;
import engine.SinkNames;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every failure becomes a JSON answer {@code {"error": "...", "detail": ...}}: exceptions a route
 * throws, and rejections (no such path, wrong method, bad query parameter, Pekko's own).
 */
public final class ApiErrors extends AllDirectives {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    /** The shape of every error answer. */
    public record ErrorReply(String error, Object detail) {
    }

    /** The detail of an unknown name (a source, a sink): the names there are. */
    public record Available(List<String> available) {
    }

    /** The detail of a 405. */
    public record Allowed(List<String> allowed) {
    }

    /** A request that is wrong in a way the client must fix: 400 with the message. */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message);
        }
    }

    private final ApiJson json;

    public ApiErrors(ApiJson json) {
        this.json = json;
    }

    public ExceptionHandler exceptions() {
        return ExceptionHandler.newBuilder()
                .match(BadRequest.class, e -> reply(StatusCodes.BAD_REQUEST, e.getMessage(), null))
                .match(SinkNames.UnknownSinks.class, e -> reply(StatusCodes.BAD_REQUEST,
                        String.join("; ", e.problems()), new Available(e.available())))
                .match(ConditionException.class, e -> reply(StatusCodes.BAD_REQUEST, "invalid conditions", e.problems()))
                .match(IllegalArgumentException.class, e -> reply(StatusCodes.BAD_REQUEST, e.getMessage(), null))
                .match(Exception.class, e -> {
                    log.error("admin API request failed", e);
                    return reply(StatusCodes.INTERNAL_SERVER_ERROR, "internal error", e.toString());
                })
                .build();
    }

    public RejectionHandler rejections() {
        return RejectionHandler.newBuilder()
                .handleAll(MethodRejection.class, rs -> reply(StatusCodes.METHOD_NOT_ALLOWED, "method not allowed",
                        new Allowed(rs.stream().map(r -> r.supported().name()).toList())))
                .handle(MalformedQueryParamRejection.class, r -> reply(StatusCodes.BAD_REQUEST,
                        "bad query parameter " + r.parameterName(), r.errorMsg()))
                .handleNotFound(reply(StatusCodes.NOT_FOUND, "no such endpoint", null))
                .build()
                .withFallback(RejectionHandler.defaultHandler())
                // Pekko's own rejections answer in plain text: the same words, as our JSON shape
                .mapRejectionResponse(response -> response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)
                        ? response
                        : response.withEntity(ContentTypes.APPLICATION_JSON, json.bytes(new ErrorReply(text(response), null))));
    }

    private static String text(HttpResponse response) {
        return response.entity() instanceof HttpEntity.Strict s ? s.getData().utf8String() : response.status().reason();
    }

    private org.apache.pekko.http.javadsl.server.Route reply(org.apache.pekko.http.javadsl.model.StatusCode status,
                                                             String error, Object detail) {
        return complete(json.response(status, new ErrorReply(error, detail)));
    }
}
