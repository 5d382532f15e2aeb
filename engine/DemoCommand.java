package engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code demo [--port N] [--speed N] [--seed N]}: a newcomer's first minute. Starts a node on a fresh
 * temporary directory (embedded H2, nothing else of the machine's: no seed nodes, a free cluster
 * port), writes the demo market ({@link DemoMarket}) and the example conditions
 * ({@link #CONDITIONS}) there, binds the API on {@code --port} ({@code TICKWATCH_HTTP_PORT}, else
 * 8080), prints the URL, and replays the market through the node at {@link #SPEED} (a 5-minute bar
 * every 5 seconds). Ctrl-C stops the node and deletes the directory. Same seed, same ticks, same hits.
 */
final class DemoCommand {
    private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);

    /** Tick time runs this many times faster than real time: a 5-minute bar forms in 5 seconds. */
    static final double SPEED = 60;
    static final long SEED = 1;

    /**
     * The example conditions (README "First minute"): a volume burst while its bar forms (the first
     * about half a minute in, then one about every minute), a close crossing above its 5-bar mean on
     * two tickers, and an overbought RSI after a run.
     */
    static final String CONDITIONS = """
            {
              "volume-burst": {
                "description": "this bar trades over three times its 5-bar average volume, seen as it forms",
                "when": ["VSMAR5", ">", 2],
                "check": "update",
                "cooldown": "1h",
                "sinks": ["log", "file"]
              },
              "sma5-cross": {
                "description": "the close crosses above the mean of the last 5 closes",
                "symbols": ["005930", "BTCUSDT"],
                "when": ["CLOSE", "crosses_above", "PSMA5"],
                "cooldown": "30m",
                "sinks": ["log", "file"]
              },
              "rsi-overbought": {
                "when": ["RSI14", ">", 75],
                "cooldown": "2h",
                "sinks": ["log", "file"]
              }
            }
            """;

    private DemoCommand() {
    }

    /** A running demo: its node, API, directory and replay. {@link #close()} stops it and deletes the directory. */
    static final class Running implements AutoCloseable {
        final Node node;
        final ServerBinding binding;
        final Path dir;
        final String url;
        private final Thread replay;

        private Running(Node node, ServerBinding binding, Path dir, Thread replay) {
            this.node = node;
            this.binding = binding;
            this.dir = dir;
            this.replay = replay;
            this.url = "http://" + binding.localAddress().getHostString() + ":" + binding.localAddress().getPort() + "/";
        }

        /** The API's port. */
        int port() {
            return binding.localAddress().getPort();
        }

        @Override
        public synchronized void close() {
            replay.interrupt();
            binding.unbind();
            node.close();
            deleteTree(dir);
        }
    }

    static int run(List<String> argv) throws IOException {
        Args args = new Args(argv, Set.of("port", "speed", "seed"), Set.of());
        Integer port = args.has("port") ? (int) args.number("port", 8080) : null;
        double speed = Replay.parseSpeed(args.one("speed", Double.toString(SPEED)));
        Running demo;
        try {
            demo = start(port, speed, args.number("seed", SEED));
        } catch (IllegalStateException e) {
            System.err.println("tickwatch: demo: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "tickwatch-demo-shutdown"));
        String token = AdminApi.Settings.from(demo.node.settings().config()).adminToken();
        System.out.println("tickwatch demo: open " + demo.url + (token.isEmpty() ? "" : "  (admin token: " + token + ")"));
        System.out.println("tickwatch demo: 5 KRX tickers and BTCUSDT, ETHUSDT replayed at " + (speed == 0 ? "max speed"
                : "x" + (long) speed + " (a 5-minute bar every " + Math.round(300 / speed) + " s)")
                + "; hits: " + demo.url + "api/hits, metrics: " + demo.url + "metrics; data in " + demo.dir
                + " (deleted on Ctrl-C)");
        demo.node.system().getWhenTerminated().toCompletableFuture().join();
        return 0;
    }

    /**
     * Starts a demo.
     *
     * @param port  the API's port; null for the configured one ({@code TICKWATCH_HTTP_PORT}, 8080); 0 for a free one
     * @param speed the replay's speed (0: as fast as the node takes the ticks)
     * @throws IllegalStateException when the node or the API cannot start (the directory is deleted then)
     */
    static Running start(Integer port, double speed, long seed) throws IOException {
        Path dir = Files.createTempDirectory("tickwatch-demo-");
        try {
            List<Path> days = DemoMarket.write(Files.createDirectory(dir.resolve("market")), seed);
            Files.writeString(dir.resolve("conditions.json"), CONDITIONS);
            log.info("demo: {} tickers over {} days in {}", DemoMarket.TICKERS.size(), days.size(), dir.resolve("market"));
            NodeSettings settings = NodeSettings.load(overrides(dir, port));
            Node node = Node.start(settings);
            ServerBinding binding;
            try {
                binding = AdminApi.bind(node, AdminApi.Settings.from(settings.config())).toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                node.close();
                Throwable why = e.getCause() == null ? e : e.getCause();
                throw new IllegalStateException("admin API on port " + AdminApi.Settings.from(settings.config()).port()
                        + ": " + (e instanceof IllegalStateException ? e.getMessage() : why.toString()), why);
            }
            Thread replay = new Thread(() -> replay(node, days, speed), "demo-replay");
            replay.setDaemon(true);
            replay.start();
            return new Running(node, binding, dir, replay);
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** Everything the demo keeps in {@code dir}, and nothing from the machine's cluster or database settings. */
    private static Config overrides(Path dir, Integer port) {
        String data = dir.resolve("data").toString();
        Config c = ConfigFactory.parseMap(Map.of(
                "tickwatch.data-dir", data,
                "tickwatch.conditions.file", dir.resolve("conditions.json").toString(),
                "tickwatch.sinks.file.path", dir.resolve("data").resolve("alerts.jsonl").toString(),
                "tickwatch.db.kind", "h2",
                "tickwatch.db.h2.dir", data,
                "tickwatch.cluster.seed-nodes", "",
                "pekko.remote.artery.canonical.port", 0));
        c = c.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of()))
                // a node of its own: no Cluster Bootstrap, and Ctrl-C stops it without waiting for a load balancer
                .withValue("tickwatch.cluster.discovery", ConfigValueFactory.fromAnyRef("seed-nodes"))
                .withValue("tickwatch.ready.drain", ConfigValueFactory.fromAnyRef("0s"));
        return port == null ? c : c.withValue("tickwatch.http.port", ConfigValueFactory.fromAnyRef(port));
    }

    /** Replays the days one after the other: each starts at once, without the night before it. */
    private static void replay(Node node, List<Path> days, double speed) {
        try {
            long sent = 0;
            for (Path day : days) {
                sent += Replay.into(node, List.of(day), speed).run().sent();
            }
            System.out.println("tickwatch demo: the replay finished (" + sent + " ticks over " + days.size()
                    + " days); the node keeps running (Ctrl-C stops it)");
        } catch (InterruptedException e) {
            log.info("demo replay stopped");
        } catch (Exception e) {
            if (!node.system().whenTerminated().isCompleted()) {
                log.error("demo replay failed: {}", e.toString(), e);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("demo: could not delete {}: {}", dir, e.toString());
        }
    }
}
