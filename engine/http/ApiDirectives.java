package engine.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** What every route class shares: JSON replies and errors, the request body, the {@code limit} parameter. */
public abstract class ApiDirectives extends AllDirectives {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    protected final ApiJson json;

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
