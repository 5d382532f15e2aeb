package engine.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import conditions.ConditionException;
import engine.SinkNames;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * How every failure becomes a JSON answer {@code {"error": "...", "detail": ...}}: exceptions a route
 * throws, and rejections (no such path, wrong method, bad query parameter, Pekko's own).
 */
public final class ApiErrors extends ApiDirectives {
    /**
     * The shape of every error answer; {@code error_id} only on a failure inside the node (5xx),
     * the id its log line carries too.
     */
    public record ErrorReply(String error, Object detail,
                             @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("error_id") String errorId) {
        public ErrorReply(String error, Object detail) {
            this(error, detail, null);
        }
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

    /**
     * A failure inside the node, with what failed in words a user can act on. Its cause (with file
     * paths, actor paths, exception text) goes to the log only.
     */
    public static final class Failed extends RuntimeException {
        public Failed(String whatFailed, Throwable cause) {
            super(whatFailed, cause);
        }
    }

    public ApiErrors(ApiJson json) {
        super(json);
    }

    public ExceptionHandler exceptions() {
        return ExceptionHandler.newBuilder()
                .match(Exception.class, e -> handle(unwrap(e)))
                .build();
    }

    /** A failed future arrives wrapped; what the route threw is inside. */
    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private Route handle(Throwable e) {
        if (e instanceof BadRequest) {
            return reply(StatusCodes.BAD_REQUEST, e.getMessage(), null);
        }
        if (e instanceof SinkNames.UnknownSinks u) {
            return reply(StatusCodes.BAD_REQUEST, String.join("; ", u.problems()), new Available(u.available()));
        }
        if (e instanceof ConditionException c) {
            return reply(StatusCodes.BAD_REQUEST, "invalid conditions", c.problems());
        }
        if (e instanceof IllegalArgumentException) {
            return reply(StatusCodes.BAD_REQUEST, e.getMessage(), null);
        }
        return extractRequest(request -> {
            String call = request.method().name() + " " + request.getUri().path();
            String what = e instanceof Failed ? e.getMessage() : call + " failed inside the node";
            return failure(StatusCodes.INTERNAL_SERVER_ERROR, what, call, e);
        });
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

    private Route reply(StatusCode status, String error, Object detail) {
        return error(status, error, detail);
    }
}
