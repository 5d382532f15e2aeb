package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure inside the node answers 500 with what failed in words and an {@code error_id}, never
 * file paths, actor paths or exception text; the ERROR log line carries the same id (and the
 * details). Forced by putting a directory where the conditions file is rewritten: renaming a file
 * over a directory fails even for root.
 */
class InternalErrorsTest {
    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @TempDir
    static Path dir;
    static ApiNode api;

    @BeforeAll
    static void start() throws Exception {
        api = ApiNode.start(dir, "{\"keep\": {\"when\": [\"CLOSE\", \">\", 1]}}", "");
        Path file = dir.resolve("conditions.json");
        Files.delete(file);
        Files.createDirectory(file);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void aConditionsFileThatCannotBeWrittenIsA500WithAnIdAndNoInternals() throws Exception {
        try (LogCapture logs = LogCapture.open()) {
            for (RawHttp.Reply r : List.of(
                    RawHttp.send(api.open, "PUT", "/api/conditions/new", JSON, "{\"when\": [\"CLOSE\", \">\", 1]}"),
                    RawHttp.send(api.open, "DELETE", "/api/conditions/keep", Map.of()))) {
                assertEquals(500, r.status(), r.body());
                assertEquals("the conditions file could not be written, so nothing changed", r.error(), r.body());
                String id = r.json().path("error_id").asText();
                assertTrue(id.matches("[0-9a-f]{12}"), r.body());
                for (String internal : List.of(dir.toString(), "conditions.json", "Exception", "java.", "pekko://", "/tmp")) {
                    assertFalse(r.body().contains(internal), internal + " in " + r.body());
                }
                logs.await(id);
                List<String> lines = logs.containing("error_id=" + id);
                assertEquals(1, lines.size(), String.valueOf(logs.lines()));
                assertTrue(lines.get(0).startsWith("ERROR "), lines.get(0));
                // the log has what the answer leaves out: the file and the cause
                assertTrue(lines.get(0).contains(dir.resolve("conditions.json").toString()), lines.get(0));
            }
        }
        assertEquals(404, RawHttp.send(api.open, "GET", "/api/conditions/new", Map.of()).status(), "nothing changed");
        assertEquals(200, RawHttp.send(api.open, "GET", "/api/conditions/keep", Map.of()).status(), "nothing changed");
    }
}
