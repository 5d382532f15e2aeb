package engine;

import actors.TickerSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import persistence.DbSettings;

/**
 * Everything a {@link Node} is started with, read from the config ({@code application.conf} and the
 * files it includes; environment variables fill the keys documented there).
 *
 * @param config         the whole config, as loaded
 * @param dataDir        where the H2 database and the alerts file live by default
 * @param conditionsFile the conditions file (missing = none)
 * @param alertsFile     where the sink named {@code file} appends hits
 * @param ticker         how ticker entities behave
 * @param db             the database
 * @param seedNodes      cluster seed nodes; empty = join itself
 * @param askTimeout     timeout of every ask the node makes
 * @param startTimeout   how long start waits for the database, the schema and the cluster
 * @param parallelism    entity asks in flight per ingest call
 * @param maxBatch       ticks per entity ask
 * @param recentHits     hits kept for {@link Node#recentHits}
 * @param wakeInterval   how often the registry wakes every watched ticker
 * @param conditionsSync how often each node publishes its conditions to the others
 */
public record NodeSettings(Config config, Path dataDir, Path conditionsFile, Path alertsFile, TickerSettings ticker,
                           DbSettings db, List<String> seedNodes, Duration askTimeout, Duration startTimeout,
                           int parallelism, int maxBatch, int recentHits, Duration wakeInterval,
                           Duration conditionsSync) {

    /** The default config: {@code application.conf}, system properties, environment. */
    public static NodeSettings load() {
        return from(ConfigFactory.load());
    }

    /**
     * The default config with {@code overrides} on top, resolved after merging, so a key that others
     * are derived from (say {@code tickwatch.data-dir}) can be overridden too. For tests and tools:
     * {@code NodeSettings.load(ConfigFactory.parseString("tickwatch.data-dir = \"/tmp/x\""))}.
     */
    public static NodeSettings load(Config overrides) {
        return from(ConfigFactory.load(overrides.withFallback(ConfigFactory.parseResourcesAnySyntax("application"))));
    }

    public static NodeSettings from(Config c) {
        Config t = c.getConfig("tickwatch");
        MarketSettings.apply(c);
        Path dataDir = Path.of(t.getString("data-dir")).toAbsolutePath().normalize();
        String alerts = t.hasPath("sinks.file.path") ? t.getString("sinks.file.path") : "";
        List<String> seeds = Arrays.stream(t.getString("cluster.seed-nodes").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (seeds.isEmpty()) {
            seeds = c.getStringList("pekko.cluster.seed-nodes");
        }
        return new NodeSettings(c, dataDir, Path.of(t.getString("conditions.file")).toAbsolutePath().normalize(),
                alerts.isBlank() ? dataDir.resolve("alerts.jsonl") : Path.of(alerts).toAbsolutePath().normalize(),
                TickerSettings.from(c), DbSettings.from(c), List.copyOf(seeds), t.getDuration("ask-timeout"),
                t.getDuration("start-timeout"), t.getInt("ingest.parallelism"), t.getInt("ingest.max-batch"),
                t.getInt("hits.recent"), t.getDuration("registry.wake-interval"),
                t.getDuration("conditions.sync-interval"));
    }

    /**
     * The config the actor system starts with: the database's plugin settings, the cluster's TLS
     * ({@link ClusterTls}), Cluster Bootstrap when discovery is not seed nodes ({@link ClusterDiscovery})
     * and the seed nodes on top.
     *
     * @throws IllegalStateException when TLS is on and its stores are missing
     */
    public Config pekkoConfig() {
        Config c = ClusterDiscovery.from(config).applyTo(ClusterTls.from(config).applyTo(db.applyTo(config)));
        return c.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedNodes));
    }

    public NodeSettings withTicker(TickerSettings t) {
        return new NodeSettings(config, dataDir, conditionsFile, alertsFile, t, db, seedNodes, askTimeout,
                startTimeout, parallelism, maxBatch, recentHits, wakeInterval, conditionsSync);
    }

    @Override
    public String toString() {
        return "NodeSettings[data=" + dataDir + ", conditions=" + conditionsFile + ", alerts=" + alertsFile
                + ", " + db + ", seeds=" + seedNodes + ", " + ticker + "]";
    }
}
