package actors;

import actors.sinks.SinkSettings;
import actors.sinks.SinkStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import persistence.DeliveryLedger;

/**
 * What the {@link HitRouter} runs sinks with, besides the sinks: the cluster's delivery ledger, this
 * node's name in it, the bar length (a hit's bar ends {@code barInterval} after its start, for
 * {@code max-age}), the wall clock, the data directory (dead letters), each sink's settings and
 * type, and the live status of each sink (filled by the router, read by {@code GET /api/sinks}).
 *
 * @param ledger      the delivery ledger; null only in tests that run sinks without a database
 *                    (then queued sinks cannot run and max-age skips are not recorded)
 * @param owner       this node in the ledger: its cluster address, stable across restarts of the same
 *                    node, so a restarted node resumes its own queued hits at once
 * @param settings    by sink name; a sink missing here runs with {@link SinkSettings#DEFAULTS}
 * @param types       by sink name, for health
 */
public record SinkRuntime(DeliveryLedger ledger, String owner, Duration barInterval, Clock clock, Path dataDir,
                          Map<String, SinkSettings> settings, Map<String, String> types,
                          Map<String, SinkStatus> statuses) {

    public SinkRuntime {
        settings = Map.copyOf(settings);
        types = Map.copyOf(types);
    }

    /** No ledger, default settings: for tests of the router with direct sinks only. */
    public static SinkRuntime withoutLedger(Path dataDir) {
        return new SinkRuntime(null, "local", Duration.ofMinutes(5), Clock.systemUTC(), dataDir, Map.of(), Map.of(),
                new ConcurrentHashMap<>());
    }

    SinkSettings settingsOf(String sink) {
        return settings.getOrDefault(sink, SinkSettings.DEFAULTS);
    }

    /** The statuses of every sink the router runs, by name. */
    public List<SinkStatus> all() {
        return statuses.values().stream().sorted(java.util.Comparator.comparing(SinkStatus::name)).toList();
    }

    /** Whether a hit's bar ended longer than {@code maxAge} ago by the wall clock. */
    boolean stale(SinkSettings s, long barStart) {
        return s.maxAge() != null && clock.millis() - (barStart + barInterval.toMillis()) > s.maxAge().toMillis();
    }
}
