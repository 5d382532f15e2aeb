package engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run}: starts a node and its admin API, and keeps them until the process is stopped.
 * {@code --config FILE} layers a HOCON file of your own (say, with the admin token or database
 * password) over the defaults. {@code --replay FILE... [--speed N|max]} then feeds tick files
 * through the node ({@link Replay}) and keeps it running after the last tick.
 */
final class NodeCommand {
    private static final Logger log = LoggerFactory.getLogger(NodeCommand.class);

    private NodeCommand() {
    }

    static int run(List<String> argv) throws java.io.IOException {
        Args args = new Args(argv, Set.of("config", "replay", "speed"), Set.of());
        List<Path> replay = args.all("replay").stream().map(Path::of).toList();
        if (args.has("speed") && replay.isEmpty()) {
            throw new Args.UsageException("--speed goes with --replay FILE...");
        }
        double speed = Replay.parseSpeed(args.one("speed", "1"));
        for (Path f : replay) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new java.nio.file.NoSuchFileException(f.toString());
            }
        }
        Config overrides = ConfigFactory.empty();
        if (args.has("config")) {
            Path file = Path.of(args.one("config", null));
            if (!Files.isReadable(file)) {
                throw new java.nio.file.NoSuchFileException(file.toString());
            }
            overrides = ConfigFactory.parseFile(file.toFile());
        }
        NodeSettings settings = NodeSettings.load(overrides);
        AdminApi.Settings http = AdminApi.Settings.from(settings.config());
        Node node;
        try {
            node = Node.start(settings);
        } catch (IllegalStateException e) {
            System.err.println("tickwatch: " + e.getMessage());
            return 1;
        }
        ServerBinding binding;
        try {
            binding = AdminApi.bind(node, http).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            String why = e instanceof IllegalStateException ? e.getMessage() : String.valueOf(e.getCause() == null ? e : e.getCause());
            System.err.println("tickwatch: admin API: " + why);
            node.close();
            return 1;
        }
        log.info("tickwatch node up: admin API on http://{}, data in {}, {}", binding.localAddress().getHostString()
                + ":" + binding.localAddress().getPort(), settings.dataDir(), settings.db());
        System.out.println("tickwatch: admin API on http://" + binding.localAddress().getHostString() + ":"
                + binding.localAddress().getPort() + " (Ctrl-C stops)");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            binding.unbind();
            node.close();
        }, "tickwatch-shutdown"));
        if (!replay.isEmpty()) {
            startReplay(node, replay, speed);
        }
        node.system().getWhenTerminated().toCompletableFuture().join();
        return 0;
    }

    /** Replays the files on a thread of their own; the node stays up after the last tick (see its bars, its hits). */
    private static void startReplay(Node node, List<Path> files, double speed) {
        Thread t = new Thread(() -> {
            try {
                Replay.Summary s = Replay.into(node, files, speed).run();
                System.out.println("tickwatch: replay finished: " + s.sent() + " tick(s), " + s.result().accepted()
                        + " accepted, rejected " + s.result().rejected() + "; the node keeps running (Ctrl-C stops)");
            } catch (InterruptedException e) {
                log.info("replay interrupted (the node is stopping)");
            } catch (Exception e) {
                log.error("replay failed: {}", e.toString(), e);
                System.err.println("tickwatch: replay failed: " + e.getMessage());
            }
        }, "replay");
        t.setDaemon(true);
        t.start();
    }
}
