package engine;

import actors.NodeMetrics;
import actors.TickerEntity.IngestResult;
import actors.sinks.SinkStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What {@code GET /metrics} shows besides the actors' own figures ({@link NodeMetrics}): ticks by
 * source and outcome (counted once per ingest call, not per tick), and, read only when scraped, the
 * sinks' live counters ({@link SinkStatus}), the sources' {@code health()} and the JVM. A sink or a
 * source is bound the first time a scrape sees it, so nothing here runs between scrapes.
 */
final class NodeMetricsBinder {
    /** Counters a source may report in its health, and the metric each becomes. */
    private static final Map<String, String> SOURCE_COUNTERS = Map.of(
            "messages", "tickwatch.source.messages",
            "reconnects", "tickwatch.source.reconnects",
            "connects", "tickwatch.source.connects",
            "requests", "tickwatch.source.requests",
            "retries", "tickwatch.source.retries",
            "malformed", "tickwatch.source.malformed",
            "failed_crawls", "tickwatch.source.failed.crawls");
    /** Gauges a source may report in its health. */
    private static final Map<String, String> SOURCE_GAUGES = Map.of(
            "connections", "tickwatch.source.connections",
            "messages_per_second", "tickwatch.source.messages.per.second",
            "tickers", "tickwatch.source.tickers");

    private final PrometheusMeterRegistry registry;
    private final Supplier<Map<String, Map<String, Object>>> sourceHealth;
    private final Supplier<Collection<SinkStatus>> sinks;
    private final Map<String, SourceTicks> bySource = new ConcurrentHashMap<>();
    private final Set<String> boundSinks = ConcurrentHashMap.newKeySet();
    private final Set<String> boundSources = ConcurrentHashMap.newKeySet();
    /** The sources' health as the scrape in progress read it (the source gauges read this). */
    private volatile Map<String, Map<String, Object>> sources = Map.of();

    NodeMetricsBinder(ActorSystem<?> system, Supplier<Map<String, Map<String, Object>>> sourceHealth,
                      Supplier<Collection<SinkStatus>> sinks) {
        this.registry = NodeMetrics.get(system).registry();
        this.sourceHealth = sourceHealth;
        this.sinks = sinks;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics(); // listens to the GC: stop listening with the node
        gc.bindTo(registry);
        system.getWhenTerminated().thenRun(gc::close);
    }

    /** The ticks one ingest call offered: accepted, rejected by reason (malformed ones too), sent again. */
    void ticks(String source, IngestResult r) {
        SourceTicks c = bySource.computeIfAbsent(source, SourceTicks::new);
        if (r.accepted() > 0) {
            c.accepted.increment(r.accepted());
        }
        if (r.alreadyStored() > 0) {
            c.alreadyStored.increment(r.alreadyStored());
        }
        for (Map.Entry<String, Long> e : r.rejected().entrySet()) {
            if (e.getValue() > 0) {
                c.rejected(e.getKey()).increment(e.getValue());
            }
        }
    }

    /** The ingest asks sent again ({@link IngestAttempts}) and those no attempt of which was answered. */
    void ingestAttempts(IngestAttempts attempts) {
        // Micrometer holds the object weakly: the node holds this one for its whole life.
        FunctionCounter.builder("tickwatch.ingest.retries", attempts, IngestAttempts::retries)
                .description("Ingest asks sent again after an attempt-timeout without an answer (a shard hand-off)")
                .register(registry);
        FunctionCounter.builder("tickwatch.ingest.timeouts", attempts, IngestAttempts::timeouts)
                .description("Ingest asks no attempt of which was answered within tickwatch.ask-timeout")
                .register(registry);
    }

    /** The Prometheus text format of everything above, read now. */
    synchronized String scrape() {
        sources = sourceHealth.get();
        sources.forEach(this::bindSource);
        sinks.get().forEach(this::bindSink);
        return registry.scrape();
    }

    /** One source's ticks counters, made on its first ingest. */
    private final class SourceTicks {
        final String source;
        final Counter accepted;
        final Counter alreadyStored;
        final Map<String, Counter> rejected = new ConcurrentHashMap<>();

        SourceTicks(String source) {
            this.source = source;
            accepted = Counter.builder("tickwatch.ticks.accepted")
                    .description("Ticks stored, by the source they came through (push = POST /api/ticks)")
                    .tag("source", source).register(registry);
            alreadyStored = Counter.builder("tickwatch.ticks.already.stored")
                    .description("Ticks of a batch sent again with the same Idempotency-Key: not counted twice")
                    .tag("source", source).register(registry);
        }

        Counter rejected(String reason) {
            return rejected.computeIfAbsent(reason, r -> Counter.builder("tickwatch.ticks.rejected")
                    .description("Ticks refused, by source and reason (outside_session, duplicate, late, future, malformed)")
                    .tag("source", source).tag("reason", r).register(registry));
        }
    }

    private void bindSink(SinkStatus s) {
        if (!boundSinks.add(s.name())) {
            return;
        }
        String n = s.name();
        FunctionCounter.builder("tickwatch.sink.deliveries", s, SinkStatus::sentCount)
                .description("Hits a sink delivered from this node").tag("sink", n).register(registry);
        FunctionCounter.builder("tickwatch.sink.failures", s, SinkStatus::failedCount)
                .description("Failed delivery attempts").tag("sink", n).register(registry);
        FunctionCounter.builder("tickwatch.sink.retries", s, SinkStatus::retriedCount)
                .description("Failed attempts that will be tried again after a backoff").tag("sink", n).register(registry);
        FunctionCounter.builder("tickwatch.sink.dead.letters", s, SinkStatus::deadCount)
                .description("Hits given up on and written to the dead letters").tag("sink", n).register(registry);
        FunctionCounter.builder("tickwatch.sink.overflows", s, SinkStatus::overflowCount)
                .description("Hits a full queue did not take (their entities offer them again)").tag("sink", n)
                .register(registry);
        Gauge.builder("tickwatch.sink.queue.depth", s, SinkStatus::waitingCount)
                .description("Hits this node holds in memory for the sink").tag("sink", n).register(registry);
        Gauge.builder("tickwatch.sink.up", s, x -> Readiness.sinkUp(x.state()) ? 1 : 0)
                .description("1 while the sink delivers (state ok), 0 while it retries or is off").tag("sink", n)
                .register(registry);
    }

    /** Binds the fields the source reports (a source's health has the same fields each time). */
    private void bindSource(String name, Map<String, Object> health) {
        if (!boundSources.add(name)) {
            return;
        }
        SOURCE_COUNTERS.forEach((key, metric) -> {
            if (health.get(key) instanceof Number) {
                FunctionCounter.builder(metric, this, b -> b.number(name, key))
                        .description("The source's health field " + key).tag("source", name).register(registry);
            }
        });
        SOURCE_GAUGES.forEach((key, metric) -> {
            if (health.get(key) instanceof Number) {
                Gauge.builder(metric, this, b -> b.number(name, key))
                        .description("The source's health field " + key).tag("source", name).register(registry);
            }
        });
        Gauge.builder("tickwatch.source.up", this, b -> {
                    Map<String, Object> h = b.sources.get(name);
                    return h != null && Readiness.sourceUp(Readiness.sourceState(h)) ? 1 : 0;
                })
                .description("1 while the source is connected, idle or fine (see /ready), else 0")
                .tag("source", name).register(registry);
    }

    /** A number the source reported in the health the current scrape read; 0 when it reports none. */
    private double number(String source, String key) {
        Map<String, Object> h = sources.getOrDefault(source, Map.of());
        return h.get(key) instanceof Number n ? n.doubleValue() : 0;
    }
}
