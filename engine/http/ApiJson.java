package engine.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
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
     * The request body as a JSON tree: one value, whitespace around it allowed. Content after it
     * ({@code {..}{..}}, {@code {..} garbage}) is refused: read alone, the first value would be taken
     * and the rest dropped without a word.
     *
     * @throws ApiErrors.BadRequest when it is empty, not JSON or more than one value, saying where
     */
    public JsonNode read(String text) {
        try (JsonParser p = mapper.createParser(text)) {
            JsonNode n = mapper.readTree(p);
            if (n == null || n.isMissingNode()) {
                throw new ApiErrors.BadRequest("the request body is empty; expected JSON");
            }
            JsonLocation end = p.currentLocation();
            JsonToken next;
            try {
                next = p.nextToken();
            } catch (JsonProcessingException e) {
                next = JsonToken.NOT_AVAILABLE; // garbage after the value
            }
            if (next != null) {
                throw new ApiErrors.BadRequest("malformed JSON: unexpected content after the JSON value, at line "
                        + end.getLineNr() + ", column " + end.getColumnNr() + ": a body holds one value");
            }
            return n;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ApiErrors.BadRequest("malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from a string does no I/O", e);
        }
    }

    /** The mapper itself, for a reader that needs it line by line (JSON Lines). */
    public ObjectMapper mapper() {
        return mapper;
    }
}
