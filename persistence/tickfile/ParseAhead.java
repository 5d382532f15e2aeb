package persistence.tickfile;

import conditions.Tick;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Parsing on a second thread: a daemon thread ({@code tick-file-reader}) merges and parses the files
 * into batches of ticks, each carrying the malformed-line reports that came before its ticks; the
 * thread that called {@link TickFileReader#read} takes the batches and calls the consumer and the
 * malformed-line callback, in line order. A few batches in flight keep both threads busy; when the
 * caller stops (its consumer threw, or it was interrupted), the parsing thread stops at its next batch
 * and closes the files.
 */
final class ParseAhead implements TickOut {

    /** Ticks per batch handed from the parsing thread to the caller. */
    static final int BATCH = 4096;
    /** Batches in flight between the two threads. */
    static final int QUEUE_BATCHES = 4;

    private static final class Batch {
        final Tick[] ticks;
        int size;
        /** Malformed lines, each to be reported before {@code ticks[index]}. */
        List<Report> reports;
        boolean last;
        Throwable error;
        ReadStats stats;

        Batch(int capacity) {
            ticks = new Tick[capacity];
        }
    }

    private record Report(int index, String file, long line, String reason) {
    }

    /** Thrown inside the parsing thread when the caller has gone away. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    private final LineSource[] sources;
    private final Consumer<? super Tick> consumer;
    private final TickFileReader.MalformedLine report;
    private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
    private volatile boolean cancelled;
    private Batch current = new Batch(BATCH);

    ParseAhead(LineSource[] sources, Consumer<? super Tick> consumer, TickFileReader.MalformedLine report) {
        this.sources = sources;
        this.consumer = consumer;
        this.report = report;
    }

    @Override
    public void tick(Tick t) {
        Batch b = current;
        b.ticks[b.size++] = t;
        if (b.size == b.ticks.length) {
            hand(b);
            current = new Batch(BATCH);
        }
    }

    @Override
    public void malformed(String file, long line, String reason) {
        Batch b = current;
        if (b.reports == null) {
            b.reports = new ArrayList<>();
        }
        b.reports.add(new Report(b.size, file, line, reason));
    }

    private void hand(Batch b) {
        if (cancelled) {
            throw new Cancelled();
        }
        try {
            while (!queue.offer(b, 50, TimeUnit.MILLISECONDS)) {
                if (cancelled) {
                    throw new Cancelled();
                }
            }
        } catch (InterruptedException e) {
            throw new Cancelled();
        }
    }

    private void produce() {
        Batch end;
        try {
            TickMerge.pump(sources, this);
            end = current;
            end.stats = TickFileOpener.stats(sources);
        } catch (Cancelled c) {
            TickFileOpener.closeAll(sources, c);
            return;
        } catch (Throwable e) {
            end = current;
            end.error = e;
        }
        Throwable closeError = null;
        try {
            TickFileOpener.closeAll(sources);
        } catch (IOException e) {
            closeError = e;
        }
        if (end.error == null && closeError != null) {
            end.error = closeError;
        }
        end.last = true;
        try {
            hand(end);
        } catch (Cancelled ignored) {
            // nobody is listening any more
        }
    }

    ReadStats run() throws IOException {
        Thread parser = new Thread(new Runnable() {
            @Override
            public void run() {
                produce();
            }
        }, "tick-file-reader");
        parser.setDaemon(true);
        parser.start();
        boolean done = false;
        try {
            for (;;) {
                Batch b;
                try {
                    b = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading tick files");
                }
                deliver(b);
                if (b.last) {
                    done = true;
                    if (b.error != null) {
                        throw rethrow(b.error);
                    }
                    return b.stats;
                }
            }
        } finally {
            if (!done) {
                cancelled = true;
                queue.clear();
            }
            try {
                parser.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void deliver(Batch b) {
        Tick[] ticks = b.ticks;
        int n = b.size;
        List<Report> reports = b.reports;
        if (reports == null) {
            for (int i = 0; i < n; i++) {
                consumer.accept(ticks[i]);
            }
            return;
        }
        int r = 0;
        for (int i = 0; i < n; i++) {
            while (r < reports.size() && reports.get(r).index() == i) {
                Report x = reports.get(r++);
                report.report(x.file(), x.line(), x.reason());
            }
            consumer.accept(ticks[i]);
        }
        while (r < reports.size()) {
            Report x = reports.get(r++);
            report.report(x.file(), x.line(), x.reason());
        }
    }

    private static IOException rethrow(Throwable e) {
        if (e instanceof IOException io) {
            return new IOException(io.getMessage(), io);
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new IOException(e);
    }
}
