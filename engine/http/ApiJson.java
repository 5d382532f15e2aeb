package engine.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/**
 * Reading request bodies and writing replies, with the actor system's Jackson mapper (a bare
 * mapper cannot write an {@code Instant}; see the Pekko notes). Replies are records whose
 * components are named in snake_case with {@code @JsonProperty} where Java's name differs.
 */
public final class ApiJson {
    private final ObjectMapper mapper;

    public ApiJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** {@code body} written as JSON with {@code status}. */
    public HttpResponse response(StatusCode status, Object body) {
        return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, bytes(body));
    }

    byte[] bytes(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the response as JSON", e);
        }
    }

    /**
     * The request body as a JSON tree.
     *
     * @throws ApiErrors.BadRequest when it is empty or not JSON, saying where
     */
    public JsonNode read(String text) {
        try {
            JsonNode n = mapper.readTree(text);
            if (n == null || n.isMissingNode()) {
                throw new ApiErrors.BadRequest("the request body is empty; expected JSON");
            }
            return n;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ApiErrors.BadRequest("malformed JSON" + where + ": " + e.getOriginalMessage());
        }
    }

    /** The mapper itself, for a reader that needs it line by line (JSON Lines). */
    public ObjectMapper mapper() {
        return mapper;
    }
}
