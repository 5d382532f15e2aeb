package engine.sources;

import actors.TickerEntity.IngestResult;
import conditions.Tick;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source's way into the node, one lane per symbol: each symbol has at most one batch with the node,
 * sent again with the same key until it is stored, while its next ticks queue behind it; when it is
 * stored, what queued meanwhile goes as the symbol's next batch. Other symbols never wait for it.
 *
 * <p>Why: a source that sent every symbol's ticks in one batch, one batch at a time, waited for the
 * slowest entity of the batch. When a node died, the entities it held answered nobody until sharding
 * started them elsewhere (about 20 s), and every other symbol of the source waited with them: their
 * trades reached their (healthy) entities after the feed clock had closed the bar they belonged to,
 * and were refused as {@code late} ({@code ClusterKillIT}). Now only the dead node's symbols wait.
 *
 * <p>Backpressure: {@link #submit} completes when fewer than {@code maxQueued} ticks are queued or in
 * flight over all lanes; a source reads its next frames after that. A stuck symbol's ticks queue up to
 * that bound, then the source waits for it as before.
 */
public final class SymbolLanes {
    private static final Logger LOG = LoggerFactory.getLogger(SymbolLanes.class);

    private final SourceContext ctx;
    private final ScheduledExecutorService timer;
    private final long retryMillis;
    private final int maxQueued;
    /** Whether the source numbers its ticks (positions go with them). */
    private final boolean numbered;
    private final Map<String, Lane> lanes = new HashMap<>();
    /** Lanes with ticks queued and nothing in flight, in the order they became so. */
    private final LinkedHashSet<Lane> ready = new LinkedHashSet<>();
    /** Ticks queued or in flight, over all lanes. */
    private int queued;
    /** Who waits for a symbol's lane to empty ({@link #drained}), by symbol. */
    private final Map<String, List<CompletableFuture<Done>>> drainWaiters = new HashMap<>();
    /** Completed when {@link #queued} falls below the bound; null when nobody waits. */
    private CompletableFuture<Done> room;
    private boolean closed;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong ticksStored = new AtomicLong();

    /**
     * @param timer       where a failed batch waits {@code retryMillis} before it is sent again
     * @param maxQueued   ticks queued or in flight over all lanes before {@link #submit} holds the source back
     * @param numbered    the source numbers its ticks ({@link SourceContext#ingest(List, long[], String)}):
     *                    every {@link #submit} then passes their positions
     */
    public SymbolLanes(SourceContext ctx, ScheduledExecutorService timer, long retryMillis, int maxQueued,
                       boolean numbered) {
        this.ctx = ctx;
        this.numbered = numbered;
        this.timer = timer;
        this.retryMillis = retryMillis;
        this.maxQueued = maxQueued;
    }

    /** One symbol's queue and its batch with the node. */
    private static final class Lane {
        final String symbol;
        final List<Tick> ticks = new ArrayList<>();
        long[] positions = new long[4];
        /** The batch with the node: sent again as it is (same key) until stored. */
        Batch inFlight;

        Lane(String symbol) {
            this.symbol = symbol;
        }
    }

    private record Batch(Lane lane, List<Tick> ticks, long[] positions, String key) {
    }

    /**
     * Queues ticks (each at its symbol's lane, in order) and sends every lane that has nothing in
     * flight. {@code positions} are the ticks' numbers at the source when it numbers them, else
     * ignored (null). Completes when the source may read on.
     */
    public CompletionStage<Done> submit(List<Tick> ticks, long[] positions) {
        List<Batch> send;
        CompletableFuture<Done> wait;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(Done.getInstance());
            }
            for (int i = 0; i < ticks.size(); i++) {
                Tick t = ticks.get(i);
                Lane lane = lanes.computeIfAbsent(t.symbol(), Lane::new);
                if (numbered) {
                    if (lane.positions.length == lane.ticks.size()) {
                        lane.positions = java.util.Arrays.copyOf(lane.positions, lane.positions.length * 2);
                    }
                    lane.positions[lane.ticks.size()] = positions[i];
                }
                lane.ticks.add(t);
                if (lane.inFlight == null) {
                    ready.add(lane);
                }
            }
            queued += ticks.size();
            send = takeReady();
            if (queued < maxQueued) {
                wait = null;
            } else {
                if (room == null) {
                    room = new CompletableFuture<>();
                }
                wait = room;
            }
        }
        send.forEach(this::send);
        return wait == null ? CompletableFuture.completedFuture(Done.getInstance()) : wait;
    }

    /** Every ready lane's queue becomes its batch in flight. */
    private List<Batch> takeReady() {
        List<Batch> out = new ArrayList<>(ready.size());
        for (Lane lane : ready) {
            List<Tick> ticks = new ArrayList<>(lane.ticks);
            long[] positions = numbered ? java.util.Arrays.copyOf(lane.positions, ticks.size()) : null;
            lane.ticks.clear();
            lane.inFlight = new Batch(lane, ticks, positions, ctx.name() + "-" + UUID.randomUUID());
            out.add(lane.inFlight);
        }
        ready.clear();
        return out;
    }

    private void send(Batch b) {
        batches.incrementAndGet();
        CompletionStage<IngestResult> sent;
        try {
            sent = ctx.ingest(b.ticks(), b.positions(), b.key());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((r, e) -> {
            if (e == null) {
                stored(b);
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            if (retries.incrementAndGet() % 100 == 1) {
                LOG.warn("source \"{}\": {} tick(s) of {} not stored, sending them again in {} ms: {}", ctx.name(),
                        b.ticks().size(), b.lane().symbol, retryMillis, e.toString());
            }
            try {
                timer.schedule(() -> send(b), retryMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                stored(b); // the source is closing: nothing more goes to the node
            }
        });
    }

    /** A batch is stored: its lane sends what queued meanwhile, and the source may read on if it waited. */
    private void stored(Batch b) {
        List<Batch> next;
        CompletableFuture<Done> wake = null;
        List<CompletableFuture<Done>> drainedNow = List.of();
        synchronized (this) {
            Lane lane = b.lane();
            lane.inFlight = null;
            queued -= b.ticks().size();
            ticksStored.addAndGet(b.ticks().size());
            if (!lane.ticks.isEmpty()) {
                ready.add(lane);
            } else {
                lanes.remove(lane.symbol); // an idle symbol holds nothing
                List<CompletableFuture<Done>> w = drainWaiters.remove(lane.symbol);
                if (w != null) {
                    drainedNow = w;
                }
            }
            next = closed ? List.of() : takeReady();
            if (room != null && queued < maxQueued) {
                wake = room;
                room = null;
            }
        }
        next.forEach(this::send);
        if (wake != null) {
            wake.complete(Done.getInstance());
        }
        drainedNow.forEach(f -> f.complete(Done.getInstance()));
    }

    /**
     * Completes once every tick of {@code symbol} submitted so far has been stored (at once when none
     * waits): the source stopped taking the symbol's ticks, and its feed moves to another node only
     * after these reached the entity ({@link SourceHost#handOver}). Completes too when the lanes close.
     */
    public CompletionStage<Done> drained(String symbol) {
        synchronized (this) {
            if (!closed && lanes.containsKey(symbol)) {
                CompletableFuture<Done> f = new CompletableFuture<>();
                drainWaiters.computeIfAbsent(symbol, k -> new ArrayList<>()).add(f);
                return f;
            }
        }
        return CompletableFuture.completedFuture(Done.getInstance());
    }

    /** Ticks queued or with the node. */
    public synchronized int queued() {
        return queued;
    }

    /** Batches sent again after a failure. */
    public long retries() {
        return retries.get();
    }

    /** The counts in the source's health ({@code GET /api/sources}, {@code ingest}). */
    public synchronized Map<String, Object> view() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("queued", queued);
        m.put("symbols_in_flight", lanes.values().stream().filter(l -> l.inFlight != null).count());
        m.put("batches", batches.get());
        m.put("ticks_stored", ticksStored.get());
        m.put("retries", retries.get());
        return m;
    }

    /** Stops sending; a source waiting in {@link #submit} goes on, and so does whoever waits in {@link #drained}. */
    public void close() {
        CompletableFuture<Done> wake;
        List<CompletableFuture<Done>> drains = new ArrayList<>();
        synchronized (this) {
            closed = true;
            wake = room;
            room = null;
            drainWaiters.values().forEach(drains::addAll);
            drainWaiters.clear();
        }
        if (wake != null) {
            wake.complete(Done.getInstance());
        }
        drains.forEach(f -> f.complete(Done.getInstance()));
    }
}
