package engine;

import actors.TickerEntity.IngestResult;
import conditions.Tick;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.tickfile.ReadStats;
import persistence.tickfile.TickFileReader;

/**
 * {@code run --replay FILE... [--speed N|max]}: feeds tick files through a live node, in time order
 * (the files merged as {@code backtest} merges them), through the node's real ingest path
 * ({@link Node#ingest(String, List, String)}: the entities, the journal, the conditions, the sinks),
 * as source {@value #SOURCE}. A dress rehearsal of a recorded day, and a demo.
 *
 * <p><b>Pacing.</b> At speed {@code S} a tick stamped {@code t} is sent {@code (t - t0) / S} after
 * the replay started ({@code t0}: the first tick's time): {@code --speed 60} plays an hour in a
 * minute. The ticks that are due go in one batch. At {@code max} (speed 0 here) the batches are as
 * large as {@link #MAX_BATCH} and go as fast as the node stores them.
 *
 * <p><b>Backpressure and order.</b> One batch is in flight at a time and the next waits for its
 * answer (the node answers once the ticks are stored), so a symbol's ticks arrive in order and
 * nothing queues up beyond the node's own limits. A batch that fails (a timeout) is sent again with
 * the same {@code Idempotency-Key}, so a tick is never counted twice.
 */
public final class Replay {
    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);

    /** The source name replayed ticks are ingested (and recorded) under. */
    public static final String SOURCE = "replay";
    /** Ticks per batch at most. */
    static final int MAX_BATCH = 5000;
    /** Tries per batch before the replay gives up. */
    static final int TRIES = 5;

    /** The node's ingest path (a node: {@code (ticks, key) -> node.ingest(SOURCE, ticks, key)}). */
    @FunctionalInterface
    interface Ingest {
        CompletionStage<IngestResult> ingest(List<Tick> ticks, String idempotencyKey);
    }

    /** Time and waiting, so a test can pace without a wall clock. */
    interface Pacer {
        long nanoTime();

        void sleepUntil(long deadlineNanos) throws InterruptedException;

        Pacer REAL = new Pacer() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepUntil(long deadline) throws InterruptedException {
                for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(left);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            }
        };
    }

    /**
     * What a replay did.
     *
     * @param sent     ticks sent to the node (the good lines of the files)
     * @param result   the node's answers, summed
     * @param read     what the files held (malformed lines, files cut short)
     * @param seconds  how long it took
     */
    public record Summary(long sent, IngestResult result, ReadStats read, double seconds) {
    }

    private final List<Path> files;
    private final double speed;
    private final Ingest ingest;
    private final Pacer pacer;
    private final Duration askTimeout;
    private final Duration progressEvery;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);

    private final List<Tick> pending = new ArrayList<>();
    private long sent;
    private long batches;
    private IngestResult result = IngestResult.NONE;
    private long startNanos;
    private long firstTickTime = Long.MIN_VALUE;
    private long lastTickTime = Long.MIN_VALUE;
    private long lastProgress;

    /**
     * @param speed         ticks' time runs this many times faster than real time; 0 means as fast as the node takes them
     * @param askTimeout    how long to wait for the node to store one batch
     * @param progressEvery a progress line is logged this often
     */
    Replay(List<Path> files, double speed, Ingest ingest, Pacer pacer, Duration askTimeout, Duration progressEvery) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("--replay needs at least one file");
        }
        if (!(speed >= 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("--speed must be a positive number or max, got " + speed);
        }
        this.files = List.copyOf(files);
        this.speed = speed;
        this.ingest = ingest;
        this.pacer = pacer;
        this.askTimeout = askTimeout;
        this.progressEvery = progressEvery;
    }

    /** A replay into {@code node} in real time (wall clock). */
    public static Replay into(Node node, List<Path> files, double speed) {
        return new Replay(files, speed, (ticks, key) -> node.ingest(SOURCE, ticks, key), Pacer.REAL,
                node.settings().askTimeout().multipliedBy(3), Duration.ofSeconds(5));
    }

    /**
     * {@code max} as 0 (as fast as the node takes them), or a positive number.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static double parseSpeed(String s) {
        if (s.equalsIgnoreCase("max")) {
            return 0;
        }
        try {
            double v = Double.parseDouble(s);
            if (v > 0 && !Double.isInfinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--speed must be a positive number (60 plays an hour in a minute) or max, got \""
                + s + "\"");
    }

    /** Replays every file on the calling thread; returns when the last batch is stored. */
    public Summary run() throws IOException, InterruptedException {
        startNanos = pacer.nanoTime();
        lastProgress = startNanos;
        LOG.info("replay {}: {} at {}", runId, files, speed == 0 ? "max speed" : "speed " + speed);
        long[] malformed = {0};
        ReadStats read;
        try {
            read = TickFileReader.read(files, this::offer, (file, line, reason) -> {
                if (malformed[0]++ < 100) {
                    LOG.warn("replay: {}:{}: malformed tick skipped: {}", file, line, reason);
                }
            });
            send();
        } catch (Interrupted e) {
            throw e.cause;
        }
        for (String cut : read.cutFiles()) {
            LOG.warn("replay: {} was cut short (a recording killed mid-write): replayed up to its last whole line", cut);
        }
        double seconds = (pacer.nanoTime() - startNanos) / 1e9;
        Summary s = new Summary(sent, result, read, seconds);
        LOG.info("replay {} finished: {} tick(s) sent from {} file(s) in {} s; accepted {}, rejected {}{}{}", runId,
                sent, files.size(), String.format(Locale.ROOT, "%.1f", seconds), result.accepted(), result.rejected(),
                result.alreadyStored() > 0 ? ", already stored " + result.alreadyStored() : "",
                read.malformed() > 0 ? ", " + read.malformed() + " malformed line(s) skipped" : "");
        return s;
    }

    /** The reader's consumer must not throw checked exceptions: an interrupt travels in this. */
    private static final class Interrupted extends RuntimeException {
        final InterruptedException cause;

        Interrupted(InterruptedException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    private void offer(Tick t) {
        try {
            if (firstTickTime == Long.MIN_VALUE) {
                firstTickTime = t.time();
            }
            if (speed > 0) {
                long due = startNanos + (long) ((t.time() - firstTickTime) * 1e6 / speed);
                if (due - pacer.nanoTime() > 0) {
                    send(); // what is due goes now; this tick waits for its time
                    pacer.sleepUntil(due);
                }
            }
            pending.add(t);
            lastTickTime = t.time();
            if (pending.size() >= MAX_BATCH) {
                send();
            }
        } catch (InterruptedException e) {
            throw new Interrupted(e);
        }
    }

    /** Sends the pending ticks and waits until they are stored, sending them again after a failure. */
    private void send() throws InterruptedException {
        if (pending.isEmpty()) {
            return;
        }
        List<Tick> batch = List.copyOf(pending);
        pending.clear();
        String key = "replay-" + runId + ":" + batches++;
        for (int attempt = 1; ; attempt++) {
            try {
                IngestResult r = ingest.ingest(batch, key).toCompletableFuture()
                        .get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
                result = result.plus(r);
                break;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                Throwable why = e.getCause() == null ? e : e.getCause();
                if (attempt >= TRIES) {
                    throw new IllegalStateException("replay: the node did not store a batch of " + batch.size()
                            + " tick(s) after " + TRIES + " tries: " + why, why);
                }
                LOG.warn("replay: a batch of {} tick(s) failed ({}); sending it again", batch.size(), why.toString());
            }
        }
        sent += batch.size();
        long now = pacer.nanoTime();
        if (now - lastProgress >= progressEvery.toNanos()) {
            lastProgress = now;
            LOG.info("replay {}: {} tick(s) sent, at tick time {}; accepted {}, rejected {}", runId, sent,
                    Instant.ofEpochMilli(lastTickTime), result.accepted(), result.rejectedTotal());
        }
    }

    /** Ticks sent so far. */
    long sent() {
        return sent;
    }
}
