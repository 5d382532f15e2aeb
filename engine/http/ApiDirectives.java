package engine.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every route class shares: JSON replies and errors, the request body, the {@code limit} parameter. */
public abstract class ApiDirectives extends AllDirectives {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    protected final ApiJson json;
    /** Named for the route class, so a failure's log line says which resource failed. */
    protected final Logger log = LoggerFactory.getLogger(getClass());

    protected ApiDirectives(ApiJson json) {
        this.json = json;
    }

    protected Route ok(Object body) {
        return respond(StatusCodes.OK, body);
    }

    protected Route respond(StatusCode status, Object body) {
        return complete(json.response(status, body));
    }

    protected Route noContent() {
        return complete(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT));
    }

    /** An error answer {@code {"error": error, "detail": detail}}. */
    protected Route error(StatusCode status, String error, Object detail) {
        return respond(status, new ApiErrors.ErrorReply(error, detail));
    }

    /**
     * A failure inside the node: logged (ERROR for a 500, else WARN) with its cause and a fresh error
     * id, answered with {@code what} and the id only, so that no file path, actor path or exception
     * text reaches the client.
     *
     * @param what    what failed, in words for the client
     * @param request the method and path, for the log
     */
    protected Route failure(StatusCode status, String what, String request, Throwable cause) {
        String id = newErrorId();
        if (status.equals(StatusCodes.INTERNAL_SERVER_ERROR)) {
            log.error("admin API {} failed: {} [error_id={}]", request, what, id, cause);
        } else { // a 503 asks the client to try again: a warning
            log.warn("admin API {} failed: {} [error_id={}]", request, what, id, cause);
        }
        return respond(status, new ApiErrors.ErrorReply(what, null, id));
    }

    /** 12 hex digits: unique enough to find one line in a day's log, short enough to read out. */
    static String newErrorId() {
        return String.format("%012x", ThreadLocalRandom.current().nextLong() & 0xffff_ffff_ffffL);
    }

    /** The request body as text. */
    protected Route body(Function<String, Route> inner) {
        return entity(Unmarshaller.entityToString(), inner);
    }

    /** The request body as JSON; a 400 when it is empty or malformed. */
    protected JsonNode readJson(String text) {
        return json.read(text);
    }

    /** The {@code limit} query parameter: {@value #DEFAULT_LIMIT} when absent, a 400 outside 1..{@value #MAX_LIMIT}. */
    protected Route limit(Function<Integer, Route> inner) {
        return parameterOptional("limit", text -> {
            int limit = DEFAULT_LIMIT;
            if (text.isPresent()) {
                try {
                    limit = Integer.parseInt(text.get());
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > MAX_LIMIT) {
                    return error(StatusCodes.BAD_REQUEST, "limit must be a whole number from 1 to " + MAX_LIMIT,
                            text.get());
                }
            }
            return inner.apply(limit);
        });
    }
}
