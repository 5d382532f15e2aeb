package engine.sources;

import actors.TickerEntity.IngestResult;
import conditions.Tick;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import persistence.WatchedTicker;

/**
 * A source that a test drives: it records what the node tells it to watch and unwatch, and
 * {@link #push} hands ticks to the node through the same path a real feed uses
 * ({@link SourceContext#ingest}). One {@link Hub} sees the instances of every node of a test:
 *
 * <pre>{@code
 * TestSource.Hub hub = new TestSource.Hub();
 * Node node = new NodeBootstrap(settings).sourceType(TestSource.TYPE, hub.factory()).start();
 * // with tickwatch.sources.feed.type = test
 * hub.awaitWatched("005930", Duration.ofSeconds(20)).push(ticks);
 * }</pre>
 */
public final class TestSource implements Source {
    public static final String TYPE = "test";

    /** What a source was told, in order: {@code kind} is {@code watch} or {@code unwatch}. */
    public record Event(String kind, String symbol) {
    }

    private final SourceContext ctx;
    private final Hub hub;
    private final List<Event> events = new ArrayList<>();
    private volatile boolean closed;
    private volatile String state;

    private TestSource(SourceContext ctx, Hub hub) {
        this.ctx = ctx;
        this.hub = hub;
    }

    @Override
    public void watch(WatchedTicker ticker) {
        synchronized (events) {
            events.add(new Event("watch", ticker.symbol()));
        }
        hub.watched(this, ticker.symbol());
    }

    @Override
    public void unwatch(WatchedTicker ticker) {
        synchronized (events) {
            events.add(new Event("unwatch", ticker.symbol()));
        }
        hub.unwatched(this, ticker.symbol());
    }

    /** Completed at once, or when the test lets go ({@link Hub#holdDrains}): as a source's queued ticks would. */
    @Override
    public CompletionStage<Done> drained(String symbol) {
        return hub.drain(this, symbol);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** What {@link #health()} reports as the source's {@code state} from now on (null: no state). */
    public void state(String state) {
        this.state = state;
    }

    @Override
    public Map<String, Object> health() {
        return state == null ? Map.of() : Map.of("state", state);
    }

    /** Hands ticks to the node as a feed would (see {@link SourceContext#ingest}). */
    public CompletionStage<IngestResult> push(List<Tick> ticks) {
        return ctx.ingest(ticks);
    }

    /** {@link #push} and wait for the answer. */
    public IngestResult pushAndWait(List<Tick> ticks) throws Exception {
        return push(ticks).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The symbols this instance feeds now (as the node keeps them). */
    public Set<String> watched() {
        return Set.copyOf(ctx.watched());
    }

    /** What the node tells this source of a hand-over of {@code symbol} ({@link SourceContext#handedOverAt}). */
    public long handedOverAt(String symbol) {
        return ctx.handedOverAt(symbol);
    }

    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public String name() {
        return ctx.name();
    }

    public ActorSystem<?> system() {
        return ctx.system();
    }

    public boolean closed() {
        return closed;
    }

    /** Every TestSource a test's nodes built, and who watches what across them. */
    public static final class Hub {
        /** By identity: a typed ActorSystem equals another of the same name (it is compared as an ActorRef, by path). */
        private final Map<ActorSystem<?>, TestSource> byNode = Collections.synchronizedMap(new IdentityHashMap<>());
        private final Map<String, Set<TestSource>> watchers = new HashMap<>();
        private int mostWatchersAtOnce;
        /** Every watch, unwatch, drain asked and drain let go, of every instance, in the order they happened. */
        private final List<HubEvent> history = new ArrayList<>();
        private boolean holdDrains;
        private final List<CompletableFuture<Done>> heldDrains = new ArrayList<>();

        /** One line of {@link #history()}: {@code kind} is {@code watch}, {@code unwatch}, {@code drain} or {@code drained}. */
        public record HubEvent(TestSource source, String kind, String symbol) {
        }

        public SourceFactory factory() {
            return ctx -> {
                TestSource s = new TestSource(ctx, this);
                byNode.put(ctx.system(), s);
                return s;
            };
        }

        /** The instance built on the node of {@code system}. */
        public TestSource on(ActorSystem<?> system) {
            TestSource s = byNode.get(system);
            if (s == null) {
                throw new AssertionError("no test source on " + system);
            }
            return s;
        }

        /** The instances watching {@code symbol} now. */
        public synchronized Set<TestSource> watchersOf(String symbol) {
            return Set.copyOf(watchers.getOrDefault(symbol, Set.of()));
        }

        /** The instance watching {@code symbol}, once exactly one does; fails after {@code within}. */
        public TestSource awaitWatched(String symbol, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                Set<TestSource> w = watchersOf(symbol);
                if (w.size() == 1) {
                    return w.iterator().next();
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(symbol + " is watched by " + w.size() + " source(s) after " + within);
                }
                Thread.sleep(10);
            }
        }

        /** The most instances that ever watched one symbol at the same moment (1 when placement holds). */
        public synchronized int mostWatchersAtOnce() {
            return mostWatchersAtOnce;
        }

        /** From now on a source's {@link #drained} waits until {@link #releaseDrains()}. */
        public synchronized void holdDrains() {
            holdDrains = true;
        }

        /** Completes every drain held, and holds none from now on. */
        public void releaseDrains() {
            List<CompletableFuture<Done>> release;
            synchronized (this) {
                holdDrains = false;
                release = new ArrayList<>(heldDrains);
                heldDrains.clear();
            }
            release.forEach(f -> f.complete(Done.getInstance()));
        }

        public synchronized List<HubEvent> history() {
            return List.copyOf(history);
        }

        private synchronized CompletionStage<Done> drain(TestSource s, String symbol) {
            history.add(new HubEvent(s, "drain", symbol));
            CompletableFuture<Done> f = new CompletableFuture<>();
            f.thenRun(() -> {
                synchronized (this) {
                    history.add(new HubEvent(s, "drained", symbol));
                }
            });
            if (holdDrains) {
                heldDrains.add(f);
            } else {
                f.complete(Done.getInstance());
            }
            return f;
        }

        private synchronized void watched(TestSource s, String symbol) {
            history.add(new HubEvent(s, "watch", symbol));
            Set<TestSource> w = watchers.computeIfAbsent(symbol, k -> new HashSet<>());
            w.add(s);
            mostWatchersAtOnce = Math.max(mostWatchersAtOnce, w.size());
        }

        private synchronized void unwatched(TestSource s, String symbol) {
            history.add(new HubEvent(s, "unwatch", symbol));
            Set<TestSource> w = watchers.get(symbol);
            if (w != null) {
                w.remove(s);
            }
        }
    }
}
