package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.Schema;

/**
 * {@code /ready} asks the database on a connection of its own: when the journal's pool is all in
 * use (as under load), the node is still ready, and the probe takes nothing the journal waits for.
 * It used to borrow from the pool, wait for it, and answer 503.
 */
class ReadyTest {
    @TempDir
    static Path dir;
    static ApiNode api;

    @BeforeAll
    static void start() throws Exception {
        // one pooled connection, and a short wait for it, so that a probe borrowing from the pool fails fast
        api = ApiNode.start(dir, "{}", "", "tickwatch.db.pool-size = 1\ntickwatch.db.connection-timeout = 1s");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void readyWhileThePoolIsBusy() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // the journal's view: every pooled connection in use
        var holder = Schema.onConnection(api.node.system(), c -> {
            held.countDown();
            try {
                return release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        try {
            assertTrue(held.await(20, TimeUnit.SECONDS), "the pool's connection was taken");
            RawHttp.Reply ready = RawHttp.send(api.open, "GET", "/ready", Map.of());
            assertEquals(200, ready.status(), ready.body());
            assertTrue(ready.json().get("ready").asBoolean());
            RawHttp.Reply again = RawHttp.send(api.open, "GET", "/ready", Map.of());
            assertEquals(200, again.status(), "the probe keeps its connection: " + again.body());
        } finally {
            release.countDown();
        }
        assertTrue(holder.toCompletableFuture().get(20, TimeUnit.SECONDS));
    }
}
