package engine.http;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * For a test class that needs one real node for all its tests: no conditions, no admin token
 * ({@link ApiNode#open}), H2 in a temporary directory.
 */
abstract class PlainApiNodeTest {
    @TempDir
    static Path dir;
    static ApiNode api;

    @BeforeAll
    static void startNode() throws Exception {
        api = ApiNode.start(dir, "{}", "");
    }

    @AfterAll
    static void stopNode() {
        api.close();
    }
}
