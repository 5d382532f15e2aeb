package actors.sinks;

import com.typesafe.config.Config;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What a sink is built with.
 *
 * @param name       its configured name (the key of {@code tickwatch.sinks.<name>}); {@link HitSink#name()} must return it
 * @param config     its block, {@code tickwatch.sinks.<name>}
 * @param system     the node's actor system (HTTP clients, schedulers, streams)
 * @param dataDir    the node's data directory (default place for files)
 * @param recentHits how many recent hits the node shows; a sink that reads its hits back reads this many
 */
public record SinkContext(String name, Config config, ActorSystem<?> system, Path dataDir, int recentHits) {
}
