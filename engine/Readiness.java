package engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code GET /ready} answers: whether this node can take ticks (an Up cluster member whose
 * database answers), and the state of each source and sink on it.
 *
 * <p>A source or sink that is down does not make the node unready unless the operator says it is
 * required ({@code tickwatch.ready.required-sources}, {@code required-sinks}): an exchange's outage
 * should not take a node out of a load balancer that also sends it API pushes and health checks,
 * but a node whose only job is one feed (or one alert channel) may want exactly that.
 */
public final class Readiness {
    /** Source states that mean it works: connected, nothing to watch yet, or no connection to have. */
    private static final Set<String> SOURCE_UP = Set.of("ok", "connected", "idle");

    private Readiness() {
    }

    /**
     * {@code tickwatch.ready}: the sources and sinks that must be up for the node to be ready, and how
     * long a stopping node keeps serving after it turned not ready ({@code drain}).
     */
    public record Settings(Set<String> requiredSources, Set<String> requiredSinks, Duration drain) {
        public static final Settings NONE = new Settings(Set.of(), Set.of(), Duration.ZERO);

        static Settings from(Config c) {
            if (!c.hasPath("tickwatch.ready")) {
                return NONE;
            }
            Config r = c.getConfig("tickwatch.ready");
            Duration drain = r.hasPath("drain") ? r.getDuration("drain") : Duration.ZERO;
            if (drain.isNegative()) {
                throw new IllegalArgumentException("tickwatch.ready.drain must not be negative: " + drain);
            }
            return new Settings(Set.copyOf(r.getStringList("required-sources")),
                    Set.copyOf(r.getStringList("required-sinks")), drain);
        }

        /** Every required name is configured: a typo must refuse the start, not make the node never ready. */
        void check(List<String> sources, List<String> sinks) {
            Set<String> unknown = new TreeSet<>(requiredSources);
            sources.forEach(unknown::remove);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("tickwatch.ready.required-sources names " + unknown
                        + ", which are not configured sources (configured: " + sources + ")");
            }
            unknown = new TreeSet<>(requiredSinks);
            sinks.forEach(unknown::remove);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("tickwatch.ready.required-sinks names " + unknown
                        + ", which are not configured sinks (configured: " + sinks + ")");
            }
        }
    }

    /** One source or sink in the answer. */
    public record Part(String name, String state, boolean up, boolean required) {
    }

    /**
     * The answer.
     *
     * @param member   this node is an Up cluster member
     * @param database the database answered within {@link Node#READY_TIMEOUT}
     * @param stopping the node is shutting down (SIGTERM): not ready from the shutdown's first phase on,
     *                 while it still serves, so traffic drains before its tickers move
     */
    public record Report(boolean ready, @JsonProperty("cluster_member") boolean member, boolean database,
                         boolean stopping, List<Part> sources, List<Part> sinks) {
    }

    static Report report(boolean member, boolean database, boolean stopping, Map<String, Map<String, Object>> sourceHealth,
                         Map<String, String> sinkStates, Settings settings) {
        List<Part> sources = sourceHealth.entrySet().stream().map(e -> {
            String state = sourceState(e.getValue());
            return new Part(e.getKey(), state, sourceUp(state), settings.requiredSources().contains(e.getKey()));
        }).toList();
        List<Part> sinks = sinkStates.entrySet().stream().map(e -> new Part(e.getKey(), e.getValue(),
                sinkUp(e.getValue()), settings.requiredSinks().contains(e.getKey()))).toList();
        boolean required = sources.stream().allMatch(p -> p.up() || !p.required())
                && sinks.stream().allMatch(p -> p.up() || !p.required());
        return new Report(member && database && required && !stopping, member, database, stopping, sources, sinks);
    }

    /**
     * A source's state from its health: its own {@code state} (the websocket sources: connected,
     * connecting, reconnecting, backoff, idle, closed), else {@code failing} when a crawler reports
     * tickers it fails to read, {@code error} when its health threw, else {@code ok}.
     */
    static String sourceState(Map<String, Object> health) {
        if (health.containsKey("error")) {
            return "error";
        }
        if (health.get("state") instanceof String s) {
            return s;
        }
        if (health.get("failing") instanceof List<?> failing && !failing.isEmpty()) {
            return "failing";
        }
        return "ok";
    }

    static boolean sourceUp(String state) {
        return SOURCE_UP.contains(state);
    }

    /** A sink is up while it delivers; {@code retrying} or {@code off} is down. */
    static boolean sinkUp(String state) {
        return "ok".equals(state);
    }
}
