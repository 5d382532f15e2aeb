package engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import conditions.ConditionSet;
import conditions.DailyBar;
import conditions.Hit;
import conditions.MarketModel;
import conditions.ModelConfig;
import conditions.ModelListener;
import conditions.SymbolState;
import conditions.TickOutcome;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.BarJson;
import persistence.HitJson;
import persistence.bars.BarArchive;
import persistence.tickfile.ReadStats;
import persistence.tickfile.TickFileReader;

/**
 * Runs recorded ticks through the same model the live node uses and writes {@code bars.jsonl},
 * {@code hits.jsonl} and {@code summary.json} to an output folder.
 */
public final class Backtest {
    /** Created on the first malformed line: starting the logging system costs a clean run ~0.2 s. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(Backtest.class);
    }
    /** Malformed lines logged one by one; past this, only counted (a broken file must not flood the log). */
    static final int LOGGED_MALFORMED = 1000;

    /**
     * What a backtest saw and produced, as written to {@code summary.json}.
     *
     * @param cutFiles tick files that were cut short (a recording killed mid-write): read up to their
     *                 last whole line (see {@link ReadStats#cutFiles()})
     */
    public record Summary(long ticksRead, long ticksAccepted, Map<String, Long> ticksRejected, long bars,
                          long hits, double elapsedSeconds, double ticksPerSecond, List<String> cutFiles) {
    }

    private Backtest() {
    }

    public static Summary run(List<Path> tickFiles, ConditionSet conditions, ModelConfig config, Path out)
            throws IOException {
        return run(tickFiles, conditions, config, out, null);
    }

    /**
     * @param daily the {@code --daily} file's days by symbol, or null: without it the daily keys
     *              other than the {@code 20D_} ones are absent
     */
    public static Summary run(List<Path> tickFiles, ConditionSet conditions, ModelConfig config, Path out,
                              Map<String, List<DailyBar>> daily) throws IOException {
        return run(tickFiles, conditions, config, out, daily, null);
    }

