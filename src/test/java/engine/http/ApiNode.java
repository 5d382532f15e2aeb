package engine.http;

import com.typesafe.config.ConfigFactory;
import engine.AdminApi;
import engine.Node;
import engine.NodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import persistence.TestDb;

/**
 * A real node (H2 in {@code dir}) with its admin API on loopback twice: {@link #open} without a
 * token, {@link #guarded} with {@code token}.
 */
final class ApiNode implements AutoCloseable {
    final Node node;
    final int open;
    final int guarded;

    private ApiNode(Node node, int open, int guarded) {
        this.node = node;
        this.open = open;
        this.guarded = guarded;
    }

    static NodeSettings settings(Path dir) {
        return settings(dir, "");
    }

    /** @param extra configuration over the test defaults, e.g. {@code tickwatch.db.pool-size = 1} */
    static NodeSettings settings(Path dir, String extra) {
        TestDb.Db db = TestDb.h2(dir);
        return NodeSettings.load(ConfigFactory.parseString(extra).withFallback(ConfigFactory.parseString(
                        "tickwatch.data-dir = \"" + dir.resolve("data") + "\"\n"
                                + "tickwatch.conditions.file = \"" + dir.resolve("conditions.json") + "\"\n"
                                + "pekko.remote.artery.canonical.port = 0\n"
                                + "tickwatch.hits.ack-timeout = 1s\n")
                .withFallback(db.overlay())));
    }

    /** Starts a node on {@code dir} whose conditions file holds {@code conditions}. */
    static ApiNode start(Path dir, String conditions, String token) throws Exception {
        return start(dir, conditions, token, "");
    }

    static ApiNode start(Path dir, String conditions, String token, String extraConfig) throws Exception {
        Files.writeString(dir.resolve("conditions.json"), conditions);
        Node node = Node.start(settings(dir, extraConfig));
        try {
            return new ApiNode(node, bind(node, ""), bind(node, token));
        } catch (Exception e) {
            node.close();
            throw e;
        }
    }

    private static int bind(Node node, String token) throws Exception {
        return AdminApi.bind(node, new AdminApi.Settings("127.0.0.1", 0, token, 1000))
                .toCompletableFuture().get(20, TimeUnit.SECONDS).localAddress().getPort();
    }

    @Override
    public void close() {
        node.close();
    }
}
