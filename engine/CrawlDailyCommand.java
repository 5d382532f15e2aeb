package engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import conditions.DailyBar;
import engine.daily.DailySettings;
import engine.sources.naver.DailyReader;
import engine.sources.naver.KrxCalendar;
import engine.sources.naver.NaverClient;
import engine.sources.naver.NaverSettings;
import engine.sources.naver.NaverSource;
import engine.sources.naver.TickerHealth;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import persistence.daily.DailyCsv;

/**
 * {@code crawl-daily --symbols 005930,000660 --days 60 --out daily.csv [--url URL]}: each symbol's
 * last completed trading days from Naver (daily bars and investor flows, {@code DailyReader}, the same
 * reader the node's daily fetcher uses) as the {@link DailyCsv} file {@code backtest --daily} reads.
 * Politeness is the daily fetcher's: the naver source's client settings at {@code tickwatch.daily.rate},
 * one request at a time. A day counts once {@code tickwatch.daily.refresh-at} has passed (KST).
 */
final class CrawlDailyCommand {
    static final int MAX_DAYS = 1000;

    private CrawlDailyCommand() {
    }

    static int run(Args a) throws Exception {
        return run(a, Clock.systemUTC(), ConfigFactory.load());
    }

    static int run(Args a, Clock clock, Config root) throws Exception {
        List<String> symbols = CrawlCommand.symbols(a);
        long days = a.number("days", 60);
        if (days < 1 || days > MAX_DAYS) {
            throw new Args.UsageException("--days must be 1-" + MAX_DAYS + ", got " + days);
        }
        Path out = Path.of(a.required("out"));
        if (!String.valueOf(out.getFileName()).toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
            throw new Args.UsageException("--out must end in .csv, got " + out);
        }
        DailySettings daily = DailySettings.from(root);
        NaverSettings settings = daily.naver();
        if (a.has("url")) {
            settings = settings.withUrl(a.required("url"));
        }
        KrxCalendar calendar = NaverSource.holidays(root);
        LocalDate upTo = calendar.completedDay(LocalDateTime.ofInstant(clock.instant(), KrxCalendar.KST),
                daily.refreshAt());

        long t0 = System.nanoTime();
        DailyReader reader = new DailyReader(new NaverClient(settings));
        Map<String, List<DailyBar>> bySymbol = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        long pages = 0;
        for (String code : symbols) {
            TickerHealth h = new TickerHealth();
            try {
                List<DailyBar> got = reader.read(code, (int) days, null, upTo, h);
                if (got.size() < days) {
                    System.err.println("crawl-daily: " + code + ": " + got.size() + " trading day(s) on the site, fewer than " + days);
                }
                bySymbol.put(code, got);
            } catch (NaverClient.PageFailed e) {
                failed.add(code + ": " + e.getMessage());
            }
            pages += h.pages();
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            DailyCsv.write(w, bySymbol);
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        int rows = bySymbol.values().stream().mapToInt(List::size).sum();
        System.out.printf("crawl-daily: %d symbol(s), %,d day rows up to %s from %,d pages in %.1f s -> %s%n",
                bySymbol.size(), rows, upTo, pages, (System.nanoTime() - t0) / 1e9, out);
        if (!failed.isEmpty()) {
            failed.forEach(f -> System.err.println("crawl-daily: failed " + f));
            System.err.println("crawl-daily: " + failed.size() + " symbol(s) failed and are NOT in " + out + "; crawl them again");
            return 1;
        }
        return 0;
    }
}
