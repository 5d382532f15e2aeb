package engine;

import conditions.BarInterval;
import conditions.ConditionException;
import conditions.ConditionParser;
import conditions.ConditionSet;
import conditions.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import persistence.tickfile.TickGenerator;
import persistence.DbSettings;
import persistence.bars.BarArchive;
import persistence.daily.DailyCsv;

/**
 * The command line: {@code run} (the default) starts a node; {@code demo} one replaying a demo market; {@code backtest} replays tick files;
 * {@code generate} writes a synthetic tick file; {@code bench} measures. Exit status 0 on success,
 * 2 for a usage error, an unreadable file or invalid conditions, 1 for anything else.
 */
public final class Main {
    static final String USAGE = """
            usage: java -jar tickwatch.jar demo [--port 8080] [--speed 60] [--seed 1]  a node replaying a demo market, with alerts (start here)
                   java -jar tickwatch.jar [run] [--config FILE]  start a node (embedded H2 in ./data, admin API on 127.0.0.1:8080)
                   java -jar tickwatch.jar run --replay FILE... [--speed 1|60|max]  start a node and feed tick files through it
                   java -jar tickwatch.jar backtest --ticks FILE... --conditions FILE --out DIR [--interval 5m] [--extended-hours] [--daily FILE] [--archive [--config FILE]]
                   java -jar tickwatch.jar crawl --symbols 005930,000660 --date 2026-11-20 --out FILE.csv[.gz] [--url URL]
                   java -jar tickwatch.jar crawl-daily --symbols 005930,000660 [--days 60] --out daily.csv [--url URL]
                   java -jar tickwatch.jar generate --out FILE --ticks N [--symbols 500] [--ticks-per-day 1000000] [--seed 1]
                   java -jar tickwatch.jar bench model [--ticks 5000000] [--symbols 500] [--rounds 5]
                   java -jar tickwatch.jar bench node [--db h2|postgres] [--symbols 1000] [--seconds 30] [--rate 10000] [--tickers 20000] [--clients 4] [--warmup 30]
                   java -jar tickwatch.jar bench tickers [--tickers 100000] [--wave 10000] [--passivate-after 20s]
            """;

    private Main() {
    }

    public static void main(String[] args) {
        useCommonPool();
        System.exit(run(args));
    }

    /**
     * On a machine with 2 cores the JDK gives ForkJoinPool's common pool a parallelism of 1, and
     * then CompletableFuture runs every async stage without an executor on a NEW THREAD. Pekko's
     * typed ask completes that way, so each hit confirmation started a thread: under load hits
     * reached their sinks seconds late. Must run before anything touches the common pool.
     */
    static void useCommonPool() {
        String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(key) == null) {
            System.setProperty(key, Integer.toString(Math.max(4, Runtime.getRuntime().availableProcessors())));
        }
    }

    static int run(String[] argv) {
        List<String> args = Arrays.asList(argv);
        String command = args.isEmpty() || args.get(0).startsWith("--") ? "run" : args.get(0);
        List<String> rest = args.isEmpty() || args.get(0).startsWith("--") ? args : args.subList(1, args.size());
        try {
            return switch (command) {
                case "run" -> NodeCommand.run(rest);
                case "demo" -> DemoCommand.run(rest);
                case "backtest" -> backtest(new Args(rest, Set.of("ticks", "conditions", "out", "interval", "daily", "config"),
                        Set.of("extended-hours", "archive")));
                case "generate" -> generate(new Args(rest, Set.of("out", "ticks", "symbols", "seed", "ticks-per-day"), Set.of()));
                case "crawl" -> CrawlCommand.run(new Args(rest, Set.of("symbols", "date", "out", "url"), Set.of()));
                case "crawl-daily" -> CrawlDailyCommand.run(new Args(rest, Set.of("symbols", "days", "out", "url"), Set.of()));
                case "bench" -> BenchCommand.run(rest);
                case "help", "--help", "-h" -> {
                    System.out.print(USAGE);
                    yield 0;
                }
                default -> throw new Args.UsageException("unknown command \"" + command + "\"");
            };
        } catch (Args.UsageException | IllegalArgumentException e) {
            System.err.println("tickwatch: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        } catch (ConditionException e) {
            System.err.println("tickwatch: invalid conditions:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        } catch (NoSuchFileException e) {
            System.err.println("tickwatch: no such file: " + e.getFile());
            return 2;
        } catch (IOException e) {
            System.err.println("tickwatch: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("tickwatch: " + e);
            return 1;
        }
    }

    private static int backtest(Args a) throws IOException {
        List<Path> ticks = a.all("ticks").stream().map(Path::of).toList();
        if (ticks.isEmpty()) {
            throw new Args.UsageException("--ticks needs at least one file");
        }
        ConditionSet conditions = loadConditions(Path.of(a.required("conditions")));
        Path out = Path.of(a.required("out"));
        BarInterval interval = BarInterval.parse(a.one("interval", "5m"));
        ModelConfig config = new ModelConfig(interval, !a.has("extended-hours"), ModelConfig.DEFAULT.history());
        MarketSettings.apply(com.typesafe.config.ConfigFactory.load()); // the sessions a node with the default config uses
        String dailyFile = a.one("daily", null);
        BarArchive archive = null;
        if (a.has("archive")) {
            // the node's database, as `run --config FILE` would open it
            String configFile = a.one("config", null);
            NodeSettings node = configFile == null ? NodeSettings.load()
                    : NodeSettings.load(com.typesafe.config.ConfigFactory.parseFile(Path.of(configFile).toFile()));
            DbSettings db = node.db();
            archive = new BarArchive(() -> java.sql.DriverManager.getConnection(db.effectiveUrl(), db.user(), db.password()),
                    db).createTable();
        } else if (a.has("config")) {
            throw new Args.UsageException("--config goes with --archive");
        }
        Backtest.Summary s = Backtest.run(ticks, conditions, config, out,
                dailyFile == null ? null : DailyCsv.read(Path.of(dailyFile)), archive);
        System.out.printf("backtest: %,d ticks read, %,d accepted, rejected %s; %,d bars, %,d hits in %.2f s (%,.0f ticks/s) -> %s%n",
                s.ticksRead(), s.ticksAccepted(), s.ticksRejected(), s.bars(), s.hits(), s.elapsedSeconds(),
                s.ticksPerSecond(), out);
        for (String cut : s.cutFiles()) {
            System.out.println("backtest: " + cut + " was cut short (a recording killed mid-write); read up to its last whole line");
        }
        return 0;
    }

    /** Reads and validates a conditions file (either form); a missing or invalid file is an error. */
    static ConditionSet loadConditions(Path file) throws IOException {
        String json = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return ConditionParser.parseSet(json);
        } catch (ConditionException e) {
            throw new ConditionException(e.problems().stream().map(p -> file + ": " + p).toList());
        }
    }

    private static int generate(Args a) throws IOException {
        Path out = Path.of(a.required("out"));
        long ticks = a.number("ticks", 1_000_000);
        int symbols = (int) a.number("symbols", 500);
        long seed = a.number("seed", 1);
        long t0 = System.nanoTime();
        int perDay = (int) a.number("ticks-per-day", TickGenerator.TICKS_PER_DAY);
        long written = TickGenerator.generate(out, ticks, symbols, seed, TickGenerator.FIRST_DAY, perDay);
        System.out.printf("generate: %,d ticks for %d symbols in %.2f s -> %s%n", written, symbols,
                (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
