package persistence.bars;

import conditions.Bar;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the bars a node's entities close into the {@link BarArchive}, off their threads: an entity
 * hands its closed bars to {@link #closed} (a queue offer, never blocking), and one thread of its own
 * drains the queue and writes what it holds in one transaction. So the entity's hot path pays a
 * queue offer per closed bar and nothing per tick.
 *
 * <p>A full queue (the database far behind) drops bars, counted and logged: the archive serves the
 * chart and the {@code 20D_} keys, and must never hold back ticks. A failed write is tried again
 * with a pause; after {@value #ATTEMPTS} attempts its bars are dropped and counted.
 */
public final class BarArchiveWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BarArchiveWriter.class);
    static final int ATTEMPTS = 5;
    /** Bars written in one transaction at most. */
    private static final int BATCH = 10_000;
    /**
     * At most one write a second: the archive shares the journal's database, and on H2 each commit
     * writes a chunk to the file. Writing each bar as it came cost the journal so much that a loaded
     * node's registry asks timed out (bench node); once a second, a write holds thousands of bars.
     */
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final BarArchive archive;
    private final BlockingQueue<BarArchive.SymbolBar> queue;
    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closing;

    private BarArchiveWriter(BarArchive archive, int capacity) {
        this.archive = archive;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "bar-archive");
        thread.setDaemon(true);
    }

    /** Starts the writer's thread; {@code capacity} bars may wait at most. */
    public static BarArchiveWriter start(BarArchive archive, int capacity) {
        BarArchiveWriter w = new BarArchiveWriter(archive, capacity);
        w.thread.start();
        return w;
    }

    /** Queues closed bars of a symbol; returns at once. */
    public void closed(String symbol, List<Bar> bars) {
        for (Bar b : bars) {
            if (!queue.offer(new BarArchive.SymbolBar(symbol, b))) {
                if (dropped.getAndIncrement() % 10_000 == 0) {
                    LOG.warn("bar archive queue full ({} bars waiting): dropping closed bars ({} so far)",
                            queue.size(), dropped.get());
                }
            }
        }
    }

    /** Bars written so far. */
    public long written() {
        return written.get();
    }

    /** Bars dropped so far (queue full, or a write that kept failing). */
    public long dropped() {
        return dropped.get();
    }

    /** Bars waiting to be written. */
    public int waiting() {
        return queue.size();
    }

    private void run() {
        List<BarArchive.SymbolBar> batch = new ArrayList<>(BATCH);
        long lastWrite = System.nanoTime() - INTERVAL_NANOS;
        while (!closing || !queue.isEmpty()) {
            try {
                BarArchive.SymbolBar first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                long wait = lastWrite + INTERVAL_NANOS - System.nanoTime();
                if (wait > 0 && !closing) {
                    TimeUnit.NANOSECONDS.sleep(wait); // let the bars of the next second gather
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
                lastWrite = System.nanoTime();
                batch.clear();
            } catch (InterruptedException e) {
                closing = true;
            }
        }
    }

    private void write(List<BarArchive.SymbolBar> batch) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                archive.write(batch);
                written.addAndGet(batch.size());
                return;
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || closing) {
                    dropped.addAndGet(batch.size());
                    LOG.error("bar archive: dropping {} bars after {} failed writes: {}", batch.size(), attempt,
                            e.getMessage());
                    return;
                }
                LOG.warn("bar archive: write of {} bars failed (attempt {}), trying again: {}", batch.size(), attempt,
                        e.getMessage());
                Thread.sleep(200L * attempt);
            }
        }
    }

    /** Writes what is queued, then stops the thread (waits at most 10 s). */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