    /**
     * @param archive where to write every closed bar too ({@code --archive}: the node's bar archive),
     *                or null
     */
    public static Summary run(List<Path> tickFiles, ConditionSet conditions, ModelConfig config, Path out,
                              Map<String, List<DailyBar>> daily, BarArchive archive) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(out);
        try (BufferedWriter bars = Files.newBufferedWriter(out.resolve("bars.jsonl"), StandardCharsets.UTF_8);
             BufferedWriter hits = Files.newBufferedWriter(out.resolve("hits.jsonl"), StandardCharsets.UTF_8)) {
            Output output = new Output(bars, hits);
            ArchiveOutput archived = archive == null ? null : new ArchiveOutput(archive, output);
            ModelListener first = archived == null ? output : archived;
            MarketModel model;
            if (daily != null || conditions.readsDailyKeys()) {
                // only then: a backtest without daily keys keeps its listener and its speed
                BacktestDaily context = new BacktestDaily(daily == null ? Map.of() : daily, first);
                model = new MarketModel(config, conditions, context);
                model.dailyProvider(context);
            } else {
                model = new MarketModel(config, conditions, first);
            }
            long[] malformedLogged = {0};
            ReadStats stats;
            try {
                stats = TickFileReader.read(tickFiles, model::onTick, (file, line, reason) -> {
                    if (malformedLogged[0]++ < LOGGED_MALFORMED) {
                        Log.LOG.warn("{}:{}: malformed tick rejected: {}", file, line, reason);
                    } else if (malformedLogged[0] == LOGGED_MALFORMED + 1) {
                        Log.LOG.warn("more than {} malformed lines; counting the rest without logging them", LOGGED_MALFORMED);
                    }
                });
                model.closeAll();
                if (archived != null) {
                    archived.flush();
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            output.close();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Map<String, Long> rejected = new LinkedHashMap<>();
            // malformed: lines the reader refused, plus ticks the model refused (a bar volume overflow)
            rejected.put(TickOutcome.MALFORMED.key(), stats.malformed() + model.count(TickOutcome.MALFORMED));
            for (TickOutcome o : TickOutcome.values()) {
                // malformed: counted above; future: live ingest only, never in a backtest
                if (o != TickOutcome.ACCEPTED && o != TickOutcome.MALFORMED && o != TickOutcome.FUTURE) {
                    rejected.put(o.key(), model.count(o));
                }
            }
            for (String cut : stats.cutFiles()) {
                Log.LOG.warn("{} was cut short (a recording killed mid-write): read up to its last whole line", cut);
            }
            Summary summary = new Summary(stats.lines(), model.count(TickOutcome.ACCEPTED), rejected,
                    output.barCount, output.hitCount, elapsed, elapsed > 0 ? stats.lines() / elapsed : 0,
                    stats.cutFiles());
            bars.flush();
            hits.flush();
            writeSummary(out.resolve("summary.json"), summary);
            return summary;
        }
    }

    private static void writeSummary(Path file, Summary s) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ticks_read", s.ticksRead());
        m.put("ticks_accepted", s.ticksAccepted());
        m.put("ticks_rejected", s.ticksRejected());
        m.put("bars", s.bars());
        m.put("hits", s.hits());
        m.put("elapsed_seconds", Math.round(s.elapsedSeconds() * 1000) / 1000.0);
        m.put("ticks_per_second", Math.round(s.ticksPerSecond()));
        if (!s.cutFiles().isEmpty()) {
            m.put("cut_files", s.cutFiles());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), m);
    }

    /** {@code --archive}: every closed bar also goes to the bar archive, 10,000 to a transaction. */
    private static final class ArchiveOutput implements ModelListener {
        private static final int BATCH = 10_000;
        private final BarArchive archive;
        private final ModelListener next;
        private final List<BarArchive.SymbolBar> batch = new java.util.ArrayList<>(BATCH);

        ArchiveOutput(BarArchive archive, ModelListener next) {
            this.archive = archive;
            this.next = next;
        }

        @Override
        public void onBarClosed(SymbolState symbol, long barStart, double[] values) {
            batch.add(new BarArchive.SymbolBar(symbol.symbol(), symbol.history().bar(symbol.history().count() - 1)));
            if (batch.size() == BATCH) {
                flush();
            }
            next.onBarClosed(symbol, barStart, values);
        }

        @Override
        public void onHit(Hit hit) {
            next.onHit(hit);
        }

        void flush() {
            archive.write(batch);
            batch.clear();
        }
    }

    /**
     * Hands closed bars and hits to a writer thread, in batches: formatting numbers is half the work
     * of a backtest, and on its own thread it runs beside the model instead of after it. One
     * writer keeps both files in the order bars closed. An I/O error ends the run.
     */
    private static final class Output implements ModelListener, AutoCloseable {
        private static final int BATCH = 1024;
        private static final List<Object> END = List.of();

        private final BufferedWriter bars;
        private final BufferedWriter hits;
        private final java.util.concurrent.BlockingQueue<List<Object>> queue = new java.util.concurrent.ArrayBlockingQueue<>(64);
        private final Thread writer;
        private volatile IOException failure;
        private List<Object> batch = new java.util.ArrayList<>(BATCH);
        long barCount;
        long hitCount;

        private record ClosedBar(String symbol, conditions.Market market, long start, double[] values,
                                 long volumeUnits, int volumeFraction) {
        }

        Output(BufferedWriter bars, BufferedWriter hits) {
            this.bars = bars;
            this.hits = hits;
            this.writer = new Thread(this::drain, "backtest-writer");
            writer.setDaemon(true);
            writer.start();
        }

        @Override
        public void onBarClosed(SymbolState symbol, long barStart, double[] values) {
            barCount++;
            long seq = symbol.history().count() - 1;
            add(new ClosedBar(symbol.symbol(), symbol.market(), barStart, values.clone(),
                    symbol.history().volumeUnits(seq), symbol.history().volumeFraction(seq)));
        }

        @Override
        public void onHit(Hit hit) {
            hitCount++;
            add(hit);
        }

        private void add(Object item) {
            batch.add(item);
            if (batch.size() == BATCH) {
                put(batch);
                batch = new java.util.ArrayList<>(BATCH);
            }
        }

        private void put(List<Object> items) {
            if (failure != null) {
                throw new UncheckedIOException(failure);
            }
            try {
                queue.put(items);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing the backtest output", e);
            }
        }

        private void drain() {
            try {
                for (List<Object> items = queue.take(); items != END; items = queue.take()) {
                    if (failure != null) {
                        continue; // keep taking so the model never blocks on a dead writer
                    }
                    for (Object item : items) {
                        if (item instanceof ClosedBar b) {
                            bars.write(BarJson.line(b.symbol(), b.market(), b.start(), b.values(), b.volumeUnits(), b.volumeFraction()));
                            bars.write('\n');
                        } else {
                            hits.write(HitJson.line((Hit) item));
                            hits.write('\n');
                        }
                    }
                }
            } catch (IOException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Writes what is left and waits for the writer; rethrows its I/O error. */
        @Override
        public void close() throws IOException {
            if (!batch.isEmpty()) {
                put(batch);
                batch = new java.util.ArrayList<>();
            }
            put(END);
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while writing the backtest output", e);
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
