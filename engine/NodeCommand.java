package engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.CoordinatedShutdown;
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
        // The admin API stops taking requests in the shutdown's service-unbind phase, after /ready has
        // answered 503 for tickwatch.ready.drain (NodeBootstrap.drainOnStop); requests still running
        // get 10 s to finish, new ones on open connections get 503 and the connection closes. A request
        // must not reach this node's entities after they moved: before, open keep-alive connections were
        // served until the actor system stopped, and a client's request on one waited up to its own
        // timeout (20-30 s in ClusterRollingIT).
        binding.addToCoordinatedShutdown(java.time.Duration.ofSeconds(10), node.system());
        stopOnSignals(node);
        if (!replay.isEmpty()) {
            startReplay(node, replay, speed);
        }
        CompletableFuture<?> terminated = node.system().getWhenTerminated().toCompletableFuture();
        long downedAt = 0;
        while (!terminated.isDone()) {
            try {
                terminated.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (downedAt == 0 && downed(node)) {
                    downedAt = System.nanoTime();
                } else if (downedAt != 0 && System.nanoTime() - downedAt > DOWNED_EXIT_AFTER.toNanos()) {
                    // The actor system of a node on the losing side of a partition can hang in its last
                    // phase, flushing to peers it cannot reach (seen: over 20 s). Its entities and
                    // singletons stopped when it was downed; nothing of it may go on running.
                    System.err.println("tickwatch: this node was downed by the cluster and did not finish stopping"
                            + " within " + DOWNED_EXIT_AFTER.toSeconds() + " s; exiting now; start it again to rejoin");
                    System.err.flush();
                    Runtime.getRuntime().halt(DOWNED);
                }
            } catch (InterruptedException | ExecutionException e) {
                break;
            }
        }
        node.close(); // the recorder's files closed before the exit status is given
        if (downed(node)) {
            System.err.println("tickwatch: this node was downed by the cluster (the split-brain resolver on the"
                    + " losing side of a partition, or an operator's down) and stopped; start it again to rejoin");
            return DOWNED;
        }
        log.info("tickwatch node stopped");
        return 0;
    }

    /** How long a downed node may take to stop before the process exits without waiting further. */
    static final Duration DOWNED_EXIT_AFTER = Duration.ofSeconds(10);

    /**
     * Exit code of a node the cluster downed. Pekko stops a downed node's actor system by itself (its
     * entities stop within milliseconds, so the majority can take them over); exiting non-zero lets a
     * supervisor that restarts failed processes (systemd {@code Restart=on-failure}, Kubernetes) start it
     * again, and the new incarnation joins the cluster afresh.
     */
    static final int DOWNED = 3;

    private static boolean downed(Node node) {
        return CoordinatedShutdown.get(node.system()).getShutdownReason()
                .filter(CoordinatedShutdown.clusterDowningReason()::equals).isPresent();
    }

    /**
     * SIGTERM (what an orchestrator sends, {@code kill}, {@code Process.destroy()}) and SIGINT (Ctrl-C)
     * stop the node gracefully: not ready, drain, hand over, leave the cluster (Pekko's coordinated
     * shutdown, started by {@link Node#stop()}), then {@code main} returns and the process exits with 0.
     * Left to the JVM, a signal runs the shutdown hooks and exits with 143 (128 + 15), which an
     * orchestrator reports as a failure. {@code sun.misc.Signal} is the JDK's way to handle a signal;
     * where it is missing, Pekko's own shutdown hook still leaves the cluster gracefully.
     */
    private static void stopOnSignals(Node node) {
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    log.info("SIG{}: stopping the node gracefully", name);
                    Thread stopper = new Thread(node::stop, "tickwatch-stop");
                    stopper.start();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                log.warn("cannot handle SIG{} ({}); the JVM's shutdown hook stops the node instead", name, e.toString());
            }
        }
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
