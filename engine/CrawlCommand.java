package engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import engine.sources.naver.DayReader;
import engine.sources.naver.KrxCalendar;
import engine.sources.naver.MinuteRow;
import engine.sources.naver.MinuteTicks;
import engine.sources.naver.NaverClient;
import engine.sources.naver.NaverSettings;
import engine.sources.naver.NaverSource;
import engine.sources.naver.TickerHealth;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import persistence.tickfile.TickFileWriter;

/**
 * {@code crawl --symbols 005930,000660 --date 2026-11-20 --out ticks.csv[.gz] [--url URL]}: one past
 * (or the current) day's minutes from Naver as a tick file {@code backtest} reads, with the naver
 * source's politeness (its rate, concurrency, headers, timeouts and retries from
 * {@code tickwatch.sources.naver}).
 */
final class CrawlCommand {
    private static final Pattern CODE = Pattern.compile("[0-9A-Z]{6}");

    private CrawlCommand() {
    }

    static int run(Args a) throws Exception {
        return run(a, Clock.systemUTC(), ConfigFactory.load());
    }

    static int run(Args a, Clock clock, Config root) throws Exception {
        List<String> symbols = symbols(a);
        LocalDate day;
        try {
            day = LocalDate.parse(a.required("date"));
        } catch (DateTimeParseException e) {
            throw new Args.UsageException("--date must be an ISO date like 2026-11-20, got \"" + a.required("date") + "\"");
        }
        Path out = Path.of(a.required("out"));
        String name = String.valueOf(out.getFileName()).toLowerCase(java.util.Locale.ROOT);
        if (!name.endsWith(".csv") && !name.endsWith(".csv.gz")) {
            throw new Args.UsageException("--out must end in .csv or .csv.gz, got " + out);
        }
        NaverSettings settings = NaverSettings.fromRoot(root);
        if (a.has("url")) {
            settings = settings.withUrl(a.required("url"));
        }
        KrxCalendar calendar = NaverSource.holidays(root);
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), KrxCalendar.KST);
        if (!calendar.isTradingDay(day)) {
            throw new Args.UsageException("--date " + day + " is not a trading day (a weekend or in tickwatch.market.holidays)");
        }
        LocalTime upTo = KrxCalendar.lastCompleteMinute(day, now);
        if (upTo == null) {
            throw new Args.UsageException("--date " + day + " has no complete minute yet (it is " + now.withNano(0) + " KST)");
        }
        LocalDateTime thistime = DayReader.thistime(day, now);

        long t0 = System.nanoTime();
        NaverClient client = new NaverClient(settings);
        DayReader reader = new DayReader(client);
        Map<String, TickerHealth> health = new LinkedHashMap<>();
        Map<String, Future<List<MinuteRow>>> results = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency());
        try {
            for (String code : symbols) {
                TickerHealth h = new TickerHealth();
                health.put(code, h);
                results.put(code, pool.submit(() -> reader.read(code, day, thistime, null, upTo, h)));
            }
            List<Tick> ticks = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            for (Map.Entry<String, Future<List<MinuteRow>>> e : results.entrySet()) {
                try {
                    List<MinuteRow> rows = e.getValue().get();
                    if (rows.isEmpty()) {
                        System.err.println("crawl: " + e.getKey() + ": no minutes of " + day + " on the site (it keeps about a week)");
                    }
                    ticks.addAll(MinuteTicks.ticks(e.getKey(), day, rows));
                } catch (java.util.concurrent.ExecutionException ex) {
                    failed.add(e.getKey() + ": " + ex.getCause().getMessage());
                }
            }
            ticks.sort(Comparator.comparingLong(Tick::time)); // stable: symbols in the order given within a minute
            try (TickFileWriter w = new TickFileWriter(out)) {
                for (Tick t : ticks) {
                    w.append(t);
                }
            }
            long pages = health.values().stream().mapToLong(TickerHealth::pages).sum();
            long malformed = health.values().stream().mapToLong(TickerHealth::malformed).sum();
            System.out.printf("crawl: %d symbol(s), %s, %,d minute ticks from %,d pages (%d malformed, retried) in %.1f s -> %s%n",
                    symbols.size() - failed.size(), day, ticks.size(), pages, malformed, (System.nanoTime() - t0) / 1e9, out);
            if (!failed.isEmpty()) {
                failed.forEach(f -> System.err.println("crawl: failed " + f));
                System.err.println("crawl: " + failed.size() + " symbol(s) failed and are NOT in " + out + "; crawl them again");
                return 1;
            }
            return 0;
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code --symbols}: KRX codes, comma-separated or repeated, each once, in the order given. */
    static List<String> symbols(Args a) {
        List<String> symbols = new ArrayList<>();
        for (String s : a.all("symbols")) {
            for (String part : s.split(",")) {
                String code = part.trim();
                if (code.isEmpty()) {
                    continue;
                }
                if (!CODE.matcher(code).matches()) {
                    throw new Args.UsageException("--symbols: \"" + code + "\" is not a KRX code (six digits or capitals, like 005930)");
                }
                if (!symbols.contains(code)) {
                    symbols.add(code);
                }
            }
        }
        if (symbols.isEmpty()) {
            throw new Args.UsageException("--symbols needs at least one code, like 005930,000660");
        }
        return symbols;
    }
}
