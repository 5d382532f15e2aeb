package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import persistence.tickfile.TickFormatCases;
import persistence.tickfile.TickFormatCases.Case;

/**
 * {@code POST /api/ticks} reads a tick exactly as tick files do (the shared table of cases), refuses
 * trailing content, and reads a huge body without collecting it.
 */
class TickIngestTest extends PlainApiNodeTest {
    static RawHttp.Reply post(String body, String type) throws Exception {
        return RawHttp.send(api.open, "POST", "/api/ticks", Map.of("Content-Type", type), body);
    }

    @Test
    void theEndpointReadsEveryCaseOfTheTableAsTheFilesDo() throws Exception {
        for (Case c : TickFormatCases.CASES) {
            if (c.json() == null) {
                continue;
            }
            RawHttp.Reply r = post(c.json() + "\n", "application/x-ndjson");
            if (c.expected() != null) {
                assertEquals(200, r.status(), c + ": " + r.body());
                JsonNode j = r.json();
                assertEquals(0, j.path("rejected").path("malformed").asLong(), c + ": " + r.body());
                long counted = j.path("accepted").asLong() + j.path("already_stored").asLong();
                for (JsonNode n : j.path("rejected")) {
                    counted += n.asLong();
                }
                assertEquals(1, counted, c + ": " + r.body());
            } else {
                assertEquals(400, r.status(), c + ": " + r.body());
                String reason = r.json().path("detail").path(0).path("reason").asText();
                assertTrue(reason.contains(c.reason()), c + ": expected \"" + c.reason() + "\" in " + r.body());
            }
        }
    }

    @Test
    void trailingJsonIsRefusedAndNothingIsStored() throws Exception {
        String tick = "{\"time\":\"2026-11-20T09:00:03+09:00\",\"symbol\":\"000660\",\"price\":100,\"volume\":1}";
        RawHttp.Reply twoOnALine = post(tick + tick + "\n", "application/x-ndjson");
        assertEquals(400, twoOnALine.status(), twoOnALine.body());
        assertTrue(twoOnALine.body().contains("unexpected content after the JSON object"), twoOnALine.body());
        RawHttp.Reply twoArrays = post("[" + tick + "][" + tick + "]", "application/json");
        assertEquals(400, twoArrays.status(), twoArrays.body());
        assertTrue(twoArrays.body().contains("unexpected content after the array"), twoArrays.body());
        assertEquals(404, RawHttp.send(api.open, "GET", "/api/tickers/000660", Map.of()).status(), "nothing was ingested");
    }

    @Test
    void aHugeBodyOfEmptyObjectsStopsAtTheLimit() throws Exception {
        StringBuilder body = new StringBuilder(12 << 20).append('[');
        for (int i = 0; i < 3_000_000; i++) {
            body.append(i == 0 ? "{}" : ",{}");
        }
        RawHttp.Reply r = post(body.append(']').toString(), "application/json");
        assertEquals(413, r.status(), r.body());
        assertEquals("at most 1000 ticks a request; nothing was ingested", r.error());
        assertEquals(1000, r.json().path("detail").path("max_ticks").asInt());

        StringBuilder bad = new StringBuilder("[");
        for (int i = 0; i < 1000; i++) {
            bad.append(i == 0 ? "{}" : ",{}");
        }
        RawHttp.Reply many = post(bad.append(']').toString(), "application/json");
        assertEquals(400, many.status());
        assertEquals("1000 malformed tick(s); nothing was ingested", many.error());
        assertEquals(100, many.json().path("detail").size(), "the first hundred problems");
    }
}
