package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import engine.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A condition may name only the node's sinks: {@code "sinks": ["File"]} (for {@code file}) used to be
 * stored, and its hits went nowhere.
 */
class UnknownSinksTest extends PlainApiNodeTest {
    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    private static List<String> available(JsonNode body) {
        return texts(body.get("detail").get("available"));
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void theNodeSaysWhichSinksItHas() {
        assertEquals(List.of("file", "log"), List.copyOf(api.node.sinkNames()), "configured sinks, sorted by name");
    }

    @Test
    void aConditionNamingAnUnknownSinkIsRefusedWithTheAvailableOnes() throws Exception {
        RawHttp.Reply r = RawHttp.send(api.open, "PUT", "/api/conditions/typo", JSON,
                "{\"when\": [\"CLOSE\", \">\", 1], \"sinks\": [\"log\", \"File\"]}");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.error().contains("unknown sink \"File\""), r.body());
        assertTrue(r.error().contains("\"typo\""), r.body());
        assertEquals(List.of("file", "log"), available(r.json()));
        assertEquals(404, RawHttp.send(api.open, "GET", "/api/conditions/typo", Map.of()).status(), "nothing stored");
        assertFalse(Files.readString(dir.resolve("conditions.json")).contains("typo"), "nothing written");

        RawHttp.Reply fine = RawHttp.send(api.open, "PUT", "/api/conditions/typo", JSON,
                "{\"when\": [\"CLOSE\", \">\", 1], \"sinks\": [\"log\", \"file\"]}");
        assertEquals(201, fine.status(), fine.body());
    }

    @Test
    void validateChecksTheSinksToo() throws Exception {
        RawHttp.Reply one = RawHttp.send(api.open, "POST", "/api/conditions/validate", JSON,
                "{\"when\": [\"CLOSE\", \">\", 1], \"sinks\": [\"telegram\"]}");
        assertEquals(400, one.status(), one.body());
        assertTrue(one.error().contains("unknown sink \"telegram\""), one.body());
        assertEquals(List.of("file", "log"), available(one.json()));
        RawHttp.Reply doc = RawHttp.send(api.open, "POST", "/api/conditions/validate", JSON,
                "{\"a\": {\"when\": [\"CLOSE\", \">\", 1], \"sinks\": [\"Log\"]}, \"b\": {\"CLOSE\": [\"BIGGER\", 1]}}");
        assertEquals(400, doc.status(), doc.body());
        assertTrue(doc.error().contains("condition \"a\": unknown sink \"Log\""), doc.body());
        assertEquals(200, RawHttp.send(api.open, "POST", "/api/conditions/validate", JSON,
                "{\"when\": [\"CLOSE\", \">\", 1], \"sinks\": [\"file\"]}").status());
    }

    @Test
    void aConditionsFileNamingAnUnknownSinkRefusesTheStart(@TempDir Path other) throws Exception {
        Files.writeString(other.resolve("conditions.json"),
                "{\"typo\": {\"when\": [\"CLOSE\", \">\", 1], \"sinks\": [\"File\"]}}");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (Node n = Node.start(ApiNode.settings(other))) {
                n.sinkNames();
            }
        });
        assertTrue(e.getMessage().contains("condition \"typo\": unknown sink \"File\""), e.getMessage());
        assertTrue(e.getMessage().contains("the configured sinks are file, log"), e.getMessage());
        assertTrue(e.getMessage().contains("conditions.json"), e.getMessage());
    }
}
