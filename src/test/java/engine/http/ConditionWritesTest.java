package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rewriting the conditions file (a write forced to disk) happens on the blocking dispatcher, never
 * on the default one that runs the HTTP routes and the actors; still atomic, and in the order the
 * changes were asked for. The registry logs each rewrite, and logback records the thread.
 */
class ConditionWritesTest extends PlainApiNodeTest {
    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @Test
    void theFileIsRewrittenOnTheBlockingDispatcherInOrder() throws Exception {
        try (LogCapture logs = LogCapture.open()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(201, RawHttp.send(api.open, "PUT", "/api/conditions/c" + i, JSON,
                        "{\"when\": [\"CLOSE\", \">\", " + i + "]}").status());
            }
            assertEquals(204, RawHttp.send(api.open, "DELETE", "/api/conditions/c0", Map.of()).status());
            List<String> writes = logs.containing("rewrote the conditions file");
            assertEquals(6, writes.size(), String.valueOf(logs.lines()));
            for (String w : writes) {
                assertTrue(w.contains("default-blocking-io-dispatcher"), w);
                assertFalse(w.contains("default-dispatcher"), w);
            }
            // in order: each write holds one more condition, then the delete one fewer
            for (int i = 0; i < 5; i++) {
                assertTrue(writes.get(i).contains("(" + (i + 1) + " condition"), writes.get(i));
            }
            assertTrue(writes.get(5).contains("(4 condition"), writes.get(5));
        }
        String file = Files.readString(dir.resolve("conditions.json"));
        assertFalse(file.contains("\"c0\""), file);
        assertTrue(file.contains("\"c4\""), file);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(),
                    "no temporary file left behind");
        }
    }
}
