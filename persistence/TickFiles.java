package persistence;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import conditions.Market;
import conditions.Tick;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads tick files: what {@code backtest} replays and what the live node records.
 *
 * <h2>Format</h2>
 * <ul>
 *   <li><b>CSV</b> ({@code .csv}): a header line {@code time,symbol,price,volume[,cum_volume][,market]};
 *       columns are found by header name, so they may come in any order and {@code cum_volume} and
 *       {@code market} may be absent (other columns are ignored). Every data line must have as many
 *       fields as the header. No quoting; spaces around a field are ignored.</li>
 *   <li><b>JSON Lines</b> ({@code .jsonl} or {@code .ndjson}): one object per line with the same
 *       keys, e.g. {@code {"time":"2026-11-20T09:00:03.120+09:00","symbol":"005930","price":70000,
 *       "volume":10,"cum_volume":123,"market":"KRX"}}; {@code cum_volume} and {@code market} may be
 *       absent or {@code null}; other keys are ignored.</li>
 *   <li>Either may be gzip-compressed, named {@code .csv.gz}, {@code .jsonl.gz}, {@code .ndjson.gz}.
 *       The format is chosen by the file name (case-insensitive); any other name is refused.</li>
 *   <li>{@code time} is ISO-8601 with an offset, {@code 2026-11-20T09:00:03.120+09:00} or
 *       {@code 2026-11-20T00:00:03Z}: the fraction is optional with 0 to 9 digits (truncated to
 *       milliseconds), the offset is {@code Z} or {@code +HH:MM}/{@code -HH:MM} (also {@code +HH}
 *       and {@code +HH:MM:SS}); seconds may be left out: what {@link java.time.OffsetDateTime#parse}
 *       accepts for four-digit years.</li>
 *   <li>{@code price} is a decimal number ({@code 70000}, {@code 27785.05}); {@code volume} and
 *       {@code cum_volume} are integers. An empty (CSV) or null (JSON) {@code cum_volume} means the
 *       tick carries none ({@link Tick#NO_CUM}); an empty or null {@code market} means "derive it from
 *       the symbol" ({@link Market#forSymbol}).</li>
 *   <li>Blank lines are skipped. In a CSV file a line equal to the header (files joined with
 *       {@code cat}) is skipped too.</li>
 * </ul>
 *
 * <h2>Reading</h2>
 * Several files are merged in time order: a k-way merge by {@code time}, where ticks with equal
 * times come in the order the files were given, then in line order. Each file must be in time order
 * itself (this is assumed, not checked; nothing is sorted in memory).
 *
 * <p>A malformed line (wrong number of fields, a number or time that does not parse, an unknown
 * market, or a tick whose {@link Tick#problem()} is not null) is not fatal: it is reported to a
 * {@link MalformedLine} callback with the file, the 1-based line number and a specific reason, and
 * reading goes on. A file that cannot be opened or read, or a CSV file whose header lacks a required
 * column, is fatal: {@link #read} throws an {@link IOException} naming the file. All files are opened
 * (and CSV headers checked) before the first tick is delivered.
 *
 * <p>Parsing happens on a background thread (when the machine has more than one core) that hands
 * batches of ticks to the calling thread; the consumer and the malformed-line callback are always
 * called on the thread that called {@link #read}, one at a time, in the order the lines were read.
 * All the files are open at once (merging needs them), each with a read buffer of up to 1 MiB.
 */
public final class TickFiles {

    private TickFiles() {
    }

    /** Receives malformed lines; reading goes on after it returns. */
    @FunctionalInterface
    public interface MalformedLine {
        /**
         * @param file   the file as given to {@link #read} ({@link Path#toString()})
         * @param line   1-based line number in the (decompressed) file, header and blank lines included
         * @param reason what is wrong with it, e.g. {@code price "7O000" is not a number}
         */
        void report(String file, long line, String reason);
    }

    /** A {@link MalformedLine} that drops the reports (they are still counted in {@link ReadStats}). */
    public static final MalformedLine IGNORE = new MalformedLine() {
        @Override
        public void report(String file, long line, String reason) {
        }
    };

    /** Read buffer per file (less when merging many files); a line longer than this grows it. */
    static final int BUFFER_SIZE = 1 << 20;
    /** Ticks per batch handed from the parsing thread to the caller. */
    static final int BATCH = 4096;
    /** Batches in flight between the two threads. */
    static final int QUEUE_BATCHES = 4;
    /** Symbols remembered per read; more distinct symbols than this are still read, just not shared. */
    static final int MAX_CACHED_SYMBOLS = 1 << 16;

    /** Jackson, loaded only when a JSON Lines file is read (it takes tens of milliseconds to start). */
    private static final class JacksonHolder {
        static final JsonFactory FACTORY = JsonFactory.builder().build();
    }

    /**
     * Reads one file; see {@link #read(List, Consumer, MalformedLine)}.
     */
    public static ReadStats read(Path file, Consumer<? super Tick> consumer, MalformedLine onMalformed)
            throws IOException {
        return read(List.of(file), consumer, onMalformed);
    }

    /**
     * Opens the files, merges them in time order and hands every good tick to the consumer, in
     * order, on the calling thread. Malformed lines go to {@code onMalformed} (null means
     * {@link #IGNORE}). Ticks with the same symbol share one {@code String} instance.
     *
     * @return how many lines, ticks and malformed lines were seen
     * @throws IOException naming the file, when a file cannot be opened or read, is not a known tick
     *                     file type, or is a CSV file whose header lacks a required column; ticks
     *                     delivered before a read error stay delivered
     */
    public static ReadStats read(List<Path> files, Consumer<? super Tick> consumer, MalformedLine onMalformed)
            throws IOException {
        return read(files, consumer, onMalformed, Runtime.getRuntime().availableProcessors() > 1);
    }

    /** As {@link #read(List, Consumer, MalformedLine)}, choosing whether to parse on a second thread. */
    static ReadStats read(List<Path> files, Consumer<? super Tick> consumer, MalformedLine onMalformed,
                          boolean background) throws IOException {
        Objects.requireNonNull(consumer, "consumer");
        MalformedLine report = onMalformed == null ? IGNORE : onMalformed;
        Source[] sources = open(files);
        if (!background || sources.length == 0) {
            Out direct = new Out() {
                @Override
                public void tick(Tick t) {
                    consumer.accept(t);
                }

                @Override
                public void malformed(String file, long line, String reason) {
                    report.report(file, line, reason);
                }
            };
            try {
                pump(sources, direct);
            } catch (IOException | RuntimeException | Error e) {
                closeAll(sources, e);
                throw e;
            }
            closeAll(sources);
            return stats(sources);
        }
        return new Pipeline(sources, consumer, report).run();
    }

    // ---------------------------------------------------------------------------------------------
    // Opening

    enum Format { CSV, JSONL }

    /** A file's format and whether it is gzip-compressed. */
    record Kind(Format format, boolean gzip) {
    }

    /** The kind of tick file a file name asks for; null when the name is not a tick file's. */
    static Kind kindOf(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        boolean gz = n.endsWith(".gz");
        if (gz) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".csv")) {
            return new Kind(Format.CSV, gz);
        }
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return new Kind(Format.JSONL, gz);
        }
        return null;
    }

    /** The read buffer per file when merging {@code files} files: less when there are many. */
    static int bufferSize(int files) {
        if (files <= 16) {
            return BUFFER_SIZE;
        }
        return Math.max(1 << 16, Integer.highestOneBit((16 * BUFFER_SIZE) / files));
    }

    private static Source[] open(List<Path> files) throws IOException {
        Source[] sources = new Source[files.size()];
        SymbolCache symbols = new SymbolCache();
        int bufferSize = bufferSize(files.size());
        int i = 0;
        try {
            for (Path file : files) {
                sources[i] = open(file, symbols, bufferSize);
                i++;
            }
        } catch (IOException | RuntimeException | Error e) {
            closeAll(sources, e);
            throw e;
        }
        return sources;
    }

    private static Source open(Path file, SymbolCache symbols, int bufferSize) throws IOException {
        String name = file.toString();
        Kind kind = kindOf(file);
        if (kind == null) {
            throw new IOException("tick file " + name
                    + ": unknown file type (expected .csv, .jsonl or .ndjson, optionally with .gz)");
        }
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot open tick file " + name + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot open tick file " + name + ": permission denied", e);
        } catch (IOException e) {
            throw new IOException("cannot open tick file " + name + ": " + e.getMessage(), e);
        }
        try {
            if (Files.isDirectory(file)) {
                throw new IOException("cannot open tick file " + name + ": is a directory");
            }
            if (kind.gzip()) {
                try {
                    in = new GZIPInputStream(in, 1 << 16);
                } catch (IOException e) {
                    throw new IOException("cannot read tick file " + name + ": not gzip data (" + e.getMessage() + ")", e);
                }
            }
            Source s = kind.format() == Format.CSV
                    ? new CsvSource(name, in, symbols, bufferSize)
                    : new JsonlSource(name, in, symbols, bufferSize);
            s.start();
            return s;
        } catch (IOException | RuntimeException | Error e) {
            try {
                in.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Closes the sources after {@code failure}, which gets any exception from closing as suppressed. */
    private static void closeAll(Source[] sources, Throwable failure) {
        for (Source s : sources) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException | RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    private static void closeAll(Source[] sources) throws IOException {
        IOException first = null;
        for (Source s : sources) {
            if (s == null) {
                continue;
            }
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static ReadStats stats(Source[] sources) {
        long lines = 0;
        long ticks = 0;
        long malformed = 0;
        for (Source s : sources) {
            lines += s.lines;
            ticks += s.ticks;
            malformed += s.malformed;
        }
        return new ReadStats(lines, ticks, malformed);
    }

    // ---------------------------------------------------------------------------------------------
    // Merging

    /** Where parsed ticks and malformed-line reports go. */
    interface Out {
        void tick(Tick t);

        void malformed(String file, long line, String reason);
    }

    /** Drains the sources into {@code out} in time order (ties: file order, then line order). */
    static void pump(Source[] sources, Out out) throws IOException {
        for (Source s : sources) {
            s.out = out;
        }
        int k = sources.length;
        if (k == 0) {
            return;
        }
        if (k == 1) {
            Source s = sources[0];
            for (Tick t = s.next(); t != null; t = s.next()) {
                out.tick(t);
            }
            return;
        }
        Tick[] head = new Tick[k];
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < k; i++) {
            head[i] = sources[i].next();
            if (head[i] != null) {
                heap[size] = i;
                siftUp(heap, size, head);
                size++;
            }
        }
        while (size > 0) {
            int i = heap[0];
            out.tick(head[i]);
            Tick next = sources[i].next();
            if (next == null) {
                head[i] = null;
                size--;
                heap[0] = heap[size];
            } else {
                head[i] = next;
            }
            if (size > 0) {
                siftDown(heap, size, head);
            }
        }
    }

    private static boolean before(int a, int b, Tick[] head) {
        long ta = head[a].time();
        long tb = head[b].time();
        return ta < tb || (ta == tb && a < b);
    }

    private static void siftUp(int[] heap, int at, Tick[] head) {
        int x = heap[at];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (!before(x, heap[parent], head)) {
                break;
            }
            heap[at] = heap[parent];
            at = parent;
        }
        heap[at] = x;
    }

    private static void siftDown(int[] heap, int size, Tick[] head) {
        int at = 0;
        int x = heap[0];
        for (;;) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child], head)) {
                child++;
            }
            if (!before(heap[child], x, head)) {
                break;
            }
            heap[at] = heap[child];
            at = child;
        }
        heap[at] = x;
    }

    // ---------------------------------------------------------------------------------------------
    // Two threads: a parser that fills batches, the caller that consumes them

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

    private static final class Pipeline implements Out {
        private final Source[] sources;
        private final Consumer<? super Tick> consumer;
        private final MalformedLine report;
        private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
        private volatile boolean cancelled;
        private Batch current = new Batch(BATCH);

        Pipeline(Source[] sources, Consumer<? super Tick> consumer, MalformedLine report) {
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
                pump(sources, this);
                end = current;
                end.stats = stats(sources);
            } catch (Cancelled c) {
                closeAll(sources, c);
                return;
            } catch (Throwable e) {
                end = current;
                end.error = e;
            }
            Throwable closeError = null;
            try {
                closeAll(sources);
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

    // ---------------------------------------------------------------------------------------------
    // Sources: one open file each

    abstract static class Source implements Closeable {
        final String name;
        private final InputStream in;
        byte[] buf;
        /**
         * {@link #buf} for reading 8 bytes at a time, little-endian (a heap buffer's {@code getLong}
         * compiles to one load, and unlike a VarHandle costs nothing to set up).
         */
        ByteBuffer view;
        int pos;
        int limit;
        boolean eof;
        /** 1-based number of the last line taken from the buffer. */
        long lineNo;
        /** Bounds of the line found by {@link #nextLine()}, without its line break. */
        int lineStart;
        int lineEnd;
        long lines;
        long ticks;
        long malformed;
        Out out;

        Source(String name, InputStream in, int bufferSize) {
            this.name = name;
            this.in = in;
            this.buf = new byte[bufferSize];
            this.view = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Called once after opening, on the opening thread: reads whatever must be checked up front. */
        void start() throws IOException {
        }

        /** The next good tick, or null at the end of the file. */
        abstract Tick next() throws IOException;

        /** Moves the unread bytes to the front of the buffer and reads more; sets {@link #eof} at the end. */
        final void fill() throws IOException {
            int rest = limit - pos;
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, rest);
                pos = 0;
                limit = rest;
            }
            if (limit == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
                view = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
            }
            try {
                // Read until the buffer is full or the file ends: gzip hands out small pieces.
                while (limit < buf.length) {
                    int n = in.read(buf, limit, buf.length - limit);
                    if (n < 0) {
                        eof = true;
                        return;
                    }
                    limit += n;
                    if (n == 0) {
                        break;
                    }
                }
            } catch (IOException e) {
                throw new IOException("cannot read tick file " + name + " (after line " + lineNo + "): "
                        + e.getMessage(), e);
            }
        }

        /** Finds the next line into {@link #lineStart}/{@link #lineEnd}; false at the end of the file. */
        final boolean nextLine() throws IOException {
            for (;;) {
                byte[] b = buf;
                int p = pos;
                int lim = limit;
                while (p < lim && b[p] != '\n') {
                    p++;
                }
                if (p < lim) {
                    lineStart = pos;
                    lineEnd = p;
                    pos = p + 1;
                } else if (!eof) {
                    fill();
                    continue;
                } else if (pos < lim) {
                    lineStart = pos;
                    lineEnd = lim;
                    pos = lim;
                } else {
                    return false;
                }
                lineNo++;
                if (lineEnd > lineStart && buf[lineEnd - 1] == '\r') {
                    lineEnd--;
                }
                return true;
            }
        }

        /** Reports the current line as malformed; returns null for the caller's convenience. */
        final Tick bad(String reason) {
            malformed++;
            out.malformed(name, lineNo, reason);
            return null;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    static boolean isBlank(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            if (!isSpace(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** A field's text for a message: quoted, and cut short if long. */
    static String quote(byte[] b, int s, int e) {
        int n = e - s;
        String text = n > 60 ? new String(b, s, 57, StandardCharsets.UTF_8) + "..." : new String(b, s, n, StandardCharsets.UTF_8);
        return '"' + text + '"';
    }

    static String quote(String text) {
        return '"' + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + '"';
    }

    // ---------------------------------------------------------------------------------------------
    // CSV

    static final class CsvSource extends Source {
        private final SymbolCache symbols;
        private byte[] header;
        private String headerText;
        private int fields;
        private int colTime = -1;
        private int colSymbol = -1;
        private int colPrice = -1;
        private int colVolume = -1;
        private int colCum = -1;
        private int colMarket = -1;
        /** Positions of the commas of the line being parsed (as many as the header has). */
        private int[] commas = new int[0];
        /** What each column holds, {@code K_*}. */
        private byte[] kinds;
        /** A {@code LAYOUT_*} when the columns come in the usual order, else 0. */
        private int layout;

        private static final byte K_OTHER = 0;
        private static final byte K_TIME = 1;
        private static final byte K_SYMBOL = 2;
        private static final byte K_PRICE = 3;
        private static final byte K_VOLUME = 4;
        private static final byte K_CUM = 5;
        private static final byte K_MARKET = 6;
        /** {@link #layout}s: columns time,symbol,price,volume then nothing, cum_volume, or both. */
        private static final int LAYOUT_PLAIN = 1;
        private static final int LAYOUT_CUM = 2;
        private static final int LAYOUT_CUM_MARKET = 3;
        /** The markets by the codes {@link #fastMarket} returns: 0 for an empty field, then 1, 2. */
        private static final Market[] MARKET_CODES = {null, Market.KRX, Market.CRYPTO};
        /** Refill when fewer bytes than this are left, so that lines rarely cross the buffer's end. */
        private static final int WINDOW = 1 << 13;

        CsvSource(String name, InputStream in, SymbolCache symbols, int bufferSize) {
            super(name, in, bufferSize);
            this.symbols = symbols;
        }

        @Override
        void start() throws IOException {
            while (nextLine()) {
                int s = lineStart;
                if (lineNo == 1 && lineEnd - s >= 3 && buf[s] == (byte) 0xEF && buf[s + 1] == (byte) 0xBB
                        && buf[s + 2] == (byte) 0xBF) {
                    s += 3; // UTF-8 byte order mark
                }
                if (!isBlank(buf, s, lineEnd)) {
                    header(s, lineEnd);
                    return;
                }
            }
            // An empty file: no header, no ticks.
        }

        private void header(int s, int e) throws IOException {
            header = Arrays.copyOfRange(buf, s, e);
            headerText = new String(header, StandardCharsets.UTF_8);
            String[] names = headerText.split(",", -1);
            fields = names.length;
            for (int i = 0; i < names.length; i++) {
                String n = names[i].trim().toLowerCase(Locale.ROOT);
                int before;
                switch (n) {
                    case "time" -> { before = colTime; colTime = i; }
                    case "symbol" -> { before = colSymbol; colSymbol = i; }
                    case "price" -> { before = colPrice; colPrice = i; }
                    case "volume" -> { before = colVolume; colVolume = i; }
                    case "cum_volume" -> { before = colCum; colCum = i; }
                    case "market" -> { before = colMarket; colMarket = i; }
                    default -> before = -1;
                }
                if (before >= 0) {
                    throw new IOException("tick file " + name + ": header names column \"" + n + "\" twice: " + headerText);
                }
            }
            List<String> missing = new ArrayList<>();
            if (colTime < 0) {
                missing.add("time");
            }
            if (colSymbol < 0) {
                missing.add("symbol");
            }
            if (colPrice < 0) {
                missing.add("price");
            }
            if (colVolume < 0) {
                missing.add("volume");
            }
            if (!missing.isEmpty()) {
                throw new IOException("tick file " + name + ": header \"" + headerText + "\" (line " + lineNo
                        + ") lacks column(s) " + String.join(", ", missing)
                        + "; expected time,symbol,price,volume[,cum_volume][,market]");
            }
            commas = new int[fields - 1];
            kinds = new byte[fields];
            kinds[colTime] = K_TIME;
            kinds[colSymbol] = K_SYMBOL;
            kinds[colPrice] = K_PRICE;
            kinds[colVolume] = K_VOLUME;
            if (colCum >= 0) {
                kinds[colCum] = K_CUM;
            }
            if (colMarket >= 0) {
                kinds[colMarket] = K_MARKET;
            }
            if (colTime == 0 && colSymbol == 1 && colPrice == 2 && colVolume == 3) {
                if (fields == 4) {
                    layout = LAYOUT_PLAIN;
                } else if (fields == 5 && colCum == 4) {
                    layout = LAYOUT_CUM;
                } else if (fields == 6 && colCum == 4 && colMarket == 5) {
                    layout = LAYOUT_CUM_MARKET;
                }
            }
        }

        /** Where column {@code i} starts on a line starting at {@code s}, after {@link #slow()} found the commas. */
        private int columnStart(int i, int s) {
            return i == 0 ? s : commas[i - 1] + 1;
        }

        /** Where column {@code i} ends on a line ending at {@code e}, after {@link #slow()} found the commas. */
        private int columnEnd(int i, int e) {
            return i == fields - 1 ? e : commas[i];
        }

        @Override
        Tick next() throws IOException {
            if (header == null) {
                return null;
            }
            for (;;) {
                if (limit - pos < WINDOW && !eof) {
                    fill();
                }
                if (pos >= limit) {
                    if (eof) {
                        return null;
                    }
                    continue;
                }
                Tick t = fast(buf, pos, limit);
                if (t != null) {
                    lineNo++;
                    lines++;
                    ticks++;
                    return t;
                }
                t = slow();
                if (t != null) {
                    return t;
                }
            }
        }

        /**
         * Takes one line the careful way: finds its end and its commas, then parses the fields one
         * by one, reporting what is wrong. Null when the line was blank, a repeated header, malformed,
         * or when the buffer ran out (then it has been refilled and nothing was consumed).
         */
        private Tick slow() throws IOException {
            final byte[] b = buf;
            final int lim = limit;
            final int[] cm = commas;
            final int cap = cm.length;
            int p = pos;
            int nc = 0;
            while (p < lim) {
                byte c = b[p];
                if (c == '\n') {
                    break;
                }
                if (c == ',') {
                    if (nc < cap) {
                        cm[nc] = p;
                    }
                    nc++;
                }
                p++;
            }
            int s = pos;
            int e;
            if (p < lim) {
                e = p;
                pos = p + 1;
            } else if (!eof) {
                fill();
                return null;
            } else if (s < lim) {
                e = lim;
                pos = lim;
            } else {
                return null;
            }
            lineNo++;
            if (e > s && b[e - 1] == '\r') {
                e--;
            }
            if (e == s) {
                return null;
            }
            return parse(b, s, e, nc);
        }

        // --- the fast path: one pass over a well-formed line, straight from the bytes -------------

        /** End of the field just parsed by a fast-path helper. */
        private int at;
        /** The date last seen (its bytes {@code yyyy-MM-} and {@code dd}) and its day number. */
        private long lastDateWord;
        private int lastDayDigits = -1;
        private long lastDays;

        /**
         * Parses a well-formed line starting at {@code s} in one pass and moves {@link #pos} past it;
         * null (consuming nothing) when anything is unusual, so that {@link #slow()} takes it.
         */
        private Tick fast(byte[] b, int s, int lim) {
            if (layout != 0) {
                return fastInOrder(b, s, lim);
            }
            final byte[] k = kinds;
            final int last = k.length - 1;
            long time = 0;
            String symbol = null;
            Market market = null;
            double price = 0;
            long volume = 0;
            long cum = Tick.NO_CUM;
            int slot = -1;
            int p = s;
            for (int c = 0; ; c++) {
                switch (k[c]) {
                    case K_TIME -> {
                        time = fastTime(b, p, lim);
                        if (time == BAD_TIME) {
                            return null;
                        }
                    }
                    case K_SYMBOL -> {
                        slot = fastSymbol(b, p, lim);
                        if (slot < 0) {
                            return null;
                        }
                        symbol = symbols.names[slot];
                        if (market == null) {
                            market = symbols.markets[slot];
                        }
                    }
                    case K_PRICE -> {
                        price = fastDecimal(b, p, lim);
                        if (Double.isNaN(price)) {
                            return null;
                        }
                    }
                    case K_VOLUME -> {
                        volume = fastInteger(b, p, lim);
                        if (volume == BAD_LONG || at == p) {
                            return null;
                        }
                    }
                    case K_CUM -> {
                        cum = fastInteger(b, p, lim);
                        if (cum == BAD_LONG) {
                            return null;
                        }
                        if (at == p) {
                            cum = Tick.NO_CUM;
                        }
                    }
                    case K_MARKET -> {
                        int m = fastMarket(b, p, lim);
                        if (m < 0) {
                            return null;
                        }
                        if (m > 0) {
                            market = MARKET_CODES[m];
                        }
                        // empty: keep the symbol's market (a symbol column further on fills it in)
                    }
                    default -> {
                        int q = p;
                        byte x;
                        while (q < lim && (x = b[q]) != ',' && x != '\n' && x != '\r') {
                            q++;
                        }
                        at = q;
                    }
                }
                p = at;
                if (c == last) {
                    break;
                }
                if (p >= lim || b[p] != ',') {
                    return null;
                }
                p++;
            }
            return finish(b, p, lim, symbol, slot, time, price, volume, cum, market);
        }
        /**
         * The end both fast paths share: the line must end here, and the tick must pass
         * {@link Tick#problem()} (its symbol part decided once per symbol, see SymbolCache.valid);
         * otherwise {@code null} lets the careful path report the line.
         */
        private Tick finish(byte[] b, int p, int lim, String symbol, int slot, long time, double price, long volume,
                            long cum, Market market) {
            int next = afterLineEnd(b, p, lim);
            if (next < 0 || !Tick.numbersValid(price, volume, 0, cum, 0) || !symbols.valid[slot]) {
                return null;
            }
            pos = next;
            return new Tick(symbol, time, price, volume, cum, market);
        }

        /**
         * {@link #fast} for the usual layout, {@code time,symbol,price,volume[,cum_volume[,market]]}:
         * the same checks, field after field without the per-column dispatch.
         */
        private Tick fastInOrder(byte[] b, int s, int lim) {
            long time = fastTime(b, s, lim);
            int p = at;
            if (time == BAD_TIME || p >= lim || b[p] != ',') {
                return null;
            }
            p++;
            int slot = fastSymbol(b, p, lim);
            p = at;
            if (slot < 0 || p >= lim || b[p] != ',') {
                return null;
            }
            p++;
            double price = fastDecimal(b, p, lim);
            p = at;
            if (Double.isNaN(price) || p >= lim || b[p] != ',') {
                return null;
            }
            p++;
            long volume = fastInteger(b, p, lim);
            if (volume == BAD_LONG || at == p) {
                return null;
            }
            p = at;
            long cum = Tick.NO_CUM;
            Market market = symbols.markets[slot];
            if (layout >= LAYOUT_CUM) {
                if (p >= lim || b[p] != ',') {
                    return null;
                }
                p++;
                cum = fastInteger(b, p, lim);
                if (cum == BAD_LONG) {
                    return null;
                }
                if (at == p) {
                    cum = Tick.NO_CUM;
                }
                p = at;
                if (layout == LAYOUT_CUM_MARKET) {
                    if (p >= lim || b[p] != ',') {
                        return null;
                    }
                    p++;
                    int m = fastMarket(b, p, lim);
                    if (m < 0) {
                        return null;
                    }
                    if (m > 0) {
                        market = MARKET_CODES[m];
                    }
                    p = at;
                }
            }
            return finish(b, p, lim, symbols.names[slot], slot, time, price, volume, cum, market);
        }

        /** Where the next line starts if a line ends at {@code p}, else -1. */
        private int afterLineEnd(byte[] b, int p, int lim) {
            if (p >= lim) {
                return eof ? lim : -1;
            }
            byte d = b[p];
            if (d == '\n') {
                return p + 1;
            }
            if (d == '\r') {
                if (p + 1 < lim) {
                    return b[p + 1] == '\n' ? p + 2 : -1;
                }
                return eof ? lim : -1;
            }
            return -1;
        }

        /** The symbol field at {@code p}: its cache entry, or -1; sets {@link #at}. */
        private int fastSymbol(byte[] b, int p, int lim) {
            if (p + 8 <= lim) {
                // Up to 7 symbol bytes in one word: flag the ASCII bytes below '-' (the delimiters;
                // symbol characters are all above ','); the lowest flag is exact.
                long w = view.getLong(p);
                long f = (w - 0x2D2D2D2D2D2D2D2DL) & ~w & 0x8080808080808080L;
                int n = Long.numberOfTrailingZeros(f) >>> 3;
                if (f != 0 && n > 0) {
                    at = p + n;
                    return symbols.findWord(w & ((1L << (n << 3)) - 1), b, p, n);
                }
            }
            int q = p;
            int h = 0;
            byte x;
            while (q < lim && (x = b[q]) > ',') {
                h = 31 * h + x;
                q++;
            }
            at = q;
            return symbols.find(b, p, q - p, h);
        }

        /**
         * The market field at {@code p}: 0 when empty, 1 for KRX, 2 for CRYPTO (see
         * {@link #MARKET_CODES}), -1 for anything else; sets {@link #at}.
         */
        private int fastMarket(byte[] b, int p, int lim) {
            int q = p;
            while (q < lim && b[q] > ',') {
                q++;
            }
            at = q;
            int n = q - p;
            if (n == 3 && b[p] == 'K' && b[p + 1] == 'R' && b[p + 2] == 'X') {
                return 1;
            }
            if (n == 6 && b[p] == 'C' && b[p + 1] == 'R' && b[p + 2] == 'Y' && b[p + 3] == 'P' && b[p + 4] == 'T'
                    && b[p + 5] == 'O') {
                return 2;
            }
            return n == 0 ? 0 : -1;
        }

        /** End of a field that starts at {@code p}: the next comma or line break. */
        private static int fieldEnd(byte[] b, int p, int lim) {
            byte x;
            while (p < lim && (x = b[p]) != ',' && x != '\n' && x != '\r') {
                p++;
            }
            return p;
        }

        private static boolean delimiter(byte[] b, int q, int lim) {
            if (q >= lim) {
                return true;
            }
            byte x = b[q];
            return x == ',' || x == '\n' || x == '\r';
        }

        /**
         * The time field at {@code p}; sets {@link #at}. Times laid out as
         * {@code yyyy-MM-ddTHH:mm:ss.SSS} plus {@code Z} or {@code ±HH:MM} take a shortcut, and a date
         * equal to the previous line's (same bytes) is not parsed again.
         */
        private long fastTime(byte[] b, int p, int lim) {
            if (p + 24 <= lim && b[p + 4] == '-' && b[p + 7] == '-' && b[p + 10] == 'T' && b[p + 13] == ':'
                    && b[p + 16] == ':' && b[p + 19] == '.') {
                long dateWord = view.getLong(p);
                int dayDigits = (b[p + 8] & 0xFF) | (b[p + 9] & 0xFF) << 8;
                if ((dateWord != lastDateWord || dayDigits != lastDayDigits) && !date(b, p, dateWord, dayDigits)) {
                    return BAD_TIME;
                }
                int h0 = b[p + 11] - '0';
                int h1 = b[p + 12] - '0';
                int mi0 = b[p + 14] - '0';
                int mi1 = b[p + 15] - '0';
                int s0 = b[p + 17] - '0';
                int s1 = b[p + 18] - '0';
                int f0 = b[p + 20] - '0';
                int f1 = b[p + 21] - '0';
                int f2 = b[p + 22] - '0';
                int low = h0 | h1 | mi0 | mi1 | s0 | s1 | f0 | f1 | f2;
                int high = (9 - h0) | (9 - h1) | (9 - mi0) | (9 - mi1) | (9 - s0) | (9 - s1) | (9 - f0) | (9 - f1) | (9 - f2);
                byte o = b[p + 23];
                int end = -1;
                int offset = 0;
                if (o == 'Z') {
                    end = p + 24;
                } else if ((o == '+' || o == '-') && p + 29 <= lim && b[p + 26] == ':') {
                    int oh0 = b[p + 24] - '0';
                    int oh1 = b[p + 25] - '0';
                    int om0 = b[p + 27] - '0';
                    int om1 = b[p + 28] - '0';
                    low |= oh0 | oh1 | om0 | om1;
                    high |= (9 - oh0) | (9 - oh1) | (9 - om0) | (9 - om1);
                    int oh = oh0 * 10 + oh1;
                    int om = om0 * 10 + om1;
                    if (om <= 59 && oh * 60 + om <= 18 * 60) {
                        offset = (oh * 60 + om) * 60;
                        if (o == '-') {
                            offset = -offset;
                        }
                        end = p + 29;
                    }
                }
                int hour = h0 * 10 + h1;
                int minute = mi0 * 10 + mi1;
                int second = s0 * 10 + s1;
                if ((low | high) >= 0 && end >= 0 && delimiter(b, end, lim) && hour <= 23 && minute <= 59 && second <= 59) {
                    at = end;
                    return (lastDays * 86_400L + hour * 3_600 + minute * 60 + second - offset) * 1000L
                            + (f0 * 100 + f1 * 10 + f2);
                }
            }
            int e = fieldEnd(b, p, lim);
            at = e;
            return parseTime(b, p, e, null);
        }

        /** Parses the date {@code yyyy-MM-dd} at {@code p} into {@link #lastDays}; false when it is not one. */
        private boolean date(byte[] b, int p, long dateWord, int dayDigits) {
            int y0 = b[p] - '0';
            int y1 = b[p + 1] - '0';
            int y2 = b[p + 2] - '0';
            int y3 = b[p + 3] - '0';
            int mo0 = b[p + 5] - '0';
            int mo1 = b[p + 6] - '0';
            int d0 = b[p + 8] - '0';
            int d1 = b[p + 9] - '0';
            int low = y0 | y1 | y2 | y3 | mo0 | mo1 | d0 | d1;
            int high = (9 - y0) | (9 - y1) | (9 - y2) | (9 - y3) | (9 - mo0) | (9 - mo1) | (9 - d0) | (9 - d1);
            if ((low | high) < 0) {
                return false;
            }
            int year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3;
            int month = mo0 * 10 + mo1;
            int day = d0 * 10 + d1;
            if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
                return false;
            }
            lastDays = daysFromCivil(year, month, day);
            lastDateWord = dateWord;
            lastDayDigits = dayDigits;
            return true;
        }

        /** The price field at {@code p} (NaN when not a number); sets {@link #at}. */
        private double fastDecimal(byte[] b, int p, int lim) {
            if (p + 8 <= lim) {
                // Up to 8 integer digits, then maybe '.' and up to 7 fraction digits, 8 bytes at a time.
                long t = view.getLong(p) - ZEROS;
                long f = nonDigits(t);
                int n = Long.numberOfTrailingZeros(f) >>> 3;
                if (f != 0 && n > 0) {
                    int q = p + n;
                    byte x = b[q];
                    if (x == ',' || x == '\n' || x == '\r') {
                        at = q;
                        return digits(t, n);
                    }
                    if (x == '.' && q + 9 <= lim) {
                        long u = view.getLong(q + 1) - ZEROS;
                        long g = nonDigits(u);
                        int k = Long.numberOfTrailingZeros(g) >>> 3;
                        int r = q + 1 + k;
                        if (g != 0 && k > 0 && ((x = b[r]) == ',' || x == '\n' || x == '\r')) {
                            at = r;
                            return (digits(t, n) * LONG_POW10[k] + digits(u, k)) / POW10[k];
                        }
                    }
                }
            }
            int q = p;
            long m = 0;
            int d;
            while (q < lim && (d = b[q] - '0') >= 0 && d <= 9) {
                m = m * 10 + d;
                q++;
            }
            int digits = q - p;
            int fraction = 0;
            if (q < lim && b[q] == '.') {
                q++;
                int f = q;
                while (q < lim && (d = b[q] - '0') >= 0 && d <= 9) {
                    m = m * 10 + d;
                    q++;
                }
                fraction = q - f;
                digits += fraction;
            }
            if (digits == 0 || digits > 15 || !delimiter(b, q, lim)) {
                int e = fieldEnd(b, p, lim);
                at = e;
                return parseDecimal(b, p, e);
            }
            at = q;
            return fraction == 0 ? (double) m : m / POW10[fraction];
        }

        /**
         * The integer field at {@code p} ({@link #BAD_LONG} when not an integer); sets {@link #at},
         * which stays {@code p} for an empty field.
         */
        private long fastInteger(byte[] b, int p, int lim) {
            if (p + 8 <= lim) {
                long t = view.getLong(p) - ZEROS;
                long f = nonDigits(t);
                if (f != 0) {
                    int n = Long.numberOfTrailingZeros(f) >>> 3;
                    byte x = b[p + n];
                    if (x == ',' || x == '\n' || x == '\r') {
                        at = p + n;
                        return n == 0 ? 0 : digits(t, n);
                    }
                }
            }
            int q = p;
            long v = 0;
            int d;
            while (q < lim && (d = b[q] - '0') >= 0 && d <= 9) {
                v = v * 10 + d;
                q++;
            }
            if (q - p <= 18 && delimiter(b, q, lim)) {
                at = q;
                return v;
            }
            int e = fieldEnd(b, p, lim);
            at = e;
            return parseInteger(b, p, e);
        }

        /** Parses one non-empty line with {@code nc} commas; null when blank or malformed (reported). */
        private Tick parse(byte[] b, int s, int e, int nc) {
            if (nc != fields - 1) {
                if (isBlank(b, s, e)) {
                    return null;
                }
                lines++;
                return bad("expected " + fields + " fields (" + headerText + "), got " + (nc + 1));
            }
            lines++;
            // time
            int fs = columnStart(colTime, s);
            int fe = columnEnd(colTime, e);
            long time = parseTime(b, fs, fe, null);
            if (time == BAD_TIME) {
                if (isHeaderAgain(b, s, e)) {
                    lines--;
                    return null;
                }
                String[] why = new String[1];
                parseTime(b, fs, fe, why);
                return bad("time " + quote(b, trimStart(b, fs, fe), trimEnd(b, fs, fe)) + " is not ISO-8601 with an offset: " + why[0]);
            }
            // symbol
            fs = trimStart(b, columnStart(colSymbol, s), columnEnd(colSymbol, e));
            fe = trimEnd(b, fs, columnEnd(colSymbol, e));
            String symbol;
            Market derived;
            int slot = symbols.find(b, fs, fe - fs);
            if (slot >= 0) {
                symbol = symbols.names[slot];
                derived = symbols.markets[slot];
            } else {
                symbol = SymbolCache.string(b, fs, fe - fs);
                derived = Market.forSymbol(symbol);
            }
            // price
            fs = columnStart(colPrice, s);
            fe = columnEnd(colPrice, e);
            double price = parseDecimal(b, fs, fe);
            if (Double.isNaN(price)) {
                return bad(numberError("price", b, fs, fe, false));
            }
            // volume
            fs = columnStart(colVolume, s);
            fe = columnEnd(colVolume, e);
            long volume = parseInteger(b, fs, fe);
            if (volume == BAD_LONG) {
                return bad(numberError("volume", b, fs, fe, true));
            }
            // cum_volume
            long cum = Tick.NO_CUM;
            if (colCum >= 0) {
                fs = trimStart(b, columnStart(colCum, s), columnEnd(colCum, e));
                fe = trimEnd(b, fs, columnEnd(colCum, e));
                if (fe > fs) {
                    cum = parseInteger(b, fs, fe);
                    if (cum == BAD_LONG) {
                        return bad(numberError("cum_volume", b, fs, fe, true));
                    }
                }
            }
            // market
            Market market = derived;
            if (colMarket >= 0) {
                fs = trimStart(b, columnStart(colMarket, s), columnEnd(colMarket, e));
                fe = trimEnd(b, fs, columnEnd(colMarket, e));
                if (fe > fs) {
                    market = market(b, fs, fe);
                    if (market == null) {
                        String text = new String(b, fs, fe - fs, StandardCharsets.UTF_8);
                        try {
                            market = Market.parse(text);
                        } catch (IllegalArgumentException ex) {
                            return bad(ex.getMessage());
                        }
                    }
                }
            }
            Tick t = new Tick(symbol, time, price, volume, cum, market);
            String problem = t.problem();
            if (problem != null) {
                return bad(problem);
            }
            ticks++;
            return t;
        }

        private boolean isHeaderAgain(byte[] b, int s, int e) {
            return Arrays.equals(b, s, e, header, 0, header.length);
        }

        private static final byte[] KRX = "KRX".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CRYPTO = "CRYPTO".getBytes(StandardCharsets.US_ASCII);

        private static Market market(byte[] b, int s, int e) {
            if (Arrays.equals(b, s, e, KRX, 0, KRX.length)) {
                return Market.KRX;
            }
            if (Arrays.equals(b, s, e, CRYPTO, 0, CRYPTO.length)) {
                return Market.CRYPTO;
            }
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // JSON Lines

    static final class JsonlSource extends Source {
        private final SymbolCache symbols;
        private byte[] symbolBytes = new byte[32];

        JsonlSource(String name, InputStream in, SymbolCache symbols, int bufferSize) {
            super(name, in, bufferSize);
            this.symbols = symbols;
        }

        @Override
        Tick next() throws IOException {
            while (nextLine()) {
                if (isBlank(buf, lineStart, lineEnd)) {
                    continue;
                }
                lines++;
                Tick t = parse(buf, lineStart, lineEnd);
                if (t != null) {
                    ticks++;
                    return t;
                }
            }
            return null;
        }

        private Tick parse(byte[] b, int s, int e) throws IOException {
            String time = null;
            String symbol = null;
            double price = 0;
            boolean hasPrice = false;
            long volume = 0;
            boolean hasVolume = false;
            long cum = Tick.NO_CUM;
            Market market = null;
            try (JsonParser p = JacksonHolder.FACTORY.createParser(b, s, e - s)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return bad("not a JSON object");
                }
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (key) {
                        case "time" -> {
                            if (v != JsonToken.VALUE_STRING) {
                                return bad("time must be a string, got " + describe(p, v));
                            }
                            time = p.getText();
                        }
                        case "symbol" -> {
                            if (v != JsonToken.VALUE_STRING) {
                                return bad("symbol must be a string, got " + describe(p, v));
                            }
                            symbol = p.getText();
                        }
                        case "price" -> {
                            if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                                return bad("price must be a number, got " + describe(p, v));
                            }
                            price = p.getDoubleValue();
                            hasPrice = true;
                        }
                        case "volume" -> {
                            if (v != JsonToken.VALUE_NUMBER_INT) {
                                return bad("volume must be an integer, got " + describe(p, v));
                            }
                            volume = p.getLongValue();
                            hasVolume = true;
                        }
                        case "cum_volume" -> {
                            if (v == JsonToken.VALUE_NULL) {
                                cum = Tick.NO_CUM;
                            } else if (v == JsonToken.VALUE_NUMBER_INT) {
                                cum = p.getLongValue();
                            } else {
                                return bad("cum_volume must be an integer or null, got " + describe(p, v));
                            }
                        }
                        case "market" -> {
                            if (v == JsonToken.VALUE_NULL) {
                                market = null;
                            } else if (v == JsonToken.VALUE_STRING) {
                                String m = p.getText();
                                if (m.equals("KRX")) {
                                    market = Market.KRX;
                                } else if (m.equals("CRYPTO")) {
                                    market = Market.CRYPTO;
                                } else if (m.isBlank()) {
                                    market = null;
                                } else {
                                    try {
                                        market = Market.parse(m);
                                    } catch (IllegalArgumentException ex) {
                                        return bad(ex.getMessage());
                                    }
                                }
                            } else {
                                return bad("market must be a string or null, got " + describe(p, v));
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
                if (t != JsonToken.END_OBJECT) {
                    return bad("not a JSON object");
                }
                if (p.nextToken() != null) {
                    return bad("unexpected content after the JSON object");
                }
            } catch (JsonProcessingException ex) {
                return bad("invalid JSON: " + ex.getOriginalMessage());
            }
            if (time == null) {
                return bad("missing \"time\"");
            }
            if (symbol == null) {
                return bad("missing \"symbol\"");
            }
            if (!hasPrice) {
                return bad("missing \"price\"");
            }
            if (!hasVolume) {
                return bad("missing \"volume\"");
            }
            byte[] tb = time.getBytes(StandardCharsets.ISO_8859_1);
            long ms = parseTime(tb, 0, tb.length, null);
            if (ms == BAD_TIME) {
                String[] why = new String[1];
                parseTime(tb, 0, tb.length, why);
                return bad("time " + quote(time) + " is not ISO-8601 with an offset: " + why[0]);
            }
            String shared = share(symbol);
            Tick tick = new Tick(shared, ms, price, volume, cum, market);
            String problem = tick.problem();
            if (problem != null) {
                return bad(problem);
            }
            return tick;
        }

        /** The cache's instance of an ASCII symbol (shared with the other files), else the symbol itself. */
        private String share(String symbol) {
            int n = symbol.length();
            if (n > symbolBytes.length) {
                symbolBytes = new byte[Math.max(n, 2 * symbolBytes.length)];
            }
            for (int i = 0; i < n; i++) {
                char c = symbol.charAt(i);
                if (c >= 0x80) {
                    return symbol;
                }
                symbolBytes[i] = (byte) c;
            }
            int entry = symbols.find(symbolBytes, 0, n);
            return entry < 0 ? symbol : symbols.names[entry];
        }

        private static String describe(JsonParser p, JsonToken v) throws IOException {
            if (v == null) {
                return "nothing";
            }
            return switch (v) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case VALUE_NULL -> "null";
                case VALUE_STRING -> "the string " + quote(p.getText());
                default -> p.getText();
            };
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Symbols: the same bytes give the same String instance, without allocating

    /**
     * Symbols met during one read, shared by all its files: the same bytes give the same
     * {@code String} instance (so the model's map lookups hit on identity) without allocating, plus
     * the symbol's derived market and whether it is a valid symbol, computed once.
     */
    static final class SymbolCache {
        // Entries, numbered in order of arrival: what a lookup returns.
        String[] names = new String[64];
        Market[] markets = new Market[64];
        /**
         * Whether the symbol passes {@link Tick#problem()}'s symbol checks: a tick with this symbol
         * is well formed exactly when its price, volume and cum_volume are.
         */
        boolean[] valid = new boolean[64];
        private byte[][] keys = new byte[64][];
        private int[] hashes = new int[64];
        private int size;

        // Open addressing by bytes: entry + 1, or 0 for a free cell.
        private int[] table = new int[128];
        // Open addressing for symbols of up to 7 bytes by their bytes as a little-endian word.
        private long[] words = new long[128];
        private int[] wordEntries = new int[128];
        private int wordCount;

        /** The entry for these bytes (added if new), or -1 when the cache is full. */
        int find(byte[] b, int s, int len) {
            int h = 0;
            for (int i = s, e = s + len; i < e; i++) {
                h = 31 * h + b[i];
            }
            return find(b, s, len, h);
        }

        /** As {@link #find(byte[], int, int)} given {@code h}, the bytes' {@code 31 * h + b} hash. */
        int find(byte[] b, int s, int len, int h) {
            int[] t = table;
            int mask = t.length - 1;
            int i = mix(h) & mask;
            for (;;) {
                int entry = t[i] - 1;
                if (entry < 0) {
                    return add(i, h, b, s, len);
                }
                if (hashes[entry] == h && keys[entry].length == len && same(keys[entry], b, s, len)) {
                    return entry;
                }
                i = (i + 1) & mask;
            }
        }

        /**
         * As {@link #find(byte[], int, int)} for a symbol of 1-7 bytes also given as {@code key},
         * its bytes in a little-endian word (higher bytes zero; symbol bytes are never zero).
         */
        int findWord(long key, byte[] b, int s, int len) {
            long[] ws = words;
            int mask = ws.length - 1;
            int i = mixWord(key) & mask;
            for (;;) {
                long k = ws[i];
                if (k == key) {
                    return wordEntries[i];
                }
                if (k == 0) {
                    int entry = find(b, s, len);
                    if (entry >= 0) {
                        if (2 * (wordCount + 1) > ws.length) {
                            growWords();
                            return findWord(key, b, s, len);
                        }
                        ws[i] = key;
                        wordEntries[i] = entry;
                        wordCount++;
                    }
                    return entry;
                }
                i = (i + 1) & mask;
            }
        }

        private static int mix(int h) {
            h *= 0x9E3779B9;
            return h ^ (h >>> 16);
        }

        private static int mixWord(long key) {
            return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40);
        }

        private static boolean same(byte[] k, byte[] b, int s, int len) {
            for (int j = 0; j < len; j++) {
                if (k[j] != b[s + j]) {
                    return false;
                }
            }
            return true;
        }

        private int add(int cell, int h, byte[] b, int s, int len) {
            if (size >= MAX_CACHED_SYMBOLS) {
                return -1;
            }
            if (2 * (size + 1) > table.length) {
                growTable();
                return find(b, s, len, h);
            }
            if (size == names.length) {
                int n = size * 2;
                names = Arrays.copyOf(names, n);
                markets = Arrays.copyOf(markets, n);
                valid = Arrays.copyOf(valid, n);
                keys = Arrays.copyOf(keys, n);
                hashes = Arrays.copyOf(hashes, n);
            }
            int entry = size++;
            String name = string(b, s, len);
            names[entry] = name;
            markets[entry] = Market.forSymbol(name);
            valid[entry] = new Tick(name, 0L, 1.0, 0L, Tick.NO_CUM, null).problem() == null;
            keys[entry] = Arrays.copyOfRange(b, s, s + len);
            hashes[entry] = h;
            table[cell] = entry + 1;
            return entry;
        }

        private void growTable() {
            int n = table.length * 2;
            int[] t = new int[n];
            for (int entry = 0; entry < size; entry++) {
                int i = mix(hashes[entry]) & (n - 1);
                while (t[i] != 0) {
                    i = (i + 1) & (n - 1);
                }
                t[i] = entry + 1;
            }
            table = t;
        }

        private void growWords() {
            long[] oldWords = words;
            int[] oldEntries = wordEntries;
            int n = oldWords.length * 2;
            long[] ws = new long[n];
            int[] es = new int[n];
            for (int j = 0; j < oldWords.length; j++) {
                long key = oldWords[j];
                if (key != 0) {
                    int i = mixWord(key) & (n - 1);
                    while (ws[i] != 0) {
                        i = (i + 1) & (n - 1);
                    }
                    ws[i] = key;
                    es[i] = oldEntries[j];
                }
            }
            words = ws;
            wordEntries = es;
        }

        static String string(byte[] b, int s, int len) {
            for (int i = s, e = s + len; i < e; i++) {
                if (b[i] < 0) {
                    return new String(b, s, len, StandardCharsets.UTF_8);
                }
            }
            return new String(b, s, len, StandardCharsets.ISO_8859_1);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Field parsers, straight from bytes

    /** What {@link #parseTime} returns for text that is not a time (no 4-digit year gets near it). */
    static final long BAD_TIME = Long.MIN_VALUE;
    /** What {@link #parseInteger} returns for text that is not an integer in range. */
    static final long BAD_LONG = Long.MIN_VALUE;

    static int trimStart(byte[] b, int s, int e) {
        while (s < e && (b[s] == ' ' || b[s] == '\t')) {
            s++;
        }
        return s;
    }

    static int trimEnd(byte[] b, int s, int e) {
        while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
            e--;
        }
        return e;
    }

    private static int digit(byte[] b, int i) {
        int d = b[i] - '0';
        return d >= 0 && d <= 9 ? d : -1;
    }

    /** Two digits at {@code i} (which must be before {@code e}), or -1. */
    private static int d2(byte[] b, int i, int e) {
        if (i + 2 > e) {
            return -1;
        }
        int x = b[i] - '0';
        int y = b[i + 1] - '0';
        if (x < 0 || x > 9 || y < 0 || y > 9) {
            return -1;
        }
        return x * 10 + y;
    }

    private static long fail(String[] why, String reason) {
        if (why != null) {
            why[0] = reason;
        }
        return BAD_TIME;
    }

    /**
     * Parses {@code yyyy-MM-ddTHH:mm[:ss[.f{0,9}]](Z|±HH[:MM[:SS]])} to epoch milliseconds, the
     * fraction truncated to milliseconds; {@link #BAD_TIME} when it is not one, with the reason in
     * {@code why[0]} if {@code why} is given. Spaces around the text are ignored.
     */
    static long parseTime(byte[] b, int s, int e, String[] why) {
        s = trimStart(b, s, e);
        e = trimEnd(b, s, e);
        if (e == s) {
            return fail(why, "it is empty");
        }
        String shape = "expected yyyy-MM-ddTHH:mm:ss[.fff](Z|+HH:MM|-HH:MM)";
        int y1 = d2(b, s, e);
        int y2 = d2(b, s + 2, e);
        if (y1 < 0 || y2 < 0 || s + 16 > e || b[s + 4] != '-' || b[s + 7] != '-' || b[s + 13] != ':') {
            return fail(why, shape);
        }
        int year = y1 * 100 + y2;
        int month = d2(b, s + 5, e);
        int day = d2(b, s + 8, e);
        byte t = b[s + 10];
        int hour = d2(b, s + 11, e);
        int minute = d2(b, s + 14, e);
        if (month < 0 || day < 0 || (t != 'T' && t != 't') || hour < 0 || minute < 0) {
            return fail(why, shape);
        }
        int i = s + 16;
        int second = 0;
        int millis = 0;
        if (i < e && b[i] == ':') {
            second = d2(b, i + 1, e);
            if (second < 0) {
                return fail(why, shape);
            }
            i += 3;
            if (i < e && b[i] == '.') {
                i++;
                int k = 0;
                int d;
                while (i < e && (d = digit(b, i)) >= 0) {
                    if (k < 3) {
                        millis = millis * 10 + d;
                    }
                    k++;
                    i++;
                }
                if (k > 9) {
                    return fail(why, "more than 9 digits of fraction");
                }
                if (k == 1) {
                    millis *= 100;
                } else if (k == 2) {
                    millis *= 10;
                }
            }
        }
        if (i >= e) {
            return fail(why, "no offset (add Z or +HH:MM)");
        }
        int offset;
        byte c = b[i];
        if (c == 'Z' || c == 'z') {
            offset = 0;
            i++;
        } else if (c == '+' || c == '-') {
            int oh = d2(b, i + 1, e);
            if (oh < 0) {
                return fail(why, "bad offset, expected Z or +HH:MM");
            }
            i += 3;
            int om = 0;
            int os = 0;
            if (i < e && b[i] == ':') {
                om = d2(b, i + 1, e);
                if (om < 0) {
                    return fail(why, "bad offset, expected Z or +HH:MM");
                }
                i += 3;
                if (i < e && b[i] == ':') {
                    os = d2(b, i + 1, e);
                    if (os < 0) {
                        return fail(why, "bad offset, expected Z or +HH:MM");
                    }
                    i += 3;
                }
            }
            if (om > 59 || os > 59 || oh * 3600 + om * 60 + os > 18 * 3600) {
                return fail(why, "offset out of range");
            }
            offset = oh * 3600 + om * 60 + os;
            if (c == '-') {
                offset = -offset;
            }
        } else {
            return fail(why, "bad offset, expected Z or +HH:MM");
        }
        if (i != e) {
            return fail(why, "unexpected text after the offset");
        }
        if (month < 1 || month > 12) {
            return fail(why, "month " + month + " out of range");
        }
        if (day < 1 || day > daysInMonth(year, month)) {
            return fail(why, "day " + day + " out of range");
        }
        if (hour > 23) {
            return fail(why, "hour " + hour + " out of range");
        }
        if (minute > 59) {
            return fail(why, "minute " + minute + " out of range");
        }
        if (second > 59) {
            return fail(why, "second " + second + " out of range");
        }
        long days = daysFromCivil(year, month, day);
        long secs = days * 86_400L + hour * 3_600L + minute * 60L + second - offset;
        return secs * 1000L + millis;
    }

    static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yoe = y - era * 400;
        int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097L + doe - 719_468L;
    }

    /** {@code '0'} in every byte. */
    static final long ZEROS = 0x3030303030303030L;

    /**
     * Given 8 bytes minus {@link #ZEROS}, flags (high bit) the bytes that were not ASCII digits; the
     * lowest flag is exact (bytes above a non-digit may be flagged wrongly, which does not matter).
     */
    static long nonDigits(long t) {
        return ((t + 0x7676767676767676L) | t) & 0x8080808080808080L;
    }

    /** The value of the first {@code n} (1-8) bytes of {@code t}, digits minus '0', first most significant. */
    static long digits(long t, int n) {
        long x = t << ((8 - n) << 3);
        x = ((x & 0x0F0F0F0F0F0F0F0FL) * 2561) >>> 8;
        x = ((x & 0x00FF00FF00FF00FFL) * 6553601) >>> 16;
        return ((x & 0x0000FFFF0000FFFFL) * 42949672960001L) >>> 32;
    }

    private static final long[] LONG_POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    /**
     * Parses {@code [+-]digits[.digits]} (or with an exponent); NaN when it is not a number. Up to
     * 15 significant digits it is one correctly rounded division of the digits by a power of ten;
     * longer numbers and exponents go through {@link Double#parseDouble}.
     */
    static double parseDecimal(byte[] b, int s, int e) {
        s = trimStart(b, s, e);
        e = trimEnd(b, s, e);
        int i = s;
        boolean negative = false;
        if (i < e && (b[i] == '-' || b[i] == '+')) {
            negative = b[i] == '-';
            i++;
        }
        long mantissa = 0;
        int significant = 0;
        int fraction = 0;
        boolean dot = false;
        boolean anyDigit = false;
        for (; i < e; i++) {
            int d = b[i] - '0';
            if (d >= 0 && d <= 9) {
                anyDigit = true;
                if (dot) {
                    fraction++;
                }
                if (mantissa == 0 && d == 0) {
                    continue;
                }
                mantissa = mantissa * 10 + d;
                if (++significant > 15) {
                    return slowDecimal(b, s, e);
                }
            } else if (b[i] == '.' && !dot) {
                dot = true;
            } else if (b[i] == 'e' || b[i] == 'E') {
                return slowDecimal(b, s, e);
            } else {
                return Double.NaN;
            }
        }
        if (!anyDigit) {
            return Double.NaN;
        }
        if (fraction >= POW10.length) {
            return slowDecimal(b, s, e);
        }
        double v = fraction == 0 ? (double) mantissa : mantissa / POW10[fraction];
        return negative ? -v : v;
    }

    private static double slowDecimal(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
                return Double.NaN;
            }
        }
        try {
            return Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
    }

    /** Parses {@code [+-]digits}; {@link #BAD_LONG} when it is not an integer or out of range. */
    static long parseInteger(byte[] b, int s, int e) {
        s = trimStart(b, s, e);
        e = trimEnd(b, s, e);
        int i = s;
        boolean negative = false;
        if (i < e && (b[i] == '-' || b[i] == '+')) {
            negative = b[i] == '-';
            i++;
        }
        if (i == e) {
            return BAD_LONG;
        }
        if (e - i > 18) {
            return slowInteger(b, s, e);
        }
        long v = 0;
        for (; i < e; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return BAD_LONG;
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    private static long slowInteger(byte[] b, int s, int e) {
        try {
            long v = Long.parseLong(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
            return v == BAD_LONG ? BAD_LONG : v;
        } catch (NumberFormatException ex) {
            return BAD_LONG;
        }
    }

    /** Why a number field did not parse. */
    static String numberError(String field, byte[] b, int s, int e, boolean integer) {
        s = trimStart(b, s, e);
        e = trimEnd(b, s, e);
        if (s == e) {
            return field + " is empty";
        }
        if (integer) {
            int i = s;
            if (b[i] == '-' || b[i] == '+') {
                i++;
            }
            boolean digits = i < e;
            for (int j = i; j < e; j++) {
                digits &= b[j] >= '0' && b[j] <= '9';
            }
            if (digits) {
                return field + " " + quote(b, s, e) + " is out of range";
            }
            return field + " " + quote(b, s, e) + " is not an integer";
        }
        return field + " " + quote(b, s, e) + " is not a number";
    }
}
