package persistence.tickfile;

import conditions.Tick;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

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
public final class TickFileReader {

    private TickFileReader() {
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
        LineSource[] sources = TickFileOpener.open(files);
        if (!background || sources.length == 0) {
            TickOut direct = new TickOut() {
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
                TickMerge.pump(sources, direct);
            } catch (IOException | RuntimeException | Error e) {
                TickFileOpener.closeAll(sources, e);
                throw e;
            }
            TickFileOpener.closeAll(sources);
            return TickFileOpener.stats(sources);
        }
        return new ParseAhead(sources, consumer, report).run();
    }
}
