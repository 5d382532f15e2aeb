package persistence.tickfile;

import conditions.Tick;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends every tick a live node accepted to {@code <dir>/YYYY-MM-DD/<source>-trades.csv.gz}, one
 * file per source and trading day, in the tick-file format ({@link TickFileWriter}), so that
 * {@code backtest} and {@code run --replay} read it back.
 *
 * <h2>Never slows ingestion</h2>
 * {@link #record} only puts the batch on a queue and returns; one thread of its own writes. The
 * queue is bounded by ticks ({@link Settings#queueTicks}): a batch that does not fit is dropped,
 * counted ({@link #dropped()}) and logged (at most every 10 s), so a full disk or a slow one can
 * cost recorded ticks but never an entity's time. The writer takes everything queued at once and
 * writes it as one batch.
 *
 * <h2>A crash loses at most the last second</h2>
 * Every file written to is flushed (the gzip stream sync-flushed, so every byte so far is decodable)
 * at least every {@link Settings#flushInterval}. A file cut by {@code kill -9} ends inside its gzip
 * stream; {@link TickFileReader} reads it up to its last whole line. When the recorder opens such a
 * file again (the node restarted on the same trading day), it first rewrites it to its whole lines
 * ({@link TickFileRepair}), then appends a new gzip member: the file stays one readable recording.
 *
 * <h2>Trading day and roll-over</h2>
 * A tick belongs to the trading day of its own time: the date in its market's time zone, where a
 * day starts at the source's cut-off ({@link Settings#cutoffs}, default 00:00). So a file rolls over
 * while running, exactly at the cut-off, whatever the wall clock says, and a past day replayed is
 * recorded under its own date. A file nobody wrote to for {@link Settings#closeIdle} is closed
 * (the day rolled over, or the source went quiet), which writes its gzip trailer.
 */
public final class TickRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TickRecorder.class);
    private static final long MS_PER_DAY = 86_400_000L;
    private static final long OVERFLOW_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * {@code tickwatch.recording}.
     *
     * @param dir           where the day folders go ({@code <data-dir>/ticks} by default)
     * @param queueTicks    ticks that may wait for the writer; more are dropped and counted
     * @param flushInterval every file written to is flushed at least this often
     * @param closeIdle     a file not written to for this long is closed
     * @param defaultCutoff when a trading day starts, in the market's time zone, for a source without its own
     * @param cutoffs       per source name ({@code tickwatch.sources.<name>.day-cutoff})
     */
    public record Settings(boolean enabled, Path dir, int queueTicks, Duration flushInterval, Duration closeIdle,
                           LocalTime defaultCutoff, Map<String, LocalTime> cutoffs) {
        public Settings {
            cutoffs = Map.copyOf(cutoffs);
            if (queueTicks < 1) {
                throw new IllegalArgumentException("tickwatch.recording.queue-ticks must be at least 1, got " + queueTicks);
            }
            if (flushInterval.isNegative() || flushInterval.isZero()) {
                throw new IllegalArgumentException("tickwatch.recording.flush-interval must be positive");
            }
        }

        /**
         * Reads {@code tickwatch.recording} and every {@code tickwatch.sources.<name>.day-cutoff}.
         *
         * @param dataDir the node's data directory, for an empty {@code dir}
         * @throws IllegalArgumentException naming the key of a cut-off that is not {@code HH:MM}
         */
        public static Settings from(com.typesafe.config.Config root, Path dataDir) {
            com.typesafe.config.Config r = root.getConfig("tickwatch.recording");
            String dir = r.getString("dir");
            Map<String, LocalTime> cutoffs = new HashMap<>();
            if (root.hasPath("tickwatch.sources")) {
                com.typesafe.config.Config sources = root.getConfig("tickwatch.sources");
                for (String name : root.getObject("tickwatch.sources").keySet()) {
                    String key = "\"" + name + "\".day-cutoff";
                    if (sources.hasPath(key)) {
                        cutoffs.put(name, cutoff("tickwatch.sources." + name + ".day-cutoff", sources.getString(key)));
                    }
                }
            }
            return new Settings(r.getBoolean("enabled"),
                    dir.isBlank() ? dataDir.resolve("ticks") : Path.of(dir).toAbsolutePath().normalize(),
                    r.getInt("queue-ticks"), r.getDuration("flush-interval"), r.getDuration("close-idle"),
                    cutoff("tickwatch.recording.day-cutoff", r.getString("day-cutoff")), cutoffs);
        }

        private static LocalTime cutoff(String key, String value) {
            try {
                return LocalTime.parse(value.trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(key + " must be a time of day HH:MM, got \"" + value + "\"");
            }
        }

        public LocalTime cutoff(String source) {
            return cutoffs.getOrDefault(source, defaultCutoff);
        }
    }

    /** Ticks of a source, or (with a {@code kind}) rows of {@code <source>-<kind>.csv.gz} under {@code header}. */
    private record Batch(String source, List<Tick> ticks, String kind, String header, List<RecordedRow> rows) {
        Batch(String source, List<Tick> ticks) {
            this(source, ticks, null, null, List.of());
        }

        int size() {
            return ticks.size() + rows.size();
        }
    }

    /** One open file: its writer, when it was last written to, whether it holds unflushed lines. */
    private static final class Open {
        final TickFileWriter writer;
        final RowFileWriter rows;
        long lastWrite;
        boolean dirty;

        Open(TickFileWriter writer) {
            this.writer = writer;
            this.rows = null;
        }

        Open(RowFileWriter rows) {
            this.writer = null;
            this.rows = rows;
        }

        void flush() throws IOException {
            if (writer != null) {
                writer.flush();
            } else {
                rows.flush();
            }
        }

        void close() throws IOException {
            if (writer != null) {
                writer.close();
            } else {
                rows.close();
            }
        }

        long written() {
            return writer != null ? writer.written() : rows.written();
        }
    }

    private static final Batch STOP = new Batch("", List.of());

    private final Settings settings;
    private final LongSupplier nanos;
    private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile long lastOverflowLog = Long.MIN_VALUE;
    private final Map<Path, Open> open = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    private TickRecorder(Settings settings, LongSupplier nanos) {
        this.settings = settings;
        this.nanos = nanos;
        this.thread = new Thread(this::run, "tick-recorder");
        thread.setDaemon(true); // close() drains it; a daemon never holds the JVM open
    }

    /** Starts the recorder's thread. */
    public static TickRecorder start(Settings settings) {
        TickRecorder r = new TickRecorder(settings, System::nanoTime);
        r.thread.start();
        LOG.info("recording every accepted tick under {} (trading day from {} in the market's time zone{})",
                settings.dir(), settings.defaultCutoff(), settings.cutoffs().isEmpty() ? "" : "; per source " + settings.cutoffs());
        return r;
    }

    /** The file a tick of {@code source} on {@code day} goes to. */
    public static Path fileFor(Path dir, LocalDate day, String source) {
        return dir.resolve(day.toString()).resolve(safe(source) + "-trades.csv.gz");
    }

    /** The file rows of {@code kind} ({@code quotes}, {@code members}) of {@code source} on {@code day} go to. */
    public static Path fileFor(Path dir, LocalDate day, String source, String kind) {
        return dir.resolve(day.toString()).resolve(safe(source) + "-" + safe(kind) + ".csv.gz");
    }

    /**
     * The trading day of a tick: the date of its time in its market's time zone, a day starting at
     * {@code cutoff} (so with 06:00, a tick at 05:59 belongs to the day before); a market whose
     * trading day starts at a time of its own (overseas futures, 07:30) cuts there instead.
     */
    public static LocalDate tradingDay(Tick t, LocalTime cutoff) {
        return tradingDay(t.time(), t.market(), cutoff);
    }

    /** {@link #tradingDay(Tick, LocalTime)} of an instant in a market. */
    public static LocalDate tradingDay(long time, conditions.Market market, LocalTime cutoff) {
        long start = market.dayStartMillis() != 0 ? market.dayStartMillis() : cutoff.toSecondOfDay() * 1000L;
        long local = time + market.offsetMillis() - start;
        return LocalDate.ofEpochDay(Math.floorDiv(local, MS_PER_DAY));
    }

    /**
     * Queues rows of {@code source}'s {@code kind} file (quotes, member flow) and returns at once;
     * the same queue, bound and writer thread as the ticks.
     *
     * @param header the file's header line, written when the file is new
     * @return false when they were dropped (closed, or the queue is full)
     */
    public boolean recordRows(String source, String kind, String header, List<RecordedRow> rows) {
        return rows.isEmpty() || enqueue(new Batch(source, List.of(), kind, header, rows));
    }

    /**
     * Queues ticks of {@code source} for writing and returns at once; never blocks.
     *
     * @return false when they were dropped: the recorder is closed, or the queue is full (counted and logged)
     */
    public boolean record(String source, List<Tick> ticks) {
        return ticks.isEmpty() || enqueue(new Batch(source, ticks));
    }

    /** Queues a batch unless the queue (bounded by ticks and rows) is full or the recorder closed. */
    private boolean enqueue(Batch b) {
        int n = b.size();
        if (closed || queued.addAndGet(n) > settings.queueTicks()) {
            if (!closed) {
                queued.addAndGet(-n);
            }
            overflow(b.source(), n);
            return false;
        }
        queue.add(b);
        return true;
    }

    private void overflow(String source, int n) {
        long total = dropped.addAndGet(n);
        long now = nanos.getAsLong();
        long last = lastOverflowLog;
        if (last == Long.MIN_VALUE || now - last >= OVERFLOW_LOG_NANOS) {
            lastOverflowLog = now;
            LOG.warn("tick recorder {}: {} tick(s) of source {} not recorded ({} dropped so far; the writer is behind "
                    + "or stopped: tickwatch.recording.queue-ticks = {})", closed ? "closed" : "queue full", n, source,
                    total, settings.queueTicks());
        }
    }

    /** Ticks dropped because the queue was full (or the recorder closed). */
    public long dropped() {
        return dropped.get();
    }

    /** Ticks written to files (flushed within {@link Settings#flushInterval}). */
    public long written() {
        return written.get();
    }

    /** Ticks that could not be written (an I/O error, logged). */
    public long failed() {
        return failed.get();
    }

    /** The settings it runs with. */
    public Settings settings() {
        return settings;
    }

    // ---- the writer thread ----

    private void run() {
        long flushNanos = settings.flushInterval().toNanos();
        long nextFlush = nanos.getAsLong() + flushNanos;
        List<Batch> taken = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                long wait = Math.max(1, nextFlush - nanos.getAsLong());
                Batch first = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (first != null) {
                    taken.add(first);
                    queue.drainTo(taken);
                }
            } catch (InterruptedException e) {
                stop = true;
            }
            Map<String, Map<String, List<Tick>>> bySource = new java.util.LinkedHashMap<>();
            for (Batch b : taken) {
                if (b == STOP) {
                    stop = true;
                } else if (b.kind() != null) {
                    queued.addAndGet(-b.size());
                    writeRows(b);
                } else {
                    queued.addAndGet(-b.size());
                    Map<String, List<Tick>> bySymbol = bySource.computeIfAbsent(b.source(), k -> new java.util.LinkedHashMap<>());
                    for (Tick t : b.ticks()) {
                        bySymbol.computeIfAbsent(t.symbol(), k -> new ArrayList<>()).add(t);
                    }
                }
            }
            taken.clear();
            bySource.forEach((source, bySymbol) -> write(source, inTimeOrder(bySymbol)));
            long now = nanos.getAsLong();
            if (stop || now - nextFlush >= 0) {
                flushAll();
                closeIdle(now);
                nextFlush = now + flushNanos;
            }
        }
        closeAll();
    }

    /**
     * One write's ticks of one source, merged by time across symbols, each symbol's ticks in the
     * order its entity accepted them (which the model's bars depend on, so it is never changed).
     * Entities of different symbols hand their batches over independently; merging what arrived
     * together keeps a file close to time order (in order within each write, and each symbol's
     * ticks in order throughout), which is what {@code backtest} needs: its model is per symbol.
     */
    static List<Tick> inTimeOrder(Map<String, List<Tick>> bySymbol) {
        if (bySymbol.size() == 1) {
            return bySymbol.values().iterator().next();
        }
        List<List<Tick>> lists = new ArrayList<>(bySymbol.values());
        int[] at = new int[lists.size()];
        java.util.PriorityQueue<Integer> heads = new java.util.PriorityQueue<>((a, b) -> {
            int c = Long.compare(lists.get(a).get(at[a]).time(), lists.get(b).get(at[b]).time());
            return c != 0 ? c : Integer.compare(a, b);
        });
        int total = 0;
        for (int i = 0; i < lists.size(); i++) {
            heads.add(i);
            total += lists.get(i).size();
        }
        List<Tick> out = new ArrayList<>(total);
        while (!heads.isEmpty()) {
            int i = heads.poll();
            out.add(lists.get(i).get(at[i]++));
            if (at[i] < lists.get(i).size()) {
                heads.add(i);
            }
        }
        return out;
    }

    private void write(String source, List<Tick> ticks) {
        LocalTime cutoff = settings.cutoff(source);
        Path path = null;
        Open file = null;
        long now = nanos.getAsLong();
        for (Tick t : ticks) {
            Path p;
            try {
                p = fileFor(settings.dir(), tradingDay(t, cutoff), source);
            } catch (java.time.DateTimeException e) {
                failed.incrementAndGet();
                continue;
            }
            if (!p.equals(path)) {
                path = p;
                file = open(p);
            }
            if (file == null) {
                failed.incrementAndGet();
                continue;
            }
            try {
                file.writer.append(t);
                file.dirty = true;
                file.lastWrite = now;
                written.incrementAndGet();
            } catch (IOException | IllegalArgumentException e) {
                failed.incrementAndGet();
                LOG.error("tick recorder: cannot write to {}: {}", p, e.toString());
            }
        }
    }

    private void writeRows(Batch b) {
        LocalTime cutoff = settings.cutoff(b.source());
        long now = nanos.getAsLong();
        Path path = null;
        Open file = null;
        for (RecordedRow r : b.rows()) {
            Path p;
            try {
                p = fileFor(settings.dir(), tradingDay(r.time(), r.market(), cutoff), b.source(), b.kind());
            } catch (java.time.DateTimeException e) {
                failed.incrementAndGet();
                continue;
            }
            if (!p.equals(path)) {
                path = p;
                file = open(p, b.header());
            }
            if (file == null) {
                failed.incrementAndGet();
                continue;
            }
            try {
                file.rows.append(r.line());
                file.dirty = true;
                file.lastWrite = now;
                written.incrementAndGet();
            } catch (IOException e) {
                failed.incrementAndGet();
                LOG.error("tick recorder: cannot write to {}: {}", p, e.toString());
            }
        }
    }

    /** The open file at {@code p}, opened (and repaired, when a crash cut it) on first use; null when it cannot be. */
    private Open open(Path p) {
        return open(p, null);
    }

    /** {@link #open(Path)}: a tick file, or with a {@code header} a file of rows. */
    private Open open(Path p, String header) {
        Open o = open.get(p);
        if (o != null) {
            return o;
        }
        try {
            Files.createDirectories(p.getParent());
            if (Files.exists(p)) {
                TickFileRepair.Result r = TickFileRepair.keepWholeLines(p);
                if (r.repaired()) {
                    LOG.warn("tick recorder: {} was cut short (the node was killed mid-write); kept its {} whole "
                            + "line(s), dropped a partial line of {} byte(s), appending after them", p, r.lines(),
                            r.droppedBytes());
                }
            }
            o = header == null ? new Open(new TickFileWriter(p, true)) : new Open(new RowFileWriter(p, header));
            open.put(p, o);
            LOG.info("tick recorder: recording to {}", p);
            return o;
        } catch (IOException | RuntimeException e) {
            LOG.error("tick recorder: cannot open {}: {}", p, e.toString());
            return null;
        }
    }

    private void flushAll() {
        for (Map.Entry<Path, Open> e : open.entrySet()) {
            Open o = e.getValue();
            if (o.dirty) {
                try {
                    o.flush();
                    o.dirty = false;
                } catch (IOException ex) {
                    LOG.error("tick recorder: cannot flush {}: {}", e.getKey(), ex.toString());
                }
            }
        }
    }

    private void closeIdle(long now) {
        long idle = settings.closeIdle().toNanos();
        for (Iterator<Map.Entry<Path, Open>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, Open> e = it.next();
            if (now - e.getValue().lastWrite >= idle) {
                it.remove();
                closeQuietly(e.getKey(), e.getValue());
            }
        }
    }

    private void closeAll() {
        open.forEach(TickRecorder::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(Path p, Open o) {
        try {
            o.close();
            LOG.info("tick recorder: closed {} ({} line(s) written since it was opened)", p, o.written());
        } catch (IOException e) {
            LOG.error("tick recorder: cannot close {}: {}", p, e.toString());
        }
    }

    /**
     * Writes what is queued, closes every file (each gets its gzip trailer) and stops the thread;
     * a second call waits for the first.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (dropped.get() > 0) {
            LOG.warn("tick recorder: {} tick(s) were not recorded (queue full)", dropped.get());
        }
    }

    /** A source name as a file name: anything but letters, digits, '.', '_' and '-' becomes '_'. */
    static String safe(String source) {
        String s = source.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }
}
