package actors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * One node's metrics ({@code GET /metrics}): a Micrometer registry per actor system, so two nodes in
 * one JVM (the cluster tests) keep their own figures. The actors count here what only they see (a
 * journal write's round trip, bars closed, hits, live entities), once per write, not per tick;
 * {@code engine.NodeMetricsBinder} adds what is read at scrape time (ticks by source and reason,
 * sinks, sources, the JVM).
 *
 * <p>Every method here is called on a hot path: no lookup by name except for a hit's condition
 * (a hit is rare), no allocation beyond the first use of a name.
 */
public final class NodeMetrics implements Extension {
    /** Buckets of the journal write histogram: a loopback H2 write takes about a millisecond, PostgreSQL a few. */
    private static final Duration[] WRITE_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer journalWrites;
    private final Counter barsClosed;
    private final AtomicLong entities = new AtomicLong();
    private final Map<String, Counter> hits = new ConcurrentHashMap<>();

    private NodeMetrics() {
        journalWrites = Timer.builder("tickwatch.journal.write")
                .description("A ticker entity's persist round trip: the write of one command's events")
                .serviceLevelObjectives(WRITE_BUCKETS)
                .register(registry);
        barsClosed = Counter.builder("tickwatch.bars.closed")
                .description("Bars closed by this node's ticker entities (by a tick of the next bar or by the clock)")
                .register(registry);
        Gauge.builder("tickwatch.entities", entities, AtomicLong::get)
                .description("Ticker entities running on this node")
                .register(registry);
    }

    /** The node's metrics (made on first use). */
    public static NodeMetrics get(ActorSystem<?> system) {
        return Id.INSTANCE.apply(system);
    }

    /** Pekko's handle on the extension. */
    public static final class Id extends ExtensionId<NodeMetrics> {
        static final Id INSTANCE = new Id();

        @Override
        public NodeMetrics createExtension(ActorSystem<?> system) {
            return new NodeMetrics();
        }
    }

    /** The registry: {@code engine} binds more to it and scrapes it. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A ticker entity's events were written, {@code nanos} after it asked. */
    void journalWrite(long nanos) {
        journalWrites.record(nanos, TimeUnit.NANOSECONDS);
    }

    void barsClosed(long n) {
        if (n > 0) {
            barsClosed.increment(n);
        }
    }

    /** A hit was found and stored (once, by the entity that found it; not again when it is resent). */
    void hit(String condition) {
        hits.computeIfAbsent(condition, c -> Counter.builder("tickwatch.hits")
                .description("Hits found and stored, by condition")
                .tag("condition", c)
                .register(registry)).increment();
    }

    void entityStarted() {
        entities.incrementAndGet();
    }

    void entityStopped() {
        entities.decrementAndGet();
    }
}
