package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A body is one JSON value: {@code {..}{..}} or {@code {..} garbage} used to be read as its first value, with a 2xx. */
class TrailingJsonTest extends PlainApiNodeTest {
    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    static final String ONE = "{\"when\": [\"CLOSE\", \">\", 1]}";

    @Test
    void aConditionBodyWithTrailingContentIsA400() throws Exception {
        for (String body : new String[] {ONE + "{\"when\": [\"CLOSE\", \">\", 2]}", ONE + " garbage", ONE + "\n[]"}) {
            RawHttp.Reply put = RawHttp.send(api.open, "PUT", "/api/conditions/two", JSON, body);
            assertEquals(400, put.status(), put.body());
            assertTrue(put.json().get("detail").get(0).asText().contains("after the JSON value"), put.body());
            RawHttp.Reply validate = RawHttp.send(api.open, "POST", "/api/conditions/validate", JSON, body);
            assertEquals(400, validate.status(), validate.body());
            assertTrue(validate.json().get("detail").get(0).asText().contains("after the JSON value"), validate.body());
        }
        assertEquals(404, RawHttp.send(api.open, "GET", "/api/conditions/two", Map.of()).status(), "nothing stored");
        assertEquals(201, RawHttp.send(api.open, "PUT", "/api/conditions/two", JSON, ONE + "\n").status(),
                "a final newline is not content");
    }

    @Test
    void aTickerBodyWithTrailingContentIsA400() throws Exception {
        RawHttp.Reply r = RawHttp.send(api.open, "POST", "/api/tickers", JSON,
                "{\"symbol\": \"TRAIL1\"}{\"symbol\": \"TRAIL2\"}");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.error().contains("after the JSON value"), r.body());
        assertEquals(404, RawHttp.send(api.open, "GET", "/api/tickers/TRAIL1", Map.of()).status());
    }
}
