package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.sinks.RecordingSink;
import com.fasterxml.jackson.databind.JsonNode;
import engine.AdminApi;
import engine.Node;
import engine.NodeBootstrap;
import engine.NodeSettings;
import engine.sources.TestSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Await;

/**
 * {@code GET /ready} lists every source and sink with its state; only one named in
 * {@code tickwatch.ready} makes the node unready while it is down, and a name there that is not
 * configured refuses the start.
 */
class ReadySourcesSinksTest {
    private static final String CONFIG = """
            tickwatch.sources.feed.type = test
            tickwatch.sinks.rec.type = recording
            tickwatch.sinks.log.enabled = false
            tickwatch.ready.required-sources = ["feed"]
            tickwatch.ready.required-sinks = ["rec"]
            """;

    @TempDir
    Path dir;

    static JsonNode part(JsonNode list, String name) {
        for (JsonNode p : list) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError(name + " not in " + list);
    }

    static RawHttp.Reply ready(int port) {
        try {
            return RawHttp.send(port, "GET", "/ready", Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aRequiredSourceOrSinkThatIsDownMakesTheNodeUnready() throws Exception {
        Files.writeString(dir.resolve("conditions.json"),
                "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"check\": \"update\", \"sinks\": [\"rec\"]}}");
        NodeSettings s = ApiNode.settings(dir, CONFIG);
        TestSource.Hub hub = new TestSource.Hub();
        List<RecordingSink> sinks = new CopyOnWriteArrayList<>();
        try (Node node = new NodeBootstrap(s).sourceType(TestSource.TYPE, hub.factory())
                .sinkType(RecordingSink.TYPE, RecordingSink.factory(sinks)).start()) {
            int port = AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, "", 1000))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS).localAddress().getPort();
            Await.until(() -> ready(port).status() == 200, Duration.ofSeconds(20), "ready");
            JsonNode r = ready(port).json();
            assertTrue(r.path("cluster_member").asBoolean());
            assertTrue(r.path("database").asBoolean());
            JsonNode feed = part(r.path("sources"), "feed");
            assertEquals("ok", feed.path("state").asText(), "a source that reports no state is ok");
            assertTrue(feed.path("required").asBoolean());
            assertFalse(part(r.path("sources"), "naver").path("required").asBoolean(), "only those named");
            assertEquals("ok", part(r.path("sinks"), "rec").path("state").asText());

            TestSource source = hub.on(node.system());
            source.state("reconnecting");
            RawHttp.Reply down = ready(port);
            assertEquals(503, down.status(), down.body());
            assertFalse(down.json().path("ready").asBoolean());
            assertEquals("reconnecting", part(down.json().path("sources"), "feed").path("state").asText());
            assertFalse(part(down.json().path("sources"), "feed").path("up").asBoolean());
            source.state("connected");
            assertEquals(200, ready(port).status());

            // a required sink that fails its delivery is retrying: not ready until it delivers again
            RecordingSink rec = sinks.get(0);
            rec.fail("receiver down");
            RawHttp.Reply pushed = RawHttp.send(port, "POST", "/api/ticks", Map.of("Content-Type", "application/json"),
                    "[{\"time\":\"2026-11-20T09:00:03+09:00\",\"symbol\":\"005930\",\"price\":100,\"volume\":1}]");
            assertEquals(200, pushed.status(), pushed.body());
            Await.until(() -> ready(port).status() == 503, Duration.ofSeconds(20), "unready while rec fails");
            assertEquals("retrying", part(ready(port).json().path("sinks"), "rec").path("state").asText());
            rec.recover();
            rec.awaitDelivered(1, Duration.ofSeconds(30));
            Await.until(() -> ready(port).status() == 200, Duration.ofSeconds(20), "ready once rec delivered");
        }
    }

    @Test
    void aRequiredNameThatIsNotConfiguredRefusesTheStart() throws Exception {
        Files.writeString(dir.resolve("conditions.json"), "{}");
        NodeSettings s = ApiNode.settings(dir, "tickwatch.ready.required-sources = [\"binanse\"]");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Node.start(s).close());
        assertTrue(e.getMessage().contains("binanse"), e.getMessage());
        assertTrue(e.getMessage().contains("not configured sources"), e.getMessage());
    }
}
